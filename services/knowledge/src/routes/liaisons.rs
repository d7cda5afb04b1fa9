//! Liaisons (信息联络员): read with their department, written by editors.

use actix_web::{HttpRequest, HttpResponse, get, patch, post, web};
use diesel::Connection;
use serde::Deserialize;
use shared::auth::AuthUser;
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use super::{EDITORS, bad, check_code, json_body};
use crate::db::{changes, directory, kb};
use crate::domain::{Liaison, validate};
use crate::startup::AppState;

const BODY_LIMIT: usize = 16 * 1024;

/// One liaison.
#[utoipa::path(tag = "directory", params(("code" = String, Path, description = "Liaison code")),
    responses((status = 200, body = Liaison), (status = 401, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/liaisons/{code}")]
pub async fn get_liaison(
    _user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let code = path.into_inner();
    check_code("liaison", &code)?;
    let l = shared::db::run(&state.pool, move |conn| {
        kb::liaison(conn, &code)?.ok_or_else(|| ApiError::not_found(format!("no liaison `{code}`")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(l))
}

fn check_liaison_refs(conn: &mut shared::db::DbConnection, l: &Liaison) -> ApiResult<()> {
    validate::liaison(l).map_err(bad)?;
    if kb::department(conn, &l.department)?.is_none() {
        return Err(ApiError::bad_request(format!(
            "unknown department `{}`",
            l.department
        )));
    }
    Ok(())
}

/// Adds a liaison to a department (kb_editor, admin).
#[utoipa::path(tag = "directory", request_body = Liaison,
    responses((status = 201, body = Liaison), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/liaisons")]
pub async fn create_liaison(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let l: Liaison = json_body(&req, body, BODY_LIMIT).await?;
    validate::liaison(&l).map_err(bad)?;
    let created = shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            check_liaison_refs(conn, &l)?;
            if kb::liaison(conn, &l.code)?.is_some() {
                return Err(ApiError::conflict(format!("liaison `{}` exists", l.code)));
            }
            directory::insert_liaisons(conn, std::slice::from_ref(&l))?;
            changes::record(conn, changes::LIAISON, &l.code)?;
            Ok(l)
        })
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LiaisonPatch {
    pub department: Option<String>,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    pub fax: Option<String>,
}

/// Changes a liaison (kb_editor, admin).
#[utoipa::path(tag = "directory", request_body = LiaisonPatch, params(("code" = String, Path, description = "Liaison code")),
    responses((status = 200, body = Liaison), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[patch("/liaisons/{code}")]
pub async fn update_liaison(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let code = path.into_inner();
    check_code("liaison", &code)?;
    let p: LiaisonPatch = json_body(&req, body, BODY_LIMIT).await?;
    let updated = shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let mut l = kb::liaison(conn, &code)?
                .ok_or_else(|| ApiError::not_found(format!("no liaison `{code}`")))?;
            let before = l.clone();
            macro_rules! set {
                ($($f:ident),*) => { $( if let Some(v) = p.$f { l.$f = v; } )* };
            }
            set!(department, name, phone, mobile, email, fax);
            check_liaison_refs(conn, &l)?;
            if l != before {
                directory::update_liaison(conn, &l)?;
                changes::record(conn, changes::LIAISON, &l.code)?;
                if before.department != l.department {
                    // Both departments' answers change (their liaison lists).
                    changes::record(conn, changes::DEPARTMENT, &before.department)?;
                }
            }
            Ok(l)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}
