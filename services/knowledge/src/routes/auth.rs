//! Sign-in: a token valid at all three services.

use std::sync::Arc;

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use shared::auth::{ALL_AUDIENCES, AuthUser, Role};
use shared::contract::knowledge::Revocation;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use crate::app;
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
    let peer = req.peer_addr().map(|a| a.ip());
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    let address = shared::web::client_address(peer, forwarded, &state.login.trusted_proxies)
        .map(|a| a.to_string())
        .unwrap_or_default();
    let attempt = Arc::new(app::signin::Attempt::new(&state.login, &username, &address));
    let now = shared::time::now_ms();
    let a = attempt.clone();
    let held = shared::db::run(&state.pool, move |c| app::signin::held(c, &a, now)).await?;
    if let Some(wait) = held {
        return Ok(too_many(wait));
    }
    let name = username.clone();
    let account = super::query(&state.pool, move |conn| accounts::find(conn, &name)).await?;
    // Argon2 is slow on purpose: off the async executor.
    let verified = web::block(move || {
        let ok = match &account {
            Some(a) => shared::auth::verify_password(&password, &a.password_hash),
            None => {
                let _ = shared::auth::verify_password(&password, decoy_hash());
                false
            }
        };
        account.filter(|a| ok && !a.disabled)
    })
    .await?;
    let a = attempt.clone();
    let Some(account) = verified else {
        shared::db::run(&state.pool, move |c| app::signin::failed(c, &a, now)).await?;
        tracing::info!(username = %username, address = %address, "login failed");
        return Err(ApiError::Unauthorized("wrong username or password".into()));
    };
    shared::db::run(&state.pool, move |c| app::signin::succeeded(c, &a)).await?;
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
pub async fn logout(user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    if user.is(Role::Service) {
        return Err(ApiError::forbidden("a service does not sign in"));
    }
    shared::db::run(&state.pool, move |conn| {
        app::accounts::sign_out(conn, &user.sub)
    })
    .await?;
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
