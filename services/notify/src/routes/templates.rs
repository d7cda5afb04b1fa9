use actix_web::{HttpResponse, get, put, web};
use shared::ApiResult;
use shared::auth::{AuthUser, Role};

use crate::app::templates as app;
use crate::domain::templates::{Template, TemplateName, TemplateUpdate};
use crate::startup::AppState;

/// The name in the path, if it is one of the system's templates (a 404 otherwise).
fn known(name: web::Path<String>) -> ApiResult<TemplateName> {
    TemplateName::parse(&name).ok_or_else(app::not_found)
}

/// The message templates (Chinese; minijinja, `{{ placeholder }}`), each with the
/// placeholders it may use.
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
    Ok(HttpResponse::Ok().json(app::all(&state.pool).await?))
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
    Ok(HttpResponse::Ok().json(app::get(&state.pool, name.into_inner()).await?))
}

/// Replaces a template's subject and body; notifications already accepted keep their text.
///
/// A text that does not parse, or uses a placeholder the template does not list in its
/// `variables`, is a 400 that names it.
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
    let name = known(name)?;
    let update: TemplateUpdate = super::parse_body(&body)?;
    let t = app::update(&state.pool, name, update, user.sub.clone()).await?;
    Ok(HttpResponse::Ok().json(t))
}
