//! Call records (一次一评): every call leaves one.

use shared::auth::{AuthUser, Role};
use shared::pagination::Paging;
use shared::time::to_ms;
use shared::values::mask_phone;
use shared::{ApiError, ApiResult};

use crate::db;
use crate::db::calls::{CallKey, CallRow, NewCall};
use crate::domain::Satisfaction;
use crate::domain::rating::{self, RatingRefusal};
use crate::startup::AppState;

pub async fn record(state: &AppState, call: NewCall) -> ApiResult<CallRow> {
    let row = shared::db::run(&state.pool, move |c| {
        db::write_tx(c, |c| {
            let row = db::calls::insert(c, &call)?;
            super::reports_operators::call_recorded(c, &row)?;
            Ok(row)
        })
    })
    .await?;
    tracing::info!(call = row.id, caller = %mask_phone(&row.call.caller_phone), "call recorded");
    Ok(row)
}

/// One page of the calls `filter` selects, newest first, and how many it selects in all.
/// Supervisors see every operator's calls; an operator only their own; a liaison those of
/// their department.
pub async fn list(
    state: &AppState,
    user: &AuthUser,
    mut filter: db::calls::Filter,
    paging: Paging,
) -> ApiResult<(Vec<CallRow>, i64)> {
    if user.is(Role::Liaison) {
        filter.logged_by_department = Some(user.department.clone().unwrap_or_default());
    } else if !user.is(Role::Supervisor) {
        filter.operator = Some(user.sub.clone());
    }
    shared::db::run(&state.pool, move |c| db::calls::list(c, &filter, paging)).await
}

/// What the phone system reports: the key the caller pressed, or the rating itself.
pub enum Rating {
    Key(u8),
    Level(Satisfaction),
}

/// Records the caller's rating of the call `key` at the service's time: 404 for no such call,
/// 400 for a key or level not on the configured scale, 409 when the window has closed or the
/// call has another rating. The same rating again answers the call unchanged.
pub async fn rate(state: &AppState, key: CallKey, rating: Rating) -> ApiResult<CallRow> {
    let scale = &state.intake.scale;
    let level = match rating {
        Rating::Key(k) => scale.key(k).ok_or_else(|| {
            ApiError::bad_request(format!("`key` {k} is not on the rating scale"))
        })?,
        Rating::Level(s) if scale.contains(s) => s,
        Rating::Level(s) => {
            return Err(ApiError::bad_request(format!(
                "`satisfaction` {} is not on the rating scale",
                s.as_str()
            )));
        }
    };
    let now = state.clock.now();
    let window = state.intake.window;
    shared::db::run(&state.pool, move |c| {
        db::write_tx(c, |c| {
            let row =
                db::calls::find(c, &key)?.ok_or_else(|| ApiError::not_found("no such call"))?;
            let current = row
                .call
                .satisfaction
                .as_deref()
                .and_then(Satisfaction::parse);
            let started = shared::time::from_ms(row.call.created_at);
            let duration = row.call.duration_seconds;
            match rating::accept(level, current, started, duration, now, window) {
                Ok(false) => return Ok(row),
                Ok(true) => {}
                Err(RatingRefusal::TooLate) => {
                    return Err(ApiError::conflict(format!(
                        "the rating window ({} minutes after the call) has closed",
                        window.num_minutes()
                    )));
                }
                Err(RatingRefusal::AlreadyRated(s)) => {
                    return Err(ApiError::conflict(format!(
                        "the call is already rated `{}`",
                        s.as_str()
                    )));
                }
            }
            if !db::calls::rate(c, row.id, level.as_str(), to_ms(now))? {
                return Err(ApiError::conflict("the call was rated at the same time"));
            }
            super::reports_operators::call_rated(c, &row, level)?;
            tracing::info!(call = row.id, rating = level.as_str(), "call rated");
            db::calls::find(c, &CallKey::Id(row.id))?
                .ok_or_else(|| ApiError::not_found("no such call"))
        })
    })
    .await
}
