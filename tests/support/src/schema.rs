//! Do a service's migrations build the tables its `src/db/schema.rs` declares? The `table!`
//! text is read for table names, column names, nullability and type, and compared with what
//! the migrations left in a fresh database (SQLite `pragma_table_info`, PostgreSQL
//! `information_schema.columns`). Diesel checks none of this: a column renamed in one
//! migration folder only fails at the first query that reads it.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use diesel::sql_types::{BigInt, Text};
use diesel::{Connection, PgConnection, QueryableByName, RunQueryDsl, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use crate::database::{TempDir, TestDatabase};

/// One column: its type as schema.rs names it (`BigInt`) or as the database declares it
/// (`BIGINT`, `timestamp without time zone`), and whether it may be NULL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub sql_type: String,
    pub nullable: bool,
}

/// Table name → column name → column.
pub type Tables = BTreeMap<String, BTreeMap<String, Column>>;

/// The tables of a schema.rs text (`diesel::table!` blocks).
pub fn declared(schema_rs: &str) -> Result<Tables, String> {
    let mut tables = Tables::new();
    let mut rest = schema_rs;
    while let Some(at) = rest.find("table!") {
        let after = &rest[at + "table!".len()..];
        let open = after.find('{').ok_or("`table!` without `{`")?;
        let header_end = after[open + 1..]
            .find('{')
            .ok_or("`table!` without a column block")?;
        let header = after[open + 1..open + 1 + header_end].trim();
        let name = header
            .split(|c: char| c == '(' || c.is_whitespace())
            .next()
            .unwrap_or_default();
        let body_start = open + 1 + header_end + 1;
        let body_len = after[body_start..]
            .find('}')
            .ok_or_else(|| format!("table {name}: no `}}`"))?;
        let mut columns = BTreeMap::new();
        // `#[sql_name = "type"]` names the database column of the next line.
        let mut sql_name: Option<String> = None;
        for line in after[body_start..body_start + body_len].lines() {
            let line = line.trim();
            if let Some(n) = line
                .strip_prefix("#[sql_name")
                .and_then(|a| a.split('"').nth(1))
            {
                sql_name = Some(n.to_string());
                continue;
            }
            if line.is_empty() || line.starts_with("//") || line.starts_with('#') {
                continue;
            }
            let (column, sql_type) = line
                .trim_end_matches(',')
                .split_once("->")
                .ok_or_else(|| format!("table {name}: cannot read `{line}`"))?;
            let sql_type = sql_type.trim();
            let (sql_type, nullable) = match sql_type
                .strip_prefix("Nullable<")
                .and_then(|t| t.strip_suffix('>'))
            {
                Some(inner) => (inner, true),
                None => (sql_type, false),
            };
            let column = sql_name
                .take()
                .unwrap_or_else(|| column.trim().trim_start_matches("r#").to_string());
            columns.insert(
                column,
                Column {
                    // `diesel::sql_types::Text` and `Text` are one type.
                    sql_type: sql_type.rsplit("::").next().unwrap_or(sql_type).to_string(),
                    nullable,
                },
            );
        }
        tables.insert(name.to_string(), columns);
        rest = &after[body_start + body_len..];
    }
    if tables.is_empty() {
        return Err("no `table!` found".to_string());
    }
    Ok(tables)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// Whether the database's declared type holds what diesel reads as schema.rs's type. SQLite
/// goes by its type affinity rules (any `…INT…` is an integer; diesel stores `Bool` as an
/// integer and `Timestamp` as text); PostgreSQL types must be the very one.
pub fn type_matches(backend: Backend, declared: &str, actual: &str) -> bool {
    let actual = actual.to_ascii_lowercase();
    let any = |names: &[&str]| names.iter().any(|n| actual.contains(n));
    match backend {
        Backend::Sqlite => match declared {
            "Text" | "VarChar" => any(&["char", "clob", "text"]),
            "SmallInt" | "Integer" | "BigInt" => actual.contains("int"),
            "Bool" => any(&["bool", "int"]),
            "Float" | "Double" => any(&["real", "floa", "doub"]),
            "Timestamp" => any(&["timestamp", "datetime", "text"]),
            "Date" => actual == "date",
            "Time" => actual == "time",
            "Binary" => actual == "blob" || actual.is_empty(),
            _ => false,
        },
        Backend::Postgres => {
            let want: &[&str] = match declared {
                "Text" => &["text", "character varying"],
                "VarChar" => &["character varying"],
                "SmallInt" => &["smallint"],
                "Integer" => &["integer"],
                "BigInt" => &["bigint"],
                "Bool" => &["boolean"],
                "Float" => &["real"],
                "Double" => &["double precision"],
                "Timestamp" => &["timestamp without time zone"],
                "Timestamptz" => &["timestamp with time zone"],
                "Date" => &["date"],
                "Time" => &["time without time zone"],
                "Binary" => &["bytea"],
                "Jsonb" => &["jsonb"],
                "Json" => &["json"],
                "Uuid" => &["uuid"],
                "Numeric" => &["numeric"],
                _ => &[],
            };
            want.contains(&actual.as_str())
        }
    }
}

/// Every difference between schema.rs and the database, one line each; empty when they agree.
pub fn differences(backend: Backend, declared: &Tables, actual: &Tables) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in declared {
        let Some(got) = actual.get(table) else {
            out.push(format!(
                "table {table}: in schema.rs, not made by the migrations"
            ));
            continue;
        };
        for (name, want) in columns {
            let Some(have) = got.get(name) else {
                out.push(format!(
                    "{table}.{name}: in schema.rs, not made by the migrations"
                ));
                continue;
            };
            let null = |c: &Column| if c.nullable { "NULL" } else { "NOT NULL" };
            if want.nullable != have.nullable {
                out.push(format!(
                    "{table}.{name}: schema.rs says {}, the migrations make it {}",
                    null(want),
                    null(have)
                ));
            }
            if !type_matches(backend, &want.sql_type, &have.sql_type) {
                out.push(format!(
                    "{table}.{name}: schema.rs says {}, the migrations make it {}",
                    want.sql_type, have.sql_type
                ));
            }
        }
        for name in got.keys().filter(|c| !columns.contains_key(*c)) {
            out.push(format!(
                "{table}.{name}: made by the migrations, not in schema.rs"
            ));
        }
    }
    for table in actual.keys().filter(|t| !declared.contains_key(*t)) {
        out.push(format!(
            "table {table}: made by the migrations, not in schema.rs"
        ));
    }
    out
}

