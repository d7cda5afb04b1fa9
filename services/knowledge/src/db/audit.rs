//! The audit log: rows are added and read, never changed; only rows past the retention go.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::audit_log;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = audit_log)]
pub struct AuditRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    /// Milliseconds since the epoch.
    pub at: i64,
    /// The service it happened at.
    pub service: String,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub target: String,
    pub address: String,
    /// A JSON object, as stored.
    pub details: String,
    /// Unique per event at its source, for events other services send (resent ones are kept
    /// once); none for this service's own.
    pub source_key: Option<String>,
}

/// Adds a row; a row whose `source_key` is already there is not added again (`false`).
pub fn insert(conn: &mut DbConnection, row: &AuditRow) -> DbResult<bool> {
    match diesel::insert_into(audit_log::table)
        .values(row)
        .execute(conn)
    {
        Ok(_) => Ok(true),
        Err(e) => {
            let e = shared::db::DbError::from(e);
            if e.is_unique() && row.source_key.is_some() {
                Ok(false)
            } else {
                Err(e)
            }
        }
    }
}

/// What a search of the log asks for; every part optional.
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub actor: Option<String>,
    pub action: Option<String>,
    pub target: Option<String>,
    /// Epoch milliseconds, inclusive.
    pub from: Option<i64>,
    /// Epoch milliseconds, exclusive.
    pub to: Option<i64>,
}

/// A page of the rows `f` selects, newest first, and how many there are in all.
pub fn list(
    conn: &mut DbConnection,
    f: &Filter,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<AuditRow>, i64)> {
    let filtered = || {
        let mut q = audit_log::table.into_boxed();
        if let Some(a) = &f.actor {
            q = q.filter(audit_log::actor.eq(a.clone()));
        }
        if let Some(a) = &f.action {
            q = q.filter(audit_log::action.eq(a.clone()));
        }
        if let Some(t) = &f.target {
            q = q.filter(audit_log::target.eq(t.clone()));
        }
        if let Some(from) = f.from {
            q = q.filter(audit_log::at.ge(from));
        }
        if let Some(to) = f.to {
            q = q.filter(audit_log::at.lt(to));
        }
        q
    };
    let total = filtered().count().get_result(conn)?;
    let rows = filtered()
        .select(AuditRow::as_select())
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// Removes the rows older than `before` (ms); how many went.
pub fn prune(conn: &mut DbConnection, before: i64) -> DbResult<usize> {
    Ok(diesel::delete(audit_log::table.filter(audit_log::at.lt(before))).execute(conn)?)
}
