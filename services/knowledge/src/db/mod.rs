//! SQL, one file per table group. Queries only: no business rules here. Every function answers
//! with a [`DbResult`], so a use case can tell a busy database or a lost race from a real
//! failure; times are stored as milliseconds (`shared::time`) and leave this layer as chrono
//! values.

use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::db::{DbError, DbResult};

pub mod accounts;
pub mod audit;
pub mod change_requests;
pub mod changes;
pub mod directory;
pub mod health;
pub mod kb;
pub mod login_failures;
pub mod outbox;
pub mod phrasings;
pub mod schema;
pub mod search;
pub mod unanswered;

/// A JSON-shaped field as the TEXT it is stored in.
fn to_json<T: Serialize + ?Sized>(value: &T) -> DbResult<String> {
    serde_json::to_string(value).map_err(|e| DbError::Other(format!("JSON field: {e}")))
}

/// A stored JSON-shaped field read back.
fn from_json<T: DeserializeOwned>(text: &str) -> DbResult<T> {
    serde_json::from_str(text).map_err(|e| DbError::Other(format!("stored JSON field: {e}")))
}
