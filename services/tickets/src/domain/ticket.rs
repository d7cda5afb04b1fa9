//! The ticket record, what the API shows of it, and the pure function that applies an action.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shared::ApiError;
use shared::auth::Role;
use shared::calendar::WorkCalendar;
use shared::telemetry::mask_phone;
use shared::web::{check_len, check_required};
use utoipa::ToSchema;

use super::deadlines::DeadlineRules;
use super::lifecycle::{self, Action, Facts, Refusal};
use super::notifications::{self, NotifyRequest};
use super::{
    Cause, ReplyChannel, Satisfaction, Status, TicketType, government_office, valid_department,
    valid_email, valid_phone, valid_region,
};
use shared::time::{from_ms, to_ms};

/// A ticket as stored (times in epoch milliseconds).
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset, Identifiable)]
#[diesel(table_name = crate::db::schema::tickets, treat_none_as_null = true)]
pub struct TicketRecord {
    pub id: String,
    pub ticket_type: String,
    pub status: String,
    pub urgent: bool,
    pub cause: Option<String>,
    pub summary: String,
    pub details: String,
    pub region: String,
    pub department: Option<String>,
    pub query: Option<String>,
    pub caller_name: Option<String>,
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
    pub returned_from: Option<String>,
    pub extension_until: Option<i64>,
    pub extension_reason: Option<String>,
    pub satisfaction: Option<String>,
    pub entry_code: Option<String>,
    pub version: i64,
}

impl TicketRecord {
    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::New)
    }
    pub fn ticket_type(&self) -> TicketType {
        TicketType::parse(&self.ticket_type).unwrap_or(TicketType::Consultation)
    }
    pub fn facts(&self, now: DateTime<Utc>) -> Facts {
        Facts {
            status: self.status(),
            ticket_type: self.ticket_type(),
            extension_pending: self.extension_until.is_some(),
            returned_from: self.returned_from.as_deref().and_then(Status::parse),
            before_deadline: to_ms(now) < self.due_at,
        }
    }
    pub fn is_overdue(&self, now: DateTime<Utc>) -> bool {
        self.next_due_at.is_some_and(|d| d < to_ms(now))
    }
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

// ---------------------------------------------------------------------------------------------
// Creation

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallerInput {
    #[serde(default)]
    pub name: Option<String>,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
}

/// `POST /api/v1/tickets`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicket {
    #[serde(rename = "type")]
    pub ticket_type: TicketType,
    #[serde(default)]
    pub urgent: bool,
    /// Complaints only; optional at intake.
    #[serde(default)]
    pub cause: Option<Cause>,
    pub summary: String,
    #[serde(default)]
    pub details: String,
    /// Region code, e.g. `530100`.
    pub region: String,
    /// The responsible department if known; checked when dispatching.
    #[serde(default)]
    pub department: Option<String>,
    /// What the caller asked (required for no-info tickets).
    #[serde(default)]
    pub query: Option<String>,
    pub caller: CallerInput,
    #[serde(default)]
    pub call_id: Option<i64>,
}

pub const MAX_SUMMARY: usize = 200;
pub const MAX_TEXT: usize = 4000;
pub const MAX_NOTE: usize = 2000;

