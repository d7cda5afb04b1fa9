//! Database layer: SQLite (embedded default) or PostgreSQL, chosen by the URL scheme.
//!
//! One connection enum over both backends, an r2d2 pool, SQLite pragmas applied to every new
//! connection, and embedded migrations per backend. Every service writes its SQL the same way:
//! portable diesel queries on [`DbConnection`]; where the backends differ, [`on_backend!`]
//! gives the concrete connection; a transaction that reads and then writes is a [`write_tx`];
//! failures are a [`DbError`], so no code looks at a database's message text.

use std::path::Path;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection, Pool, PooledConnection};
use diesel::{PgConnection, SqliteConnection};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness};

use crate::error::ApiError;

/// Runs `$body` with `$c` bound to the concrete backend connection, for the SQL the two
/// backends write differently (multi-row inserts, `ON CONFLICT`, date arithmetic).
#[macro_export]
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite($c) => $body,
            $crate::db::DbConnection::Pg($c) => $body,
        }
    };
}

/// What went wrong in the database, by kind. Only [`DbError::from`] reads a backend's error
/// text (SQLite reports a busy database and a constraint's name only in its message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DbError {
    #[error("not found")]
    NotFound,
    /// A unique constraint refused the row; `constraint` names it (`faqs_pkey` on PostgreSQL,
    /// `faqs.code` on SQLite), for code that must tell two constraints apart.
    #[error("unique constraint {constraint}")]
    Unique { constraint: String },
    #[error("foreign key violation")]
    ForeignKey,
    /// Another writer holds the database (SQLite `SQLITE_BUSY`) or PostgreSQL gave up a
    /// serializable transaction: the work may be tried again.
    #[error("database busy")]
    Busy,
    #[error("database: {0}")]
    Other(String),
}

pub type DbResult<T> = Result<T, DbError>;

impl DbError {
    pub fn is_unique(&self) -> bool {
        matches!(self, DbError::Unique { .. })
    }
}

impl From<diesel::result::Error> for DbError {
    fn from(err: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind as K, Error};
        match err {
            Error::NotFound => DbError::NotFound,
            Error::DatabaseError(K::UniqueViolation, info) => DbError::Unique {
                constraint: info
                    .constraint_name()
                    .map(str::to_string)
                    .or_else(|| {
                        info.message()
                            .strip_prefix("UNIQUE constraint failed: ")
                            .map(str::to_string)
                    })
                    .unwrap_or_default(),
            },
            Error::DatabaseError(K::ForeignKeyViolation, _) => DbError::ForeignKey,
            Error::DatabaseError(K::SerializationFailure, _) => DbError::Busy,
            Error::DatabaseError(_, info)
                if info.message().starts_with("database is locked")
                    || info.message().starts_with("database table is locked") =>
            {
                DbError::Busy
            }
            other => DbError::Other(other.to_string()),
        }
    }
}

/// Runs `f` in a write transaction. On SQLite the transaction takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred one that reads first and writes later fails with
/// `SQLITE_BUSY` under concurrent writers instead of waiting for the busy timeout. It is begun
/// through diesel's transaction manager, so diesel knows it is open: a transaction diesel
/// starts inside (its own around a multi-row insert, a nested `write_tx`) becomes a savepoint
/// instead of a second `BEGIN` that SQLite refuses.
pub fn write_tx<T, E>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E>
where
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.transaction(f);
    };
    AnsiTransactionManager::begin_transaction_sql(sqlite, "BEGIN IMMEDIATE")?;
    let result = f(conn);
    if let DbConnection::Sqlite(sqlite) = conn {
        let ended = match result {
            Ok(_) => AnsiTransactionManager::commit_transaction(sqlite),
            Err(_) => AnsiTransactionManager::rollback_transaction(sqlite),
        };
        if let Err(e) = ended {
            if result.is_ok() {
                let _ = AnsiTransactionManager::rollback_transaction(sqlite);
                return Err(e.into());
            }
            tracing::warn!(error = %e, "rollback failed");
        }
    }
    result
}

#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

impl DbConnection {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Self::Sqlite(_))
    }
}

pub type DbPool = Pool<ConnectionManager<DbConnection>>;
pub type PooledConn = PooledConnection<ConnectionManager<DbConnection>>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn of_url(url: &str) -> Backend {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        }
    }
}

#[derive(Debug)]
struct SqlitePragmas;

