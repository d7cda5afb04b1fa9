//! Storing a year of the working-day calendar: the row, then the whole calendar read back so
//! deadlines computed from now on use it.

use shared::ApiResult;
use shared::auth::AuthUser;
use shared::calendar::CalendarYear;
use shared::time::to_ms;

use crate::db;
use crate::startup::AppState;

/// Stores `year` (checked) by `user` and makes it the service's calendar.
pub async fn store_year(state: &AppState, user: &AuthUser, year: &CalendarYear) -> ApiResult<()> {
    let text = serde_json::to_string(year)?;
    let now = to_ms(state.clock.now());
    let by = user.sub.clone();
    let y = year.year;
    let years = shared::db::run(&state.pool, move |c| {
        db::write_tx(c, |c| db::calendar::put(c, y, &text, now, &by))?;
        crate::jobs::calendar::load(c)
    })
    .await?;
    state.set_years(years);
    tracing::info!(year = y, by = %user.sub, "calendar year stored");
    Ok(())
}
