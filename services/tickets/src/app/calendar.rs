//! The working-day calendar: reading it, storing a year (the row, then the whole calendar read
//! back so deadlines computed from now on use it), and the deadlines a new ticket would get.

use chrono::{DateTime, Utc};
use shared::auth::AuthUser;
use shared::calendar::CalendarYear;
use shared::time::{cst_minute, to_ms};
use shared::{ApiError, ApiResult};

use crate::db;
use crate::domain::TicketType;
use crate::domain::calendar::{CalendarAnswer, CalendarYearOut};
use crate::domain::deadlines::DeadlineAnswer;
use crate::startup::AppState;

/// The calendar's years (only `year`, when given) and the working hours.
pub fn answer(state: &AppState, year: Option<i32>) -> CalendarAnswer {
    let c = state.calendar_state();
    let years = c
        .years
        .into_iter()
        .filter(|y| year.is_none_or(|q| q == y.year))
        .map(CalendarYearOut::from)
        .collect();
    CalendarAnswer {
        years,
        working_hours: c.hours_text,
    }
}

/// The deadlines of a ticket of `ticket_type` taken at `from`.
pub fn deadlines(
    state: &AppState,
    ticket_type: TicketType,
    urgent: bool,
    from: DateTime<Utc>,
) -> ApiResult<DeadlineAnswer> {
    if !(2000..=2100).contains(&chrono::Datelike::year(&from)) {
        return Err(ApiError::bad_request(
            "`from` must be between 2000 and 2100",
        ));
    }
    let cal = state.calendar();
    let due = state.rules.reply_due(&cal, ticket_type, urgent, from);
    Ok(DeadlineAnswer {
        ticket_type,
        urgent,
        from,
        accept_due_at: state.rules.accept_due(&cal, from, due),
        due_at: due,
        due_at_local: cst_minute(due),
        rule: state.rules.rule_text(ticket_type, urgent),
    })
}

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
