//! The hotline chasing tickets by itself (`domain::alerts` decides): urgent complaints nobody
//! dispatched in time go to the department the operator named, and departments are reminded
//! before their reply deadline. Each is written once, with its event and outbox rows in one
//! transaction; a replica that loses the race for the same ticket changes nothing.

use chrono::{DateTime, Utc};
use serde_json::json;
use shared::ApiResult;
use shared::auth::Role;
use shared::calendar::WorkCalendar;
use shared::db::DbConnection;
use shared::time::to_ms;

use crate::app::actions::persist;
use crate::db;
use crate::domain::action::{ActionInput, apply};
use crate::domain::alerts::{self, Lead};
use crate::domain::deadlines::DeadlineRules;
use crate::domain::notifications;
use crate::domain::record::TicketRecord;
use crate::startup::AppState;

/// How far ahead reminders look for deadlines (a working day can span a long holiday).
const HORIZON_MS: i64 = 15 * 24 * 3_600_000;
const BATCH: i64 = 200;

/// One pass of both; answers how many tickets were dispatched or reminded.
pub async fn run_once(state: &AppState) -> ApiResult<usize> {
    let now = state.clock.now();
    let cal = state.calendar();
    let rules = state.rules.clone();
    let jobs = state.jobs.clone();
    shared::db::run(&state.pool, move |c| {
        let mut n = 0;
        if let Some(after) = jobs.auto_dispatch_after {
            n += dispatch_waiting(c, now, after, &cal, &rules)?;
        }
        n += remind(c, now, &jobs.reminders, &cal)?;
        Ok(n)
    })
    .await
}

/// Dispatches the urgent complaints that waited `after` for a supervisor.
fn dispatch_waiting(
    c: &mut DbConnection,
    now: DateTime<Utc>,
    after: chrono::Duration,
    cal: &WorkCalendar,
    rules: &DeadlineRules,
) -> ApiResult<usize> {
    let waiting = db::tickets::urgent_waiting(c, to_ms(now - after), BATCH)?;
    let mut done = 0;
    for t in waiting
        .iter()
        .filter(|t| alerts::dispatch_automatically(t, now, after))
    {
        let Some(department) = t.department.clone() else {
            continue;
        };
        let input = ActionInput::Dispatch { department };
        // Acting for the supervisors: the lifecycle's rules are theirs.
        let Ok(mut change) = apply(t, &input, Role::Supervisor, now, cal, rules) else {
            continue;
        };
        change.data["automatic"] = json!(true);
        change.data["waited_minutes"] = json!(after.num_minutes());
        let key = Some(format!("auto-dispatch:{}", t.id));
        match db::write_tx(c, |c| {
            persist(
                c,
                t,
                &change,
                "system",
                Role::Service,
                to_ms(now),
                key.clone(),
            )
        }) {
            Ok(()) => {
                done += 1;
                tracing::info!(ticket = %t.id, "urgent complaint dispatched automatically");
            }
            // Dispatched meanwhile, by a supervisor or another replica.
            Err(e) => tracing::debug!(ticket = %t.id, error = %e, "not dispatched automatically"),
        }
    }
    Ok(done)
}

/// Sends the reminders that are due, once per ticket, deadline and lead.
fn remind(
    c: &mut DbConnection,
    now: DateTime<Utc>,
    leads: &[Lead],
    cal: &WorkCalendar,
) -> ApiResult<usize> {
    if leads.is_empty() {
        return Ok(0);
    }
    let day = cal.hours.minutes_per_day();
    let now_ms = to_ms(now);
    let mut done = 0;
    for t in db::tickets::awaiting_reply(c, now_ms, now_ms + HORIZON_MS, 5 * BATCH)? {
        let Some(lead) = alerts::reminder_due(&t, now, leads, cal, day) else {
            continue;
        };
        let key = format!("reminder:{}:{}:{}", t.id, t.due_at, lead.label());
        if db::events::exists_dedup(c, &key)? {
            continue;
        }
        match db::write_tx(c, |c| reminded(c, &t, lead, key.clone(), now_ms)) {
            Ok(()) => done += 1,
            Err(e) => tracing::debug!(ticket = %t.id, error = %e, "reminder not recorded"),
        }
    }
    Ok(done)
}

/// The reminder's event and its notifications.
fn reminded(
    c: &mut DbConnection,
    t: &TicketRecord,
    lead: Lead,
    key: String,
    now: i64,
) -> ApiResult<()> {
    let data = json!({ "before": lead.label(), "due_at": shared::time::from_ms(t.due_at) });
    let event = db::events::NewEvent::own(
        &t.id,
        now,
        "system",
        "reminded",
        Some(t.status.as_str()),
        data.to_string(),
        key,
    );
    db::events::insert(c, &event)?;
    for n in notifications::on_deadline_near(t) {
        db::outbox::insert_notification(c, &t.id, &n, now)?;
    }
    Ok(())
}