impl NewTicket {
    pub fn validate(&self) -> Result<(), ApiError> {
        check_required("summary", &self.summary, MAX_SUMMARY)?;
        check_len("details", &self.details, MAX_TEXT)?;
        if !valid_region(&self.region) {
            return Err(ApiError::bad_request(
                "`region` must be a six-digit region code such as 530100",
            ));
        }
        if let Some(d) = &self.department
            && !valid_department(d)
        {
            return Err(ApiError::bad_request(
                "`department` is not a department code",
            ));
        }
        if self.cause.is_some() && self.ticket_type != TicketType::Complaint {
            return Err(ApiError::bad_request("`cause` is only for complaints"));
        }
        match (&self.query, self.ticket_type) {
            (Some(q), _) => check_required("query", q, 500)?,
            (None, TicketType::NoInfo) => {
                return Err(ApiError::bad_request(
                    "`query` (what the caller asked) is required for a no-info ticket",
                ));
            }
            (None, _) => {}
        }
        if !valid_phone(&self.caller.phone) {
            return Err(ApiError::bad_request(
                "`caller.phone` is not a phone number",
            ));
        }
        if let Some(n) = &self.caller.name {
            check_len("caller.name", n, 100)?;
        }
        if let Some(e) = &self.caller.email
            && !e.is_empty()
            && !valid_email(e)
        {
            return Err(ApiError::bad_request(
                "`caller.email` is not an e-mail address",
            ));
        }
        if self.call_id.is_some_and(|c| c < 1) {
            return Err(ApiError::bad_request("`call_id` must be positive"));
        }
        Ok(())
    }
}

/// The record of a new ticket taken at `now`: a no-info ticket is dispatched at once to its
/// region's government office.
pub fn new_record(
    id: String,
    input: &NewTicket,
    created_by: &str,
    now: DateTime<Utc>,
    cal: &WorkCalendar,
    rules: &DeadlineRules,
) -> TicketRecord {
    let due = rules.reply_due(cal, input.ticket_type, input.urgent, now);
    let no_info = input.ticket_type == TicketType::NoInfo;
    let (status, department, accept_due) = if no_info {
        (
            Status::Dispatched,
            Some(government_office(&input.region)),
            Some(to_ms(rules.accept_due(cal, now, due))),
        )
    } else {
        (Status::New, input.department.clone(), None)
    };
    let due_ms = to_ms(due);
    TicketRecord {
        id,
        ticket_type: input.ticket_type.as_str().into(),
        status: status.as_str().into(),
        urgent: input.urgent,
        cause: input.cause.map(|c| c.as_str().into()),
        summary: input.summary.trim().into(),
        details: input.details.clone(),
        region: input.region.clone(),
        department,
        query: input.query.clone(),
        caller_name: input.caller.name.clone().filter(|n| !n.is_empty()),
        caller_phone: input.caller.phone.trim().into(),
        caller_email: input.caller.email.clone().filter(|e| !e.is_empty()),
        call_id: input.call_id,
        created_by: created_by.into(),
        created_at: to_ms(now),
        updated_at: to_ms(now),
        accept_due_at: accept_due,
        due_at: due_ms,
        next_due_at: current_deadline(status, accept_due, due_ms),
        escalated_due_at: None,
        closed_at: None,
        answered_at: None,
        reply: None,
        returned_from: None,
        extension_until: None,
        extension_reason: None,
        satisfaction: None,
        entry_code: None,
        version: 0,
    }
}

// ---------------------------------------------------------------------------------------------
// What the API shows

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
}

