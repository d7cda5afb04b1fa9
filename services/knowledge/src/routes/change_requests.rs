//! Change requests: proposed by liaisons (own department), editors, admins and the tickets
//! service; applied or rejected by editors (`app::change_requests` does the work).

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, Paging};
use shared::time::from_ms;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::{Body, EDITORS};
use crate::app::change_requests::{
    self as app, APPLIED, ChangeRequestInput, NewDepartmentProposal, REJECTED, STATES,
};
use crate::db::change_requests::{self as store, ChangeRequestRow};
use crate::startup::AppState;

const BODY_LIMIT: usize = 64 * 1024;
const PROPOSERS: &[Role] = &[Role::Liaison, Role::KbEditor, Role::Admin, Role::Service];

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequestView {
    pub id: i64,
    /// `pending`, `applied` or `rejected`.
    pub status: String,
    pub ticket_id: Option<String>,
    pub region: Option<String>,
    pub department_code: Option<String>,
    pub new_department: Option<NewDepartmentProposal>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub note: String,
    pub submitted_by: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The FAQ entry (or department) the request became.
    pub entry_code: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TryFrom<ChangeRequestRow> for ChangeRequestView {
    type Error = ApiError;
    fn try_from(r: ChangeRequestRow) -> ApiResult<Self> {
        Ok(ChangeRequestView {
            new_department: app::proposal(&r)?,
            id: r.id,
            status: r.status,
            ticket_id: r.ticket_id,
            region: r.region,
            department_code: r.department_code,
            question: r.question,
            answer: r.answer,
            note: r.note,
            submitted_by: r.submitted_by,
            created_by: r.created_by,
            created_at: from_ms(r.created_at),
            entry_code: r.entry_code,
            reason: r.reason,
            decided_by: r.decided_by,
            decided_at: r.decided_at.map(from_ms),
        })
    }
}

/// Proposes a change (liaison for their own department, kb_editor, admin, service). With an
/// `Idempotency-Key` the same key answers the same change request (200 instead of 201).
#[utoipa::path(tag = "change-requests", request_body = ChangeRequestInput,
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
    let mut input: ChangeRequestInput = body.json(BODY_LIMIT).await?;
    if user.is(Role::Liaison) {
        app::restrict_to(
            &mut input,
            user.department.as_deref().unwrap_or_default(),
            &user.sub,
        )?;
    }
    let (row, created) = shared::db::run(&state.pool, move |conn| {
        app::submit(conn, input, &user.sub, key)
    })
    .await?;
    let view = ChangeRequestView::try_from(row)?;
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
    if let Some(s) = &status
        && !STATES.contains(&s.as_str())
    {
        return Err(ApiError::bad_request(
            "`status` must be pending, applied or rejected",
        ));
    }
    let (rows, total) = super::query(&state.pool, move |conn| {
        store::list(conn, status.as_deref(), paging.offset(), paging.per_page)
    })
    .await?;
    let items = rows
        .into_iter()
        .map(ChangeRequestView::try_from)
        .collect::<ApiResult<_>>()?;
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
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
#[utoipa::path(tag = "change-requests", params(("id" = i64, Path, description = "Change request id")),
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
    let row = super::query(&state.pool, move |conn| store::get(conn, id)).await?;
    let row = row
        .filter(|r| !user.is(Role::Liaison) || r.department_code == user.department)
        .ok_or_else(|| ApiError::not_found(format!("no change request {id}")))?;
    Ok(HttpResponse::Ok().json(ChangeRequestView::try_from(row)?))
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
#[utoipa::path(tag = "change-requests", params(("id" = i64, Path, description = "Change request id")),
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
#[utoipa::path(tag = "change-requests", request_body = RejectInput, params(("id" = i64, Path, description = "Change request id")),
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
