//! A database made before times were kept as milliseconds keeps its rows: the migration
//! converts each stored time to the same instant.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::MigrationHarness;

#[derive(QueryableByName)]
struct Ms {
    #[diesel(sql_type = BigInt)]
    ms: i64,
}

#[test]
fn sqlite_times_become_milliseconds() {
    let path = std::env::temp_dir().join(format!(
        "kn-millis-{}-{}.db",
        std::process::id(),
        shared::time::now_ms()
    ));
    let mut conn = SqliteConnection::establish(&path.display().to_string()).unwrap();
    // The two migrations before the conversion.
    for _ in 0..2 {
        conn.run_next_migration(knowledge::startup::SQLITE_MIGRATIONS)
            .unwrap();
    }
    conn.batch_execute(
        "INSERT INTO regions VALUES ('530100', '昆明市', '昆明', '[]', 'prefecture', NULL, '0871');
         INSERT INTO departments (code, region, kind, name, updated_at)
             VALUES ('530100-rsj', '530100', 'rsj', '人社局', '2026-12-04 20:00:00.123456');
         INSERT INTO change_requests (note, submitted_by, created_by, created_at, decided_at)
             VALUES ('n', 's', 'c', '2026-12-04 20:00:01', NULL);",
    )
    .unwrap();
    conn.run_pending_migrations(knowledge::startup::SQLITE_MIGRATIONS)
        .unwrap();
    let mut ms = |sql: &str| {
        diesel::sql_query(sql)
            .get_result::<Ms>(&mut conn)
            .unwrap()
            .ms
    };
    // 2026-12-04T20:00:00.123Z and one second later (whole milliseconds are kept).
    assert_eq!(
        ms("SELECT updated_at AS ms FROM departments"),
        1_796_414_400_123
    );
    assert_eq!(
        ms("SELECT created_at AS ms FROM change_requests"),
        1_796_414_401_000
    );
    let open: i64 = ms("SELECT count(*) AS ms FROM change_requests WHERE decided_at IS NULL");
    assert_eq!(open, 1);
    drop(conn);
    let _ = std::fs::remove_file(&path);
}
