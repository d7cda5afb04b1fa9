//! SQL, one file per table group. Queries only: no business rules here.

pub mod accounts;
pub mod change_requests;
pub mod changes;
pub mod directory;
pub mod kb;
pub mod outbox;
pub mod schema;
pub mod search;
pub mod unanswered;
