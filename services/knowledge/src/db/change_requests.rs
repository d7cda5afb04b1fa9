//! Change requests to the knowledge base.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::change_requests;

/// A change request as stored; inserted as new with `id` left to the database.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = change_requests)]
pub struct ChangeRequestRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub idempotency_key: Option<String>,
    pub ticket_id: Option<String>,
    pub region: Option<String>,
    pub department_code: Option<String>,
    pub new_department: Option<String>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub note: String,
    pub submitted_by: String,
    pub status: String,
    pub entry_code: Option<String>,
    pub reason: Option<String>,
    pub created_by: String,
    pub created_at: i64,
    pub decided_by: Option<String>,
    pub decided_at: Option<i64>,
}

pub fn insert(conn: &mut DbConnection, new: &ChangeRequestRow) -> DbResult<i64> {
    Ok(shared::on_backend!(conn, |c| diesel::insert_into(
        change_requests::table
    )
    .values(new)
    .returning(change_requests::id)
    .get_result::<i64>(c))?)
}

pub fn get(conn: &mut DbConnection, id: i64) -> DbResult<Option<ChangeRequestRow>> {
    Ok(change_requests::table
        .find(id)
        .select(ChangeRequestRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn by_key(conn: &mut DbConnection, key: &str) -> DbResult<Option<ChangeRequestRow>> {
    Ok(change_requests::table
        .filter(change_requests::idempotency_key.eq(key))
        .select(ChangeRequestRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(
    conn: &mut DbConnection,
    status: Option<&str>,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<ChangeRequestRow>, i64)> {
    let mut count = change_requests::table.into_boxed();
    let mut query = change_requests::table.into_boxed();
    if let Some(s) = status {
        count = count.filter(change_requests::status.eq(s.to_string()));
        query = query.filter(change_requests::status.eq(s.to_string()));
    }
    let total = count.count().get_result(conn)?;
    let items = query
        .select(ChangeRequestRow::as_select())
        .order(change_requests::id)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((items, total))
}

/// Moves a pending request to `status`; false when it was no longer pending.
pub fn decide(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    entry_code: Option<&str>,
    reason: Option<&str>,
    by: &str,
) -> DbResult<bool> {
    let n = diesel::update(
        change_requests::table
            .find(id)
            .filter(change_requests::status.eq("pending")),
    )
    .set((
        change_requests::status.eq(status),
        change_requests::entry_code.eq(entry_code),
        change_requests::reason.eq(reason),
        change_requests::decided_by.eq(by),
        change_requests::decided_at.eq(shared::time::now_ms()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
