//! Operator scripts (话术): read by everyone, filled from a department on request; edited by
//! editors.

use actix_web::{HttpResponse, get, patch, put, web};
use serde::Deserialize;
use shared::auth::AuthUser;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::{Body, check_code, department_code, edit_record};
use crate::app::directory::{self, ScriptPatch};
use crate::app::lookup::{self, ScriptFill, ScriptFilter, ScriptRequest, ScriptView};
use crate::domain::{Script, ScriptAudience, ScriptStep};
use crate::startup::AppState;

const BODY_LIMIT: usize = 16 * 1024;

/// Every script, or those for one audience or step, in the order of a call's steps; filled
/// as `GET /scripts/{key}` fills one (with nothing to fill from, `text` is the template).
#[utoipa::path(tag = "scripts", params(ScriptQuery),
    responses((status = 200, body = [ScriptView]), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/scripts")]
pub async fn list_scripts(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ScriptQuery>,
) -> ApiResult<HttpResponse> {
    let items = lookup::read_scripts(&state, &user, None, query.into_inner().parse()?).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScriptQuery {
    /// Fill `{department}` from this department (a department code, `530100-gaj`), and,
    /// without `target`, also `{target_department}`, `{phone}`, `{hours}`, `{address}`, `{fax}`.
    pub department: Option<String>,
    /// The department the caller needs (a department code): `{target_department}` and its
    /// `{phone}`, `{hours}`, `{address}`, `{fax}` (转接错误: "我这里是X……请致电Y查询").
    pub target: Option<String>,
    /// A ticket number (`T20261205-000001`) whose reply deadline fills `{deadline}`; only a
    /// ticket the reader may see.
    pub ticket: Option<String>,
    /// The expected wait in minutes (1–120), for `{minutes}`.
    pub minutes: Option<u32>,
    /// How to address the caller (`王先生`), for `{title}`.
    pub title: Option<String>,
    /// The list only: scripts said by `operator` or `liaison` (with those for `both`).
    pub audience: Option<String>,
    /// The list only: one step (`answer`, `wait`, `transfer`, `complaint`, `escalation`, `close`).
    pub step: Option<String>,
}

impl ScriptQuery {
    fn parse(self) -> Result<ScriptRequest, ApiError> {
        let code = |d: Option<String>| d.filter(|d| !d.is_empty()).map(|d| department_code(&d));
        if self.minutes.is_some_and(|m| !(1..=120).contains(&m)) {
            return Err(ApiError::bad_request("`minutes` is 1 to 120"));
        }
        if self.title.as_ref().is_some_and(|t| t.chars().count() > 20) {
            return Err(ApiError::bad_request("`title` is at most 20 characters"));
        }
        Ok(ScriptRequest {
            fill: ScriptFill {
                department: code(self.department).transpose()?,
                target: code(self.target).transpose()?,
                deadline: None,
                minutes: self.minutes,
                title: self.title.filter(|t| !t.trim().is_empty()),
            },
            ticket: self.ticket.filter(|t| !t.is_empty()),
            filter: ScriptFilter {
                audience: choice("audience", self.audience, ScriptAudience::parse)?,
                step: choice("step", self.step, ScriptStep::parse)?,
            },
        })
    }
}

/// A named choice from a query (`audience=operator`): none when absent or blank, 400 when
/// unknown.
fn choice<T>(
    field: &str,
    v: Option<String>,
    parse: fn(&str) -> Option<T>,
) -> Result<Option<T>, ApiError> {
    v.filter(|v| !v.is_empty())
        .map(|v| parse(&v).ok_or_else(|| ApiError::bad_request(format!("unknown {field} `{v}`"))))
        .transpose()
}

/// One script, filled from a department, the department the caller needs (`target`), a
/// ticket (`{deadline}`), the wait (`{minutes}`), the caller's title and the signed-in account
/// (`{agent_id}`); what stays unfilled is listed.
#[utoipa::path(tag = "scripts", params(("key" = String, Path, description = "Script key: lowercase letters, digits and `_` (`GET /api/v1/scripts` lists them)", example = "report_number"), ScriptQuery),
    responses((status = 200, body = ScriptView), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/scripts/{key}")]
pub async fn get_script(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<ScriptQuery>,
) -> ApiResult<HttpResponse> {
    let key = path.into_inner();
    check_code("script", &key)?;
    let mut found =
        lookup::read_scripts(&state, &user, Some(key), query.into_inner().parse()?).await?;
    Ok(HttpResponse::Ok().json(found.pop()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptInput {
    pub title: String,
    pub text: String,
    #[serde(default)]
    pub audience: ScriptAudience,
    #[serde(default)]
    pub step: ScriptStep,
    pub note: Option<String>,
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
        audience: input.audience,
        step: input.step,
        note: input.note,
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
