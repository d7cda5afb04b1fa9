//! What every service's HTTP surface shares: extractor limits mapped to problems, the
//! unauthenticated operational routes, readiness, and the not-found fallback.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::{HttpResponse, web};

use crate::error::{self, ApiError};
use crate::metrics::Metrics;

/// Largest JSON body any route accepts unless it says otherwise.
pub const DEFAULT_JSON_LIMIT: usize = 256 * 1024;

/// Flipped to ready once start-up (migrations, import, search index) is finished.
#[derive(Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn set_ready(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(error::json_error)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(error::query_error)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(error::path_error)
}

/// Registers the extractor configurations on an app or scope.
pub fn extractor_configs(cfg: &mut web::ServiceConfig, json_limit: usize) {
    cfg.app_data(json_config(json_limit))
        .app_data(query_config())
        .app_data(path_config());
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn readyz(ready: web::Data<Readiness>) -> HttpResponse {
    if ready.is_ready() {
        HttpResponse::Ok().json(serde_json::json!({"status": "ready"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("application/problem+json")
            .json(ApiError::ServiceUnavailable("starting up".into()).problem())
    }
}

async fn metrics(m: web::Data<Arc<Metrics>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(m.render())
}

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.json` and `/docs`: no token needed.
pub fn operational_routes(cfg: &mut web::ServiceConfig, openapi: utoipa::openapi::OpenApi) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics))
        .service(utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header(("location", "/docs/"))
                    .finish()
            }),
        );
}

/// The answer for a path no route serves.
pub async fn not_found() -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found("no such resource"))
}

/// Checks a string field's length in characters, for bodies and queries.
pub fn check_len(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n > max {
        return Err(ApiError::bad_request(format!(
            "`{field}` is longer than {max} characters"
        )));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ApiError::bad_request(format!(
            "`{field}` contains control characters"
        )));
    }
    Ok(())
}

/// Like [`check_len`] but also refuses an empty (or all-blank) value.
pub fn check_required(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(format!(
            "`{field}` must not be empty"
        )));
    }
    check_len(field, value, max)
}

/// Pretty JSON of an OpenAPI document, as committed under `openapi/`.
pub fn openapi_json(doc: &utoipa::openapi::OpenApi) -> String {
    let mut s = doc.to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

/// The request's `Idempotency-Key`, if any: 1–200 printable ASCII characters, else a 400.
/// Callers scope it (per user, per endpoint) before storing it.
pub fn idempotency_key(req: &actix_web::HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = v.to_str().ok().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "`Idempotency-Key` must be 1 to 200 printable ASCII characters",
        ));
    }
    Ok(Some(key.to_string()))
}
