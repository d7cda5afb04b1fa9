//! The ticket lifecycle (the 12345-style work order) as plain functions: who may do what, in which state, and
//! which state follows.
//!
//! ```text
//! new ─dispatch→ dispatched ─accept→ accepted ─reply / replenish→ replied
//!                  └─return→ returned ─dispatch→ dispatched
//!                 (accepted ─return→)  └─return/reject→ the state it was returned from
//! replied ─callback satisfied | basically_satisfied→ closed
//!         ─callback dissatisfied→ reopened ─dispatch→ dispatched
//! replied | closed ─reopen→ reopened;  new | replied ─close→ closed
//! no-info: accepted | replied ─knowledge applied→ closed, ─knowledge rejected→ accepted
//! extend (dispatched, accepted, before the deadline) → extend/approve | extend/refuse;
//! the centre records a department's reply given by fax, phone or paper (dispatched |
//! accepted → replied, 代回复); supervise in any state but closed; set_cause (a complaint's A/B/C cause, corrected by a
//! supervisor) in any state. These keep the state. A complaint closes only with its cause.
//! An operator or liaison asks for a supervisor (escalate, 投诉升级) in any state but closed;
//! a supervisor adds a co-handling department (协办) while the lead has not replied, and the
//! co-handler replies its part then (cohandler_reply); both keep the state. A supervisor
//! merges a repeat complaint (重复件) into an earlier ticket from any state but closed: it is
//! closed.
//! ```

use shared::auth::Role;

use super::{Satisfaction, Status, TicketType};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Dispatch,
    Accept,
    Return,
    ReturnReject,
    Reply,
    Replenish,
    Extend,
    ExtendApprove,
    ExtendRefuse,
    Supervise,
    Callback(Satisfaction),
    Reopen,
    Close,
    KnowledgeApplied,
    KnowledgeRejected,
    SetCause,
    /// The centre records a reply the department gave by fax, phone or paper (代回复).
    ReplyOnBehalf,
    /// An operator or liaison asks for a supervisor (投诉升级).
    Escalate,
    /// A supervisor adds a co-handling department (协办).
    AddCohandler,
    /// A co-handling department replies its part.
    CohandlerReply,
    /// A supervisor merges a repeat ticket into an earlier one (重复件).
    Merge,
}

impl Action {
    pub const ALL: &'static [Action] = &[
        Action::Dispatch,
        Action::Accept,
        Action::Return,
        Action::ReturnReject,
        Action::Reply,
        Action::Replenish,
        Action::Extend,
        Action::ExtendApprove,
        Action::ExtendRefuse,
        Action::Supervise,
        Action::Callback(Satisfaction::Satisfied),
        Action::Callback(Satisfaction::BasicallySatisfied),
        Action::Callback(Satisfaction::Dissatisfied),
        Action::Reopen,
        Action::Close,
        Action::KnowledgeApplied,
        Action::KnowledgeRejected,
        Action::SetCause,
        Action::ReplyOnBehalf,
        Action::Escalate,
        Action::AddCohandler,
        Action::CohandlerReply,
        Action::Merge,
    ];

    /// The event name recorded for the action.
    pub fn name(self) -> &'static str {
        match self {
            Action::Dispatch => "dispatch",
            Action::Accept => "accept",
            Action::Return => "return",
            Action::ReturnReject => "return_rejected",
            Action::Reply => "reply",
            Action::Replenish => "replenish",
            Action::Extend => "extend_requested",
            Action::ExtendApprove => "extend_approved",
            Action::ExtendRefuse => "extend_refused",
            Action::Supervise => "supervise",
            Action::Callback(_) => "callback",
            Action::Reopen => "reopen",
            Action::Close => "close",
            Action::KnowledgeApplied => "knowledge_applied",
            Action::KnowledgeRejected => "knowledge_rejected",
            Action::SetCause => "cause_set",
            // The department's reply, recorded by the centre: the event's data says so.
            Action::ReplyOnBehalf => "reply",
            Action::Escalate => "escalation_requested",
            Action::AddCohandler => "cohandler_added",
            Action::CohandlerReply => "cohandler_reply",
            Action::Merge => "merged",
        }
    }

    /// Who may take the action (the roles of `shared::auth::Role`).
    pub fn roles(self) -> &'static [Role] {
        match self {
            Action::Accept
            | Action::Return
            | Action::Reply
            | Action::Replenish
            | Action::Extend
            | Action::CohandlerReply => &[Role::Liaison],
            Action::Dispatch
            | Action::ReturnReject
            | Action::ExtendApprove
            | Action::ExtendRefuse
            | Action::Supervise
            | Action::Reopen
            | Action::Close
            | Action::SetCause
            | Action::AddCohandler
            | Action::Merge => &[Role::Supervisor],
            Action::Escalate => &[Role::Operator, Role::Liaison],
            // Operators too where the centre lets them (HOTLINE_TICKETS_OPERATORS_REPLY_ON_BEHALF,
            // checked by the use case).
            Action::ReplyOnBehalf | Action::Callback(_) => &[Role::Operator, Role::Supervisor],
            Action::KnowledgeApplied | Action::KnowledgeRejected => &[Role::Service],
        }
    }
}

