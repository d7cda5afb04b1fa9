//! A ticket's attachments (issue 18): uploaded scans, the files of received mail, received
//! faxes. Kept in the database (every replica serves them), a PDF, TIFF, PNG or JPEG by its
//! first bytes, at most `HOTLINE_TICKETS_ATTACHMENT_MAX_BYTES` each, read by those who may read
//! the ticket. A received fax from a department waits on its urgent complaint until a
//! supervisor confirms it as the department's reply (代回复 with the fax attached).

use base64::Engine as _;
use serde_json::json;
use shared::auth::{AuthUser, Role};
use shared::contract::inbound::{FaxRecorded, InboundAttachment, InboundMail};
use shared::db::DbConnection;
use shared::time::from_ms;
use shared::{ApiError, ApiResult};

use super::actions::{Acted, act_with};
use super::ticket_not_found;
use crate::db;
use crate::db::attachments::{AttachmentRow, NewAttachment};
use crate::domain::access::{TICKET_READERS, visible};
use crate::domain::action::ActionInput;
use crate::domain::attachments::{
    Attachment, AttachmentRef, KINDS, ReceivedFax, Source, clean_filename, sniff,
};
use crate::domain::lifecycle::Action;
use crate::domain::record::TicketRecord;
use crate::startup::AppState;

pub fn view(row: AttachmentRow) -> Attachment {
    Attachment {
        id: row.id,
        ticket_id: row.ticket_id,
        filename: row.filename,
        content_type: row.content_type,
        size: row.size,
        source: row.source,
        fax_number: row.fax_number,
        fax_status: row.fax_status,
        added_by: row.added_by,
        created_at: from_ms(row.created_at),
    }
}

/// The content type of a file a ticket may keep: 413 over the size limit, 415 for a kind it
/// does not keep.
fn check_file(state: &AppState, bytes: &[u8]) -> ApiResult<&'static str> {
    let max = state.attachments.max_bytes;
    if bytes.len() as u64 > max {
        return Err(ApiError::PayloadTooLarge(format!(
            "an attachment is at most {max} bytes; this one is {}",
            bytes.len()
        )));
    }
    if bytes.is_empty() {
        return Err(ApiError::bad_request("the attachment is empty"));
    }
    sniff(bytes).ok_or_else(|| {
        ApiError::UnsupportedMediaType(format!(
            "a ticket keeps {KINDS} files; this file is none of them (told by its first bytes)"
        ))
    })
}

/// The ticket `id` if `user` may read it, in a transaction.
fn visible_ticket(c: &mut DbConnection, user: &AuthUser, id: &str) -> ApiResult<TicketRecord> {
    db::tickets::find(c, id)?
        .filter(|t| visible(user, t, None))
        .ok_or_else(|| ticket_not_found(id))
}

/// `user` uploads `bytes` named `filename` to ticket `id` (an `attachment_added` event says
/// so). Anyone who may read the ticket and act on it: operators, supervisors, its liaisons.
pub async fn upload(
    state: &AppState,
    user: &AuthUser,
    id: String,
    filename: Option<String>,
    bytes: Vec<u8>,
) -> ApiResult<Attachment> {
    user.require(TICKET_READERS)?;
    let content_type = check_file(state, &bytes)?;
    let name = clean_filename(filename.as_deref().unwrap_or_default(), content_type);
    let now = state.clock.now().timestamp_millis();
    let u = user.clone();
    shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let t = visible_ticket(c, &u, &id)?;
            let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
            let new = NewAttachment {
                ticket_id: &t.id,
                filename: &name,
                content_type,
                size,
                data: &bytes,
                source: Source::Upload.as_str(),
                message_key: None,
                fax_number: None,
                fax_status: None,
                added_by: &u.sub,
                created_at: now,
            };
            let aid = db::attachments::insert(c, &new)?;
            let data = json!({ "attachment": AttachmentRef { id: aid, filename: name.clone() },
                               "content_type": content_type, "size": size });
            db::events::insert(
                c,
                &db::events::NewEvent {
                    ticket_id: &t.id,
                    at: now,
                    actor: &u.sub,
                    role: u.role.as_str(),
                    action: "attachment_added",
                    from_status: Some(t.status.as_str()),
                    to_status: Some(t.status.as_str()),
                    data: data.to_string(),
                    dedup_key: None,
                },
            )?;
            tracing::info!(ticket = %t.id, attachment = aid, size, "attachment added");
            let row = db::attachments::find(c, &t.id, aid)?
                .ok_or_else(|| ApiError::internal("the attachment just written is gone"))?;
            Ok(view(row.0))
        })
    })
    .await
}

/// The attachments of ticket `id`, oldest first.
pub async fn list(state: &AppState, user: &AuthUser, id: String) -> ApiResult<Vec<Attachment>> {
    user.require(TICKET_READERS)?;
    let u = user.clone();
    shared::db::run(&state.pool, move |c| {
        let t = visible_ticket(c, &u, &id)?;
        let rows = db::attachments::for_ticket(c, &t.id)?;
        Ok(rows.into_iter().map(view).collect())
    })
    .await
}

