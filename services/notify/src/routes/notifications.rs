use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde::Deserialize;
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, PageParams};
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use crate::db::notifications as store;
use crate::db::notifications::NotificationRow;
use crate::domain::templates::{render, values};
use crate::domain::{Accepted, NotificationRequest, NotificationView, Status, new_id};
use crate::startup::AppState;
use shared::time::now_ms;

const READERS: [Role; 2] = [Role::Supervisor, Role::Admin];

/// Accepts a notification: stored before the answer, then delivered by the workers.
///
/// With an `Idempotency-Key`, the same key and body give back the same notification; the same
/// key with another body is a 409.
#[utoipa::path(
    tag = "notifications",
    request_body = NotificationRequest,
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
    request.validate()?;
    let key = shared::web::idempotency_key(&req)?;
    let fingerprint = request.fingerprint()?;
    let config = state.config.clone();
    let row = shared::db::run(&state.pool, move |c| {
        if let Some(k) = &key
            && let Some(existing) = store::find_by_key(c, k)?
        {
            return same_request(existing, &fingerprint);
        }
        let (subject, body) = match &request.template {
            Some(name) => {
                let t = crate::db::templates::get(c, name)?
                    .ok_or_else(|| ApiError::bad_request(format!("no template `{name}`")))?;
                let v = values(
                    &request.data,
                    &config.hotline_name,
                    &config.centre_fax,
                    &config.centre_email,
                );
                (render(&t.subject, &v), render(&t.body, &v))
            }
            None => (
                request.subject.clone().unwrap_or_default(),
                request.body.clone().unwrap_or_default(),
            ),
        };
        let now = now_ms();
        let row = NotificationRow {
            id: new_id(),
            idempotency_key: key.clone(),
            request: fingerprint.clone(),
            channel: request.channel.as_str().to_string(),
            recipient: request.to.clone(),
            template: request.template.clone(),
            subject: if subject.trim().is_empty() {
                "传真".to_string()
            } else {
                subject
            },
            body,
            data: serde_json::to_string(&request.data)?,
            attachments: serde_json::to_string(&request.attachments)?,
            ticket_id: request.ticket_id.clone(),
            status: Status::Queued.as_str().to_string(),
            attempts: 0,
            max_attempts: config.max_attempts.max(1),
            last_error: None,
            provider_id: None,
            next_attempt_at: now,
            locked_until: None,
            locked_by: None,
            created_at: now,
            updated_at: now,
            sent_at: None,
            reported_at: None,
            report_attempts: 0,
            report_next_at: now,
            report_error: None,
            provider_status: None,
            delivered_at: None,
            checked_at: None,
            next_check_at: None,
        };
        match store::insert(c, &row) {
            Ok(()) => Ok(row),
            // Two requests with one key at the same moment: the other one won.
            Err(ApiError::Conflict(_)) if key.is_some() => {
                let k = key.unwrap_or_default();
                let existing = store::find_by_key(c, &k)?
                    .ok_or_else(|| ApiError::internal("idempotency row vanished"))?;
                same_request(existing, &fingerprint)
            }
            Err(e) => Err(e),
        }
    })
    .await?;
    state.work.notify_one();
    Ok(HttpResponse::Accepted()
        .insert_header(("location", format!("/api/v1/notifications/{}", row.id)))
        .json(Accepted {
            id: row.id.clone(),
            status: row.status(),
        }))
}

fn same_request(existing: NotificationRow, fingerprint: &str) -> ApiResult<NotificationRow> {
    if existing.request == fingerprint {
        Ok(existing)
    } else {
        Err(ApiError::conflict(
            "this Idempotency-Key was used with a different request",
        ))
    }
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

/// Notifications, newest first, optionally of one status or one ticket.
#[utoipa::path(
    tag = "notifications",
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
    let paging = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .paging()?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => Some(Status::parse(s).ok_or_else(|| {
            ApiError::bad_request("`status` must be queued, sending, sent, failed or dead")
        })?),
    };
    if let Some(t) = &q.ticket_id {
        shared::web::check_len("ticket_id", t, 64)?;
    }
    let ticket = q.ticket_id.clone();
    let (rows, total) = shared::db::run(&state.pool, move |c| {
        store::list(c, status, ticket.as_deref(), paging)
    })
    .await?;
    let items: Vec<NotificationView> = rows.iter().map(NotificationRow::view).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

/// One notification with its delivery state.
#[utoipa::path(
    tag = "notifications",
    params(("id" = String, Path)),
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
    let id = id.into_inner();
    let row = shared::db::run(&state.pool, move |c| store::find(c, &id))
        .await?
        .ok_or_else(|| ApiError::not_found("no such notification"))?;
    Ok(HttpResponse::Ok().json(row.view()))
}

/// Puts a `dead` notification back in the queue with a fresh attempt budget.
#[utoipa::path(
    tag = "notifications",
    params(("id" = String, Path)),
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
    let id = id.into_inner();
    let row = shared::db::run(&state.pool, move |c| {
        let row =
            store::find(c, &id)?.ok_or_else(|| ApiError::not_found("no such notification"))?;
        if !store::retry(c, &id, now_ms())? {
            return Err(ApiError::InvalidTransition(format!(
                "only a dead notification can be retried; this one is {}",
                row.status
            )));
        }
        store::find(c, &id)?.ok_or_else(|| ApiError::not_found("no such notification"))
    })
    .await?;
    tracing::info!(notification = %row.id, by = %user.sub, "retry requested");
    state.work.notify_one();
    Ok(HttpResponse::Ok().json(row.view()))
}
