//! A ticket's attachments (issue 18): upload, list, download; the received faxes that wait
//! for confirmation, and notify's offer of a received fax.

use actix_web::http::header;
use actix_web::{HttpResponse, get, post, web};
use futures_util::StreamExt;
use serde::Deserialize;
use shared::auth::{AuthUser, Role};
use shared::contract::inbound::{FaxRecorded, InboundMail};
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use crate::app;
use crate::domain::attachments::{Attachment, ReceivedFax, disposition};
use crate::startup::AppState;

type State = web::Data<AppState>;

/// How long an upload may take to arrive, all of it.
const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);

/// The body, at most `limit` bytes (413 past it), within [`UPLOAD_TIMEOUT`].
pub async fn read_body(mut payload: web::Payload, limit: u64) -> ApiResult<Vec<u8>> {
    let mut body = Vec::new();
    let deadline = tokio::time::Instant::now() + UPLOAD_TIMEOUT;
    loop {
        let next = tokio::time::timeout_at(deadline, payload.next())
            .await
            .map_err(|_| ApiError::RequestTimeout("the body did not arrive in time".into()))?;
        let Some(chunk) = next else { break };
        let chunk = chunk.map_err(|e| ApiError::bad_request(format!("cannot read body: {e}")))?;
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(ApiError::PayloadTooLarge(format!(
                "the body is larger than {limit} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The file's name as shown on the ticket (at most 255 characters).
    pub filename: Option<String>,
}

/// Adds a file to the ticket: the request body is the file itself. A PDF, TIFF, PNG or JPEG by
/// its first bytes (415 otherwise), at most `HOTLINE_TICKETS_ATTACHMENT_MAX_BYTES` (413).
/// Whoever may read the ticket (operators, supervisors, its department's liaisons).
#[utoipa::path(tag = "attachments", params(("id" = String, Path, description = "Ticket number", example = "T20261205-000001"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file"),
    responses((status = 201, body = Attachment), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 413, body = shared::error::Problem),
              (status = 415, body = shared::error::Problem)))]
#[post("/tickets/{id}/attachments")]
pub async fn upload(
    user: AuthUser,
    state: State,
    path: web::Path<String>,
    query: web::Query<UploadQuery>,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    let filename = query.into_inner().filename;
    if let Some(f) = &filename {
        shared::web::check_len("filename", f, 255)?;
    }
    let bytes = read_body(payload, state.attachments.max_bytes + 1).await?;
    let a = app::attachments::upload(&state, &user, path.into_inner(), filename, bytes).await?;
    Ok(HttpResponse::Created().json(a))
}

/// The ticket's attachments, oldest first (without their bytes).
#[utoipa::path(tag = "attachments", params(("id" = String, Path, description = "Ticket number", example = "T20261205-000001")),
    responses((status = 200, body = Vec<Attachment>), (status = 401, body = shared::error::Problem),
              (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/tickets/{id}/attachments")]
pub async fn list(
    user: AuthUser,
    state: State,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let items = app::attachments::list(&state, &user, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// One attachment's bytes, with its content type, to be shown in place (`inline`).
#[utoipa::path(tag = "attachments", params(("id" = String, Path, description = "Ticket number", example = "T20261205-000001"),
        ("attachment" = i64, Path, description = "The attachment's number on the ticket", example = 1)),
    responses((status = 200, content((Vec<u8> = "application/pdf"), (Vec<u8> = "image/tiff"),
                                     (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"))),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem)))]
#[get("/tickets/{id}/attachments/{attachment}")]
pub async fn download(
    user: AuthUser,
    state: State,
    path: web::Path<(String, i64)>,
) -> ApiResult<HttpResponse> {
    let (id, aid) = path.into_inner();
    let (a, bytes) = app::attachments::download(&state, &user, id, aid).await?;
    Ok(HttpResponse::Ok()
        .content_type(a.content_type.as_str())
        .insert_header((header::CONTENT_DISPOSITION, disposition(&a.filename)))
        .body(bytes))
}

/// Received faxes awaiting confirmation as a department's reply, oldest first. Supervisors
/// (operators where they record 代回复: those on tickets they created). Confirm one with
/// `POST /tickets/{id}/reply-on-behalf` naming it in `attachments`.
#[utoipa::path(tag = "attachments",
    responses((status = 200, body = Vec<ReceivedFax>), (status = 401, body = shared::error::Problem),
              (status = 403, body = shared::error::Problem)))]
#[get("/faxes")]
pub async fn received_faxes(user: AuthUser, state: State) -> ApiResult<HttpResponse> {
    let items = app::attachments::received_faxes(&state, &user).await?;
    Ok(HttpResponse::Ok().json(items))
}

/// A received fax, offered by notify (`fax`: the sender's number): attached, awaiting
/// confirmation, to the one urgent complaint waiting for the reply of the department with that
/// fax number. 409 with the reason when there is none or more than one. Once per message.
#[utoipa::path(tag = "service", request_body(content = InboundMail, example = json!({
        "message_key": "imap-INBOX-1043", "from": "fax@gateway.example", "from_name": "传真网关",
        "subject": "传真 来自 0871-63100001", "text": "收到传真 1 页。",
        "received_at": "2026-12-05T03:10:00Z", "attachments": [], "fax": "0871-63100001"
    })),
    responses((status = 200, body = FaxRecorded), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 409, body = shared::error::Problem), (status = 503, body = shared::error::Problem)))]
#[post("/faxes/inbound")]
pub async fn inbound_fax(
    user: AuthUser,
    state: State,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let mail = super::inbound::read_mail(payload).await?;
    let recorded = app::attachments::record_fax(&state, mail).await?;
    Ok(HttpResponse::Ok().json(recorded))
}
