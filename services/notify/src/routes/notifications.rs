use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, Paging};
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use crate::app::notifications::{self as app, Acceptance};
use crate::db::notifications::NotificationRow;
use crate::domain::{Accepted, NotificationRequest, NotificationView, Status};
use crate::startup::AppState;

const READERS: [Role; 2] = [Role::Supervisor, Role::Admin];

/// Accepts a notification: stored before the answer, then delivered by the workers.
///
/// With an `Idempotency-Key`, the same key and body give back the same notification; the same
/// key with another body is a 409.
#[utoipa::path(
    tag = "notifications",
    operation_id = "create_notification",
    request_body(content = NotificationRequest, example = json!({
        "channel": "email", "to": "liaison@gaj.km.gov.cn", "subject": "12345 派单 T20261205-000001",
        "body": "市公安局联络员：现将工单 T20261205-000001 转交贵单位办理，请于 2026-12-22 17:30 前回复。",
        "ticket_id": "T20261205-000001"
    })),
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe (at most 200 characters)")),
    responses(
        (status = 202, body = Accepted),
        (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem, description = "Idempotency-Key reused with another body"),
    )
)]
#[post("/notifications")]
pub async fn create(
    user: AuthUser,
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service, Role::Admin])?;
    let request: NotificationRequest = super::parse_body(&body)?;
    crate::domain::validate(&request)?;
    let key = shared::web::idempotency_key(&req)?;
    let acceptance = Acceptance::from(state.config.as_ref());
    let row = app::accept(&state.pool, request, key, acceptance).await?;
    state.work.notify_one();
    Ok(HttpResponse::Accepted()
        .insert_header(("location", format!("/api/v1/notifications/{}", row.id)))
        .json(Accepted {
            id: row.id.clone(),
            status: row.status(),
        }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `queued`, `sending`, `sent`, `failed` or `dead`.
    pub status: Option<String>,
    pub ticket_id: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl ListQuery {
    /// The status filter, if one is given.
    fn status(&self) -> ApiResult<Option<Status>> {
        match self.status.as_deref() {
            None | Some("") => Ok(None),
            Some(s) => Status::parse(s).map(Some).ok_or_else(|| {
                ApiError::bad_request("`status` must be queued, sending, sent, failed or dead")
            }),
        }
    }
}

/// Notifications, newest first, optionally of one status or one ticket.
#[utoipa::path(
    tag = "notifications",
    operation_id = "list_notifications",
    params(ListQuery),
    responses(
        (status = 200, body = Page<NotificationView>),
        (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
    )
)]
#[get("/notifications")]
pub async fn list(
    user: AuthUser,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&READERS)?;
    let q = query.into_inner();
    let paging = Paging::of(q.page, q.per_page)?;
    let status = q.status()?;
    if let Some(t) = &q.ticket_id {
        shared::web::check_len("ticket_id", t, 64)?;
    }
    let (rows, total) = app::list(&state.pool, status, q.ticket_id, paging).await?;
    let items: Vec<NotificationView> = rows.iter().map(NotificationRow::view).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

/// One notification with its delivery state.
#[utoipa::path(
    tag = "notifications",
    operation_id = "get_notification",
    params(("id" = String, Path, description = "Notification id: 32 lowercase hex digits, as `POST /api/v1/notifications` answered it", example = "4f1c2a9e8b7d4c3fa1e2d3c4b5a69788")),
    responses(
        (status = 200, body = NotificationView),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
    )
)]
#[get("/notifications/{id}")]
pub async fn get_one(
    user: AuthUser,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&READERS)?;
    let row = app::find(&state.pool, id.into_inner()).await?;
    Ok(HttpResponse::Ok().json(row.view()))
}

/// Puts a `dead` notification back in the queue with a fresh attempt budget.
#[utoipa::path(
    tag = "notifications",
    operation_id = "retry_notification",
    params(("id" = String, Path, description = "Notification id: 32 lowercase hex digits, as `POST /api/v1/notifications` answered it", example = "4f1c2a9e8b7d4c3fa1e2d3c4b5a69788")),
    responses(
        (status = 200, body = NotificationView),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem, description = "Not dead"),
    )
)]
#[post("/notifications/{id}/retry")]
pub async fn retry(
    user: AuthUser,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&READERS)?;
    let row = app::retry(&state.pool, id.into_inner(), &user).await?;
    state.work.notify_one();
    Ok(HttpResponse::Ok().json(row.view()))
}
