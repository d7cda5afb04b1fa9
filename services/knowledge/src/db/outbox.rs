//! The outbox: messages to other services written in the same transaction as the change they
//! report, relayed with retries until accepted.

use diesel::prelude::*;
use shared::db::{DbConnection, DbError, DbResult};

use shared::time::now_ms;

use super::schema::outbox;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct Message {
    pub id: i64,
    pub target: String,
    pub path: String,
    pub idempotency_key: String,
    pub body: String,
    pub attempts: i32,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewMessage<'a> {
    target: &'a str,
    path: &'a str,
    idempotency_key: &'a str,
    body: &'a str,
    attempts: i32,
    next_attempt_at: i64,
    created_at: i64,
}

pub fn push(
    conn: &mut DbConnection,
    target: &str,
    path: &str,
    idempotency_key: &str,
    body: &impl serde::Serialize,
) -> DbResult<()> {
    let now = now_ms();
    let body = serde_json::to_string(body).map_err(|e| DbError::Other(e.to_string()))?;
    diesel::insert_into(outbox::table)
        .values(&NewMessage {
            target,
            path,
            idempotency_key,
            body: &body,
            attempts: 0,
            next_attempt_at: now,
            created_at: now,
        })
        .execute(conn)?;
    Ok(())
}

/// Messages due now, oldest first.
pub fn due(conn: &mut DbConnection, limit: i64) -> DbResult<Vec<Message>> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::dead_at.is_null())
        .filter(outbox::next_attempt_at.le(now_ms()))
        .order(outbox::id)
        .limit(limit)
        .select(Message::as_select())
        .load(conn)?)
}

pub fn mark_sent(conn: &mut DbConnection, id: i64) -> DbResult<()> {
    diesel::update(outbox::table.find(id))
        .set(outbox::sent_at.eq(now_ms()))
        .execute(conn)?;
    Ok(())
}

pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    attempts: i32,
    retry_in: chrono::Duration,
    error: &str,
) -> DbResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(now_ms() + retry_in.num_milliseconds()),
            outbox::last_error.eq(error.chars().take(500).collect::<String>()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The other service refused the message for good: kept with the reason, never sent again.
pub fn mark_dead(conn: &mut DbConnection, id: i64, attempts: i32, error: &str) -> DbResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::dead_at.eq(now_ms()),
            outbox::last_error.eq(error.chars().take(500).collect::<String>()),
        ))
        .execute(conn)?;
    Ok(())
}

/// How many messages were refused for good.
pub fn dead_count(conn: &mut DbConnection) -> DbResult<i64> {
    Ok(outbox::table
        .filter(outbox::dead_at.is_not_null())
        .count()
        .get_result(conn)?)
}

pub fn all(conn: &mut DbConnection) -> DbResult<Vec<Message>> {
    Ok(outbox::table
        .order(outbox::id)
        .select(Message::as_select())
        .load(conn)?)
}
