//! Sign-in: a token valid at all three services.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use shared::auth::{AuthUser, PasswordChanger, Role};
use shared::body::Json;
use shared::contract::knowledge::Revocation;
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use crate::app;
use crate::app::signin::{Answer, LoginRequest, LoginResponse, PasswordChange, SignInContext};
use crate::db::accounts;
use crate::startup::AppState;

/// Signs in with username and password. Failures are counted per account and address (5 a
/// minute), per address (30 a minute) and per account (20 in 15 minutes); past any of these the
/// answer is 429 until the window allows again. The address is the browser's as the console
/// (a trusted proxy) forwards it.
#[utoipa::path(tag = "auth", request_body(content = LoginRequest, example = json!({"username": "op-zhang", "password": "Hotline#2026"})), security(()),
    responses((status = 200, body = LoginResponse), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 429, body = shared::error::Problem)))]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: Json<LoginRequest>,
) -> ApiResult<HttpResponse> {
    let address = super::client_address(&req, &state);
    let answer = app::signin::login(&context(&state), body.into_inner(), address).await?;
    Ok(render(answer))
}

/// Chooses a new password, giving the current one: every older token ends and the answer is
/// a new one. A token from a one-time password is good for this and nothing else. Failures
/// count towards the sign-in throttling.
#[utoipa::path(tag = "auth", request_body(content = PasswordChange, example = json!({"current_password": "Hotline#2026", "new_password": "Hotline#2027"})),
    responses((status = 200, body = LoginResponse), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
        (status = 429, body = shared::error::Problem)))]
#[post("/auth/password")]
pub async fn change_password(
    state: web::Data<AppState>,
    req: HttpRequest,
    PasswordChanger(user): PasswordChanger,
    body: Json<PasswordChange>,
) -> ApiResult<HttpResponse> {
    let address = super::client_address(&req, &state);
    let answer =
        app::signin::change_password(&context(&state), &user, body.into_inner(), address).await?;
    Ok(render(answer))
}

fn context(state: &AppState) -> SignInContext<'_> {
    SignInContext {
        pool: &state.pool,
        rules: &state.login,
        keys: &state.keys,
        token_ttl: state.token_ttl,
    }
}

fn render(answer: Answer) -> HttpResponse {
    match answer {
        Answer::Held(wait) => too_many(wait),
        Answer::Token(t) => HttpResponse::Ok().json(t),
    }
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