/// Attachment `aid` of ticket `id` with its bytes.
pub async fn download(
    state: &AppState,
    user: &AuthUser,
    id: String,
    aid: i64,
) -> ApiResult<(Attachment, Vec<u8>)> {
    user.require(TICKET_READERS)?;
    let u = user.clone();
    shared::db::run(&state.pool, move |c| {
        let t = visible_ticket(c, &u, &id)?;
        let (row, bytes) = db::attachments::find(c, &t.id, aid)?
            .ok_or_else(|| ApiError::not_found(format!("ticket {id} has no attachment {aid}")))?;
        Ok((view(row), bytes))
    })
    .await
}

/// Whether `user` may record replies on a department's behalf: supervisors, and operators
/// where the centre lets them.
pub fn may_reply_on_behalf(state: &AppState, user: &AuthUser) -> ApiResult<()> {
    if user.role == Role::Operator && !state.attachments.operators_reply_on_behalf {
        return Err(ApiError::forbidden(
            "operators may not record a reply on a department's behalf here \
             (HOTLINE_TICKETS_OPERATORS_REPLY_ON_BEHALF)",
        ));
    }
    Ok(())
}

/// Received faxes that wait for confirmation, oldest first: all of them for supervisors; an
/// operator (where operators record 代回复) those on tickets they created.
pub async fn received_faxes(state: &AppState, user: &AuthUser) -> ApiResult<Vec<ReceivedFax>> {
    user.require(&[Role::Supervisor, Role::Operator])?;
    may_reply_on_behalf(state, user)?;
    let creator = (user.role == Role::Operator).then(|| user.sub.clone());
    shared::db::run(&state.pool, move |c| {
        let rows = db::attachments::awaiting_faxes(c, creator.as_deref(), 500)?;
        Ok(rows
            .into_iter()
            .map(|(row, summary, department)| ReceivedFax {
                attachment: view(row),
                summary,
                department,
            })
            .collect())
    })
    .await
}

/// Records a department's reply given outside the system (代回复): `build` makes the input
/// from the request, with the ids of the ticket's attachments that carry the reply; a
/// received fax among them is confirmed by it. 400 for an attachment the ticket does not have.
pub async fn reply_on_behalf<F>(
    state: &AppState,
    user: &AuthUser,
    id: String,
    build: F,
) -> ApiResult<Acted>
where
    F: FnOnce() -> ApiResult<(ActionInput, Vec<i64>)> + Send + 'static,
{
    let allowed = may_reply_on_behalf(state, user);
    let build = move |c: &mut shared::db::DbConnection, t: &crate::domain::record::TicketRecord| {
        allowed?;
        let (mut input, ids) = build()?;
        let found: Vec<AttachmentRef> = db::attachments::for_ticket(c, &t.id)?
            .into_iter()
            .filter(|a| ids.contains(&a.id))
            .map(|a| AttachmentRef {
                id: a.id,
                filename: a.filename,
            })
            .collect();
        if let Some(missing) = ids.iter().find(|i| !found.iter().any(|a| a.id == **i)) {
            return Err(ApiError::bad_request(format!(
                "ticket {} has no attachment {missing}",
                t.id
            )));
        }
        db::attachments::confirm(c, &t.id, &ids)?;
        if let ActionInput::ReplyOnBehalf { attachments, .. } = &mut input {
            *attachments = found;
        }
        Ok(input)
    };
    act_with(state, user, id, Action::ReplyOnBehalf, build, |_, _, _| {
        Ok(())
    })
    .await
}

/// The files of a received message a ticket keeps, stored in the caller's transaction; those
/// it does not keep (another kind, too large, not base64) are logged and left in notify's copy.
/// Each listed file names its attachment when kept.
pub(crate) fn keep_received(
    c: &mut DbConnection,
    state: &AppState,
    ticket: &str,
    mail: &InboundMail,
    source: Source,
    at: i64,
) -> ApiResult<Vec<serde_json::Value>> {
    let mut listed = Vec::with_capacity(mail.attachments.len());
    for a in &mail.attachments {
        let mut entry =
            json!({ "filename": a.filename, "content_type": a.content_type, "size": a.size });
        match decoded(state, a) {
            Ok((bytes, content_type)) => {
                let name = clean_filename(&a.filename, content_type);
                let fax = source == Source::Fax;
                let added_by = match &mail.fax {
                    Some(number) => format!("fax:{number}"),
                    None => format!("mail:{}", mail.from),
                };
                let aid = db::attachments::insert(
                    c,
                    &NewAttachment {
                        ticket_id: ticket,
                        filename: &name,
                        content_type,
                        size: i64::try_from(bytes.len()).unwrap_or(i64::MAX),
                        data: &bytes,
                        source: source.as_str(),
                        message_key: Some(&mail.message_key),
                        fax_number: mail.fax.as_deref().filter(|_| fax),
                        fax_status: fax.then_some("awaiting"),
                        added_by: &added_by,
                        created_at: at,
                    },
                )?;
                entry["attachment_id"] = json!(aid);
            }
            Err(why) => {
                tracing::info!(ticket, file = %a.filename, reason = %why, "a received file is not kept on the ticket");
                entry["not_kept"] = json!(why);
            }
        }
        listed.push(entry);
    }
    Ok(listed)
}