/// What the lifecycle needs to know about a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub status: Status,
    pub ticket_type: TicketType,
    /// An extension request waits for a supervisor.
    pub extension_pending: bool,
    /// The state a returned ticket was returned from.
    pub returned_from: Option<Status>,
    /// Extensions are requested before the deadline, not after.
    pub before_deadline: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The caller's role may never take this action (403).
    Role(String),
    /// Not allowed in the ticket's current state (409 `invalid_transition`).
    State(String),
    /// The action's own input does not fit the ticket (400), e.g. an extension that ends
    /// before the current deadline.
    Input(String),
}

/// Checks the role, then the state; answers the state that follows.
pub fn check(facts: &Facts, action: Action, role: Role) -> Result<Status, Refusal> {
    if !action.roles().contains(&role) {
        return Err(Refusal::Role(format!(
            "role `{}` may not {}",
            role.as_str(),
            action.name()
        )));
    }
    next_status(facts, action).map_err(Refusal::State)
}

/// The state after `action`, or why it is not allowed now.
pub fn next_status(f: &Facts, action: Action) -> Result<Status, String> {
    use Status::*;
    let no_info = f.ticket_type == TicketType::NoInfo;
    let refused = || {
        Err(format!(
            "cannot {} a {} ticket that is {}",
            action.name(),
            f.ticket_type.as_str(),
            f.status.as_str()
        ))
    };
    match (action, f.status) {
        (Action::Dispatch, New | Returned | Reopened) => Ok(Dispatched),
        (Action::Accept, Dispatched) => Ok(Accepted),
        (Action::Return, Dispatched | Accepted) => Ok(Returned),
        (Action::ReturnReject, Returned) => Ok(match f.returned_from {
            Some(Accepted) => Accepted,
            _ => Dispatched,
        }),
        (Action::Reply, Accepted) if !no_info => Ok(Replied),
        (Action::Reply, Accepted) => {
            Err("a no-info ticket is answered with replenish, not reply".into())
        }
        (Action::Replenish, Accepted) if no_info => Ok(Replied),
        (Action::Extend, Dispatched | Accepted) => {
            if f.extension_pending {
                Err("an extension request is already waiting for a supervisor".into())
            } else if !f.before_deadline {
                Err("an extension must be requested before the deadline".into())
            } else {
                Ok(f.status)
            }
        }
        (Action::ExtendApprove | Action::ExtendRefuse, Dispatched | Accepted | Returned) => {
            if f.extension_pending {
                Ok(f.status)
            } else {
                Err("there is no extension request to decide".into())
            }
        }
        (Action::Supervise, s) if s != Closed => Ok(s),
        (Action::Callback(sat), Replied) if !no_info => Ok(match sat {
            Satisfaction::Satisfied | Satisfaction::BasicallySatisfied => Closed,
            Satisfaction::Dissatisfied => Reopened,
        }),
        (Action::Reopen, Replied | Closed) => Ok(Reopened),
        (Action::Close, New | Replied) => Ok(Closed),
        (Action::KnowledgeApplied, Accepted | Replied) if no_info => Ok(Closed),
        (Action::KnowledgeRejected, Accepted | Replied) if no_info => Ok(Accepted),
        (Action::SetCause, s) if f.ticket_type == TicketType::Complaint => Ok(s),
        (Action::ReplyOnBehalf, Dispatched | Accepted) if !no_info => Ok(Replied),
        (Action::Escalate, s) if s != Closed => Ok(s),
        (
            Action::AddCohandler | Action::CohandlerReply,
            New | Dispatched | Accepted | Returned | Reopened,
        ) => Ok(f.status),
        (Action::Merge, s) if s != Closed => Ok(Closed),
        _ => refused(),
    }
}

