//! SQL, one file per table. Queries only: no business rules here.

use diesel_migrations::{EmbeddedMigrations, embed_migrations};

pub mod audit;
pub mod inbound;
pub mod notifications;
pub mod schema;
pub mod templates;

/// The migrations of both backends. notify's SQL is written once for both (TEXT, INTEGER,
/// BIGINT milliseconds, a partial index), so it has one folder (`migrations/README.md`).
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");
