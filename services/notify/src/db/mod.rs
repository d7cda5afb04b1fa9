//! SQL, one file per table. Queries only: no business rules here.

pub mod notifications;
pub mod schema;
pub mod templates;
