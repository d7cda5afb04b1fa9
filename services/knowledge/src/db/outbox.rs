//! The outbox: messages to other services written in the same transaction as the change they
//! report, relayed with retries until accepted.

use diesel::prelude::*;
use shared::ApiResult;
use shared::db::DbConnection;

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
    pub sent_at: Option<chrono::NaiveDateTime>,
}

#[derive(Insertable)]
#[diesel(table_name = outbox)]
struct NewMessage<'a> {
    target: &'a str,
    path: &'a str,
    idempotency_key: &'a str,
    body: &'a str,
    attempts: i32,
    next_attempt_at: chrono::NaiveDateTime,
    created_at: chrono::NaiveDateTime,
}

pub fn push(
    conn: &mut DbConnection,
    target: &str,
    path: &str,
    idempotency_key: &str,
    body: &serde_json::Value,
) -> ApiResult<()> {
    let now = chrono::Utc::now().naive_utc();
    let body = body.to_string();
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
pub fn due(conn: &mut DbConnection, limit: i64) -> ApiResult<Vec<Message>> {
    Ok(outbox::table
        .filter(outbox::sent_at.is_null())
        .filter(outbox::next_attempt_at.le(chrono::Utc::now().naive_utc()))
        .order(outbox::id)
        .limit(limit)
        .select(Message::as_select())
        .load(conn)?)
}

pub fn mark_sent(conn: &mut DbConnection, id: i64) -> ApiResult<()> {
    diesel::update(outbox::table.find(id))
        .set(outbox::sent_at.eq(chrono::Utc::now().naive_utc()))
        .execute(conn)?;
    Ok(())
}

pub fn mark_failed(
    conn: &mut DbConnection,
    id: i64,
    attempts: i32,
    retry_in: chrono::Duration,
    error: &str,
) -> ApiResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(attempts),
            outbox::next_attempt_at.eq(chrono::Utc::now().naive_utc() + retry_in),
            outbox::last_error.eq(error.chars().take(500).collect::<String>()),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn all(conn: &mut DbConnection) -> ApiResult<Vec<Message>> {
    Ok(outbox::table
        .order(outbox::id)
        .select(Message::as_select())
        .load(conn)?)
}
