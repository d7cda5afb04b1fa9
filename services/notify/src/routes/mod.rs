//! HTTP routes: thin handlers that check roles, parse the request, call one use case (`app`)
//! and render its answer.

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod inbound;
pub mod notifications;
pub mod templates;

/// Every `/api/v1` route of the service.
pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(
        scope("/api/v1")
            .service(notifications::create)
            .service(notifications::list)
            .service(notifications::get_one)
            .service(notifications::retry)
            .service(templates::list)
            .service(templates::get_one)
            .service(templates::put)
            .service(inbound::list)
            .service(inbound::attach)
            .service(inbound::dismiss),
    );
}

/// The service's API: the head of its document (`startup::ApiDoc`) and every route above.
pub fn api() -> shared::server::Api {
    shared::server::Api {
        head: <crate::startup::ApiDoc as utoipa::OpenApi>::openapi(),
        routes: register,
    }
}

/// Parses a JSON body after the caller's role was checked (so a forbidden caller learns
/// nothing about what a valid body looks like).
pub fn parse_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> shared::ApiResult<T> {
    shared::body::parse_json(body)
}
