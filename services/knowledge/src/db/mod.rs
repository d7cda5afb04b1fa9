//! SQL, one file per table group. Queries only: no business rules here.

pub mod regions;
pub mod schema;
