//! Change requests: proposed by liaisons (own department), editors, admins and the tickets
//! service; applied or rejected by editors (`app::change_requests` does the work).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, Paging};
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::{Body, EDITORS};
use crate::app::change_requests::{
    self as app, APPLIED, ChangeRequestInput, ChangeRequestView, REJECTED,
};
use crate::startup::AppState;

const BODY_LIMIT: usize = 64 * 1024;
const PROPOSERS: &[Role] = &[Role::Liaison, Role::KbEditor, Role::Admin, Role::Service];

/// Proposes a change (liaison for their own department, kb_editor, admin, service). With an
/// `Idempotency-Key` the same key answers the same change request (200 instead of 201).
#[utoipa::path(tag = "change-requests", request_body(content = ChangeRequestInput, example = json!({"ticket_id": "T20261205-000003", "department_code": "530100-rsj", "question": "社保卡补办咨询电话是多少？", "answer": "0871-12333（工作日 9:00–17:30）", "note": "工单 T20261205-000003 的补充信息", "submitted_by": "liaison-530100-zfb"})),
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same change request")),
    responses((status = 201, body = ChangeRequestView), (status = 200, body = ChangeRequestView, description = "Already made with this key"),
        (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[post("/change-requests")]
pub async fn create_change_request(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    user.require(PROPOSERS)?;
    // Keys are per caller: another caller's key never answers with their request.
    let key = shared::web::idempotency_key(body.request())?.map(|k| format!("{}\n{k}", user.sub));
    let input: ChangeRequestInput = body.json(BODY_LIMIT).await?;
    let (view, created) = shared::db::run(&state.pool, move |conn| {
        app::submit(conn, input, &user, key)
    })
    .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeRequestQuery {
    /// `pending`, `applied` or `rejected`.
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Change requests, oldest first, by state (kb_editor, admin).
#[utoipa::path(tag = "change-requests", params(ChangeRequestQuery),
    responses((status = 200, body = Page<ChangeRequestView>), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/change-requests")]
pub async fn list_change_requests(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ChangeRequestQuery>,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let q = query.into_inner();
    let paging = Paging::of(q.page, q.per_page)?;
    let status = q.status.filter(|s| !s.is_empty());
    let page = shared::db::run(&state.pool, move |conn| app::list(conn, status, paging)).await?;
    Ok(HttpResponse::Ok().json(page))
}

fn parse_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::not_found(format!(
            "no change request `{}`",
            raw.chars().take(32).collect::<String>()
        ))
    })
}

/// One change request (kb_editor, admin, service; a liaison for their own department).
#[utoipa::path(tag = "change-requests", params(("id" = i64, Path, description = "Change request id, as its creation answered it (1, 2, …)", example = 1)),
    responses((status = 200, body = ChangeRequestView), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/change-requests/{id}")]
pub async fn get_change_request(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::KbEditor, Role::Admin, Role::Service, Role::Liaison])?;
    let id = parse_id(&path)?;
    let view = shared::db::run(&state.pool, move |conn| app::get(conn, id, &user)).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub id: i64,
    /// `applied` or `rejected`.
    pub status: String,
    /// The FAQ entry created (or the department, when the request had no FAQ).
    pub entry_code: Option<String>,
    pub reason: Option<String>,
}

/// Applies a pending change request (kb_editor, admin): creates or changes the department and
/// FAQ entry, and reports `applied` to the ticket it came from.
#[utoipa::path(tag = "change-requests", params(("id" = i64, Path, description = "Change request id, as its creation answered it (1, 2, …)", example = 1)),
    responses((status = 200, body = DecisionView), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/change-requests/{id}/apply")]
pub async fn apply_change_request(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let id = parse_id(&path)?;
    let by = super::actor(&req, &user, &state);
    let entry_code = shared::db::run(&state.pool, move |conn| app::apply(conn, id, &by)).await?;
    Ok(HttpResponse::Ok().json(DecisionView {
        id,
        status: APPLIED.into(),
        entry_code: Some(entry_code),
        reason: None,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectInput {
    pub reason: String,
}

/// Rejects a pending change request with a reason (kb_editor, admin), reported to its ticket.
#[utoipa::path(tag = "change-requests", request_body(content = RejectInput, example = json!({"reason": "该电话已在知识库中"})), params(("id" = i64, Path, description = "Change request id, as its creation answered it (1, 2, …)", example = 2)),
    responses((status = 200, body = DecisionView), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/change-requests/{id}/reject")]
pub async fn reject_change_request(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let id = parse_id(&path)?;
    let input: RejectInput = body.json(BODY_LIMIT).await?;
    let reason = input.reason.clone();
    let by = super::actor(&req, &user, &state);
    shared::db::run(&state.pool, move |conn| {
        app::reject(conn, id, &input.reason, &by)
    })
    .await?;
    Ok(HttpResponse::Ok().json(DecisionView {
        id,
        status: REJECTED.into(),
        entry_code: None,
        reason: Some(reason),
    }))
}
