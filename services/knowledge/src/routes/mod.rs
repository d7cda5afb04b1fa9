//! HTTP routes: thin handlers that check roles, validate, and call the domain and db layers.

use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod regions;

/// Every `/api/v1` route of the service.
pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(scope("/api/v1").service(regions::list_regions));
}
