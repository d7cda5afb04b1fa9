//! Use cases: one workflow per function, between the routes (which parse, authorise and render)
//! and the database. Each owns its transaction; one that reads and then writes runs in
//! `shared::db::write_tx`, so on SQLite it holds the write lock from its first read.

pub mod inbound;
pub mod notifications;
pub mod templates;
