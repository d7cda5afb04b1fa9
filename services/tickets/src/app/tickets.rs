//! Reading tickets: one ticket as its reader may see it, lists, and a ticket's events.

use serde_json::json;
use shared::auth::{AuthUser, Role};
use shared::contract::audit::{AuditEvent, action};
use shared::pagination::Paging;
use shared::time::now_ms;
use shared::values::mask_phone;
use shared::{ApiError, ApiResult};

use super::ticket_not_found;
use crate::db;
use crate::db::events::EventRow;
use crate::domain::access::{full_contact, visible};
use crate::domain::lifecycle::{self, Action};
use crate::domain::record::TicketRecord;
use crate::domain::view::Ticket;
use crate::startup::AppState;

/// The ticket if `user` may see it (see [`visible`]; `caller` is the caller on the line, for
/// operators); "not found" otherwise, so nothing is learnt about tickets one may not read.
pub async fn find_visible(
    state: &AppState,
    user: &AuthUser,
    id: String,
    caller: Option<&str>,
) -> ApiResult<TicketRecord> {
    let lookup = id.clone();
    let found = shared::db::run(&state.pool, move |c| Ok(db::tickets::find(c, &lookup)?)).await?;
    found
        .filter(|t| visible(user, t, caller))
        .ok_or_else(|| ticket_not_found(&id))
}

/// A ticket opened by `user` (see [`find_visible`]). Reading a caller's full number on a ticket
/// one did not create is recorded in the audit log (issue 16), through the outbox.
pub async fn read(
    state: &AppState,
    user: &AuthUser,
    id: String,
    caller: Option<&str>,
) -> ApiResult<TicketRecord> {
    let t = find_visible(state, user, id, caller).await?;
    if full_contact(user) && t.created_by != user.sub {
        let event = caller_read(user, &t.caller_phone, json!({ "ticket_id": t.id }));
        let ticket = t.id.clone();
        shared::db::run(&state.pool, move |c| {
            Ok(db::outbox::insert(
                c,
                Some(&ticket),
                AUDIT,
                &event,
                now_ms(),
            )?)
        })
        .await?;
    }
    Ok(t)
}

/// One ticket as `user` opens it (see [`read`]), with the caller's earlier tickets about the
/// same department (重复件), the tickets merged into it, and its co-handlers' parts.
pub async fn detail(
    state: &AppState,
    user: &AuthUser,
    id: String,
    caller: Option<&str>,
) -> ApiResult<Ticket> {
    let t = read(state, user, id, caller).await?;
    let repeat_of = repeats(state, &t).await?;
    let now = state.clock.now();
    let reply_on_behalf = super::attachments::may_reply_on_behalf(state, user).is_ok()
        && lifecycle::check(&t.facts(now), Action::ReplyOnBehalf, user.role).is_ok();
    let tid = t.id.clone();
    let (merged_into, merged, cohandlers) = shared::db::run(&state.pool, move |c| {
        Ok((
            db::events::merged_into(c, &tid)?,
            db::events::merged_from(c, &tid)?,
            db::cohandlers::list(c, &tid)?,
        ))
    })
    .await?;
    Ok(Ticket {
        repeat_of,
        merged_into,
        merged,
        cohandlers,
        reply_on_behalf,
        ..Ticket::from_record(t, now, full_contact(user))
    })
}

/// 重复件: the earlier tickets of `t`'s caller about its department within the repeat window.
pub async fn repeats(state: &AppState, t: &TicketRecord) -> ApiResult<Vec<String>> {
    let Some(department) = t.department.clone() else {
        return Ok(Vec::new());
    };
    let window = state.intake.repeat_window_ms;
    let (phone, id, created) = (t.caller_phone.clone(), t.id.clone(), t.created_at);
    shared::db::run(&state.pool, move |c| {
        Ok(db::tickets::earlier_of_caller(
            c,
            &phone,
            &department,
            created - window,
            created,
            &id,
        )?)
    })
    .await
}

/// The outbox kind of an event for the audit log.
pub const AUDIT: &str = "audit";

/// An audit event: `user` read `phone` (recorded masked), with `details`.
fn caller_read(user: &AuthUser, phone: &str, details: serde_json::Value) -> String {
    let event = AuditEvent {
        at: now_ms(),
        actor: user.sub.clone(),
        role: user.role.as_str().to_string(),
        action: action::CALLER_READ.into(),
        target: mask_phone(phone),
        address: String::new(),
        details,
        // Set by the relay from the outbox row's id.
        key: String::new(),
    };
    serde_json::to_string(&event).unwrap_or_default()
}

/// One page of the tickets `filter` selects that `user` may list (see [`scope`]), and how many
/// there are in all.
pub async fn list(
    state: &AppState,
    user: &AuthUser,
    filter: db::tickets::Filter,
    mine: bool,
    paging: Paging,
) -> ApiResult<(Vec<TicketRecord>, i64)> {
    let Some(filter) = scope(user, filter, mine)? else {
        return Ok((Vec::new(), 0));
    };
    // A look-up by a caller's full number is recorded in the audit log.
    let lookup = filter
        .caller_phone
        .clone()
        .map(|phone| (phone, user.clone()));
    shared::db::run(&state.pool, move |c| {
        let (rows, total) = db::tickets::list(c, &filter, paging)?;
        if let Some((phone, user)) = &lookup {
            let event = caller_read(user, phone, json!({ "found": total }));
            db::outbox::insert(c, None, AUDIT, &event, now_ms())?;
        }
        Ok((rows, total))
    })
    .await
}

/// The events of a ticket `user` may see, oldest first. Deliveries name their recipient,
/// which may be the caller's own address: liaisons see it masked.
pub async fn events(
    state: &AppState,
    user: &AuthUser,
    id: String,
    caller: Option<&str>,
) -> ApiResult<Vec<EventRow>> {
    let t = find_visible(state, user, id, caller).await?;
    let mut rows =
        shared::db::run(&state.pool, move |c| Ok(db::events::for_ticket(c, &t.id)?)).await?;
    if user.is(Role::Liaison) {
        for e in rows.iter_mut().filter(|e| e.action == "delivery") {
            e.data = masked_recipient(&e.data);
        }
    }
    Ok(rows)
}

fn masked_recipient(data: &str) -> String {
    let mut v: serde_json::Value = serde_json::from_str(data).unwrap_or(serde_json::Value::Null);
    v["to"] = serde_json::json!("***");
    v.to_string()
}

/// What `user` may list of what `filter` selects: liaisons their department's (never by
/// caller phone), operators the tickets they created unless they look a caller up, anyone only
/// their own with `mine`.
fn scope(
    user: &AuthUser,
    mut filter: db::tickets::Filter,
    mine: bool,
) -> ApiResult<Option<db::tickets::Filter>> {
    match user.role {
        Role::Liaison => {
            // A liaison could otherwise confirm a caller's full number against a masked one.
            if filter.caller_phone.is_some() {
                return Err(ApiError::forbidden(
                    "liaisons cannot search tickets by caller phone",
                ));
            }
            let own = user.department.clone();
            if filter.department.is_some() && filter.department != own {
                return Ok(None);
            }
            filter.department = own;
        }
        Role::Operator => {
            if filter.caller_phone.is_none() || mine {
                filter.created_by = Some(user.sub.clone());
            }
        }
        _ => {
            if mine {
                filter.created_by = Some(user.sub.clone());
            }
        }
    }
    Ok(Some(filter))
}
