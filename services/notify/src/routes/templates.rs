use actix_web::{HttpResponse, get, put, web};
use shared::auth::{AuthUser, Role};
use shared::web::check_required;
use shared::{ApiError, ApiResult};

use crate::db::templates as store;
use crate::domain::templates::{Template, TemplateUpdate, is_known};
use crate::domain::{MAX_BODY, MAX_SUBJECT};
use crate::startup::AppState;
use shared::time::now_ms;

/// The message templates (Chinese, with `{placeholders}`).
#[utoipa::path(
    tag = "templates",
    responses(
        (status = 200, body = [Template]),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
    )
)]
#[get("/templates")]
pub async fn list(user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let all = shared::db::run(&state.pool, store::all).await?;
    Ok(HttpResponse::Ok().json(all))
}

/// One template.
#[utoipa::path(
    tag = "templates",
    params(("name" = String, Path)),
    responses(
        (status = 200, body = Template),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
    )
)]
#[get("/templates/{name}")]
pub async fn get_one(
    user: AuthUser,
    name: web::Path<String>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let name = name.into_inner();
    let t = shared::db::run(&state.pool, move |c| store::get(c, &name))
        .await?
        .ok_or_else(|| ApiError::not_found("no such template"))?;
    Ok(HttpResponse::Ok().json(t))
}

/// Replaces a template's subject and body; notifications already accepted keep their text.
#[utoipa::path(
    tag = "templates",
    params(("name" = String, Path)),
    request_body = TemplateUpdate,
    responses(
        (status = 200, body = Template),
        (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
    )
)]
#[put("/templates/{name}")]
pub async fn put(
    user: AuthUser,
    name: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let name = name.into_inner();
    if !is_known(&name) {
        return Err(ApiError::not_found("no such template"));
    }
    let update: TemplateUpdate = super::parse_body(&body)?;
    check_required("subject", &update.subject, MAX_SUBJECT)?;
    check_required("body", &update.body, MAX_BODY)?;
    let by = user.sub.clone();
    let t = shared::db::run(&state.pool, move |c| {
        if !store::update(c, &name, &update.subject, &update.body, &by, now_ms())? {
            return Err(ApiError::not_found("no such template"));
        }
        store::get(c, &name)?.ok_or_else(|| ApiError::not_found("no such template"))
    })
    .await?;
    Ok(HttpResponse::Ok().json(t))
}
