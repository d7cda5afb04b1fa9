//! Accounts (admin): people, role, department, disable, reset password.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, Paging};
use shared::time::from_ms;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::Body;
use crate::app::accounts::{self, AccountInput, AccountPatch};
use crate::db::accounts::{self as store, Account};
use crate::startup::AppState;

const BODY_LIMIT: usize = 8 * 1024;

/// An account as shown to admins (never its password hash).
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub username: String,
    pub role: String,
    pub department: Option<String>,
    pub disabled: bool,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            username: a.username,
            role: a.role,
            department: a.department,
            disabled: a.disabled,
            created_at: from_ms(a.created_at),
            updated_at: from_ms(a.updated_at),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountQuery {
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Accounts, by username, a page at a time (admin).
#[utoipa::path(tag = "auth", params(AccountQuery),
    responses((status = 200, body = Page<AccountView>), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/accounts")]
pub async fn list_accounts(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<AccountQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let paging = Paging::of(query.page, query.per_page)?;
    let (items, total) = super::query(&state.pool, move |conn| {
        store::list(conn, paging.offset(), paging.per_page)
    })
    .await?;
    let items = items.into_iter().map(AccountView::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

/// One account (admin).
#[utoipa::path(tag = "auth", params(("username" = String, Path, description = "An account's username (letters, digits, `.`, `_`, `-`)", example = "op-zhang")),
    responses((status = 200, body = AccountView), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/accounts/{username}")]
pub async fn get_account(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let username = path.into_inner();
    let a = shared::db::run(&state.pool, move |conn| {
        store::find(conn, &username)?
            .ok_or_else(|| ApiError::not_found(format!("no account `{username}`")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(AccountView::from(a)))
}

/// Creates an account (admin).
#[utoipa::path(tag = "auth", request_body(content = AccountInput, example = json!({"username": "op-zhang", "password": "Hotline#2026", "role": "operator"})),
    responses((status = 201, body = AccountView), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/accounts")]
pub async fn create_account(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let input: AccountInput = body.json(BODY_LIMIT).await?;
    let account = accounts::check_new(&input)?;
    let hash = web::block(move || shared::auth::hash_password(&input.password)).await??;
    let by = super::actor(&req, &user, &state);
    let created = shared::db::run(&state.pool, move |conn| {
        accounts::create(conn, account, hash, &by)
    })
    .await?;
    Ok(HttpResponse::Created().json(AccountView::from(created)))
}

/// Changes an account's role, department, disabled flag or password (admin).
#[utoipa::path(tag = "auth", request_body(content = AccountPatch, example = json!({"role": "supervisor", "disabled": false})),
    params(("username" = String, Path, description = "An account's username (letters, digits, `.`, `_`, `-`)", example = "op-zhang")),
    responses((status = 200, body = AccountView), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[patch("/accounts/{username}")]
pub async fn update_account(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let username = path.into_inner();
    let mut p: AccountPatch = body.json(BODY_LIMIT).await?;
    let role = accounts::check_patch(&p)?;
    let hash = match p.password.take() {
        Some(pw) => Some(web::block(move || shared::auth::hash_password(&pw)).await??),
        None => None,
    };
    let by = super::actor(&req, &user, &state);
    let updated = shared::db::run(&state.pool, move |conn| {
        accounts::update(conn, &username, &p, role, hash, &by)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AccountView::from(updated)))
}
