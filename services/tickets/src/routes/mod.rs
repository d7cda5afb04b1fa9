//! HTTP routes: thin handlers that check roles, validate, and call the domain and db layers.

use actix_web::{HttpMessage, HttpRequest};
use shared::ApiError;
use shared::auth::{AuthUser, Role};
use shared::telemetry::RequestId;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use crate::domain::lifecycle::Refusal;
use crate::domain::ticket::TicketRecord;

pub mod actions;
pub mod calendar;
pub mod calls;
pub mod reports;
pub mod service;
pub mod test_clock;
pub mod tickets;

/// Every `/api/v1` route of the service.
pub fn register(cfg: &mut ServiceConfig) {
    let api = scope("/api/v1")
        .service(calls::create_call)
        .service(calls::list_calls)
        .service(reports::calls_daily)
        .service(reports::replenishment)
        .service(tickets::create_ticket)
        .service(tickets::list_tickets)
        .service(tickets::get_ticket)
        .service(tickets::ticket_events)
        .service(actions::dispatch)
        .service(actions::accept)
        .service(actions::return_ticket)
        .service(actions::return_reject)
        .service(actions::reply)
        .service(actions::extend)
        .service(actions::extend_approve)
        .service(actions::extend_refuse)
        .service(actions::supervise)
        .service(actions::callback)
        .service(actions::reopen)
        .service(actions::close)
        .service(actions::replenish)
        .service(service::knowledge_result)
        .service(service::delivery)
        .service(calendar::get_calendar)
        .service(calendar::put_calendar)
        .service(calendar::deadlines);
    // The test clock is compiled into debug builds only and answers only when the clock is
    // manual; `route` keeps it out of the OpenAPI document.
    #[cfg(debug_assertions)]
    let api = api.route(
        "/test/clock",
        actix_web::web::post().to(test_clock::advance),
    );
    cfg.service(api);
}

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

pub fn ticket_not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("no ticket {id}"))
}

pub fn refusal(r: Refusal) -> ApiError {
    match r {
        Refusal::Role(m) => ApiError::forbidden(m),
        Refusal::State(m) => ApiError::InvalidTransition(m),
        Refusal::Input(m) => ApiError::bad_request(m),
    }
}

pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}

/// Phone numbers are stored and searched without spaces or dashes.
pub fn normalize_phone(phone: &str) -> String {
    phone
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}
