//! The parts of the services' answers the pages read. Unknown fields are ignored, so a service
//! may add fields without breaking the console.

use serde::Deserialize;

/// A list answer: `{items, total, page, per_page}`.
#[derive(Debug, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    #[serde(default)]
    pub page: i64,
    #[serde(default)]
    pub per_page: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Caller {
    pub name: Option<String>,
    pub phone: String,
    pub email: Option<String>,
}

/// An extension request waiting for a supervisor.
#[derive(Debug, Clone, Deserialize)]
pub struct Extension {
    /// The new reply deadline asked for.
    pub until: String,
    pub reason: String,
}

/// A ticket (work order) as the tickets service answers it.
#[derive(Debug, Clone, Deserialize)]
pub struct Ticket {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub status: String,
    pub urgent: bool,
    pub summary: String,
    #[serde(default)]
    pub details: String,
    pub region: String,
    pub department: Option<String>,
    pub query: Option<String>,
    pub caller: Caller,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub due_at: String,
    pub accept_due_at: Option<String>,
    pub next_due_at: Option<String>,
    pub overdue: bool,
    pub cause: Option<String>,
    pub reply: Option<String>,
    pub satisfaction: Option<String>,
    pub entry_code: Option<String>,
    pub closed_at: Option<String>,
    pub returned_from: Option<String>,
    pub extension: Option<Extension>,
    /// 重复件: the caller's earlier tickets about the same department (a ticket's page only).
    #[serde(default)]
    pub repeat_of: Vec<String>,
    pub call_id: Option<i64>,
    /// 投诉升级: a supervisor was asked for and has not supervised the ticket since.
    #[serde(default)]
    pub escalation: Option<Escalation>,
    /// Whose attitude a cause-C complaint was about (`operator:…`, `liaison:…`).
    #[serde(default)]
    pub attitude_of: Option<String>,
    /// This repeat was merged into that ticket.
    #[serde(default)]
    pub merged_into: Option<String>,
    /// Repeats merged into this ticket (a ticket's page only).
    #[serde(default)]
    pub merged: Vec<String>,
    /// 协办: departments handling it beside the lead one, with their parts (a ticket's page only).
    #[serde(default)]
    pub cohandlers: Vec<Cohandler>,
    /// The reader may record the department's reply on its behalf now (代回复; the tickets
    /// service knows whether operators may).
    #[serde(default)]
    pub reply_on_behalf: bool,
}

/// An operator's or liaison's request for a supervisor.
#[derive(Debug, Clone, Deserialize)]
pub struct Escalation {
    pub reason: String,
    pub requested_at: String,
}

/// A co-handling department and its part of the reply.
#[derive(Debug, Clone, Deserialize)]
pub struct Cohandler {
    pub department: String,
    pub reply: Option<String>,
    pub replied_by: Option<String>,
    pub replied_at: Option<String>,
}

/// One entry of a ticket's history.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    #[serde(default)]
    pub data: serde_json::Value,
}

pub use shared::contract::knowledge::Phone;

/// A department as the search answer and lists carry it.
#[derive(Debug, Clone, Deserialize)]
pub struct DepartmentRef {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub phones: Vec<Phone>,
    #[serde(default)]
    pub status: Option<String>,
}