/// One row of the column listings below.
#[derive(QueryableByName)]
struct ColumnRow {
    #[diesel(sql_type = Text)]
    table_name: String,
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    sql_type: String,
    #[diesel(sql_type = BigInt)]
    nullable: i64,
}

fn tables_of(rows: Vec<ColumnRow>) -> Tables {
    let mut tables = Tables::new();
    for r in rows {
        tables.entry(r.table_name).or_default().insert(
            r.column_name,
            Column {
                sql_type: r.sql_type,
                nullable: r.nullable != 0,
            },
        );
    }
    tables
}

/// Runs `migrations` on a new SQLite file and reads back its tables. A primary key column
/// counts as NOT NULL: diesel's `table!` cannot declare one nullable, and the services never
/// store NULL there (SQLite lets a non-integer key hold NULL unless it says NOT NULL).
pub fn sqlite_tables(migrations: EmbeddedMigrations) -> Result<Tables, String> {
    let dir = TempDir::new("schema").map_err(|e| e.to_string())?;
    let path = dir.path().join("schema.db");
    let mut conn =
        SqliteConnection::establish(&path.to_string_lossy()).map_err(|e| e.to_string())?;
    conn.run_pending_migrations(migrations)
        .map_err(|e| format!("SQLite migrations: {e}"))?;
    let rows = diesel::sql_query(
        "SELECT m.name AS table_name, p.name AS column_name, p.type AS sql_type, \
                CAST(p.\"notnull\" = 0 AND p.pk = 0 AS BIGINT) AS nullable \
         FROM sqlite_master m, pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' \
           AND m.name NOT LIKE '\\_\\_diesel%' ESCAPE '\\'",
    )
    .load::<ColumnRow>(&mut conn)
    .map_err(|e| e.to_string())?;
    Ok(tables_of(rows))
}

/// Runs `migrations` on a new PostgreSQL database (`HOTLINE_TEST_DATABASE_URL`) and reads
/// back its tables.
pub fn postgres_tables(migrations: EmbeddedMigrations) -> Result<Tables, String> {
    let db = TestDatabase::postgres("schema")?;
    let mut conn = PgConnection::establish(&db.url).map_err(|e| e.to_string())?;
    conn.run_pending_migrations(migrations)
        .map_err(|e| format!("PostgreSQL migrations: {e}"))?;
    let rows = diesel::sql_query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name, \
                data_type::text AS sql_type, \
                CAST(CASE is_nullable WHEN 'YES' THEN 1 ELSE 0 END AS BIGINT) AS nullable \
         FROM information_schema.columns \
         WHERE table_schema = current_schema() AND table_name NOT LIKE '\\_\\_diesel%'",
    )
    .load::<ColumnRow>(&mut conn)
    .map_err(|e| e.to_string())?;
    drop(conn);
    Ok(tables_of(rows))
}