/// Whether the ticket is finished.
pub fn is_open(s: Status) -> bool {
    s != Status::Closed
}

#[cfg(test)]
mod tests {
    use super::*;
    use Status::*;

    const TYPES: [TicketType; 4] = [
        TicketType::Complaint,
        TicketType::NoInfo,
        TicketType::Consultation,
        TicketType::Suggestion,
    ];

    /// Every allowed (action, from, type filter, extension pending?, before deadline?) → to,
    /// written out independently of `next_status`. Anything not listed must be refused.
    fn expected(a: Action, f: &Facts) -> Option<Status> {
        let ni = f.ticket_type == TicketType::NoInfo;
        let complaint = f.ticket_type == TicketType::Complaint;
        let mut table: Vec<(Action, Status, bool, Status)> = vec![
            // (action, from, condition, to)
            (Action::Dispatch, New, true, Dispatched),
            (Action::Dispatch, Returned, true, Dispatched),
            (Action::Dispatch, Reopened, true, Dispatched),
            (Action::Accept, Dispatched, true, Accepted),
            (Action::Return, Dispatched, true, Returned),
            (Action::Return, Accepted, true, Returned),
            (
                Action::ReturnReject,
                Returned,
                true,
                if f.returned_from == Some(Accepted) {
                    Accepted
                } else {
                    Dispatched
                },
            ),
            (Action::Reply, Accepted, !ni, Replied),
            (Action::Replenish, Accepted, ni, Replied),
            (
                Action::Extend,
                Dispatched,
                !f.extension_pending && f.before_deadline,
                Dispatched,
            ),
            (
                Action::Extend,
                Accepted,
                !f.extension_pending && f.before_deadline,
                Accepted,
            ),
            (
                Action::ExtendApprove,
                Dispatched,
                f.extension_pending,
                Dispatched,
            ),
            (
                Action::ExtendApprove,
                Accepted,
                f.extension_pending,
                Accepted,
            ),
            (
                Action::ExtendApprove,
                Returned,
                f.extension_pending,
                Returned,
            ),
            (
                Action::ExtendRefuse,
                Dispatched,
                f.extension_pending,
                Dispatched,
            ),
            (
                Action::ExtendRefuse,
                Accepted,
                f.extension_pending,
                Accepted,
            ),
            (
                Action::ExtendRefuse,
                Returned,
                f.extension_pending,
                Returned,
            ),
            (Action::Supervise, New, true, New),
            (Action::Supervise, Dispatched, true, Dispatched),
            (Action::Supervise, Accepted, true, Accepted),
            (Action::Supervise, Returned, true, Returned),
            (Action::Supervise, Replied, true, Replied),
            (Action::Supervise, Reopened, true, Reopened),
            (
                Action::Callback(Satisfaction::Satisfied),
                Replied,
                !ni,
                Closed,
            ),
            (
                Action::Callback(Satisfaction::BasicallySatisfied),
                Replied,
                !ni,
                Closed,
            ),
            (
                Action::Callback(Satisfaction::Dissatisfied),
                Replied,
                !ni,
                Reopened,
            ),
            (Action::Reopen, Replied, true, Reopened),
            (Action::Reopen, Closed, true, Reopened),
            (Action::Close, New, true, Closed),
            (Action::Close, Replied, true, Closed),
            (Action::KnowledgeApplied, Accepted, ni, Closed),
            (Action::KnowledgeApplied, Replied, ni, Closed),
            (Action::KnowledgeRejected, Accepted, ni, Accepted),
            (Action::KnowledgeRejected, Replied, ni, Accepted),
            (Action::SetCause, New, complaint, New),
            (Action::SetCause, Dispatched, complaint, Dispatched),
            (Action::SetCause, Accepted, complaint, Accepted),
            (Action::SetCause, Returned, complaint, Returned),
            (Action::SetCause, Replied, complaint, Replied),
            (Action::SetCause, Reopened, complaint, Reopened),
            (Action::SetCause, Closed, complaint, Closed),
            (Action::ReplyOnBehalf, Dispatched, !ni, Replied),
            (Action::ReplyOnBehalf, Accepted, !ni, Replied),
        ];
        let open = [New, Dispatched, Accepted, Returned, Replied, Reopened];
        let unreplied = [New, Dispatched, Accepted, Returned, Reopened];
        for s in open {
            table.push((Action::Escalate, s, true, s));
            table.push((Action::Merge, s, true, Closed));
        }
        for s in unreplied {
            table.push((Action::AddCohandler, s, true, s));
            table.push((Action::CohandlerReply, s, true, s));
        }
        table
            .into_iter()
            .find(|(act, from, cond, _)| *act == a && *from == f.status && *cond)
            .map(|(_, _, _, to)| to)
    }

