//! A lifecycle action with its validated input, and the pure function that applies it to a
//! record: the new record, its event data, and what the outbox must carry. Nothing is written
//! here.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use shared::auth::Role;
use shared::calendar::WorkCalendar;
use shared::codes::RegionCode;
use shared::contract::knowledge::ChangeRequestInput;
use shared::time::{from_ms, to_ms};

use super::deadlines::DeadlineRules;
use super::lifecycle::{self, Action, Refusal};
use super::notifications::{self, NotifyRequest};
use super::record::{TicketRecord, current_deadline};
use super::{Cause, ReplyChannel, Satisfaction, Status, TicketType};

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
        request: Box<ChangeRequestInput>,
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
        /// A complaint's cause, when the callback closes it and it has none yet.
        cause: Option<Cause>,
    },
    Reopen {
        reason: String,
    },
    Close {
        note: String,
        /// A complaint's cause, when it has none yet.
        cause: Option<Cause>,
    },
    /// The department's reply, given outside the system and recorded by the centre.
    ReplyOnBehalf {
        body: String,
        channel: ReplyChannel,
        /// Who at the department replied (name, post).
        replied_by: String,
        /// When they did, if not just now.
        replied_at: Option<DateTime<Utc>>,
        /// The ticket's attachments that carry it (a scan, the received fax).
        attachments: Vec<super::attachments::AttachmentRef>,
    },
    /// A supervisor sets or corrects a complaint's cause.
    SetCause {
        cause: Cause,
        note: Option<String>,
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
            ActionInput::SetCause { .. } => Action::SetCause,
            ActionInput::ReplyOnBehalf { .. } => Action::ReplyOnBehalf,
        }
    }
}

/// Work the change leaves for the outbox relay.
#[derive(Debug, Clone, PartialEq)]
pub enum OutboxItem {
    Notify(NotifyRequest),
    /// A change request for the knowledge service.
    ChangeRequest(ChangeRequestInput),
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

/// Gives a complaint its cause when one is given (only complaints have one).
fn set_cause(r: &mut TicketRecord, cause: Option<Cause>) -> Result<(), Refusal> {
    match cause {
        Some(_) if r.ticket_type != TicketType::Complaint => {
            Err(Refusal::Input("`cause` is only for complaints".into()))
        }
        Some(c) => {
            r.cause = Some(c);
            Ok(())
        }
        None => Ok(()),
    }
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
    let from = current.status;
    let to = lifecycle::check(&current.facts(now), input.action(), role)?;
    let now_ms = to_ms(now);
    let mut r = current.clone();
    r.status = to;
    r.updated_at = now_ms;
    let mut outbox = Vec::new();
    let data = match input {
        ActionInput::Dispatch { department } => {
            if from == Status::Reopened {
                // Done again: a new reply deadline from now.
                r.due_at = to_ms(rules.reply_due(cal, r.ticket_type, r.urgent, now));
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
        // The deadline the event was measured against is kept with it, so the department
        // report's on-time counts can be checked against the events alone.
        ActionInput::Accept => json!({ "due_at": current.next_due_at.map(from_ms) }),
        ActionInput::Return { reason } => {
            r.returned_from = Some(from);
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
            json!({ "body": body, "channel": channel, "due_at": from_ms(current.due_at) })
        }
        ActionInput::Replenish { request } => {
            let summary = request.answer.as_ref().unwrap_or(&request.note);
            r.reply = Some(summary.clone());
            let mut cr = (**request).clone();
            cr.ticket_id = Some(r.id.clone());
            if cr.region.is_none() {
                cr.region = RegionCode::parse("region", &r.region).ok();
            }
            // An answer alone answers what the caller asked.
            if cr.answer.is_some() && cr.question.is_none() {
                cr.question = r.query.clone();
            }
            outbox.push(OutboxItem::ChangeRequest(cr));
            let mut data = json!(request);
            data["due_at"] = json!(from_ms(current.due_at));
            data
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
        ActionInput::Callback {
            satisfaction,
            note,
            cause,
        } => {
            set_cause(&mut r, *cause)?;
            r.satisfaction = Some(*satisfaction);
            if to == Status::Closed {
                r.closed_at = Some(now_ms);
            } else {
                r.due_at = to_ms(rules.reply_due(cal, r.ticket_type, r.urgent, now));
                r.accept_due_at = None;
            }
            json!({ "satisfaction": satisfaction, "note": note })
        }
        ActionInput::Reopen { reason } => {
            r.closed_at = None;
            r.due_at = to_ms(rules.reply_due(cal, r.ticket_type, r.urgent, now));
            r.accept_due_at = None;
            json!({ "reason": reason })
        }
        ActionInput::Close { note, cause } => {
            set_cause(&mut r, *cause)?;
            r.closed_at = Some(now_ms);
            json!({ "note": note, "cause": cause })
        }
        ActionInput::ReplyOnBehalf {
            body,
            channel,
            replied_by,
            replied_at,
            attachments,
        } => {
            r.reply = Some(body.clone());
            outbox.extend(
                notifications::on_reply(&r)
                    .into_iter()
                    .map(OutboxItem::Notify),
            );
            json!({
                "body": body, "channel": channel, "on_behalf": true,
                "replied_by": replied_by, "replied_at": replied_at.unwrap_or(now),
                "attachments": attachments,
            })
        }
        ActionInput::SetCause { cause, note } => {
            r.cause = Some(*cause);
            json!({ "from": current.cause, "to": cause, "note": note })
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
        } => {
            outbox.extend(
                notifications::on_facts_rejected(&r, reason)
                    .into_iter()
                    .map(OutboxItem::Notify),
            );
            json!({ "change_request_id": change_request_id, "reason": reason })
        }
    };
    if to == Status::Closed && r.ticket_type == TicketType::Complaint && r.cause.is_none() {
        return Err(Refusal::Input(
            "a complaint is closed with its `cause` (policy, handling or attitude)".into(),
        ));
    }
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
mod tests {
    use super::*;
    use crate::domain::TicketType;
    use crate::domain::intake::tests::sample;
    use chrono::TimeZone;
    use shared::time::cst_minute;

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
        assert_eq!(c.outbox.len(), 3, "fax, e-mail and the SMS to sign for it");
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
        assert_eq!(
            c.outbox.len(),
            2,
            "urgent complaint reply to the centre's fax and e-mail"
        );
        let cb = ActionInput::Callback {
            satisfaction: Satisfaction::Dissatisfied,
            note: None,
            cause: None,
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
}
