//! Accounts (admin): people, role, department, disable, reset password.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::pagination::PageParams;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::{bad, double_option, json_body};
use crate::db::{accounts, kb};
use crate::domain::accounts as rules;
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

impl From<accounts::Account> for AccountView {
    fn from(a: accounts::Account) -> Self {
        AccountView {
            username: a.username,
            role: a.role,
            department: a.department,
            disabled: a.disabled,
            created_at: a.created_at.and_utc(),
            updated_at: a.updated_at.and_utc(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountPage {
    pub items: Vec<AccountView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
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
    responses((status = 200, body = AccountPage), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/accounts")]
pub async fn list_accounts(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<AccountQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let paging = PageParams {
        page: query.page,
        per_page: query.per_page,
    }
    .paging()?;
    let (items, total) = shared::db::run(&state.pool, move |conn| {
        accounts::list(conn, paging.offset(), paging.per_page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(AccountPage {
        items: items.into_iter().map(AccountView::from).collect(),
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

/// One account (admin).
#[utoipa::path(tag = "auth", params(("username" = String, Path, description = "Username")),
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
        accounts::find(conn, &username)?
            .ok_or_else(|| ApiError::not_found(format!("no account `{username}`")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(AccountView::from(a)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub username: String,
    /// 8 to 128 characters.
    pub password: String,
    /// operator, liaison, kb_editor, supervisor or admin.
    pub role: String,
    /// Required for a liaison, refused for other roles.
    pub department: Option<String>,
}

fn check_department_exists(conn: &mut shared::db::DbConnection, d: Option<&str>) -> ApiResult<()> {
    if let Some(code) = d
        && kb::department(conn, code)?.is_none()
    {
        return Err(ApiError::bad_request(format!(
            "unknown department `{code}`"
        )));
    }
    Ok(())
}

/// Creates an account (admin).
#[utoipa::path(tag = "auth", request_body = AccountInput,
    responses((status = 201, body = AccountView), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/accounts")]
pub async fn create_account(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let input: AccountInput = json_body(&req, body, BODY_LIMIT).await?;
    rules::check_username(&input.username).map_err(bad)?;
    rules::check_password(&input.password).map_err(bad)?;
    let role = rules::parse_person_role(&input.role).map_err(bad)?;
    rules::check_department(role, input.department.as_deref()).map_err(bad)?;
    let password = input.password;
    let hash = web::block(move || shared::auth::hash_password(&password)).await??;
    let now = chrono::Utc::now().naive_utc();
    let account = accounts::Account {
        username: input.username,
        password_hash: hash,
        role: role.as_str().to_string(),
        department: input.department,
        disabled: false,
        created_at: now,
        updated_at: now,
    };
    let created = shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            check_department_exists(conn, account.department.as_deref())?;
            if accounts::find(conn, &account.username)?.is_some() {
                return Err(ApiError::conflict(format!(
                    "account `{}` exists",
                    account.username
                )));
            }
            accounts::insert(conn, &account)?;
            Ok(account)
        })
    })
    .await?;
    tracing::info!(username = %created.username, by = %user.sub, "account created");
    Ok(HttpResponse::Created().json(AccountView::from(created)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccountPatch {
    pub role: Option<String>,
    /// `null` clears it (for a role other than liaison).
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<String>)]
    pub department: Option<Option<String>>,
    pub disabled: Option<bool>,
    /// A new password (a reset).
    pub password: Option<String>,
}

/// Changes an account's role, department, disabled flag or password (admin).
#[utoipa::path(tag = "auth", request_body = AccountPatch, params(("username" = String, Path, description = "Username")),
    responses((status = 200, body = AccountView), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[patch("/accounts/{username}")]
pub async fn update_account(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let username = path.into_inner();
    let p: AccountPatch = json_body(&req, body, BODY_LIMIT).await?;
    let role = p
        .role
        .as_deref()
        .map(rules::parse_person_role)
        .transpose()
        .map_err(bad)?;
    let hash = match p.password {
        Some(pw) => {
            rules::check_password(&pw).map_err(bad)?;
            Some(web::block(move || shared::auth::hash_password(&pw)).await??)
        }
        None => None,
    };
    let department_patch = p.department;
    let disabled = p.disabled;
    let updated = shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let current = accounts::find(conn, &username)?
                .ok_or_else(|| ApiError::not_found(format!("no account `{username}`")))?;
            let current_role: Role = current.role.parse().map_err(ApiError::internal)?;
            let new_role = role.unwrap_or(current_role);
            if rules::removes_an_admin(current_role, current.disabled, new_role, disabled)
                && accounts::count_active_admins(conn)? <= 1
            {
                return Err(ApiError::conflict(
                    "the last active admin cannot be disabled or given another role",
                ));
            }
            let department = match (&department_patch, new_role) {
                (Some(d), _) => d.clone(),
                // Leaving the liaison role drops the department.
                (None, r) if r != Role::Liaison => None,
                (None, _) => current.department.clone(),
            };
            rules::check_department(new_role, department.as_deref()).map_err(bad)?;
            check_department_exists(conn, department.as_deref())?;
            let changes = accounts::AccountChanges {
                password_hash: hash,
                role: Some(new_role.as_str().to_string()),
                department: Some(department),
                disabled,
                updated_at: Some(chrono::Utc::now().naive_utc()),
            };
            accounts::update(conn, &username, &changes)?;
            accounts::find(conn, &username)?.ok_or_else(|| ApiError::not_found("gone"))
        })
    })
    .await?;
    tracing::info!(username = %updated.username, by = %user.sub, "account changed");
    Ok(HttpResponse::Ok().json(AccountView::from(updated)))
}