    fn all_facts() -> Vec<Facts> {
        let mut out = Vec::new();
        for status in Status::ALL {
            for ticket_type in TYPES {
                for extension_pending in [false, true] {
                    for before_deadline in [false, true] {
                        for returned_from in [None, Some(Dispatched), Some(Accepted)] {
                            out.push(Facts {
                                status: *status,
                                ticket_type,
                                extension_pending,
                                returned_from,
                                before_deadline,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    #[test]
    fn every_allowed_and_every_forbidden_transition() {
        let mut allowed = 0;
        let mut refused = 0;
        for f in all_facts() {
            for a in Action::ALL {
                match (next_status(&f, *a), expected(*a, &f)) {
                    (Ok(got), Some(want)) => {
                        assert_eq!(got, want, "{a:?} from {f:?}");
                        allowed += 1;
                    }
                    (Err(_), None) => refused += 1,
                    (got, want) => panic!("{a:?} from {f:?}: got {got:?}, want {want:?}"),
                }
            }
        }
        assert!(allowed > 100 && refused > 1000, "{allowed} {refused}");
    }

    #[test]
    fn roles_are_checked_before_states() {
        let f = Facts {
            status: New,
            ticket_type: TicketType::Complaint,
            extension_pending: false,
            returned_from: None,
            before_deadline: true,
        };
        assert_eq!(
            check(&f, Action::Dispatch, Role::Supervisor),
            Ok(Dispatched)
        );
        for role in [
            Role::Operator,
            Role::Liaison,
            Role::KbEditor,
            Role::Admin,
            Role::Service,
        ] {
            assert!(matches!(
                check(&f, Action::Dispatch, role),
                Err(Refusal::Role(_))
            ));
        }
        assert!(matches!(
            check(&f, Action::Accept, Role::Liaison),
            Err(Refusal::State(_))
        ));
        assert!(matches!(
            check(&f, Action::Accept, Role::Operator),
            Err(Refusal::Role(_))
        ));
        let replied = Facts {
            status: Replied,
            ..f
        };
        for role in [Role::Operator, Role::Supervisor] {
            assert_eq!(
                check(&replied, Action::Callback(Satisfaction::Dissatisfied), role),
                Ok(Reopened)
            );
        }
        assert!(matches!(
            check(
                &replied,
                Action::Callback(Satisfaction::Satisfied),
                Role::Liaison
            ),
            Err(Refusal::Role(_))
        ));
    }

    #[test]
    fn every_action_names_its_roles() {
        for a in Action::ALL {
            assert!(!a.roles().is_empty());
            assert!(!a.name().is_empty());
        }
    }
}
