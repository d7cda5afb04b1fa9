//! The operators report (话务员考核): its roll-ups kept in the transaction of each change, and
//! the report read from them.

use chrono::NaiveDate;
use serde_json::json;
use shared::ApiResult;
use shared::auth::AuthUser;
use shared::db::{DbConnection, DbResult};

use super::reports::{audit_export, read_audited};
use crate::db;
use crate::db::calls::CallRow;
use crate::domain::Satisfaction;
use crate::domain::record::TicketRecord;
use crate::domain::reports::region_prefix;
use crate::domain::reports_operators::{self as domain, OperatorReport};
use crate::startup::AppState;

/// The roll-up of a call just recorded, in the transaction that recorded it.
pub fn call_recorded(c: &mut DbConnection, row: &CallRow) -> DbResult<()> {
    let call = &row.call;
    let rating = call.satisfaction.as_deref().and_then(Satisfaction::parse);
    let t = domain::call_recorded(
        &call.operator,
        call.created_at,
        call.outcome,
        call.entry_authorized == Some(true),
        call.duration_seconds,
        rating,
    );
    db::reports_operators::add(c, &t)
}

/// The roll-up of a rating given after the call, in the transaction that stored it.
pub fn call_rated(c: &mut DbConnection, row: &CallRow, rating: Satisfaction) -> DbResult<()> {
    let t = domain::call_rated(&row.call.operator, row.call.created_at, rating);
    db::reports_operators::add(c, &t)
}

/// The roll-up of a ticket's change (`before` it; none for its creation), in its transaction.
pub fn ticket_changed(
    c: &mut DbConnection,
    before: Option<&TicketRecord>,
    after: &TicketRecord,
) -> DbResult<()> {
    for t in domain::ticket_changed(before, after) {
        db::reports_operators::add(c, &t)?;
    }
    Ok(())
}

/// The operators report for days `from..=to` (China time), the C complaints of `region` (its
/// sub-regions included). A download (`export` names its format) is recorded in the audit log.
pub async fn operators(
    state: &AppState,
    user: &AuthUser,
    (from, to): (NaiveDate, NaiveDate),
    region: Option<String>,
    export: Option<&'static str>,
) -> ApiResult<OperatorReport> {
    let audit = export.map(|format| {
        let details = json!({
            "report": "operators", "format": format, "from": from, "to": to, "region": region,
        });
        audit_export(user, "operators", details)
    });
    let prefix = region
        .as_deref()
        .map(region_prefix)
        .unwrap_or("")
        .to_string();
    let (first, last) = (from.to_string(), to.to_string());
    let (rows, days) = read_audited(state, audit, move |c| {
        let rows = db::reports_operators::summed(c, &first, &last, &prefix)?;
        Ok((rows, db::reports_operators::per_day(c, &first, &last)?))
    })
    .await?;
    Ok(domain::operator_report(from, to, region, rows, &days))
}
