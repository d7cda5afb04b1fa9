//! Background work started by `Application`: the outbox relay, the escalation scan, the alerts
//! (automatic dispatch of urgent complaints, reminders before deadlines), and the calendar
//! and topic words refresh (so that an admin's edit, or knowledge's words, sent to one replica
//! reach the others).

use crate::startup::AppState;

pub mod alerts;
pub mod calendar;
pub mod escalation;
pub mod relay;

/// Spawns the loops on the current Tokio runtime; they end with it.
pub fn start(state: AppState) {
    let s = state.clone();
    tokio::spawn(async move {
        loop {
            match relay::run_once(&s).await {
                // A full batch: there may be more waiting, go on at once.
                Ok(n) if n >= relay::BATCH as usize => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "outbox relay pass failed"),
            }
            tokio::time::sleep(s.jobs.relay_interval).await;
        }
    });
    let s = state.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(s.jobs.escalation_interval).await;
            if let Err(e) = escalation::run_once(&s).await {
                tracing::warn!(error = %e, "escalation scan failed");
            }
            if let Err(e) = alerts::run_once(&s).await {
                tracing::warn!(error = %e, "alerts scan failed");
            }
        }
    });
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(state.jobs.calendar_refresh).await;
            if let Err(e) = calendar::refresh(&state).await {
                tracing::warn!(error = %e, "calendar refresh failed");
            }
            // The digest's topic words, on the same beat: knowledge sends them to one replica.
            if let Err(e) = crate::app::reports_topics::refresh(&state).await {
                tracing::warn!(error = %e, "topic words refresh failed");
            }
        }
    });
}
