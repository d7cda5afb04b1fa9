//! SQL, one file per table group. Queries only: no business rules here.

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use shared::ApiResult;
use shared::db::DbConnection;

pub mod calendar;
pub mod calls;
pub mod events;
pub mod outbox;
pub mod schema;
pub mod tickets;

/// The backend type of [`DbConnection`], for boxed (dynamic) queries.
pub type Db = <DbConnection as Connection>::Backend;

/// Runs `f` in a write transaction. On SQLite the transaction takes the write lock at once
/// (`BEGIN IMMEDIATE`): a deferred one that reads first and writes later fails with
/// SQLITE_BUSY under concurrent writers instead of waiting for the busy timeout.
pub fn write_tx<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> ApiResult<T>,
) -> ApiResult<T> {
    if conn.is_sqlite() {
        conn.batch_execute("BEGIN IMMEDIATE")?;
        match f(conn) {
            Ok(v) => match conn.batch_execute("COMMIT") {
                Ok(()) => Ok(v),
                Err(e) => {
                    let _ = conn.batch_execute("ROLLBACK");
                    Err(e.into())
                }
            },
            Err(e) => {
                let _ = conn.batch_execute("ROLLBACK");
                Err(e)
            }
        }
    } else {
        conn.transaction(f)
    }
}
