//! Reports from the other services: the outcome of a change request (knowledge) and the
//! delivery of a notification (notify). Both are idempotent.

use actix_web::{HttpResponse, post, web};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::web::check_len;
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use crate::app;
use crate::domain::action::ActionInput;
use crate::domain::view::Ticket;
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

impl KnowledgeResult {
    /// The action this report asks for, once its fields are checked.
    fn input(&self) -> ApiResult<ActionInput> {
        if self.change_request_id < 1 {
            return Err(ApiError::bad_request(
                "`change_request_id` must be positive",
            ));
        }
        if let Some(c) = &self.entry_code {
            check_len("entry_code", c, 100)?;
        }
        Ok(match self.outcome {
            KnowledgeOutcome::Applied => ActionInput::KnowledgeApplied {
                change_request_id: self.change_request_id,
                entry_code: self.entry_code.clone(),
            },
            KnowledgeOutcome::Rejected => {
                let reason = self.reason.clone().unwrap_or_default();
                check_len("reason", &reason, 2000)?;
                ActionInput::KnowledgeRejected {
                    change_request_id: self.change_request_id,
                    reason,
                }
            }
        })
    }
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
    let input = body.input()?;
    let id = path.into_inner();
    let acted =
        app::service::knowledge_result(&state, &user, id, body.change_request_id, input).await?;
    Ok(HttpResponse::Ok().json(Ticket::from_record(acted.record, acted.now, false)))
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

impl Delivery {
    fn check(&self) -> ApiResult<()> {
        shared::web::check_required("notification_id", &self.notification_id, 100)?;
        check_len("to", &self.to, 254)?;
        if let Some(p) = &self.provider_id {
            check_len("provider_id", p, 200)?;
        }
        if let Some(e) = &self.error {
            check_len("error", e, 2000)?;
        }
        Ok(())
    }
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
    b.check()?;
    let status = match b.status {
        DeliveryStatus::Sent => "sent",
        DeliveryStatus::Dead => "dead",
    };
    let data = serde_json::to_string(&b)?;
    let id = path.into_inner();
    let recorded =
        app::service::record_delivery(&state, &user, id, b.notification_id, status, data).await?;
    Ok(HttpResponse::Ok().json(DeliveryRecorded { recorded }))
}
