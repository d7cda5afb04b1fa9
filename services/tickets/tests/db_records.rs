//! Records read from the database: a status or type the code does not know is an error, never
//! a guessed value (a record's status once fell back to `new` silently).

use diesel::RunQueryDsl;
use shared::db::DbError;
use testkit::TestDatabase;
use tickets::db;
use tickets::domain::Status;
use tickets::startup::{POSTGRES_MIGRATIONS, SQLITE_MIGRATIONS};

const ROW: &str = "INSERT INTO tickets (id, ticket_type, status, urgent, summary, details, \
     region, caller_phone, created_by, created_at, updated_at, due_at, version) VALUES \
     ('T20261204-000001', 'complaint', '{status}', false, 's', 'd', '530100', '139', 'op', \
     0, 0, 0, 0)";

#[test]
fn an_unknown_status_fails_the_read() {
    let database = TestDatabase::new("tickets").unwrap();
    let pool = shared::db::connect(&database.url, 1).unwrap();
    shared::db::run_migrations(&pool, "tickets", SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS).unwrap();
    let mut conn = pool.get().unwrap();

    diesel::sql_query(ROW.replace("{status}", "accepted"))
        .execute(&mut *conn)
        .unwrap();
    let t = db::tickets::find(&mut conn, "T20261204-000001").unwrap();
    assert_eq!(t.map(|t| t.status), Some(Status::Accepted));

    diesel::sql_query("UPDATE tickets SET status = 'lost'")
        .execute(&mut *conn)
        .unwrap();
    let err = db::tickets::find(&mut conn, "T20261204-000001").unwrap_err();
    assert!(
        matches!(&err, DbError::Other(m) if m.contains("lost")),
        "{err:?}"
    );
}
