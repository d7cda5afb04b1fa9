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
    /// Fill `{department}` from this department, and, without `target`, also
    /// `{target_department}`, `{phone}`, `{hours}`, `{address}`, `{fax}`.
    pub department: Option<String>,
    /// The department the caller needs (a department code): `{target_department}` and its
    /// `{phone}`, `{hours}`, `{address}`, `{fax}` (转接错误: "我这里是X……请致电Y查询").
    pub target: Option<String>,
}

/// One script, filled from a department, the department the caller needs (`target`) and the
/// signed-in account (`{agent_id}`); what stays unfilled is listed.
#[utoipa::path(tag = "scripts", params(("key" = String, Path, description = "Script key: lowercase letters, digits and `_` (`GET /api/v1/scripts` lists them)", example = "report_number"), ScriptQuery),
    responses((status = 200, body = ScriptView), (status = 401, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/scripts/{key}")]
pub async fn get_script(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ScriptQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    check_code("script", &key)?;
    let code = |d: Option<String>| d.filter(|d| !d.is_empty()).map(|d| department_code(&d));
    let q = query.into_inner();
    let department = code(q.department).transpose()?;
    let target = code(q.target).transpose()?;
    let view = shared::db::run(&state.pool, move |conn| {
        lookup::script(conn, &key, department.as_ref(), target.as_ref(), &user.sub)
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
#[utoipa::path(tag = "scripts", request_body(content = ScriptInput, example = json!({"title": "结束语", "text": "感谢您的来电，祝您愉快，再见！"})),
    params(("key" = String, Path, description = "Script key: lowercase letters, digits and `_` (`GET /api/v1/scripts` lists them)", example = "farewell")),
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
#[utoipa::path(tag = "scripts", request_body(content = ScriptPatch, example = json!({"text": "您好！{department}，请问有什么可以帮您？"})),
    params(("key" = String, Path, description = "Script key: lowercase letters, digits and `_` (`GET /api/v1/scripts` lists them)", example = "greeting")),
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
