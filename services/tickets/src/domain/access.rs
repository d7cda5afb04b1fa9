//! Who may read a ticket, and how much of the caller's contact they see.

use shared::auth::{AuthUser, Role};

use super::record::TicketRecord;

/// Roles that may read tickets at all (liaisons only their department's).
pub const TICKET_READERS: &[Role] = &[Role::Operator, Role::Supervisor, Role::Liaison];

/// A liaison sees only their department's tickets; anything else is "not found".
pub fn visible(user: &AuthUser, t: &TicketRecord) -> bool {
    match user.role {
        Role::Liaison => user.department.is_some() && t.department == user.department,
        Role::Operator | Role::Supervisor | Role::Service => true,
        Role::KbEditor | Role::Admin => false,
    }
}

/// Operators and supervisors talk to callers: they see the caller's full number.
pub fn full_contact(user: &AuthUser) -> bool {
    matches!(user.role, Role::Operator | Role::Supervisor)
}
