//! Reading tickets: one ticket as its reader may see it, lists, and a ticket's events.

use shared::auth::{AuthUser, Role};
use shared::pagination::Paging;
use shared::{ApiError, ApiResult};

use super::ticket_not_found;
use crate::db;
use crate::db::events::EventRow;
use crate::domain::access::visible;
use crate::domain::record::TicketRecord;
use crate::startup::AppState;

/// The ticket if `user` may see it; "not found" otherwise (a liaison learns nothing about
/// another department's tickets).
pub async fn find_visible(
    state: &AppState,
    user: &AuthUser,
    id: String,
) -> ApiResult<TicketRecord> {
    let lookup = id.clone();
    let found = shared::db::run(&state.pool, move |c| Ok(db::tickets::find(c, &lookup)?)).await?;
    found
        .filter(|t| visible(user, t))
        .ok_or_else(|| ticket_not_found(&id))
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
    shared::db::run(&state.pool, move |c| {
        Ok(db::tickets::list(c, &filter, paging)?)
    })
    .await
}

/// The events of a ticket `user` may see, oldest first. Deliveries name their recipient,
/// which may be the caller's own address: liaisons see it masked.
pub async fn events(state: &AppState, user: &AuthUser, id: String) -> ApiResult<Vec<EventRow>> {
    let t = find_visible(state, user, id).await?;
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
