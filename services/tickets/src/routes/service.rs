//! Reports from the other services: the outcome of a change request (knowledge) and the
//! delivery of a notification (notify). Both are idempotent.

use actix_web::{HttpResponse, post, web};
use shared::auth::{AuthUser, Role};
use shared::body::Json;
pub use shared::contract::tickets::{
    Channel, Delivery, DeliveryRecorded, DeliveryStatus, KnowledgeOutcome, KnowledgeResult,
};
use shared::web::check_len;
use shared::{ApiError, ApiResult};

use crate::app;
use crate::domain::action::ActionInput;
use crate::domain::view::Ticket;
use crate::startup::AppState;

/// The action a knowledge result asks for, once its fields are checked.
fn knowledge_input(result: &KnowledgeResult) -> ApiResult<ActionInput> {
    if result.change_request_id < 1 {
        return Err(ApiError::bad_request(
            "`change_request_id` must be positive",
        ));
    }
    if let Some(c) = &result.entry_code {
        check_len("entry_code", c, 100)?;
    }
    Ok(match result.outcome {
        KnowledgeOutcome::Applied => ActionInput::KnowledgeApplied {
            change_request_id: result.change_request_id,
            entry_code: result.entry_code.clone(),
        },
        KnowledgeOutcome::Rejected => {
            let reason = result.reason.clone().unwrap_or_default();
            check_len("reason", &reason, 2000)?;
            ActionInput::KnowledgeRejected {
                change_request_id: result.change_request_id,
                reason,
            }
        }
    })
}

/// The knowledge service applied or rejected the change request of a no-info ticket: applied
/// closes the ticket with the entry's code, rejected sends it back to `accepted` with the
/// reason. A repeated report of the same change request answers the ticket unchanged.
#[utoipa::path(tag = "service", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000003")),
    request_body(content = KnowledgeResult, example = json!({"change_request_id": 77, "outcome": "applied", "entry_code": "faq-530100-rsj-0012"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/knowledge-result")]
pub async fn knowledge_result(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Json<KnowledgeResult>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let input = knowledge_input(&body)?;
    let id = path.into_inner();
    let acted =
        app::service::knowledge_result(&state, &user, id, body.change_request_id, input).await?;
    Ok(HttpResponse::Ok().json(Ticket::from_record(acted.record, acted.now, false)))
}

fn check_delivery(report: &Delivery) -> ApiResult<()> {
    shared::web::check_required("notification_id", &report.notification_id, 100)?;
    check_len("to", &report.to, 254)?;
    if let Some(p) = &report.provider_id {
        check_len("provider_id", p, 200)?;
    }
    if let Some(e) = &report.error {
        check_len("error", e, 2000)?;
    }
    Ok(())
}

/// Notify reports that a notification about the ticket was sent or gave up: a `delivery`
/// event, once per notification and status.
#[utoipa::path(tag = "service", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000002")),
    request_body(content = Delivery, example = json!({"notification_id": "n-20261205-0001", "channel": "email", "to": "liaison@gaj.km.gov.cn", "status": "sent", "provider_id": "<20261205.0001@mail.example>"})),
    responses((status = 200, body = DeliveryRecorded), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[post("/tickets/{id}/delivery")]
pub async fn delivery(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Json<Delivery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let b = body.into_inner();
    check_delivery(&b)?;
    let status = b.status.as_str();
    let data = serde_json::to_string(&b)?;
    let id = path.into_inner();
    let recorded =
        app::service::record_delivery(&state, &user, id, b.notification_id, status, data).await?;
    Ok(HttpResponse::Ok().json(DeliveryRecorded { recorded }))
}
