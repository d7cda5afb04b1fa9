//! SQL, one file per table group. Queries only: no business rules here.

/// Runs `$body` with `$c` bound to the concrete backend connection. Needed for multi-row
/// inserts, which diesel's `MultiConnection` cannot express but each backend can.
macro_rules! on_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            shared::db::DbConnection::Sqlite($c) => $body,
            shared::db::DbConnection::Pg($c) => $body,
        }
    };
}
pub(crate) use on_backend;

pub mod accounts;
pub mod change_requests;
pub mod changes;
pub mod directory;
pub mod kb;
pub mod outbox;
pub mod schema;
pub mod search;
pub mod unanswered;
