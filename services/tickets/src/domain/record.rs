//! The ticket as stored: its record (times in epoch milliseconds) and the deadline running in
//! each state.

use chrono::{DateTime, Utc};
use shared::time::to_ms;

use super::lifecycle::Facts;
use super::{AttitudeOf, Cause, Satisfaction, Status, TicketType};

/// A ticket as stored (times in epoch milliseconds); `db::tickets` reads and writes it.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketRecord {
    pub id: String,
    /// Where it is in its lifecycle; the lifecycle decides what may happen next.
    pub status: Status,
    pub ticket_type: TicketType,
    pub urgent: bool,
    /// Complaints only.
    pub cause: Option<Cause>,
    pub region: String,
    /// The department it is (or will be) dispatched to.
    pub department: Option<String>,
    pub summary: String,
    pub details: String,
    /// What the caller asked (no-info tickets).
    pub query: Option<String>,
    pub caller_name: Option<String>,
    /// Digits and `+` only (`shared::values::Phone`).
    pub caller_phone: String,
    pub caller_email: Option<String>,
    pub call_id: Option<i64>,
    pub created_by: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub accept_due_at: Option<i64>,
    pub due_at: i64,
    /// The deadline running now (accept or reply), none when nothing is expected.
    pub next_due_at: Option<i64>,
    /// The `next_due_at` an escalation was raised for: once per ticket and deadline.
    pub escalated_due_at: Option<i64>,
    pub closed_at: Option<i64>,
    /// When the knowledge change of a no-info ticket was applied.
    pub answered_at: Option<i64>,
    pub reply: Option<String>,
    pub returned_from: Option<Status>,
    pub extension_until: Option<i64>,
    pub extension_reason: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    pub entry_code: Option<String>,
    pub version: i64,
    /// 投诉升级: why an operator or liaison asked for a supervisor, and when; cleared when a
    /// supervisor supervises the ticket.
    pub escalation: Option<EscalationRequest>,
    /// A cause-C complaint: whose attitude it was.
    pub attitude_of: Option<AttitudeOf>,
    /// The departments handling it beside the lead one (协办); read with the ticket, kept in
    /// their own table.
    pub cohandlers: Vec<String>,
}

impl TicketRecord {
    pub fn facts(&self, now: DateTime<Utc>) -> Facts {
        Facts {
            status: self.status,
            ticket_type: self.ticket_type,
            extension_pending: self.extension_until.is_some(),
            returned_from: self.returned_from,
            before_deadline: to_ms(now) < self.due_at,
        }
    }
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.next_due_at.is_some_and(|d| d < to_ms(now))
    }
}

/// An operator's or liaison's request for a supervisor (stored as JSON in one column).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EscalationRequest {
    pub reason: String,
    /// Epoch milliseconds.
    pub requested_at: i64,
}

/// The deadline that runs in a state: acceptance while dispatched, the reply otherwise, none
/// once replied or closed.
pub fn current_deadline(status: Status, accept_due_at: Option<i64>, due_at: i64) -> Option<i64> {
    match status {
        Status::Dispatched => Some(accept_due_at.map_or(due_at, |a| a.min(due_at))),
        Status::New | Status::Accepted | Status::Returned | Status::Reopened => Some(due_at),
        Status::Replied | Status::Closed => None,
    }
}
