//! Sign-in: a token valid at all three services.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use shared::auth::{ALL_AUDIENCES, AuthUser, Role};
use shared::contract::knowledge::Revocation;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use crate::app;
use crate::app::signin::SignIn;
use crate::db::accounts;
use crate::startup::AppState;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

#[derive(Serialize, ToSchema)]
pub struct LoginResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub role: Role,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// A hash to check unknown usernames against, so that they take as long as known ones.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| shared::auth::hash_password("decoy password").unwrap_or_default())
}

/// Signs in with username and password. Failures are counted per account and address (5 a
/// minute), per address (30 a minute) and per account (20 in 15 minutes); past any of these the
/// answer is 429 until the window allows again. The address is the browser's as the console
/// (a trusted proxy) forwards it.
#[utoipa::path(tag = "auth", request_body = LoginRequest, security(()),
    responses((status = 200, body = LoginResponse), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 429, body = shared::error::Problem)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let LoginRequest { username, password } = body.into_inner();
    if username.len() > 64 || password.len() > 256 {
        return Err(ApiError::Unauthorized("wrong username or password".into()));
    }
    let address = super::client_address(&req, &state);
    let account = match app::signin::sign_in(
        &state.pool,
        &state.login,
        username,
        password,
        address,
        decoy_hash(),
    )
    .await?
    {
        SignIn::Held(wait) => return Ok(too_many(wait)),
        SignIn::Refused => {
            return Err(ApiError::Unauthorized("wrong username or password".into()));
        }
        SignIn::Accepted(account) => account,
    };
    let role: Role = account
        .role
        .parse()
        .map_err(|e: String| ApiError::internal(format!("account {}: {e}", account.username)))?;
    let token = state.keys.issue_versioned(
        &account.username,
        role,
        account.department.as_deref(),
        account.token_version,
        &ALL_AUDIENCES,
        state.token_ttl,
    )?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        access_token: token,
        token_type: "Bearer".into(),
        expires_in: state.token_ttl,
        role,
        department: account.department,
    }))
}

/// Signs out: this token and every other of the caller's end, at every service within a
/// second.
#[utoipa::path(tag = "auth",
    responses((status = 204), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[post("/auth/logout")]
pub async fn logout(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    if user.is(Role::Service) {
        return Err(ApiError::forbidden("a service does not sign in"));
    }
    let by = super::actor(&req, &user, &state);
    shared::db::run(&state.pool, move |conn| app::accounts::sign_out(conn, &by)).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RevocationQuery {
    /// Changes after this moment (milliseconds since the epoch); 0 for all.
    #[serde(default)]
    pub since: i64,
}

/// Accounts whose older tokens ended after `since`, for the other services to refuse them
/// (service role).
#[utoipa::path(tag = "auth", params(RevocationQuery),
    responses((status = 200, body = [Revocation]), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/auth/revocations")]
pub async fn revocations(
    user: AuthUser,
    state: web::Data<AppState>,
    q: web::Query<RevocationQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let since = q.since;
    let list = super::query(&state.pool, move |conn| {
        accounts::revocations_since(conn, since)
    })
    .await?;
    Ok(HttpResponse::Ok().json(list))
}

fn too_many(wait: u64) -> HttpResponse {
    use actix_web::ResponseError;
    let mut res =
        ApiError::TooManyRequests(format!("too many failed sign-ins; try again in {wait} s"))
            .error_response();
    if let Ok(v) = actix_web::http::header::HeaderValue::from_str(&wait.to_string()) {
        res.headers_mut()
            .insert(actix_web::http::header::RETRY_AFTER, v);
    }
    res
}
