//! Use cases: each workflow is one function that owns its transaction. A route parses the
//! request, checks the role, calls one of these and renders the answer; the jobs call them too.

use shared::ApiError;

use crate::domain::lifecycle::Refusal;

pub mod actions;
pub mod attachments;
pub mod calendar;
pub mod calls;
pub mod duties;
pub mod inbound;
pub mod intake;
pub mod reports;
pub mod reports_health;
pub mod reports_operators;
pub mod reports_topics;
pub mod service;
pub mod tickets;

pub fn ticket_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("no ticket {id}"))
}

/// A lifecycle refusal as an answer: role 403, state 409, input 400.
pub fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::Role(m) => ApiError::forbidden(m),
        Refusal::State(m) => ApiError::InvalidTransition(m),
        Refusal::Input(m) => ApiError::bad_request(m),
    }
}
