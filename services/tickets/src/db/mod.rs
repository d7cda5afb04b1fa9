//! SQL, one file per table group. Queries only: no business rules here.

use diesel::prelude::*;
use shared::db::DbConnection;

pub mod attachments;
pub mod calendar;
pub mod calls;
pub mod cohandlers;
pub mod events;
pub mod noinfo_routes;
pub mod outbox;
pub mod reports;
pub mod reports_health;
pub mod reports_operators;
pub mod reports_topics;
pub mod schema;
pub mod tickets;

/// The backend type of [`DbConnection`], for boxed (dynamic) queries.
pub type Db = <DbConnection as Connection>::Backend;

pub use shared::db::write_tx;
