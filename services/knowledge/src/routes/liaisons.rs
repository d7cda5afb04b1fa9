//! Liaisons (信息联络员): read with their department, written by editors.

use actix_web::{HttpResponse, get, patch, post, web};
use shared::auth::AuthUser;
use shared::{ApiError, ApiResult};

use super::{Body, check_code, create_record, edit_record};
use crate::app::directory::LiaisonPatch;
use crate::db::kb;
use crate::domain::Liaison;
use crate::startup::AppState;

const BODY_LIMIT: usize = 16 * 1024;

/// One liaison.
#[utoipa::path(tag = "directory", params(("code" = String, Path, description = "Liaison code: the department's code, `-L` and a number (`530100-rsj-L1`)", example = "530100-rsj-L1")),
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

/// Adds a liaison to a department (kb_editor, admin).
#[utoipa::path(tag = "directory", request_body(content = Liaison, example = json!({"code": "530100-rsj-L2", "department": "530100-rsj", "name": "李四", "phone": "0871-63200008", "mobile": "13900000002", "email": "rsj.530100.2@example.org", "fax": "0871-63200000"})),
    responses((status = 201, body = Liaison), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/liaisons")]
pub async fn create_liaison(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    create_record::<Liaison>(user, state, body, BODY_LIMIT).await
}

/// Changes a liaison (kb_editor, admin).
#[utoipa::path(tag = "directory", request_body(content = LiaisonPatch, example = json!({"mobile": "13900000003"})),
    params(("code" = String, Path, description = "Liaison code: the department's code, `-L` and a number (`530100-rsj-L1`)", example = "530100-rsj-L2")),
    responses((status = 200, body = Liaison), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[patch("/liaisons/{code}")]
pub async fn update_liaison(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    edit_record(user, state, path, body, BODY_LIMIT, LiaisonPatch::apply).await
}
