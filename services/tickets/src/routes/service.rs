//! Reports from the other services: the outcome of a change request (knowledge) and the
//! delivery of a notification (notify). Both are idempotent.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::web::check_len;
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use super::actions::persist;
use super::{refusal, ticket_not_found};
use crate::db;
use crate::domain::ticket::{ActionInput, Ticket, apply};
use crate::startup::AppState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KnowledgeOutcome {
    Applied,
    Rejected,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeResult {
    pub change_request_id: i64,
    pub outcome: KnowledgeOutcome,
    /// The FAQ entry (or department) the applied change created or changed.
    #[serde(default)]
    pub entry_code: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

/// The knowledge service applied or rejected the change request of a no-info ticket: applied
/// closes the ticket with the entry's code, rejected sends it back to `accepted` with the
/// reason. A repeated report of the same change request answers the ticket unchanged.
#[utoipa::path(tag = "service", params(("id" = String, Path)), request_body = KnowledgeResult,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/knowledge-result")]
pub async fn knowledge_result(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<KnowledgeResult>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let b = body.into_inner();
    if b.change_request_id < 1 {
        return Err(ApiError::bad_request(
            "`change_request_id` must be positive",
        ));
    }
    if let Some(c) = &b.entry_code {
        check_len("entry_code", c, 100)?;
    }
    let input = match b.outcome {
        KnowledgeOutcome::Applied => ActionInput::KnowledgeApplied {
            change_request_id: b.change_request_id,
            entry_code: b.entry_code.clone(),
        },
        KnowledgeOutcome::Rejected => {
            let reason = b.reason.clone().unwrap_or_default();
            check_len("reason", &reason, 2000)?;
            ActionInput::KnowledgeRejected {
                change_request_id: b.change_request_id,
                reason,
            }
        }
    };
    let id = path.into_inner();
    let now = state.clock.now();
    let cal = state.calendar();
    let rules = state.rules.clone();
    let actor = user.sub.clone();
    let record = shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let cur = db::tickets::find(c, &id)?.ok_or_else(|| ticket_not_found(&id))?;
            let dedup = format!("knowledge-result:{}", b.change_request_id);
            if db::events::exists_dedup(c, &dedup)? {
                return Ok(cur);
            }
            let change = apply(&cur, &input, Role::Service, now, &cal, &rules).map_err(refusal)?;
            persist(
                c,
                &cur,
                &change,
                &actor,
                Role::Service,
                now.timestamp_millis(),
                Some(dedup),
            )?;
            Ok(change.record)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(Ticket::from_record(record, now, false)))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Fax,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Sent,
    Dead,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    pub notification_id: String,
    pub channel: Channel,
    pub to: String,
    pub status: DeliveryStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct DeliveryRecorded {
    /// false when this notification's status was recorded before.
    pub recorded: bool,
}

/// Notify reports that a notification about the ticket was sent or gave up: a `delivery`
/// event, once per notification and status.
#[utoipa::path(tag = "service", params(("id" = String, Path)), request_body = Delivery,
    responses((status = 200, body = DeliveryRecorded), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[post("/tickets/{id}/delivery")]
pub async fn delivery(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: web::Json<Delivery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let b = body.into_inner();
    shared::web::check_required("notification_id", &b.notification_id, 100)?;
    check_len("to", &b.to, 254)?;
    if let Some(p) = &b.provider_id {
        check_len("provider_id", p, 200)?;
    }
    if let Some(e) = &b.error {
        check_len("error", e, 2000)?;
    }
    let id = path.into_inner();
    let now = state.clock.now().timestamp_millis();
    let actor = user.sub.clone();
    let recorded = shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let cur = db::tickets::find(c, &id)?.ok_or_else(|| ticket_not_found(&id))?;
            let status = match b.status {
                DeliveryStatus::Sent => "sent",
                DeliveryStatus::Dead => "dead",
            };
            let dedup = format!("delivery:{}:{status}", b.notification_id);
            if db::events::exists_dedup(c, &dedup)? {
                return Ok(false);
            }
            db::events::insert(
                c,
                &db::events::NewEvent {
                    ticket_id: &cur.id,
                    at: now,
                    actor: &actor,
                    role: Role::Service.as_str(),
                    action: "delivery",
                    from_status: None,
                    to_status: None,
                    data: serde_json::to_string(&b)?,
                    dedup_key: Some(dedup),
                },
            )?;
            Ok(true)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(DeliveryRecorded { recorded }))
}
