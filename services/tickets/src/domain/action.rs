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
use super::record::{EscalationRequest, TicketRecord, current_deadline};
use super::{AttitudeOf, Cause, ReplyChannel, Satisfaction, Status, TicketType};

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
        attitude_of: Option<AttitudeOf>,
    },
    Reopen {
        reason: String,
    },
    Close {
        note: String,
        /// A complaint's cause, when it has none yet.
        cause: Option<Cause>,
        /// Whose attitude a cause-C complaint was about.
        attitude_of: Option<AttitudeOf>,
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
        attitude_of: Option<AttitudeOf>,
    },
    /// An operator or liaison asks for a supervisor (投诉升级).
    Escalate {
        reason: String,
    },
    /// A supervisor adds a co-handling department (协办).
    AddCohandler {
        department: String,
    },
    /// A co-handling department's part of the reply.
    CohandlerReply {
        department: String,
        body: String,
    },
    /// A repeat ticket merged into an earlier one of the same caller (重复件).
    Merge {
        into: String,
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
            ActionInput::Escalate { .. } => Action::Escalate,
            ActionInput::AddCohandler { .. } => Action::AddCohandler,
            ActionInput::CohandlerReply { .. } => Action::CohandlerReply,
            ActionInput::Merge { .. } => Action::Merge,
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

/// Gives a complaint its cause, and a cause-C complaint whose attitude it was, when given
/// (only complaints have a cause; only cause C names someone).
fn set_cause(
    r: &mut TicketRecord,
    cause: Option<Cause>,
    attitude_of: Option<&AttitudeOf>,
) -> Result<(), Refusal> {
    if cause.is_none() && attitude_of.is_none() {
        return Ok(());
    }
    if r.ticket_type != TicketType::Complaint {
        return Err(Refusal::Input("`cause` is only for complaints".into()));
    }
    if let Some(c) = cause {
        r.cause = Some(c);
    }
    if r.cause == Some(Cause::Attitude) {
        if let Some(a) = attitude_of {
            r.attitude_of = Some(a.clone());
        }
    } else if attitude_of.is_some() {
        return Err(Refusal::Input(
            "`attitude_of` is only for a cause-C (attitude) complaint".into(),
        ));
    } else {
        r.attitude_of = None;
    }
    Ok(())
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
        ActionInput::Supervise { note } => {
            // A supervisor acting on the ticket answers an operator's or liaison's request.
            r.escalation = None;
            json!({ "note": note, "escalation": current.escalation.as_ref().map(|e| &e.reason) })
        }
        ActionInput::Callback {
            satisfaction,
            note,
            cause,
            attitude_of,
        } => {
            set_cause(&mut r, *cause, attitude_of.as_ref())?;
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
        ActionInput::Close {
            note,
            cause,
            attitude_of,
        } => {
            set_cause(&mut r, *cause, attitude_of.as_ref())?;
            r.closed_at = Some(now_ms);
            json!({ "note": note, "cause": cause, "attitude_of": r.attitude_of })
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
        ActionInput::SetCause {
            cause,
            note,
            attitude_of,
        } => {
            set_cause(&mut r, Some(*cause), attitude_of.as_ref())?;
            json!({
                "from": current.cause, "to": cause, "note": note,
                "attitude_of_from": current.attitude_of, "attitude_of": r.attitude_of,
            })
        }
        ActionInput::Escalate { reason } => {
            r.escalation = Some(EscalationRequest {
                reason: reason.clone(),
                requested_at: now_ms,
            });
            json!({ "reason": reason })
        }
        ActionInput::AddCohandler { department } => {
            if r.department.as_deref() == Some(department.as_str()) {
                return Err(Refusal::Input(
                    "the lead department cannot also co-handle the ticket".into(),
                ));
            }
            let mut co = r.clone();
            co.department = Some(department.clone());
            outbox.extend(
                notifications::on_dispatch(&co)
                    .into_iter()
                    .map(OutboxItem::Notify),
            );
            json!({ "department": department, "lead": r.department })
        }
        ActionInput::CohandlerReply { department, body } => {
            json!({ "department": department, "body": body })
        }
        ActionInput::Merge { into, note } => {
            if *into == r.id {
                return Err(Refusal::Input(
                    "a ticket cannot be merged into itself".into(),
                ));
            }
            r.closed_at = Some(now_ms);
            r.escalation = None;
            json!({ "into": into, "note": note })
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
    // A merged repeat is answered with the ticket it joined, and judged there.
    let judged = to == Status::Closed
        && r.ticket_type == TicketType::Complaint
        && !matches!(input, ActionInput::Merge { .. });
    if judged && r.cause.is_none() {
        return Err(Refusal::Input(
            "a complaint is closed with its `cause` (policy, handling or attitude)".into(),
        ));
    }
    if judged && r.cause == Some(Cause::Attitude) && r.attitude_of.is_none() {
        return Err(Refusal::Input(
            "a cause-C (attitude) complaint is closed with `attitude_of`: whose attitude it was (operator:<account> or liaison:<department>)".into(),
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
            attitude_of: None,
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
    fn an_escalation_waits_for_a_supervisor_and_a_merge_closes_the_repeat() {
        let (cal, rules) = (WorkCalendar::default(), DeadlineRules::default());
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let t = sample(TicketType::Complaint, false);
        let esc = ActionInput::Escalate {
            reason: "来电人要求找领导".into(),
        };
        let c = apply(&t, &esc, Role::Operator, now, &cal, &rules).unwrap();
        assert_eq!((c.to, c.action), (Status::New, "escalation_requested"));
        assert_eq!(
            c.record.escalation.as_ref().unwrap().reason,
            "来电人要求找领导"
        );
        assert!(apply(&t, &esc, Role::Supervisor, now, &cal, &rules).is_err());
        let sup = ActionInput::Supervise {
            note: "已处理".into(),
        };
        let s = apply(&c.record, &sup, Role::Supervisor, now, &cal, &rules).unwrap();
        assert_eq!(s.record.escalation, None, "supervising answers the request");
        assert_eq!(s.data["escalation"], "来电人要求找领导");
        let merge = ActionInput::Merge {
            into: "T20261120-000001".into(),
            note: None,
        };
        let m = apply(&c.record, &merge, Role::Supervisor, now, &cal, &rules).unwrap();
        assert_eq!(
            m.to,
            Status::Closed,
            "closed without a cause: judged on the earlier one"
        );
        assert_eq!(m.record.escalation, None);
        let itself = ActionInput::Merge {
            into: t.id.clone(),
            note: None,
        };
        assert!(matches!(
            apply(&t, &itself, Role::Supervisor, now, &cal, &rules),
            Err(Refusal::Input(_))
        ));
    }

    #[test]
    fn a_cause_c_complaint_names_whose_attitude_it_was() {
        let (cal, rules) = (WorkCalendar::default(), DeadlineRules::default());
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let t = sample(TicketType::Complaint, false);
        let close = |cause, attitude_of| ActionInput::Close {
            note: "n".into(),
            cause,
            attitude_of,
        };
        let who = AttitudeOf::parse("liaison:530100-gaj");
        assert!(who.is_some());
        assert!(matches!(
            apply(
                &t,
                &close(Some(Cause::Attitude), None),
                Role::Supervisor,
                now,
                &cal,
                &rules
            ),
            Err(Refusal::Input(_))
        ));
        assert!(matches!(
            apply(
                &t,
                &close(Some(Cause::Policy), who.clone()),
                Role::Supervisor,
                now,
                &cal,
                &rules
            ),
            Err(Refusal::Input(_))
        ));
        let c = apply(
            &t,
            &close(Some(Cause::Attitude), who.clone()),
            Role::Supervisor,
            now,
            &cal,
            &rules,
        )
        .unwrap();
        assert_eq!(c.record.attitude_of, who);
        // Corrected to B: the named person is cleared, and the event keeps both.
        let fix = ActionInput::SetCause {
            cause: Cause::Handling,
            note: None,
            attitude_of: None,
        };
        let f = apply(&c.record, &fix, Role::Supervisor, now, &cal, &rules).unwrap();
        assert_eq!(f.record.attitude_of, None);
        assert_eq!(f.data["attitude_of_from"], "liaison:530100-gaj");
        assert_eq!(AttitudeOf::parse("operator:"), None);
        assert_eq!(AttitudeOf::parse("liaison:not a code"), None);
    }

    #[test]
    fn the_lead_department_is_no_co_handler() {
        let (cal, rules) = (WorkCalendar::default(), DeadlineRules::default());
        let now = Utc.with_ymd_and_hms(2026, 11, 26, 3, 0, 0).unwrap();
        let mut t = sample(TicketType::Complaint, false);
        t.department = Some("530100-gaj".into());
        let add = |d: &str| ActionInput::AddCohandler {
            department: d.into(),
        };
        assert!(apply(&t, &add("530100-gaj"), Role::Supervisor, now, &cal, &rules).is_err());
        let c = apply(&t, &add("530100-rsj"), Role::Supervisor, now, &cal, &rules).unwrap();
        assert_eq!(c.to, Status::New);
        assert!(!c.outbox.is_empty(), "the co-handler's liaisons are told");
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
