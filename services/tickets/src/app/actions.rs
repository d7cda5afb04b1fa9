//! Lifecycle actions on a ticket: load it, check who may act, build the action's input, apply
//! it (a pure function) and write the new record with its event and outbox rows, all in one
//! transaction.

use chrono::{DateTime, Utc};
use shared::auth::{AuthUser, Role};
use shared::db::DbConnection;
use shared::{ApiError, ApiResult};

use super::{refusal, ticket_not_found};
use crate::db;
use crate::domain::access::{TICKET_READERS, acts_as_lead, visible};
use crate::domain::action::{ActionInput, Change, OutboxItem, apply};
use crate::domain::lifecycle::{self, Action};
use crate::domain::record::TicketRecord;
use crate::domain::reports;
use crate::startup::AppState;

/// A ticket as an action left it, and the time of the action (the answer shows its deadlines
/// as of then).
pub struct Acted {
    pub record: TicketRecord,
    pub now: DateTime<Utc>,
}

/// Takes `action` on ticket `id` as `user`: 404 unless the user sees the ticket, 403 unless
/// their role may take the action, then `build` makes the input from the request (400), the
/// lifecycle allows it or not (409), and the change is written. The order matters: a liaison
/// learns nothing about another department's ticket, whatever the body.
pub async fn act<F>(
    state: &AppState,
    user: &AuthUser,
    id: String,
    action: Action,
    build: F,
) -> ApiResult<Acted>
where
    F: FnOnce() -> ApiResult<ActionInput> + Send + 'static,
{
    act_with(
        state,
        user,
        id,
        action,
        move |_, _| build(),
        |_, _, _| Ok(()),
    )
    .await
}

/// [`act`], with the input built in the action's transaction from the ticket as it is there
/// (the attachments a 代回复 names, a co-handler's own department), and `also` writing what
/// else the action changes; what either writes is undone if the action is refused.
pub async fn act_with<F, A>(
    state: &AppState,
    user: &AuthUser,
    id: String,
    action: Action,
    build: F,
    also: A,
) -> ApiResult<Acted>
where
    F: FnOnce(&mut DbConnection, &TicketRecord) -> ApiResult<ActionInput> + Send + 'static,
    A: FnOnce(&mut DbConnection, &Change, i64) -> ApiResult<()> + Send + 'static,
{
    user.require(TICKET_READERS)?;
    let now = state.clock.now();
    let cal = state.calendar();
    let rules = state.rules.clone();
    let u = user.clone();
    let record = shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let cur = db::tickets::find(c, &id)?
                .filter(|t| visible(&u, t, None))
                .ok_or_else(|| ticket_not_found(&id))?;
            u.require(action.roles())?;
            if !acts_as_lead(&u, &cur, action) {
                return Err(ApiError::forbidden(
                    "the lead department takes this action; a co-handling department gives its part with cohandler-reply",
                ));
            }
            let input = build(c, &cur)?;
            let change = apply(&cur, &input, u.role, now, &cal, &rules).map_err(refusal)?;
            persist(c, &cur, &change, &u.sub, u.role, now.timestamp_millis(), None)?;
            also(c, &change, now.timestamp_millis())?;
            tracing::info!(ticket = %cur.id, action = change.action, to = %change.to, "ticket changed");
            Ok(change.record)
        })
    })
    .await?;
    Ok(Acted { record, now })
}

/// Dispatches (or re-dispatches) ticket `id` to `department`. Everything that can be refused
/// without asking the knowledge service is refused first; then knowledge must know the
/// department (unknown or merged: 400; unreachable: 503), and only then is it written.
pub async fn dispatch(
    state: &AppState,
    user: &AuthUser,
    id: String,
    department: String,
    request_id: Option<&str>,
) -> ApiResult<Acted> {
    user.require(TICKET_READERS)?;
    let cur = super::tickets::find_visible(state, user, id.clone(), None).await?;
    user.require(Action::Dispatch.roles())?;
    if !crate::domain::valid_department(&department) {
        return Err(ApiError::bad_request(
            "`department` is not a department code",
        ));
    }
    lifecycle::check(&cur.facts(state.clock.now()), Action::Dispatch, user.role)
        .map_err(refusal)?;
    check_department(state, &department, request_id).await?;
    act(state, user, id, Action::Dispatch, move || {
        Ok(ActionInput::Dispatch { department })
    })
    .await
}

/// Whether the knowledge service knows an active department by this code.
pub(crate) async fn check_department(
    state: &AppState,
    code: &str,
    rid: Option<&str>,
) -> ApiResult<()> {
    match state.knowledge.department(code, rid).await {
        Ok(Some(dep)) if dep.is_merged() => {
            let successor = dep.successor.as_deref().unwrap_or("its successor");
            Err(ApiError::bad_request(format!(
                "department {code} was merged into {successor}; dispatch to that one"
            )))
        }
        Ok(Some(_)) => Ok(()),
        Ok(None) => Err(ApiError::bad_request(format!(
            "there is no department {code}"
        ))),
        Err(e) => {
            tracing::warn!(error = %e, "cannot check a department with the knowledge service");
            Err(ApiError::ServiceUnavailable(
                "the knowledge service cannot confirm the department now; try again shortly".into(),
            ))
        }
    }
}

/// Writes an allowed change: the record (if nobody changed it meanwhile), its event, and its
/// outbox rows, in the caller's transaction.
pub(crate) fn persist(
    c: &mut DbConnection,
    before: &TicketRecord,
    change: &Change,
    actor: &str,
    role: Role,
    at: i64,
    dedup_key: Option<String>,
) -> ApiResult<()> {
    if !db::tickets::update_if_version(c, &change.record, before.version)? {
        return Err(ApiError::conflict(
            "the ticket was changed at the same time; load it and try again",
        ));
    }
    db::events::insert(
        c,
        &db::events::NewEvent {
            ticket_id: &change.record.id,
            at,
            actor,
            role: role.as_str(),
            action: change.action,
            from_status: Some(change.from.as_str()),
            to_status: Some(change.to.as_str()),
            data: change.data.to_string(),
            dedup_key,
        },
    )?;
    // The department report's roll-up, in this transaction: a report read next includes it.
    if let Some(t) = reports::tally(Some(before), &change.record, change.action, at) {
        db::reports::add(c, &t)?;
    }
    super::reports_operators::ticket_changed(c, Some(before), &change.record)?;
    super::reports_health::ticket_changed(c, &change.record, change.action)?;
    for item in &change.outbox {
        match item {
            OutboxItem::Notify(n) => {
                db::outbox::insert_notification(c, &change.record.id, n, at)?;
            }
            OutboxItem::ChangeRequest(request) => {
                let payload = serde_json::to_string(request)?;
                db::outbox::insert(c, Some(&change.record.id), "change_request", &payload, at)?;
            }
        }
    }
    Ok(())
}
