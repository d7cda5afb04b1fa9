//! The audit log: the admin's search, and the events the other services send.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use shared::contract::audit::{AuditEntry, AuditEvent};
use shared::pagination::{Page, Paging};
use utoipa::IntoParams;

use super::Body;
use crate::app::audit as app;
use crate::db::audit::Filter;
use crate::startup::AppState;

const BODY_LIMIT: usize = 16 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this account's events.
    pub actor: Option<String>,
    /// Only this kind: `sign_in`, `sign_in_failed`, `sign_out`, `account_created`,
    /// `account_changed`, `change_request_applied`, `change_request_rejected`,
    /// `caller_number_read`, `export`, `notification_retried`.
    pub action: Option<String>,
    /// Only events about this account, ticket or change request.
    pub target: Option<String>,
    /// From this moment (RFC 3339), inclusive.
    pub from: Option<DateTime<Utc>>,
    /// Until this moment (RFC 3339), exclusive.
    pub to: Option<DateTime<Utc>>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl AuditQuery {
    /// The query as the log's filter and page, its text fields checked.
    fn filter(self) -> ApiResult<(Filter, Paging)> {
        let paging = Paging::of(self.page, self.per_page)?;
        for (name, v) in [
            ("actor", &self.actor),
            ("action", &self.action),
            ("target", &self.target),
        ] {
            if let Some(v) = v {
                shared::web::check_len(name, v, 128)?;
            }
        }
        let filter = Filter {
            actor: self.actor.filter(|s| !s.is_empty()),
            action: self.action.filter(|s| !s.is_empty()),
            target: self.target.filter(|s| !s.is_empty()),
            from: self.from.map(|t| t.timestamp_millis()),
            to: self.to.map(|t| t.timestamp_millis()),
        };
        Ok((filter, paging))
    }
}

/// The audit log, newest first (admin). Nothing in the API changes or removes an entry.
#[utoipa::path(tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<AuditEntry>), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/audit")]
pub async fn list_audit(
    user: AuthUser,
    state: web::Data<AppState>,
    q: web::Query<AuditQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let (filter, paging) = q.into_inner().filter()?;
    let page = super::query(&state.pool, move |c| app::search(c, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Records an event of another service (service role); an event whose `key` was recorded
/// before is not recorded again (200 instead of 201).
#[utoipa::path(tag = "audit", request_body(content = AuditEvent, example = json!({"at": 1796443200000_i64, "actor": "sup1", "role": "supervisor", "action": "caller_number_read", "target": "T20261205-000001", "address": "10.0.0.8", "details": {"field": "caller_phone"}, "key": "tickets:42"})),
    responses((status = 201), (status = 200), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[post("/audit")]
pub async fn receive_audit(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let event: AuditEvent = body.json(BODY_LIMIT).await?;
    app::check(&event)?;
    let service = user.sub.clone();
    let added = super::query(&state.pool, move |c| app::receive(c, &service, event)).await?;
    Ok(if added {
        HttpResponse::Created().finish()
    } else {
        HttpResponse::Ok().finish()
    })
}
