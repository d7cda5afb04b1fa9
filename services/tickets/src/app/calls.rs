//! Call records (一次一评): every call leaves one.

use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use shared::pagination::Paging;
use shared::values::mask_phone;

use crate::db;
use crate::db::calls::{CallRow, NewCall};
use crate::startup::AppState;

pub async fn record(state: &AppState, call: NewCall) -> ApiResult<CallRow> {
    let row = shared::db::run(&state.pool, move |c| db::calls::insert(c, &call)).await?;
    tracing::info!(call = row.id, caller = %mask_phone(&row.call.caller_phone), "call recorded");
    Ok(row)
}

/// One page of the calls `filter` selects, newest first, and how many it selects in all.
/// Supervisors see every operator's calls; an operator only their own.
pub async fn list(
    state: &AppState,
    user: &AuthUser,
    mut filter: db::calls::Filter,
    paging: Paging,
) -> ApiResult<(Vec<CallRow>, i64)> {
    if !user.is(Role::Supervisor) {
        filter.operator = Some(user.sub.clone());
    }
    shared::db::run(&state.pool, move |c| db::calls::list(c, &filter, paging)).await
}
