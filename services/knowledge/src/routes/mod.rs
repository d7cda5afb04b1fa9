//! HTTP routes: thin handlers that check roles, validate, and call the domain and db layers.
//!
//! Write handlers take the raw body (`web::Payload`) and parse it only after the caller's role
//! has been checked, so that a caller who may not write gets a 403 whatever the body holds.

use actix_web::{HttpRequest, web};
use serde::de::DeserializeOwned;
use shared::ApiError;
use shared::auth::Role;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub mod accounts;
pub mod auth;
pub mod change_requests;
pub mod departments;
pub mod faqs;
pub mod import;
pub mod liaisons;
pub mod regions;
pub mod reports;
pub mod scripts;
pub mod search;

/// Who edits the directory and FAQ.
pub const EDITORS: &[Role] = &[Role::KbEditor, Role::Admin];

/// Every `/api/v1` route of the service.
pub fn register(cfg: &mut ServiceConfig) {
    cfg.service(
        // Search first: actix tries a scope's routes in order, and the patterns with path
        // parameters before it would each run a regex on every search (the most frequent
        // request by far).
        scope("/api/v1")
            .service(search::search)
            .service(auth::login)
            .service(accounts::list_accounts)
            .service(accounts::get_account)
            .service(accounts::create_account)
            .service(accounts::update_account)
            .service(regions::list_regions)
            .service(departments::list_departments)
            .service(departments::get_department)
            .service(departments::create_department)
            .service(departments::update_department)
            .service(liaisons::get_liaison)
            .service(liaisons::create_liaison)
            .service(liaisons::update_liaison)
            .service(faqs::list_faqs)
            .service(faqs::get_faq)
            .service(faqs::faq_revisions)
            .service(faqs::create_faq)
            .service(faqs::update_faq)
            .service(scripts::list_scripts)
            .service(scripts::get_script)
            .service(scripts::put_script)
            .service(scripts::patch_script)
            .service(change_requests::create_change_request)
            .service(change_requests::list_change_requests)
            .service(change_requests::get_change_request)
            .service(change_requests::apply_change_request)
            .service(change_requests::reject_change_request)
            .service(import::run_import)
            .service(search::list_synonyms)
            .service(search::add_synonym)
            .service(search::delete_synonym)
            .service(reports::unanswered),
    );
}

/// Reads and parses a JSON body of at most `limit` bytes, after the role check.
pub async fn json_body<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
    check_json_content_type(req)?;
    let bytes = read_body(payload, limit).await?;
    serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

pub fn check_json_content_type(req: &HttpRequest) -> Result<(), ApiError> {
    let ct = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if mime == "application/json" || mime.ends_with("+json") {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "expected Content-Type: application/json",
        ))
    }
}

pub async fn read_body(payload: web::Payload, limit: usize) -> Result<web::Bytes, ApiError> {
    match payload.to_bytes_limited(limit).await {
        Ok(Ok(b)) => Ok(b),
        Ok(Err(e)) => Err(ApiError::bad_request(format!("cannot read body: {e}"))),
        Err(_) => Err(ApiError::PayloadTooLarge(format!(
            "request body is larger than {limit} bytes"
        ))),
    }
}

/// A field check's message as a 400.
pub fn bad(msg: String) -> ApiError {
    ApiError::BadRequest(msg)
}

/// `Option<Option<T>>` for PATCH bodies: absent → `None`, `null` → `Some(None)`.
pub fn double_option<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Option::<T>::deserialize(d).map(Some)
}

/// Path and query strings that name a record are checked before they reach the database.
pub fn check_code(field: &str, value: &str) -> Result<(), ApiError> {
    crate::domain::validate::code(field, value).map_err(|_| {
        ApiError::not_found(format!(
            "no {field} `{}`",
            value.chars().take(64).collect::<String>()
        ))
    })
}
