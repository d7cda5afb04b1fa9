//! Operator scripts (话术): read by everyone, filled from a department on request; edited by
//! editors.

use actix_web::{HttpResponse, get, patch, put, web};
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::AuthUser;
use utoipa::{IntoParams, ToSchema};

use super::{Body, check_code, department_code, edit_record};
use crate::app::directory::{self, ScriptPatch};
use crate::app::lookup::{self, ScriptView};
use crate::db::kb;
use crate::domain::Script;
use crate::startup::AppState;

const BODY_LIMIT: usize = 16 * 1024;

/// Every script, as templates.
#[utoipa::path(tag = "scripts", responses((status = 200, body = [Script]), (status = 401, body = shared::error::Problem)))]
#[get("/scripts")]
pub async fn list_scripts(_user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let items = super::query(&state.pool, kb::load_scripts).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScriptQuery {
    /// Fill `{department}`, `{target_department}`, `{phone}`, `{hours}`, `{address}`, `{fax}`
    /// from this department.
    pub department: Option<String>,
}

/// One script, optionally filled from a department.
#[utoipa::path(tag = "scripts", params(("key" = String, Path, description = "Script key, e.g. report_number"), ScriptQuery),
    responses((status = 200, body = ScriptView), (status = 401, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/scripts/{key}")]
pub async fn get_script(
    _user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ScriptQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    check_code("script", &key)?;
    let department = match query.into_inner().department.filter(|d| !d.is_empty()) {
        Some(d) => Some(department_code(&d)?),
        None => None,
    };
    let view = shared::db::run(&state.pool, move |conn| {
        lookup::script(conn, &key, department.as_ref())
    })
    .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptInput {
    pub title: String,
    pub text: String,
}

/// Creates or replaces a script (kb_editor, admin): 201 when new, 200 when replaced.
#[utoipa::path(tag = "scripts", request_body = ScriptInput, params(("key" = String, Path, description = "Script key")),
    responses((status = 200, body = Script), (status = 201, body = Script), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[put("/scripts/{key}")]
pub async fn put_script(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    let input: ScriptInput = body.editor_json(&user, BODY_LIMIT).await?;
    let s = Script {
        key,
        title: input.title,
        text: input.text,
    };
    let (s, created) =
        shared::db::run(&state.pool, move |conn| directory::put_script(conn, s)).await?;
    Ok(if created {
        HttpResponse::Created().json(s)
    } else {
        HttpResponse::Ok().json(s)
    })
}

/// Changes a script's title or text (kb_editor, admin).
#[utoipa::path(tag = "scripts", request_body = ScriptPatch, params(("key" = String, Path, description = "Script key")),
    responses((status = 200, body = Script), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[patch("/scripts/{key}")]
pub async fn patch_script(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    edit_record(user, state, path, body, BODY_LIMIT, ScriptPatch::apply).await
}
