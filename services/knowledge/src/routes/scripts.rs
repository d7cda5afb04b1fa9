//! Operator scripts (话术): read by everyone, filled from a department on request; edited by
//! editors.

use actix_web::{HttpRequest, HttpResponse, get, patch, put, web};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use shared::auth::AuthUser;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::{EDITORS, bad, check_code, json_body};
use crate::db::{changes, directory, kb};
use crate::domain::{Script, scripts, validate};
use crate::startup::AppState;

const BODY_LIMIT: usize = 16 * 1024;

/// Every script, as templates.
#[utoipa::path(tag = "scripts", responses((status = 200, body = [Script]), (status = 401, body = shared::error::Problem)))]
#[get("/scripts")]
pub async fn list_scripts(_user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    let items = shared::db::run(&state.pool, kb::load_scripts).await?;
    Ok(HttpResponse::Ok().json(items))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScriptQuery {
    /// Fill `{department}`, `{target_department}`, `{phone}`, `{hours}`, `{address}`, `{fax}`
    /// from this department.
    pub department: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScriptView {
    pub key: String,
    pub title: String,
    /// The text to read out, with the placeholders the department knows filled in.
    pub text: String,
    /// The script as stored.
    pub template: String,
    /// Placeholders still in `text`.
    pub unfilled: Vec<String>,
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
    let department = query.into_inner().department.filter(|d| !d.is_empty());
    if let Some(d) = &department {
        check_code("department", d)?;
    }
    let view = shared::db::run(&state.pool, move |conn| {
        let s = kb::script(conn, &key)?
            .ok_or_else(|| ApiError::not_found(format!("no script `{key}`")))?;
        let values = match &department {
            Some(code) => {
                let d = kb::department(conn, code)?
                    .ok_or_else(|| ApiError::not_found(format!("no department `{code}`")))?;
                scripts::department_values(&d)
            }
            None => Vec::new(),
        };
        let text = scripts::fill(&s.text, &values);
        Ok(ScriptView {
            unfilled: scripts::placeholders(&text),
            key: s.key,
            title: s.title,
            text,
            template: s.text,
        })
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
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let key = path.into_inner();
    let input: ScriptInput = json_body(&req, body, BODY_LIMIT).await?;
    let s = Script {
        key,
        title: input.title,
        text: input.text,
    };
    validate::script(&s).map_err(bad)?;
    let (s, created) = shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let created = match kb::script(conn, &s.key)? {
                None => {
                    directory::insert_scripts(conn, std::slice::from_ref(&s))?;
                    true
                }
                Some(old) if old == s => return Ok((s, false)),
                Some(_) => {
                    directory::update_script(conn, &s)?;
                    false
                }
            };
            changes::record(conn, changes::SCRIPT, &s.key)?;
            Ok((s, created))
        })
    })
    .await?;
    Ok(if created {
        HttpResponse::Created().json(s)
    } else {
        HttpResponse::Ok().json(s)
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScriptPatch {
    pub title: Option<String>,
    pub text: Option<String>,
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
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let key = path.into_inner();
    check_code("script", &key)?;
    let p: ScriptPatch = json_body(&req, body, BODY_LIMIT).await?;
    let s = shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let mut s = kb::script(conn, &key)?
                .ok_or_else(|| ApiError::not_found(format!("no script `{key}`")))?;
            let before = s.clone();
            if let Some(t) = p.title {
                s.title = t;
            }
            if let Some(t) = p.text {
                s.text = t;
            }
            validate::script(&s).map_err(bad)?;
            if s != before {
                directory::update_script(conn, &s)?;
                changes::record(conn, changes::SCRIPT, &s.key)?;
            }
            Ok(s)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(s))
}
