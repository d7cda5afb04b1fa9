//! The knowledge base's health now, as the health report (issue 19, served by tickets) asks:
//! the unanswered queries still open and the published entries not reviewed for a while.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::{departments, faqs, search_unanswered as u};

/// Open unanswered queries last asked within regions starting with `region_prefix` (empty:
/// all, those asked without a region included).
pub fn open_unanswered(conn: &mut DbConnection, region_prefix: &str) -> DbResult<i64> {
    let mut q = u::table.filter(u::answered_at.is_null()).into_boxed();
    if !region_prefix.is_empty() {
        q = q.filter(u::region.like(format!("{region_prefix}%")));
    }
    Ok(q.count().get_result(conn)?)
}

/// Published entries last changed before `cutoff` (epoch ms), of departments in regions
/// starting with `region_prefix` and of `department` when given.
pub fn stale_entries(
    conn: &mut DbConnection,
    cutoff: i64,
    region_prefix: &str,
    department: Option<&str>,
) -> DbResult<i64> {
    let mut q = faqs::table
        .inner_join(departments::table)
        .filter(faqs::status.eq("published"))
        .filter(faqs::updated_at.lt(cutoff))
        .filter(departments::region.like(format!("{region_prefix}%")))
        .into_boxed();
    if let Some(d) = department {
        q = q.filter(faqs::department.eq(d.to_string()));
    }
    Ok(q.count().get_result(conn)?)
}
