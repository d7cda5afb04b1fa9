//! A received e-mail for a ticket (issue 18): notify matched it to the ticket, or a supervisor
//! attached it by hand. From a liaison of the ticket's department it is their reply where the
//! state takes one (a `reply` event, channel email), otherwise a note (`inbound_mail` event);
//! from anyone else notify's automatic match is refused (409), so the mail goes to the centre's
//! unmatched queue, while a supervisor's attach records it as a note. Once per message.

use serde_json::json;
use shared::auth::Role;
use shared::contract::inbound::{InboundMail, InboundRecorded, InboundRecordedAs};
use shared::{ApiError, ApiResult};

use super::actions::persist;
use super::ticket_not_found;
use crate::db;
use crate::domain::ReplyChannel;
use crate::domain::action::{ActionInput, apply};
use crate::domain::attachments::Source;
use crate::startup::AppState;

/// Records `mail` on ticket `id`. 404: no such ticket; 409: matched automatically but not from
/// a liaison of the ticket's department; 503: knowledge cannot say who the liaisons are.
pub async fn record(state: &AppState, id: String, mail: InboundMail) -> ApiResult<InboundRecorded> {
    if mail.fax.is_some() {
        let fax = super::attachments::record_fax_on(state, id, mail).await?;
        return Ok(InboundRecorded {
            recorded_as: InboundRecordedAs::Fax,
            recorded: fax.recorded,
        });
    }
    let lookup = id.clone();
    let ticket = shared::db::run(&state.pool, move |c| Ok(db::tickets::find(c, &lookup)?))
        .await?
        .ok_or_else(|| ticket_not_found(&id))?;
    let liaison = match &ticket.department {
        Some(code) => liaison_name(state, code, &mail.from).await?,
        None => None,
    };
    if liaison.is_none() && mail.attached_by.is_none() {
        return Err(ApiError::conflict(format!(
            "{} is not a liaison of the department of ticket {id}",
            mail.from
        )));
    }
    let now = state.clock.now();
    let cal = state.calendar();
    let rules = state.rules.clone();
    let (actor, role) = match &mail.attached_by {
        Some(who) => (who.clone(), Role::Supervisor),
        None => (format!("mail:{}", mail.from), Role::Service),
    };
    let st = state.clone();
    shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let cur = db::tickets::find(c, &id)?.ok_or_else(|| ticket_not_found(&id))?;
            let dedup = format!("inbound:{}", mail.message_key);
            if let Some(action) = db::events::dedup_action(c, &dedup)? {
                let as_reply = action == "reply";
                return Ok(InboundRecorded {
                    recorded_as: if as_reply {
                        InboundRecordedAs::Reply
                    } else {
                        InboundRecordedAs::Note
                    },
                    recorded: false,
                });
            }
            // The files the ticket keeps (named by their attachment ids in the listing).
            let files = super::attachments::keep_received(
                c,
                &st,
                &cur.id,
                &mail,
                Source::Mail,
                now.timestamp_millis(),
            )?;
            let source = json!({
                "message_key": mail.message_key,
                "from": mail.from,
                "from_name": mail.from_name,
                "liaison": liaison,
                "subject": mail.subject,
                "received_at": mail.received_at,
                "attachments": files,
                "attached_by": mail.attached_by,
            });
            // The liaison's reply when the lifecycle takes one from a liaison now.
            if liaison.is_some() {
                let input = ActionInput::Reply {
                    body: mail.text.clone(),
                    channel: ReplyChannel::Email,
                };
                if let Ok(mut change) = apply(&cur, &input, Role::Liaison, now, &cal, &rules) {
                    if let Some(data) = change.data.as_object_mut() {
                        data.insert("inbound".into(), source);
                    }
                    persist(
                        c,
                        &cur,
                        &change,
                        &actor,
                        role,
                        now.timestamp_millis(),
                        Some(dedup),
                    )?;
                    tracing::info!(ticket = %cur.id, "an e-mailed reply recorded");
                    return Ok(InboundRecorded {
                        recorded_as: InboundRecordedAs::Reply,
                        recorded: true,
                    });
                }
            }
            let mut data = source;
            if let Some(d) = data.as_object_mut() {
                d.insert("text".into(), mail.text.clone().into());
            }
            db::events::insert(
                c,
                &db::events::NewEvent {
                    ticket_id: &cur.id,
                    at: now.timestamp_millis(),
                    actor: &actor,
                    role: role.as_str(),
                    action: "inbound_mail",
                    from_status: None,
                    to_status: None,
                    data: data.to_string(),
                    dedup_key: Some(dedup),
                },
            )?;
            Ok(InboundRecorded {
                recorded_as: InboundRecordedAs::Note,
                recorded: true,
            })
        })
    })
    .await
}

/// The name of the liaison of department `code` whose address `from` is, asked of knowledge.
async fn liaison_name(state: &AppState, code: &str, from: &str) -> ApiResult<Option<String>> {
    match state.knowledge.department(code, None).await {
        Ok(Some(dep)) => Ok(dep
            .liaisons
            .into_iter()
            .find(|l| !l.email.is_empty() && l.email.trim().eq_ignore_ascii_case(from.trim()))
            .map(|l| l.name)),
        Ok(None) => Ok(None),
        Err(e) => {
            tracing::warn!(error = %e, "cannot ask the knowledge service for the liaisons");
            Err(ApiError::ServiceUnavailable(
                "the knowledge service cannot say who the liaisons are now; try again shortly"
                    .into(),
            ))
        }
    }
}