impl CustomizeConnection<DbConnection, diesel::r2d2::Error> for SqlitePragmas {
    fn on_acquire(&self, conn: &mut DbConnection) -> Result<(), diesel::r2d2::Error> {
        if let DbConnection::Sqlite(c) = conn {
            // The busy timeout comes first so that connections opened together wait for the
            // journal-mode switch instead of failing; WAL lets readers run beside the writer.
            c.batch_execute(
                "PRAGMA busy_timeout = 10000; \
                 PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;",
            )
            .map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }
}

/// The database URL diesel understands: `sqlite://path` and `path` both name a file.
fn connection_string(url: &str) -> String {
    match Backend::of_url(url) {
        Backend::Postgres => url.to_string(),
        Backend::Sqlite => url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url)
            .to_string(),
    }
}

/// A folder (and its parents) for the service's own files: `rwxr-x---` where it is created.
fn private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o750);
    }
    builder.create(dir)
}

/// Creates an empty file `rw-------` unless it exists (`:memory:` and URIs are left alone).
fn private_file(path: &Path) -> std::io::Result<()> {
    let text = path.to_string_lossy();
    if text.starts_with(':') || text.starts_with("file:") || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

/// Opens a pool; for SQLite the file's folder is created first.
pub fn connect(url: &str, max_size: u32) -> Result<DbPool, String> {
    let target = connection_string(url);
    if Backend::of_url(url) == Backend::Sqlite
        && let Some(dir) = Path::new(&target).parent()
        && !dir.as_os_str().is_empty()
    {
        private_dir(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    }
    if Backend::of_url(url) == Backend::Sqlite {
        // Created `rw-------` before SQLite opens it: SQLite gives its WAL and shared-memory
        // files the database file's permissions, so none of them is readable by others.
        private_file(Path::new(&target)).map_err(|e| format!("create {target}: {e}"))?;
        // Switch the file to WAL once, before the pool opens its connections all at once.
        let mut c = <SqliteConnection as diesel::Connection>::establish(&target)
            .map_err(|e| format!("cannot open database: {e}"))?;
        c.batch_execute("PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL;")
            .map_err(|e| format!("cannot switch to WAL: {e}"))?;
    }
    let manager = ConnectionManager::<DbConnection>::new(target);
    Pool::builder()
        .max_size(max_size)
        .connection_timeout(Duration::from_secs(10))
        .connection_customizer(Box::new(SqlitePragmas))
        .build(manager)
        .map_err(|e| format!("cannot open database: {e}"))
}

/// A consistent copy of a SQLite database at `url`, taken while services keep writing to it
/// (`VACUUM INTO`: one read transaction), written `rw-------` to `dest`, which must not exist.
pub fn backup_sqlite(url: &str, dest: &Path) -> Result<(), String> {
    use diesel::RunQueryDsl;
    if Backend::of_url(url) != Backend::Sqlite {
        return Err(format!(
            "{url} is not SQLite: back PostgreSQL up with pg_dump (see the README)"
        ));
    }
    if dest.exists() {
        return Err(format!("{} exists; give a new folder", dest.display()));
    }
    private_file(dest).map_err(|e| format!("create {}: {e}", dest.display()))?;
    let mut c = <SqliteConnection as diesel::Connection>::establish(&connection_string(url))
        .map_err(|e| format!("cannot open {url}: {e}"))?;
    diesel::sql_query("PRAGMA busy_timeout = 10000")
        .execute(&mut c)
        .map_err(|e| e.to_string())?;
    diesel::sql_query("VACUUM INTO ?")
        .bind::<diesel::sql_types::Text, _>(dest.to_string_lossy().into_owned())
        .execute(&mut c)
        .map_err(|e| format!("back up {url}: {e}"))?;
    Ok(())
}

/// Runs `service`'s pending migrations; it passes its two embedded folders (consts). The
/// database (on PostgreSQL, the schema the URL's `search_path` names, created if missing) is
/// claimed for `service` first: see [`claim`].
pub fn run_migrations(
    pool: &DbPool,
    service: &str,
    sqlite: EmbeddedMigrations,
    postgres: EmbeddedMigrations,
) -> Result<usize, String> {
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    if let DbConnection::Pg(c) = &mut *conn {
        ensure_schema(c)?;
    }
    claim(&mut conn, service)?;
    let applied = match &mut *conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(sqlite).map(|v| v.len()),
        DbConnection::Pg(c) => c.run_pending_migrations(postgres).map(|v| v.len()),
    };
    applied.map_err(|e| format!("migrations failed: {e}"))
}

#[derive(diesel::QueryableByName)]
struct TextValue {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    value: Option<String>,
}

/// One PostgreSQL database can hold all three services, each in its own schema named by its
/// URL (`…/hotline?options=-csearch_path%3Dtickets`): that schema is created here if it is
/// missing (PostgreSQL then has no current schema), and the service's tables and its table of
/// applied migrations go into it.
fn ensure_schema(c: &mut PgConnection) -> Result<(), String> {
    use diesel::RunQueryDsl;
    let current: TextValue = diesel::sql_query("SELECT current_schema() AS value")
        .get_result(c)
        .map_err(|e| e.to_string())?;
    if current.value.is_some() {
        return Ok(());
    }
    let path: TextValue = diesel::sql_query("SELECT current_setting('search_path') AS value")
        .get_result(c)
        .map_err(|e| e.to_string())?;
    let path = path.value.unwrap_or_default();
    let first = path
        .split(',')
        .next()
        .unwrap_or("")
        .trim()
        .trim_matches('"');
    let plain = !first.is_empty()
        && first.len() <= 63
        && first
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !plain {
        return Err(format!(
            "the database URL's search_path `{path}` names no schema to create (lower-case \
             letters, digits and _)"
        ));
    }
    c.batch_execute(&format!("CREATE SCHEMA IF NOT EXISTS {first}"))
        .map_err(|e| format!("create schema {first}: {e}"))
}

/// A database (or schema) holds one service's tables. Two services' migrations in one would
/// share one table of applied versions, so the second service's tables would never be made
/// and it would fail later on a missing table. The first service to migrate there claims it;
/// any other is refused at start, saying what to do.
fn claim(conn: &mut DbConnection, service: &str) -> Result<(), String> {
    use diesel::RunQueryDsl;
    if !service.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(format!("`{service}` is not a service name"));
    }
    on_backend!(&mut *conn, |c| c.batch_execute(
        "CREATE TABLE IF NOT EXISTS hotline_service (name TEXT PRIMARY KEY)"
    ))
    .map_err(|e| e.to_string())?;
    let owners: Vec<TextValue> = write_tx(conn, |conn| {
        if let DbConnection::Pg(pg) = conn {
            // Two services starting together on one new database: one waits for the other.
            pg.batch_execute("LOCK TABLE hotline_service IN EXCLUSIVE MODE")?;
        }
        on_backend!(conn, |c| {
            let owners: Vec<TextValue> =
                diesel::sql_query("SELECT name AS value FROM hotline_service").load(c)?;
            if owners.is_empty() {
                c.batch_execute(&format!(
                    "INSERT INTO hotline_service (name) VALUES ('{service}')"
                ))?;
            }
            Ok::<_, diesel::result::Error>(owners)
        })
    })
    .map_err(|e| e.to_string())?;
    match owners
        .iter()
        .filter_map(|o| o.value.as_deref())
        .find(|o| *o != service)
    {
        Some(other) => Err(format!(
            "this database already holds the {other} service's tables: give {service} a \
             database of its own (HOTLINE_{upper}_DATABASE_URL), or on PostgreSQL a schema of \
             its own in the same database (add ?options=-csearch_path%3D{service} to the URL)",
            upper = service.to_uppercase()
        )),
        None => Ok(()),
    }
}

/// Runs blocking database work off the async executor.
pub async fn run<T, F>(pool: &DbPool, f: F) -> Result<T, ApiError>
where
    F: FnOnce(&mut DbConnection) -> Result<T, ApiError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    actix_web::web::block(move || {
        let mut conn = pool.get()?;
        f(&mut conn)
    })
    .await?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backend_and_names_from_url() {
        assert_eq!(Backend::of_url("postgres://x/y"), Backend::Postgres);
        assert_eq!(Backend::of_url("sqlite://./data/k.db"), Backend::Sqlite);
        assert_eq!(connection_string("sqlite://./data/k.db"), "./data/k.db");
    }

    /// Issue 16, finding 8: the SQLite database and its WAL are not world-readable.
    #[cfg(unix)]
    #[test]
    fn sqlite_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("data/k.db");
        let pool = connect(&format!("sqlite://{}", file.display()), 1).unwrap();
        let mut conn = pool.get().unwrap();
        if let DbConnection::Sqlite(c) = &mut *conn {
            c.batch_execute("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1);")
                .unwrap();
        }
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&file), 0o600);
        assert_eq!(mode(&dir.path().join("data/k.db-wal")), 0o600);
        assert_eq!(mode(&dir.path().join("data")), 0o750);
    }
}
