//! Reports for supervisors: the rows of a range of China-time days, counted by the domain.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use serde_json::json;
use shared::ApiResult;
use shared::auth::AuthUser;
use shared::contract::audit::{AuditEvent, action};
use shared::db::DbConnection;
use shared::time::now_ms;

use super::tickets::AUDIT;
use crate::db;
use crate::domain::reports::{
    self, CallsDaily, DepartmentReport, ReplenishmentReport, day_start, region_prefix,
};
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

/// What the department report is asked for: its days (China time), a region (its sub-regions
/// included) and a department, both optional.
#[derive(Debug, Clone)]
pub struct DepartmentFilter {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub region: Option<String>,
    pub department: Option<String>,
}

impl DepartmentFilter {
    /// The roll-ups' rows of these filters, keyed `first..=last` (days, or a weekly roll-up's
    /// Mondays).
    pub(crate) fn selection(&self, first: NaiveDate, last: NaiveDate) -> db::reports::Selection {
        db::reports::Selection {
            from: first.to_string(),
            to: last.to_string(),
            region_prefix: self
                .region
                .as_deref()
                .map(region_prefix)
                .unwrap_or("")
                .to_string(),
            department: self.department.clone().unwrap_or_default(),
        }
    }
}

/// The department performance report (部门考核) from the roll-ups and the overdue tickets now.
/// A download (`export`: `csv` or `xlsx`) is recorded in the audit log through the outbox, in
/// the transaction that reads the figures.
pub async fn departments(
    state: &AppState,
    user: &AuthUser,
    filter: DepartmentFilter,
    export: Option<&'static str>,
) -> ApiResult<DepartmentReport> {
    let now = state.clock.now().timestamp_millis();
    let selection = filter.selection(filter.from, filter.to);
    let audit = export.map(|format| export_event(user, &filter, format));
    let (rows, overdue, days) = read_audited(state, audit, move |c| {
        let rows = db::reports::summed(c, &selection)?;
        let overdue = db::reports::overdue(c, &selection, now)?;
        let days = db::reports::per_day(c, &selection)?;
        Ok((rows, overdue, days))
    })
    .await?;
    let mut report = reports::department_report(
        filter.from,
        filter.to,
        filter.region,
        filter.department,
        rows,
        overdue,
    );
    report.days = reports::day_trend(filter.from, filter.to, &days);
    Ok(report)
}

/// Reads a report's figures: a plain read, or, for a download, in the transaction that
/// records the `audit` event through the outbox.
pub(crate) async fn read_audited<T: Send + 'static>(
    state: &AppState,
    audit: Option<String>,
    read: impl Fn(&mut DbConnection) -> ApiResult<T> + Send + 'static,
) -> ApiResult<T> {
    shared::db::run(&state.pool, move |conn| match &audit {
        // A plain read: on SQLite a write transaction would queue behind ticket changes.
        None => read(conn),
        Some(event) => db::write_tx(conn, |c| {
            let figures = read(c)?;
            db::outbox::insert(c, None, AUDIT, event, now_ms())?;
            Ok(figures)
        }),
    })
    .await
}

/// The audit event of a download of the department report.
fn export_event(user: &AuthUser, f: &DepartmentFilter, format: &str) -> String {
    audit_export(
        user,
        "departments",
        json!({
            "report": "departments", "format": format, "from": f.from, "to": f.to,
            "region": f.region, "department": f.department,
        }),
    )
}

/// The audit event of a download of a report (`reports/<report>`), with what was asked for.
pub(crate) fn audit_export(user: &AuthUser, report: &str, details: serde_json::Value) -> String {
    let event = AuditEvent {
        at: now_ms(),
        actor: user.sub.clone(),
        role: user.role.as_str().to_string(),
        action: action::EXPORT.into(),
        target: format!("reports/{report}"),
        address: String::new(),
        details,
        // Set by the relay from the outbox row's id.
        key: String::new(),
    };
    serde_json::to_string(&event).unwrap_or_default()
}

/// How many department names are asked of the knowledge service at once for a download.
const NAME_LOOKUPS: usize = 8;

/// The department report as a download (`format` `csv` or `xlsx`, recorded in the audit log),
/// with the departments' names for its rows.
pub async fn export_departments(
    state: &AppState,
    user: &AuthUser,
    filter: DepartmentFilter,
    format: &'static str,
) -> ApiResult<(DepartmentReport, BTreeMap<String, String>)> {
    let report = departments(state, user, filter, Some(format)).await?;
    let codes = report.departments.iter().map(|d| d.code.clone()).collect();
    let names = department_names(state, codes).await;
    Ok((report, names))
}

/// The departments' names, from the knowledge service, as tickets looks a department up
/// anyway. A department it cannot name now (unknown, or knowledge unreachable) keeps its code
/// alone: a download never fails for want of a name.
async fn department_names(state: &AppState, codes: Vec<String>) -> BTreeMap<String, String> {
    let limit = Arc::new(tokio::sync::Semaphore::new(NAME_LOOKUPS));
    let mut lookups = tokio::task::JoinSet::new();
    for code in codes {
        let knowledge = state.knowledge.clone();
        let limit = limit.clone();
        lookups.spawn(async move {
            let _turn = limit.acquire_owned().await.ok()?;
            let found = knowledge.department(&code, None).await.ok()??;
            Some((code, found.name))
        });
    }
    let mut names = BTreeMap::new();
    while let Some(done) = lookups.join_next().await {
        if let Ok(Some((code, name))) = done {
            names.insert(code, name);
        }
    }
    names
}
