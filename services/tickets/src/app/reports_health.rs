//! The knowledge base health report (知识库健康度): its roll-ups kept in the transaction of
//! each change, the knowledge service's search counts added once each, and the report read
//! from them with the knowledge base's state now.

use serde_json::json;
use shared::ApiResult;
use shared::auth::AuthUser;
use shared::contract::tickets::SearchCounts;
use shared::db::{DbConnection, DbResult};

use super::reports::{DepartmentFilter, audit_export, read_audited};
use crate::db;
use crate::domain::record::TicketRecord;
use crate::domain::reports_health::{self as domain, HealthInput, HealthNow, HealthReport};
use crate::startup::AppState;

/// The roll-up of a ticket just taken, in the transaction that took it.
pub fn ticket_taken(c: &mut DbConnection, rec: &TicketRecord) -> DbResult<()> {
    match domain::ticket_taken(rec) {
        Some(t) => db::reports_health::add(c, &t),
        None => Ok(()),
    }
}

/// The answer time of a ticket's change (`action`), in its transaction.
pub fn ticket_changed(c: &mut DbConnection, after: &TicketRecord, action: &str) -> DbResult<()> {
    match domain::answer_time(after, action) {
        Some(t) => db::reports_health::answered(c, &t),
        None => Ok(()),
    }
}

/// Adds the knowledge service's search counts (per day, and per topic) in one transaction;
/// answers false when the message of that key was added before.
pub async fn search_counts(state: &AppState, counts: SearchCounts) -> ApiResult<bool> {
    let now = state.clock.now().timestamp_millis();
    shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            if !db::reports_health::first_time(c, &counts.key, now)? {
                return Ok(false);
            }
            for day in &counts.counts {
                db::reports_health::add(c, &domain::searched(day))?;
            }
            // The same searches by topic, for the 社情民意 digest.
            for t in &counts.topics {
                db::reports_topics::add(c, &crate::domain::reports_topics::searched(t))?;
            }
            Ok(true)
        })
    })
    .await
}

/// The health report for the filter's days, region and department; `months` for the entries
/// not reviewed. A download (`export` names its format) is recorded in the audit log.
pub async fn health(
    state: &AppState,
    user: &AuthUser,
    filter: DepartmentFilter,
    months: u32,
    export: Option<&'static str>,
) -> ApiResult<HealthReport> {
    let selection = filter.selection(filter.from, filter.to);
    let DepartmentFilter {
        from,
        to,
        region,
        department,
    } = filter;
    let audit = export.map(|format| {
        let details = json!({
            "report": "kb-health", "format": format, "from": from, "to": to,
            "region": region, "department": department, "months": months,
        });
        audit_export(user, "kb-health", details)
    });
    let read = read_audited(state, audit, move |c| {
        let s = &selection;
        Ok(HealthInput {
            rows: db::reports_health::per_region(c, s)?,
            times: db::reports_health::times(c, s)?,
            days: db::reports_health::per_day(c, s)?,
            calls: db::reports_health::calls(c, &s.from, &s.to)?,
            now: None,
        })
    });
    let (read, now) = tokio::join!(read, knowledge_now(state, months, &region, &department));
    let mut input = read?;
    input.now = now;
    Ok(domain::health_report(from, to, region, department, input))
}

/// The knowledge base's state now, from the knowledge service: a report is still answered
/// (without it) when knowledge cannot be asked.
async fn knowledge_now(
    state: &AppState,
    months: u32,
    region: &Option<String>,
    department: &Option<String>,
) -> Option<HealthNow> {
    let asked = state
        .knowledge
        .kb_health(months, region.as_deref(), department.as_deref())
        .await;
    match asked {
        Ok(n) => Some(HealthNow {
            open_unanswered: n.open_unanswered,
            stale_entries: n.stale_entries,
            months: n.months,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "health report: the knowledge service did not answer");
            None
        }
    }
}
