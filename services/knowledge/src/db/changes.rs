//! `kb_changes`: the change sequence of the directory. Every write appends one row per changed
//! record (or one `entity = 'all'` row for a bulk import) in the same transaction as the write,
//! so a search index can catch up from the last `seq` it has seen.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::kb_changes;

/// The kinds of record a change names.
pub const REGION: &str = "region";
pub const DEPARTMENT: &str = "department";
pub const FAQ: &str = "faq";
pub const LIAISON: &str = "liaison";
pub const SYNONYM: &str = "synonym";
pub const PHRASING: &str = "phrasing";
pub const SCRIPT: &str = "script";
/// A bulk import: reload everything.
pub const ALL: &str = "all";

#[derive(Insertable)]
#[diesel(table_name = kb_changes)]
struct NewChange<'a> {
    entity: &'a str,
    code: &'a str,
    changed_at: i64,
}

/// Appends one change (call inside the writing transaction).
pub fn record(conn: &mut DbConnection, entity: &str, code: &str) -> DbResult<()> {
    record_many(conn, entity, &[code])
}

/// Appends one change per code, in batches.
pub fn record_many<S: AsRef<str>>(
    conn: &mut DbConnection,
    entity: &str,
    codes: &[S],
) -> DbResult<()> {
    let at = shared::time::now_ms();
    for chunk in codes.chunks(500) {
        let rows: Vec<NewChange> = chunk
            .iter()
            .map(|c| NewChange {
                entity,
                code: c.as_ref(),
                changed_at: at,
            })
            .collect();
        shared::on_backend!(conn, |c| diesel::insert_into(kb_changes::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// The highest `seq` so far, 0 when nothing has changed yet.
pub fn latest_seq(conn: &mut DbConnection) -> DbResult<i64> {
    let max: Option<i64> = kb_changes::table
        .select(diesel::dsl::max(kb_changes::seq))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}

/// Changes after `seq`, oldest first: `(seq, entity, code)`.
pub fn since(conn: &mut DbConnection, seq: i64) -> DbResult<Vec<(i64, String, String)>> {
    Ok(kb_changes::table
        .filter(kb_changes::seq.gt(seq))
        .order(kb_changes::seq)
        .select((kb_changes::seq, kb_changes::entity, kb_changes::code))
        .load(conn)?)
}