impl Ticket {
    /// `full_contact`: the caller's phone and e-mail unmasked (operators and supervisors
    /// reading one ticket); lists and liaisons see them masked.
    pub fn from_record(r: TicketRecord, now: DateTime<Utc>, full_contact: bool) -> Ticket {
        let overdue = r.is_overdue(now);
        let status = r.status();
        let ticket_type = r.ticket_type();
        Ticket {
            id: r.id,
            ticket_type,
            status,
            urgent: r.urgent,
            cause: r.cause.as_deref().and_then(Cause::parse),
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
            satisfaction: r.satisfaction.as_deref().and_then(Satisfaction::parse),
            entry_code: r.entry_code,
            extension: r.extension_until.map(|u| Extension {
                until: from_ms(u),
                reason: r.extension_reason.unwrap_or_default(),
            }),
            returned_from: r.returned_from.as_deref().and_then(Status::parse),
            closed_at: r.closed_at.map(from_ms),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Actions

/// An action with its validated input.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionInput {
    Dispatch {
        department: String,
    },
    Accept,
    Return {
        reason: String,
    },
    ReturnReject {
        reason: String,
    },
    Reply {
        body: String,
        channel: ReplyChannel,
    },
    /// The liaison's facts, sent on to the knowledge service as a change request.
    Replenish {
        request: Value,
    },
    Extend {
        until: DateTime<Utc>,
        reason: String,
    },
    ExtendApprove {
        note: Option<String>,
    },
    ExtendRefuse {
        reason: String,
    },
    Supervise {
        note: String,
    },
    Callback {
        satisfaction: Satisfaction,
        note: Option<String>,
    },
    Reopen {
        reason: String,
    },
    Close {
        note: String,
    },
    KnowledgeApplied {
        change_request_id: i64,
        entry_code: Option<String>,
    },
    KnowledgeRejected {
        change_request_id: i64,
        reason: String,
    },
}

impl ActionInput {
    pub fn action(&self) -> Action {
        match self {
            ActionInput::Dispatch { .. } => Action::Dispatch,
            ActionInput::Accept => Action::Accept,
            ActionInput::Return { .. } => Action::Return,
            ActionInput::ReturnReject { .. } => Action::ReturnReject,
            ActionInput::Reply { .. } => Action::Reply,
            ActionInput::Replenish { .. } => Action::Replenish,
            ActionInput::Extend { .. } => Action::Extend,
            ActionInput::ExtendApprove { .. } => Action::ExtendApprove,
            ActionInput::ExtendRefuse { .. } => Action::ExtendRefuse,
            ActionInput::Supervise { .. } => Action::Supervise,
            ActionInput::Callback { satisfaction, .. } => Action::Callback(*satisfaction),
            ActionInput::Reopen { .. } => Action::Reopen,
            ActionInput::Close { .. } => Action::Close,
            ActionInput::KnowledgeApplied { .. } => Action::KnowledgeApplied,
            ActionInput::KnowledgeRejected { .. } => Action::KnowledgeRejected,
        }
    }
}

/// Work the change leaves for the outbox relay.
#[derive(Debug, Clone, PartialEq)]
pub enum OutboxItem {
    Notify(NotifyRequest),
    /// A change request for the knowledge service.
    ChangeRequest(Value),
}

/// The result of an allowed action: the new record, its event, and what the relay must send.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub record: TicketRecord,
    pub action: &'static str,
    pub from: Status,
    pub to: Status,
    pub data: Value,
    pub outbox: Vec<OutboxItem>,
}

/// Applies `input` by `role` at `now`; nothing is written here.
pub fn apply(
    current: &TicketRecord,
    input: &ActionInput,
    role: Role,
    now: DateTime<Utc>,
    cal: &WorkCalendar,
    rules: &DeadlineRules,
) -> Result<Change, Refusal> {
    let from = current.status();
    let to = lifecycle::check(&current.facts(now), input.action(), role)?;
    let now_ms = to_ms(now);
    let mut r = current.clone();
    r.status = to.as_str().into();
    r.updated_at = now_ms;
    let mut outbox = Vec::new();
    let data = match input {
        ActionInput::Dispatch { department } => {
            if from == Status::Reopened {
                // Done again: a new reply deadline from now.
                r.due_at = to_ms(rules.reply_due(cal, r.ticket_type(), r.urgent, now));
            }
            r.department = Some(department.clone());
            r.accept_due_at = Some(to_ms(rules.accept_due(cal, now, from_ms(r.due_at))));
            r.returned_from = None;
            outbox.extend(
                notifications::on_dispatch(&r)
                    .into_iter()
                    .map(OutboxItem::Notify),
            );
            json!({ "department": department, "previous_department": current.department })
        }
        ActionInput::Accept => json!({}),
        ActionInput::Return { reason } => {
            r.returned_from = Some(from.as_str().into());
            json!({ "reason": reason })
        }
        ActionInput::ReturnReject { reason } => {
            r.returned_from = None;
            json!({ "reason": reason })
        }
        ActionInput::Reply { body, channel } => {
            r.reply = Some(body.clone());
            outbox.extend(
                notifications::on_reply(&r)
                    .into_iter()
                    .map(OutboxItem::Notify),
            );
            json!({ "body": body, "channel": channel })
        }
        ActionInput::Replenish { request } => {
            let summary = ["answer", "note"]
                .iter()
                .find_map(|k| request.get(*k).and_then(Value::as_str))
                .unwrap_or_default();
            r.reply = Some(summary.to_string());
            let mut cr = request.clone();
            if let Some(obj) = cr.as_object_mut() {
                obj.insert("ticket_id".into(), json!(r.id));
                obj.entry("region").or_insert_with(|| json!(r.region));
                // An answer alone answers what the caller asked.
                if obj.contains_key("answer")
                    && !obj.contains_key("question")
                    && let Some(q) = &r.query
                {
                    obj.insert("question".into(), json!(q));
                }
            }
            outbox.push(OutboxItem::ChangeRequest(cr));
            request.clone()
        }
        ActionInput::Extend { until, reason } => {
            if to_ms(*until) <= r.due_at {
                return Err(Refusal::Input(
                    "`until` must be after the current deadline".into(),
                ));
            }
            r.extension_until = Some(to_ms(*until));
            r.extension_reason = Some(reason.clone());
            json!({ "until": until, "reason": reason, "due_at": from_ms(r.due_at) })
        }
        ActionInput::ExtendApprove { note } => {
            let until = r.extension_until.unwrap_or(r.due_at);
            let previous = r.due_at;
            r.due_at = until.max(r.due_at);
            r.extension_until = None;
            r.extension_reason = None;
            // The accept deadline may move too, never past the reply deadline.
            r.accept_due_at = r.accept_due_at.map(|a| a.min(r.due_at));
            r.escalated_due_at = None;
            json!({ "until": from_ms(r.due_at), "previous_due_at": from_ms(previous), "note": note })
        }
        ActionInput::ExtendRefuse { reason } => {
            let asked = r.extension_until.map(from_ms);
            r.extension_until = None;
            r.extension_reason = None;
            json!({ "reason": reason, "until": asked })
        }
        ActionInput::Supervise { note } => json!({ "note": note }),
        ActionInput::Callback { satisfaction, note } => {
            r.satisfaction = Some(satisfaction.as_str().into());
            if to == Status::Closed {
                r.closed_at = Some(now_ms);
            } else {
                r.due_at = to_ms(rules.reply_due(cal, r.ticket_type(), r.urgent, now));
                r.accept_due_at = None;
            }
            json!({ "satisfaction": satisfaction, "note": note })
        }
        ActionInput::Reopen { reason } => {
            r.closed_at = None;
            r.due_at = to_ms(rules.reply_due(cal, r.ticket_type(), r.urgent, now));
            r.accept_due_at = None;
            json!({ "reason": reason })
        }
        ActionInput::Close { note } => {
            r.closed_at = Some(now_ms);
            json!({ "note": note })
        }
        ActionInput::KnowledgeApplied {
            change_request_id,
            entry_code,
        } => {
            r.closed_at = Some(now_ms);
            r.answered_at = Some(now_ms);
            r.entry_code = entry_code.clone();
            json!({ "change_request_id": change_request_id, "entry_code": entry_code })
        }
        ActionInput::KnowledgeRejected {
            change_request_id,
            reason,
        } => json!({ "change_request_id": change_request_id, "reason": reason }),
    };
    r.next_due_at = current_deadline(to, r.accept_due_at, r.due_at);
    Ok(Change {
        record: r,
        action: input.action().name(),
        from,
        to,
        data,
        outbox,
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::TimeZone;
    use shared::time::cst_minute;

    pub(crate) fn sample(t: TicketType, urgent: bool) -> TicketRecord {
        let input = NewTicket {
            ticket_type: t,
            urgent,
            cause: None,
            summary: "s".into(),
            details: "d".into(),
            region: "530100".into(),
            department: None,
            query: Some("q".into()),
            caller: CallerInput {
                name: None,
                phone: "13912341234".into(),
                email: None,
            },
            call_id: None,
        };
        new_record(
            "T20261127-000001".into(),
            &input,
            "op",
            Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap(),
            &WorkCalendar::default(),
            &DeadlineRules::default(),
        )
    }

    #[test]
    fn no_info_is_dispatched_to_the_government_office() {
        let t = sample(TicketType::NoInfo, false);
        assert_eq!(t.status, "dispatched");
        assert_eq!(t.department.as_deref(), Some("530100-zfb"));
        assert_eq!(t.next_due_at, t.accept_due_at);
        let c = sample(TicketType::Complaint, false);
        assert_eq!(c.status, "new");
        assert_eq!(c.next_due_at, Some(c.due_at));
    }

    #[test]
    fn dispatch_accept_reply_callback_walk() {
        let cal = WorkCalendar::default();
        let rules = DeadlineRules::default();
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let t = sample(TicketType::Complaint, true);
        let d = ActionInput::Dispatch {
            department: "530100-gaj".into(),
        };
        assert!(matches!(
            apply(&t, &d, Role::Operator, now, &cal, &rules),
            Err(Refusal::Role(_))
        ));
        let c = apply(&t, &d, Role::Supervisor, now, &cal, &rules).unwrap();
        assert_eq!(c.to, Status::Dispatched);
        assert_eq!(c.outbox.len(), 2);
        assert!(c.record.accept_due_at.unwrap() <= c.record.due_at);
        let c = apply(
            &c.record,
            &ActionInput::Accept,
            Role::Liaison,
            now,
            &cal,
            &rules,
        )
        .unwrap();
        assert_eq!(c.record.next_due_at, Some(c.record.due_at));
        let reply = ActionInput::Reply {
            body: "处理完毕".into(),
            channel: ReplyChannel::System,
        };
        let c = apply(&c.record, &reply, Role::Liaison, now, &cal, &rules).unwrap();
        assert_eq!(c.record.next_due_at, None);
        assert_eq!(c.outbox.len(), 1, "urgent complaint reply faxes the centre");
        let cb = ActionInput::Callback {
            satisfaction: Satisfaction::Dissatisfied,
            note: None,
        };
        let later = Utc.with_ymd_and_hms(2026, 12, 1, 3, 0, 0).unwrap();
        let c = apply(&c.record, &cb, Role::Operator, later, &cal, &rules).unwrap();
        assert_eq!(c.to, Status::Reopened);
        assert!(
            c.record.due_at > to_ms(later),
            "a reopened ticket gets a new deadline"
        );
    }

    #[test]
    fn extension_moves_the_deadline() {
        let cal = WorkCalendar::default();
        let rules = DeadlineRules::default();
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let t = sample(TicketType::NoInfo, false);
        let early = ActionInput::Extend {
            until: from_ms(t.due_at - 1),
            reason: "r".into(),
        };
        assert!(matches!(
            apply(&t, &early, Role::Liaison, now, &cal, &rules),
            Err(Refusal::Input(_))
        ));
        let until = Utc.with_ymd_and_hms(2026, 12, 31, 9, 30, 0).unwrap();
        let ext = ActionInput::Extend {
            until,
            reason: "需要调查".into(),
        };
        let c = apply(&t, &ext, Role::Liaison, now, &cal, &rules).unwrap();
        assert_eq!(c.record.extension_until, Some(to_ms(until)));
        let again = apply(&c.record, &ext, Role::Liaison, now, &cal, &rules);
        assert!(matches!(again, Err(Refusal::State(_))));
        let ok = ActionInput::ExtendApprove { note: None };
        let c = apply(&c.record, &ok, Role::Supervisor, now, &cal, &rules).unwrap();
        assert_eq!(cst_minute(from_ms(c.record.due_at)), "2026-12-31 17:30");
        assert_eq!(c.record.extension_until, None);
        let too_late = from_ms(c.record.due_at + 1);
        assert!(matches!(
            apply(&c.record, &ext, Role::Liaison, too_late, &cal, &rules),
            Err(Refusal::State(_))
        ));
    }

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
