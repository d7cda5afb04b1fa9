//! Who may read a ticket, how much of the caller's contact they see, and which of its
//! departments takes its actions.

use shared::auth::{AuthUser, Role};

use super::lifecycle::Action;
use super::record::TicketRecord;

/// Roles that may read tickets at all (liaisons only their department's; services, e.g.
/// knowledge filling a script's `{deadline}`, all).
pub const TICKET_READERS: &[Role] = &[
    Role::Operator,
    Role::Supervisor,
    Role::Liaison,
    Role::Service,
];

/// Whether `user` may read `t`; what they may not is "not found". A liaison reads their
/// department's tickets and those it co-handles; an operator those they created, and any of the caller on the line
/// (`caller`: the caller's full number, normalised), so that counting through ticket numbers
/// shows no one else's callers; supervisors and services read all.
pub fn visible(user: &AuthUser, t: &TicketRecord, caller: Option<&str>) -> bool {
    match user.role {
        Role::Liaison => user
            .department
            .as_ref()
            .is_some_and(|d| t.department.as_ref() == Some(d) || t.cohandlers.contains(d)),
        Role::Operator => {
            t.created_by == user.sub || caller.is_some_and(|c| !c.is_empty() && c == t.caller_phone)
        }
        Role::Supervisor | Role::Service => true,
        Role::KbEditor | Role::Admin => false,
    }
}

/// Whether `user` acts on `t` as its lead department would (主办) when they take `action`: a
/// co-handling department's liaison (协办) sees the ticket, gives its part and may escalate,
/// but only the lead department's liaisons take its lifecycle actions. Other roles are not
/// concerned (their roles are checked by the lifecycle).
pub fn acts_as_lead(user: &AuthUser, t: &TicketRecord, action: Action) -> bool {
    let own_part = matches!(action, Action::CohandlerReply | Action::Escalate);
    user.role != Role::Liaison || own_part || t.department == user.department
}

/// Operators and supervisors talk to callers: they see the caller's full number.
pub fn full_contact(user: &AuthUser) -> bool {
    matches!(user.role, Role::Operator | Role::Supervisor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TicketType;
    use crate::domain::intake::tests::sample;

    fn user(role: Role, sub: &str, department: Option<&str>) -> AuthUser {
        AuthUser {
            sub: sub.into(),
            role,
            department: department.map(String::from),
        }
    }

    #[test]
    fn an_operator_reads_their_own_tickets_and_the_caller_on_the_line() {
        // Created by "op" for caller 13912341234.
        let t = sample(TicketType::Complaint, false);
        let creator = user(Role::Operator, "op", None);
        let other = user(Role::Operator, "op2", None);
        assert!(visible(&creator, &t, None));
        assert!(!visible(&other, &t, None), "not by counting ticket numbers");
        assert!(visible(&other, &t, Some("13912341234")));
        assert!(!visible(&other, &t, Some("13900000000")));
        assert!(!visible(&other, &t, Some("")));
        assert!(visible(&user(Role::Supervisor, "s", None), &t, None));
        assert!(!visible(&user(Role::Admin, "a", None), &t, None));
    }

    #[test]
    fn a_co_handling_liaison_gives_its_part_and_the_lead_acts() {
        let mut t = sample(TicketType::Complaint, false);
        t.department = Some("530100-gaj".into());
        t.cohandlers = vec!["530100-rsj".into()];
        let lead = user(Role::Liaison, "l1", Some("530100-gaj"));
        let co = user(Role::Liaison, "l2", Some("530100-rsj"));
        assert!(acts_as_lead(&lead, &t, Action::Reply));
        assert!(!acts_as_lead(&co, &t, Action::Reply));
        assert!(!acts_as_lead(&co, &t, Action::Accept));
        assert!(acts_as_lead(&co, &t, Action::CohandlerReply));
        assert!(acts_as_lead(&co, &t, Action::Escalate));
        let sup = user(Role::Supervisor, "s", None);
        assert!(
            acts_as_lead(&sup, &t, Action::Dispatch),
            "not a liaison's rule"
        );
    }

    #[test]
    fn a_liaison_reads_their_department_only() {
        let mut t = sample(TicketType::Complaint, false);
        t.department = Some("530100-gaj".into());
        let own = user(Role::Liaison, "l", Some("530100-gaj"));
        let other = user(Role::Liaison, "l2", Some("530100-rsj"));
        assert!(visible(&own, &t, None));
        assert!(!visible(&other, &t, Some("13912341234")));
    }
}