/// Fails, listing every difference, unless `migrations` build on `backend` the tables the
/// schema.rs file at `schema_rs` declares.
pub fn assert_migrations_match(backend: Backend, schema_rs: &Path, migrations: EmbeddedMigrations) {
    let text = std::fs::read_to_string(schema_rs)
        .unwrap_or_else(|e| panic!("read {}: {e}", schema_rs.display()));
    let declared = declared(&text).unwrap_or_else(|e| panic!("{}: {e}", schema_rs.display()));
    let actual = match backend {
        Backend::Sqlite => sqlite_tables(migrations),
        Backend::Postgres => postgres_tables(migrations),
    }
    .unwrap_or_else(|e| panic!("{e}"));
    let diff = differences(backend, &declared, &actual);
    assert!(
        diff.is_empty(),
        "{} and the {backend} migrations differ:\n  {}",
        schema_rs.display(),
        diff.join("\n  ")
    );
}

/// The two schema tests of a service crate, in its `tests/schema.rs`:
/// `testkit::schema_tests!(tickets);` checks `src/db/schema.rs` against the crate's
/// `startup::SQLITE_MIGRATIONS` on SQLite and `startup::POSTGRES_MIGRATIONS` on PostgreSQL.
#[macro_export]
macro_rules! schema_tests {
    ($service:ident) => {
        fn schema_rs() -> std::path::PathBuf {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/db/schema.rs")
        }

        #[test]
        fn sqlite_migrations_build_schema_rs() {
            $crate::schema::assert_migrations_match(
                $crate::schema::Backend::Sqlite,
                &schema_rs(),
                $service::startup::SQLITE_MIGRATIONS,
            );
        }

        #[test]
        #[ignore = "needs PostgreSQL (HOTLINE_TEST_DATABASE_URL=postgres://…)"]
        fn postgres_migrations_build_schema_rs() {
            $crate::schema::assert_migrations_match(
                $crate::schema::Backend::Postgres,
                &schema_rs(),
                $service::startup::POSTGRES_MIGRATIONS,
            );
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = r#"
// a comment
diesel::table! {
    faqs (code) {
        code -> Text,
        /// documented
        updated_at -> BigInt,
        note -> Nullable<Text>,
        #[sql_name = "type"]
        r#kind -> diesel::sql_types::Bool,
    }
}

table! {
    scripts (key) { key -> Text, }
}
"#;

    fn col(sql_type: &str, nullable: bool) -> Column {
        Column {
            sql_type: sql_type.to_string(),
            nullable,
        }
    }

    #[test]
    fn reads_tables_columns_nullability_and_types() {
        let t = declared(SCHEMA).unwrap();
        assert_eq!(t.keys().collect::<Vec<_>>(), ["faqs", "scripts"]);
        let faqs = &t["faqs"];
        assert_eq!(faqs["code"], col("Text", false));
        assert_eq!(faqs["updated_at"], col("BigInt", false));
        assert_eq!(faqs["note"], col("Text", true));
        assert_eq!(faqs["type"], col("Bool", false));
        assert_eq!(t["scripts"]["key"], col("Text", false));
    }

    #[test]
    fn lists_each_difference() {
        let want = declared(SCHEMA).unwrap();
        let mut got = want.clone();
        let faqs = got.get_mut("faqs").unwrap();
        faqs.insert("updated_at".into(), col("TIMESTAMP", false));
        faqs.insert("note".into(), col("TEXT", false));
        faqs.insert("extra".into(), col("TEXT", true));
        faqs.remove("type");
        got.remove("scripts");
        got.insert("orphans".into(), BTreeMap::new());
        for c in got.get_mut("faqs").unwrap().values_mut() {
            if c.sql_type == "Text" {
                c.sql_type = "TEXT".into();
            }
        }
        assert_eq!(
            differences(Backend::Sqlite, &want, &got),
            [
                "faqs.note: schema.rs says NULL, the migrations make it NOT NULL",
                "faqs.type: in schema.rs, not made by the migrations",
                "faqs.updated_at: schema.rs says BigInt, the migrations make it TIMESTAMP",
                "faqs.extra: made by the migrations, not in schema.rs",
                "table scripts: in schema.rs, not made by the migrations",
                "table orphans: made by the migrations, not in schema.rs",
            ]
        );
    }

    #[test]
    fn types_by_backend() {
        assert!(type_matches(Backend::Sqlite, "BigInt", "INTEGER"));
        assert!(type_matches(Backend::Sqlite, "Bool", "BOOLEAN"));
        assert!(!type_matches(Backend::Sqlite, "BigInt", "TEXT"));
        assert!(type_matches(Backend::Postgres, "BigInt", "bigint"));
        assert!(!type_matches(Backend::Postgres, "BigInt", "integer"));
        assert!(type_matches(
            Backend::Postgres,
            "Timestamp",
            "timestamp without time zone"
        ));
    }
}
