//! Overdue tickets are escalated to supervisors once per ticket and deadline: an `escalated`
//! event and an outbox row, written together.

use shared::ApiResult;
use shared::db::DbConnection;

use crate::db;
use crate::domain::Status;
use crate::domain::notifications;
use crate::domain::record::TicketRecord;
use crate::startup::AppState;
use shared::time::{from_ms, to_ms};

pub async fn run_once(state: &AppState) -> ApiResult<usize> {
    let now = to_ms(state.clock.now());
    shared::db::run(&state.pool, move |conn| escalate_due(conn, now)).await
}

/// Escalates what is due at `now`; answers how many tickets were escalated.
pub fn escalate_due(conn: &mut DbConnection, now: i64) -> ApiResult<usize> {
    let mut done = 0;
    loop {
        let batch = db::tickets::due_for_escalation(conn, now, 100)?;
        if batch.is_empty() {
            return Ok(done);
        }
        let mut progressed = false;
        for t in batch {
            if escalate(conn, &t, now)? {
                done += 1;
                progressed = true;
            }
        }
        if !progressed {
            return Ok(done);
        }
    }
}

fn escalate(conn: &mut DbConnection, t: &TicketRecord, now: i64) -> ApiResult<bool> {
    let Some(due) = t.next_due_at else {
        return Ok(false);
    };
    db::write_tx(conn, |c| {
        if !db::tickets::mark_escalated(c, &t.id, due)? {
            return Ok(false);
        }
        let deadline = if t.accept_due_at == Some(due) && t.status == Status::Dispatched {
            "accept"
        } else {
            "reply"
        };
        let data = serde_json::json!({ "deadline": deadline, "due_at": from_ms(due) });
        let event = db::events::NewEvent::own(
            &t.id,
            now,
            "system",
            "escalated",
            Some(t.status.as_str()),
            data.to_string(),
            format!("escalated:{}:{due}", t.id),
        );
        db::events::insert(c, &event)?;
        for n in notifications::on_overdue(t) {
            db::outbox::insert_notification(c, &t.id, &n, now)?;
        }
        tracing::info!(ticket = %t.id, deadline, "ticket overdue, escalated");
        Ok(true)
    })
}