/// The bytes of a received file and their kind, or why the ticket does not keep it.
fn decoded(state: &AppState, a: &InboundAttachment) -> Result<(Vec<u8>, &'static str), String> {
    let data = a.data.as_deref().ok_or("no bytes were sent")?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .map_err(|e| format!("not base64: {e}"))?;
    let kind = check_file(state, &bytes).map_err(|e| e.to_string())?;
    Ok((bytes, kind))
}

/// The tickets a fax from `number` may answer: the urgent complaints waiting for the reply of
/// a department with that fax number (its own or a liaison's, as knowledge has them).
async fn fax_tickets(state: &AppState, number: &str) -> ApiResult<Vec<String>> {
    let departments = state
        .knowledge
        .departments_by_fax(number)
        .await
        .map_err(|e| {
            tracing::warn!(error = %e, "cannot ask the knowledge service for a fax number");
            ApiError::ServiceUnavailable(
                "the knowledge service cannot say whose fax number this is now; try again shortly"
                    .into(),
            )
        })?;
    if departments.is_empty() {
        return Err(ApiError::conflict(format!(
            "传真号码 {number} 不是知识库中任何部门的传真"
        )));
    }
    let open = shared::db::run(&state.pool, move |c| {
        Ok(db::attachments::open_urgent_complaints(c, &departments)?)
    })
    .await?;
    Ok(open)
}

/// A received fax offered by notify: attached to the one urgent complaint that waits for the
/// reply of the sending department, awaiting confirmation. 409 (with the reason, in Chinese,
/// for the unmatched queue) when there is no such complaint or more than one.
pub async fn record_fax(state: &AppState, mail: InboundMail) -> ApiResult<FaxRecorded> {
    let number = mail
        .fax
        .clone()
        .ok_or_else(|| ApiError::bad_request("`fax` (the sender's number) is required"))?;
    let key = format!("inbound:{}", mail.message_key);
    let lookup = key.clone();
    let before = shared::db::run(&state.pool, move |c| {
        Ok(db::events::dedup_ticket(c, &lookup)?)
    })
    .await?;
    if let Some(ticket_id) = before {
        return Ok(FaxRecorded {
            ticket_id,
            recorded: false,
        });
    }
    let open = fax_tickets(state, &number).await?;
    match open.as_slice() {
        [one] => record_fax_on(state, one.clone(), mail).await,
        [] => Err(ApiError::conflict(format!(
            "发送传真的部门（{number}）没有待回复的紧急投诉"
        ))),
        many => Err(ApiError::conflict(format!(
            "发送传真的部门（{number}）有 {} 件待回复的紧急投诉：{}",
            many.len(),
            many.join("、")
        ))),
    }
}

/// Records received fax `mail` on ticket `id` (matched by its number, or attached by a
/// supervisor from the unmatched queue): its files kept awaiting confirmation, and a
/// `fax_received` event. Once per message.
pub async fn record_fax_on(
    state: &AppState,
    id: String,
    mail: InboundMail,
) -> ApiResult<FaxRecorded> {
    let now = state.clock.now().timestamp_millis();
    let st = state.clone();
    shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let t = db::tickets::find(c, &id)?.ok_or_else(|| ticket_not_found(&id))?;
            let dedup = format!("inbound:{}", mail.message_key);
            if db::events::exists_dedup(c, &dedup)? {
                return Ok(FaxRecorded {
                    ticket_id: t.id,
                    recorded: false,
                });
            }
            let files = keep_received(c, &st, &t.id, &mail, Source::Fax, now)?;
            let (actor, role) = match &mail.attached_by {
                Some(who) => (who.clone(), Role::Supervisor),
                None => (
                    format!("fax:{}", mail.fax.as_deref().unwrap_or("?")),
                    Role::Service,
                ),
            };
            let data = json!({
                "message_key": mail.message_key, "fax": mail.fax, "from": mail.from,
                "subject": mail.subject, "text": mail.text, "received_at": mail.received_at,
                "attachments": files, "attached_by": mail.attached_by,
            });
            db::events::insert(
                c,
                &db::events::NewEvent {
                    ticket_id: &t.id,
                    at: now,
                    actor: &actor,
                    role: role.as_str(),
                    action: "fax_received",
                    from_status: Some(t.status.as_str()),
                    to_status: Some(t.status.as_str()),
                    data: data.to_string(),
                    dedup_key: Some(dedup),
                },
            )?;
            tracing::info!(ticket = %t.id, "a received fax awaits confirmation");
            Ok(FaxRecorded {
                ticket_id: t.id,
                recorded: true,
            })
        })
    })
    .await
}
