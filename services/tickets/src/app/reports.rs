//! Reports for supervisors: the rows of a range of China-time days, counted by the domain.

use chrono::NaiveDate;
use shared::ApiResult;

use crate::db;
use crate::domain::reports::{self, CallsDaily, ReplenishmentReport, day_start};
use crate::startup::AppState;

/// `[start of from, start of the day after to)` in epoch milliseconds.
fn bounds(from: NaiveDate, to: NaiveDate) -> (i64, i64) {
    let end = to.succ_opt().map(day_start).unwrap_or(i64::MAX);
    (day_start(from), end)
}

pub async fn calls_daily(
    state: &AppState,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<CallsDaily> {
    let (start, end) = bounds(from, to);
    let rows = shared::db::run(&state.pool, move |c| db::calls::between(c, start, end)).await?;
    Ok(reports::calls_daily(from, to, rows))
}

pub async fn replenishment(
    state: &AppState,
    from: NaiveDate,
    to: NaiveDate,
) -> ApiResult<ReplenishmentReport> {
    let (start, end) = bounds(from, to);
    let rows = shared::db::run(&state.pool, move |c| {
        Ok(db::tickets::no_info_between(c, start, end)?)
    })
    .await?;
    Ok(reports::replenishment(from, to, rows))
}
