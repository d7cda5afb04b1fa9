//! A received e-mail for a ticket, posted by notify (issue 18): matched by notify, or attached
//! to the ticket by a supervisor from the unmatched queue. Idempotent per message.

use actix_web::{HttpResponse, post, web};
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
pub use shared::contract::inbound::{InboundMail, InboundRecorded};
use shared::web::{check_len, check_required};

use crate::app;
use crate::startup::AppState;

fn check(mail: &InboundMail) -> ApiResult<()> {
    check_required("message_key", &mail.message_key, 100)?;
    check_required("from", &mail.from, 254)?;
    if let Some(n) = &mail.from_name {
        check_len("from_name", n, 200)?;
    }
    check_len("subject", &mail.subject, 1000)?;
    check_len("text", &mail.text, 20_000)?;
    if mail.attachments.len() > 50 {
        return Err(shared::ApiError::bad_request("at most 50 `attachments`"));
    }
    for a in &mail.attachments {
        check_len("filename", &a.filename, 255)?;
        check_len("content_type", &a.content_type, 200)?;
    }
    if let Some(a) = &mail.attached_by {
        check_len("attached_by", a, 100)?;
    }
    if let Some(f) = &mail.fax {
        check_required("fax", f, 40)?;
    }
    Ok(())
}

/// A received mail, with its files' bytes: larger than the usual JSON limit (up to the
/// largest body the services read), checked.
pub async fn read_mail(payload: web::Payload) -> ApiResult<InboundMail> {
    let body = super::attachments::read_body(payload, shared::web::GUARD_BODY_LIMIT as u64).await?;
    let mail: InboundMail = serde_json::from_slice(&body)
        .map_err(|e| shared::ApiError::bad_request(format!("invalid JSON body: {e}")))?;
    check(&mail)?;
    Ok(mail)
}

/// Records a received e-mail on the ticket (its PDF, TIFF, PNG and JPEG files become the
/// ticket's attachments): the liaison's reply (channel email) where the
/// ticket's state takes one and the sender is a liaison of its department, otherwise a note
/// (`inbound_mail` event). A mail matched automatically from anyone else is refused (409) and
/// stays in notify's unmatched queue. A received fax (`fax` set, attached by a supervisor) is
/// kept awaiting confirmation (`fax_received`). The same `message_key` is recorded once.
#[utoipa::path(tag = "service", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000002")),
    request_body(content = InboundMail, example = json!({
        "message_key": "imap-INBOX-1042", "from": "liaison@gaj.km.gov.cn", "from_name": "市公安局联络员",
        "subject": "回复：T20261205-000002", "text": "该件已办理完毕，详见附件。",
        "received_at": "2026-12-05T03:00:00Z", "attachments": [],
        "attached_by": "sup1"
    })),
    responses((status = 200, body = InboundRecorded), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem),
              (status = 409, body = shared::error::Problem, description = "Not from a liaison of the ticket's department"),
              (status = 503, body = shared::error::Problem)))]
#[post("/tickets/{id}/inbound")]
pub async fn inbound(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let mail = read_mail(payload).await?;
    let recorded = app::inbound::record(&state, path.into_inner(), mail).await?;
    Ok(HttpResponse::Ok().json(recorded))
}
