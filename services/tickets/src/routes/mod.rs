//! HTTP routes: each handler parses the request, checks the role, calls one use case (`app`)
//! and renders its answer.

use actix_web::{HttpMessage, HttpRequest};
use shared::telemetry::RequestId;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod action_bodies;
pub mod actions;
pub mod attachments;
pub mod calendar;
pub mod calls;
pub mod duties;
pub mod inbound;
pub mod reports;
pub mod reports_health;
pub mod reports_operators;
pub mod reports_pdf;
pub mod reports_topics;
pub mod service;
pub mod test_clock;
pub mod tickets;

/// Every `/api/v1` route of the service.
pub fn register(cfg: &mut ServiceConfig) {
    let api = scope("/api/v1")
        .service(calls::create_call)
        .service(calls::list_calls)
        .service(calls::rate_call)
        .service(reports::calls_daily)
        .service(reports::replenishment)
        .service(reports::departments)
        .service(reports_operators::operators)
        .service(reports_health::kb_health)
        .service(reports_health::search_counts)
        .service(reports_topics::topics)
        .service(reports_topics::topic_words)
        .service(tickets::create_ticket)
        .service(tickets::list_tickets)
        .service(tickets::get_ticket)
        .service(tickets::ticket_events)
        .service(actions::dispatch)
        .service(actions::accept)
        .service(actions::return_ticket)
        .service(actions::return_reject)
        .service(actions::reply)
        .service(actions::reply_on_behalf)
        .service(actions::extend)
        .service(actions::extend_approve)
        .service(actions::extend_refuse)
        .service(actions::supervise)
        .service(actions::callback)
        .service(actions::reopen)
        .service(actions::close)
        .service(actions::set_cause)
        .service(actions::replenish)
        .service(duties::escalate)
        .service(duties::add_cohandler)
        .service(duties::cohandler_reply)
        .service(duties::merge)
        .service(duties::list_routes)
        .service(duties::add_route)
        .service(duties::delete_route)
        .service(service::knowledge_result)
        .service(service::delivery)
        .service(inbound::inbound)
        .service(attachments::upload)
        .service(attachments::list)
        .service(attachments::download)
        .service(attachments::received_faxes)
        .service(attachments::inbound_fax)
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

/// The service's API: the head of its document (`startup::ApiDoc`) and every route above.
pub fn api() -> shared::server::Api {
    shared::server::Api {
        head: <crate::startup::ApiDoc as utoipa::OpenApi>::openapi(),
        routes: register,
    }
}

pub fn request_id(req: &HttpRequest) -> Option<String> {
    req.extensions().get::<RequestId>().map(|r| r.0.clone())
}
