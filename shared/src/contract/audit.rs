//! The audit log (issue 16): what the knowledge service keeps, and what the other services
//! send it (`POST /api/v1/audit`) through their outboxes.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What happened, as the audit log names it.
pub mod action {
    pub const SIGN_IN: &str = "sign_in";
    pub const SIGN_IN_FAILED: &str = "sign_in_failed";
    pub const SIGN_OUT: &str = "sign_out";
    pub const ACCOUNT_CREATED: &str = "account_created";
    pub const ACCOUNT_CHANGED: &str = "account_changed";
    /// A person chose their own password (after a one-time one, or any time).
    pub const PASSWORD_CHANGED: &str = "password_changed";
    pub const CHANGE_APPLIED: &str = "change_request_applied";
    pub const CHANGE_REJECTED: &str = "change_request_rejected";
    /// An operator read tickets by a caller's full number.
    pub const CALLER_READ: &str = "caller_number_read";
    pub const EXPORT: &str = "export";
    pub const NOTIFICATION_RETRIED: &str = "notification_retried";
}

/// One event for the log, as another service reports it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditEvent {
    /// When it happened, epoch milliseconds.
    pub at: i64,
    /// Who: an account's username.
    pub actor: String,
    /// Their role then.
    pub role: String,
    /// What: `caller_number_read`, `export`, `notification_retried`, …
    pub action: String,
    /// What it was done to: a ticket number, an account, a caller's masked number.
    #[serde(default)]
    pub target: String,
    /// The client's address, where known.
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// Unique per event at its source (`tickets:42`): a resent event is recorded once.
    pub key: String,
}

/// One event of the log, as `GET /api/v1/audit` answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The service it happened at.
    pub service: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub target: String,
    /// The client's address, where known.
    pub address: String,
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}
