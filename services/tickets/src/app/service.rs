//! Reports from the other services about a ticket: the outcome of its change request
//! (knowledge) and the delivery of a notification (notify). Both are idempotent: a repeated
//! report changes nothing.

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
