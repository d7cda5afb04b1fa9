//! What the API shows of a ticket: the caller's contact masked unless the reader may see it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::time::from_ms;
use shared::values::mask_phone;
use utoipa::ToSchema;

use super::record::TicketRecord;
use super::{AttitudeOf, Cause, Satisfaction, Status, TicketType};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Caller {
    pub name: Option<String>,
    /// Masked (`139****1234`) in lists and for liaisons.
    pub phone: String,
    pub email: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Extension {
    pub until: DateTime<Utc>,
    pub reason: String,
}

/// 投诉升级: an operator's or liaison's request for a supervisor, waiting for one.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Escalation {
    pub reason: String,
    pub requested_at: DateTime<Utc>,
}

/// A department handling the ticket beside the lead one (协办), and its part of the reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Cohandler {
    /// Department code, e.g. `530100-rsj`.
    pub department: String,
    pub added_at: DateTime<Utc>,
    pub added_by: String,
    /// Its part of the reply, once given; the lead department's reply completes the ticket.
    pub reply: Option<String>,
    pub replied_at: Option<DateTime<Utc>>,
    pub replied_by: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Ticket {
    /// `T20261127-000123`.
    pub id: String,
    #[serde(rename = "type")]
    pub ticket_type: TicketType,
    pub status: Status,
    pub urgent: bool,
    pub cause: Option<Cause>,
    pub summary: String,
    pub details: String,
    pub region: String,
    pub department: Option<String>,
    pub query: Option<String>,
    pub caller: Caller,
    pub call_id: Option<i64>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The department must accept by then (set at dispatch).
    pub accept_due_at: Option<DateTime<Utc>>,
    /// The reply deadline.
    pub due_at: DateTime<Utc>,
    /// The deadline running now; none once replied or closed.
    pub next_due_at: Option<DateTime<Utc>>,
    pub overdue: bool,
    /// The department's reply (for no-info tickets: the facts supplied).
    pub reply: Option<String>,
    pub satisfaction: Option<Satisfaction>,
    /// The knowledge entry a no-info ticket was closed with.
    pub entry_code: Option<String>,
    /// An extension request waiting for a supervisor.
    pub extension: Option<Extension>,
    pub returned_from: Option<Status>,
    pub closed_at: Option<DateTime<Utc>>,
    /// 重复件: earlier tickets of the same caller about the same department within the repeat
    /// window (`HOTLINE_TICKETS_REPEAT_WINDOW_DAYS`, default 30), newest first. In a single
    /// ticket's answer only; lists leave it empty.
    #[serde(default)]
    pub repeat_of: Vec<String>,
    /// A supervisor was asked for (投诉升级) and has not supervised the ticket since.
    pub escalation: Option<Escalation>,
    /// Whose attitude a cause-C complaint was about: `operator:<account>` or
    /// `liaison:<department>`.
    pub attitude_of: Option<AttitudeOf>,
    /// This repeat ticket was merged into that earlier one (and closed).
    pub merged_into: Option<String>,
    /// Repeat tickets merged into this one. In a single ticket's answer only.
    #[serde(default)]
    pub merged: Vec<String>,
    /// The departments co-handling it (协办) with their parts. In a single ticket's answer
    /// only.
    #[serde(default)]
    pub cohandlers: Vec<Cohandler>,
    /// Whether the reader may record the department's reply on its behalf now (代回复:
    /// supervisors, and operators where `HOTLINE_TICKETS_OPERATORS_REPLY_ON_BEHALF` lets them,
    /// on a dispatched or accepted ticket that is not a no-info one). In a single ticket's
    /// answer only.
    #[serde(default)]
    pub reply_on_behalf: bool,
}

impl Ticket {
    /// `full_contact`: the caller's phone and e-mail unmasked (operators and supervisors
    /// reading one ticket); lists and liaisons see them masked.
    pub fn from_record(r: TicketRecord, now: DateTime<Utc>, full_contact: bool) -> Ticket {
        let overdue = r.is_overdue(now);
        Ticket {
            id: r.id,
            ticket_type: r.ticket_type,
            status: r.status,
            urgent: r.urgent,
            cause: r.cause,
            summary: r.summary,
            details: r.details,
            region: r.region,
            department: r.department,
            query: r.query,
            caller: Caller {
                name: r.caller_name,
                phone: if full_contact {
                    r.caller_phone
                } else {
                    mask_phone(&r.caller_phone)
                },
                email: if full_contact { r.caller_email } else { None },
            },
            call_id: r.call_id,
            created_by: r.created_by,
            created_at: from_ms(r.created_at),
            updated_at: from_ms(r.updated_at),
            accept_due_at: r.accept_due_at.map(from_ms),
            due_at: from_ms(r.due_at),
            next_due_at: r.next_due_at.map(from_ms),
            overdue,
            reply: r.reply,
            satisfaction: r.satisfaction,
            entry_code: r.entry_code,
            extension: r.extension_until.map(|u| Extension {
                until: from_ms(u),
                reason: r.extension_reason.unwrap_or_default(),
            }),
            returned_from: r.returned_from,
            closed_at: r.closed_at.map(from_ms),
            repeat_of: Vec::new(),
            escalation: r.escalation.map(|e| Escalation {
                reason: e.reason,
                requested_at: from_ms(e.requested_at),
            }),
            attitude_of: r.attitude_of,
            merged_into: None,
            merged: Vec::new(),
            cohandlers: Vec::new(),
            reply_on_behalf: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::intake::tests::sample;

    #[test]
    fn lists_mask_the_caller() {
        let t = sample(TicketType::Complaint, false);
        let now = Utc::now();
        assert_eq!(
            Ticket::from_record(t.clone(), now, false).caller.phone,
            "139****1234"
        );
        assert_eq!(
            Ticket::from_record(t, now, true).caller.phone,
            "13912341234"
        );
    }
}
