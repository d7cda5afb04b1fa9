//! HTTP routes: thin handlers that parse the request, check the caller's role, call one use
//! case (`app`) or query (`db`), and render the answer.
//!
//! Write handlers take the raw body (`web::Payload`) and parse it only after the caller's role
//! has been checked, so that a caller who may not write gets a 403 whatever the body holds.

use actix_web::{FromRequest, HttpRequest, HttpResponse, web};
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::auth::{AuthUser, Role};
use shared::codes::DepartmentCode;
use shared::db::{DbConnection, DbPool, DbResult};
use shared::{ApiError, ApiResult};
use utoipa_actix_web::{scope, service_config::ServiceConfig};

use crate::app::audit::Actor;
use crate::app::directory::{self, Record};
use crate::startup::AppState;

pub mod accounts;
pub mod audit;
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
            .service(auth::change_password)
            .service(auth::logout)
            .service(auth::revocations)
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
            .service(search::list_phrasings)
            .service(search::add_phrasing)
            .service(search::delete_phrasing)
            .service(reports::unanswered)
            .service(reports::contacts)
            .service(reports::kb_health_now)
            .service(audit::list_audit)
            .service(audit::receive_audit),
    );
}

/// The service's API: the head of its document (`startup::ApiDoc`) and every route above.
pub fn api() -> shared::server::Api {
    shared::server::Api {
        head: <crate::startup::ApiDoc as utoipa::OpenApi>::openapi(),
        routes: register,
    }
}

/// The client's address: the peer's, or what a trusted proxy (the console) forwarded.
pub fn client_address(req: &HttpRequest, state: &AppState) -> String {
    shared::web::request_client_address(req, &state.login.trusted_proxies)
        .map(|a| a.to_string())
        .unwrap_or_default()
}

/// Who makes this request, for the audit log.
pub fn actor(req: &HttpRequest, user: &AuthUser, state: &AppState) -> Actor {
    Actor::of(user, &client_address(req, state))
}

/// Runs a read (a `db` query) off the async executor; its error becomes the answer.
pub async fn query<T, F>(pool: &DbPool, f: F) -> ApiResult<T>
where
    F: FnOnce(&mut DbConnection) -> DbResult<T> + Send + 'static,
    T: Send + 'static,
{
    shared::db::run(pool, move |conn| Ok(f(conn)?)).await
}

/// The body of a write, read only when the handler asks for it: after the caller's role is
/// checked, so that a caller who may not write gets a 403 whatever the body holds.
pub struct Body {
    req: HttpRequest,
    payload: web::Payload,
}

impl FromRequest for Body {
    type Error = actix_web::Error;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut actix_web::dev::Payload) -> Self::Future {
        let payload = web::Payload::from_request(req, payload).into_inner();
        std::future::ready(payload.map(|payload| Body {
            req: req.clone(),
            payload,
        }))
    }
}

impl Body {
    /// The request the body came with (for its headers).
    pub fn request(&self) -> &HttpRequest {
        &self.req
    }

    /// The JSON body, at most `limit` bytes.
    pub async fn json<T: DeserializeOwned>(self, limit: usize) -> ApiResult<T> {
        json_body(&self.req, self.payload, limit).await
    }

    /// The JSON body of a write that only editors may make, once the caller's role is checked.
    pub async fn editor_json<T: DeserializeOwned>(
        self,
        user: &AuthUser,
        limit: usize,
    ) -> ApiResult<T> {
        user.require(EDITORS)?;
        self.json(limit).await
    }
}

/// Creates a directory record from the body (kb_editor, admin): 201 with the record.
pub async fn create_record<R>(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Body,
    limit: usize,
) -> ApiResult<HttpResponse>
where
    R: Record + DeserializeOwned + Serialize + Send + 'static,
{
    let record: R = body.editor_json(&user, limit).await?;
    let created = shared::db::run(&state.pool, move |conn| directory::create(conn, record)).await?;
    Ok(HttpResponse::Created().json(created))
}

/// Edits the directory record named in the path with the PATCH body `P` (kb_editor, admin).
pub async fn edit_record<R, P>(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
    limit: usize,
    apply: fn(&P, &mut R),
) -> ApiResult<HttpResponse>
where
    R: Record + Serialize + Send + 'static,
    P: DeserializeOwned + Send + 'static,
{
    user.require(EDITORS)?;
    let code = path.into_inner();
    check_code(R::WHAT, &code)?;
    let p: P = body.json(limit).await?;
    let updated = shared::db::run(&state.pool, move |conn| {
        directory::edit(conn, &code, |r: &mut R| apply(&p, r))
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}

/// Reads and parses a JSON body of at most `limit` bytes, after the role check.
pub async fn json_body<T: DeserializeOwned>(
    req: &HttpRequest,
    payload: web::Payload,
    limit: usize,
) -> Result<T, ApiError> {
    check_json_content_type(req)?;
    let bytes = read_body(payload, limit).await?;
    shared::body::parse_json(&bytes)
}

pub use shared::body::{check_json_content_type, read_body};

/// Path and query strings that name a record are checked before they reach the database: a
/// malformed one names nothing (404).
pub fn check_code(field: &str, value: &str) -> Result<(), ApiError> {
    crate::domain::validate::code(field, value).map_err(|_| names_nothing(field, value))
}

/// A department code from a path or query string (404 when malformed).
pub fn department_code(value: &str) -> Result<DepartmentCode, ApiError> {
    DepartmentCode::parse("department", value).map_err(|_| names_nothing("department", value))
}

fn names_nothing(field: &str, value: &str) -> ApiError {
    ApiError::not_found(format!(
        "no {field} `{}`",
        value.chars().take(64).collect::<String>()
    ))
}
