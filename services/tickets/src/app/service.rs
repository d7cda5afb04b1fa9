//! What the other services tell about a ticket: the outcome of its change request (knowledge,
//! reported to us or learnt by the relay when it sends it) and the delivery of a notification
//! (notify). All are idempotent: a repeated report changes nothing.

use serde_json::json;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};

use super::actions::{Acted, persist};
use super::{refusal, ticket_not_found};
use crate::db;
use crate::domain::action::{ActionInput, apply};
use crate::startup::AppState;

/// Applies the knowledge service's outcome of change request `change_request_id` (`input` is
/// `KnowledgeApplied` or `KnowledgeRejected`). A repeated report answers the ticket unchanged.
pub async fn knowledge_result(
    state: &AppState,
    user: &AuthUser,
    id: String,
    change_request_id: i64,
    input: ActionInput,
) -> ApiResult<Acted> {
    let now = state.clock.now();
    let cal = state.calendar();
    let rules = state.rules.clone();
    let actor = user.sub.clone();
    let record = shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let cur = db::tickets::find(c, &id)?.ok_or_else(|| ticket_not_found(&id))?;
            let dedup = format!("knowledge-result:{change_request_id}");
            if db::events::exists_dedup(c, &dedup)? {
                return Ok(cur);
            }
            let change = apply(&cur, &input, Role::Service, now, &cal, &rules).map_err(refusal)?;
            let at = now.timestamp_millis();
            persist(c, &cur, &change, &actor, Role::Service, at, Some(dedup))?;
            Ok(change.record)
        })
    })
    .await?;
    Ok(Acted { record, now })
}

/// The knowledge service took the change request of outbox row `outbox_id` as
/// `change_request_id`: a `change_request_created` event on the ticket, once.
pub async fn change_request_created(
    state: &AppState,
    outbox_id: i64,
    ticket_id: String,
    change_request_id: i64,
    at: i64,
) -> ApiResult<()> {
    shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let dedup = format!("cr-created:{outbox_id}");
            if !db::events::exists_dedup(c, &dedup)? {
                let data = json!({ "change_request_id": change_request_id }).to_string();
                let event = knowledge_event(&ticket_id, at, "change_request_created", data, dedup);
                db::events::insert(c, &event)?;
            }
            Ok(())
        })
    })
    .await
}

/// The knowledge service refused the change request of outbox row `outbox_id` for good: the
/// ticket goes back to the liaison as if knowledge had rejected it, with a
/// `change_request_refused` event. Nothing changes when the ticket has moved on meanwhile.
pub async fn change_request_refused(
    state: &AppState,
    outbox_id: i64,
    ticket_id: String,
    reason: String,
    at: i64,
) -> ApiResult<()> {
    let cal = state.calendar();
    let rules = state.rules.clone();
    let now = state.clock.now();
    shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let Some(cur) = db::tickets::find(c, &ticket_id)? else {
                return Ok(());
            };
            let input = ActionInput::KnowledgeRejected {
                change_request_id: 0,
                reason,
            };
            if let Ok(change) = apply(&cur, &input, Role::Service, now, &cal, &rules)
                && db::tickets::update_if_version(c, &change.record, cur.version)?
            {
                let dedup = format!("cr-refused:{outbox_id}");
                let data = change.data.to_string();
                let mut event =
                    knowledge_event(&ticket_id, at, "change_request_refused", data, dedup);
                event.from_status = Some(change.from.as_str());
                event.to_status = Some(change.to.as_str());
                db::events::insert(c, &event)?;
            }
            Ok(())
        })
    })
    .await
}

/// An event the knowledge service caused, written by the relay on its behalf.
fn knowledge_event<'a>(
    ticket_id: &'a str,
    at: i64,
    action: &'a str,
    data: String,
    dedup: String,
) -> db::events::NewEvent<'a> {
    db::events::NewEvent {
        ticket_id,
        at,
        actor: "knowledge",
        role: Role::Service.as_str(),
        action,
        from_status: None,
        to_status: None,
        data,
        dedup_key: Some(dedup),
    }
}

/// Records notify's report on notification `notification_id` (`status` `sent` or `dead`) as a
/// `delivery` event with `data`, once per notification and status. False when it was
/// recorded before.
pub async fn record_delivery(
    state: &AppState,
    user: &AuthUser,
    id: String,
    notification_id: String,
    status: &'static str,
    data: String,
) -> ApiResult<bool> {
    let now = state.clock.now().timestamp_millis();
    let actor = user.sub.clone();
    shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let cur = db::tickets::find(c, &id)?.ok_or_else(|| ticket_not_found(&id))?;
            let dedup = format!("delivery:{notification_id}:{status}");
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
                    data,
                    dedup_key: Some(dedup),
                },
            )?;
            Ok(true)
        })
    })
    .await
}
