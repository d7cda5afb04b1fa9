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
    operation_id = "list_templates",
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
    operation_id = "get_template",
    params(("name" = String, Path, description = "A template of the system (`GET /api/v1/templates` lists them); `sms_…` ones are text messages", example = "dispatch")),
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
    operation_id = "put_template",
    params(("name" = String, Path, description = "A template of the system (`GET /api/v1/templates` lists them); `sms_…` ones are text messages", example = "dispatch")),
    request_body(content = TemplateUpdate, example = json!({
        "subject": "{{ hotline_name }}派单 {{ ticket_id }}：{{ summary }}",
        "body": "{{ department_name }}联络员：\n\n请于 {{ due_at }} 前办结工单 {{ ticket_id }} 并回复。\n\n{{ hotline_name }}"
    })),
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
