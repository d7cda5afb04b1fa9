//! The outbox: what a state change must send (notifications, change requests), written in the
//! same transaction as the change and sent later by the relay (`jobs::relay`).
//!
//! Hand-written on purpose: it is the guarantee that a notification is never lost. A change
//! that commits has its messages stored with it; one that rolls back has none; a peer that is
//! down only delays them. A message queue or a call from the handler could not give that
//! without a second store to keep consistent with the database.

use diesel::prelude::*;
use shared::ApiResult;
use shared::db::{DbConnection, DbError, DbResult};

use super::schema::outbox;
use crate::domain::notifications::NotifyRequest;

pub const PENDING: &str = "pending";
pub const DONE: &str = "done";
pub const FAILED: &str = "failed";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = outbox)]
pub struct OutboxRow {
    pub id: i64,
    pub ticket_id: Option<String>,
    pub kind: String,
    pub payload: String,
    pub recipients: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
}

pub fn insert(
    conn: &mut DbConnection,
    ticket_id: Option<&str>,
    kind: &str,
    payload: &str,
    now: i64,
) -> DbResult<()> {
    diesel::insert_into(outbox::table)
        .values((
            outbox::ticket_id.eq(ticket_id),
            outbox::kind.eq(kind),
            outbox::payload.eq(payload),
            outbox::status.eq(PENDING),
            outbox::attempts.eq(0),
            // Due at once: the relay schedules on the wall clock, not the business clock.
            outbox::next_attempt_at.eq(0i64),
            outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes up to `limit` due rows under a lease until `lease_until`. Each row is claimed by a
/// conditional UPDATE, so two relays (replicas) never hold the same row at once.
pub fn claim(
    conn: &mut DbConnection,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> ApiResult<Vec<OutboxRow>> {
    let free = || {
        outbox::status
            .eq(PENDING)
            .and(outbox::next_attempt_at.le(now))
            .and(
                outbox::lease_until
                    .is_null()
                    .or(outbox::lease_until.lt(now)),
            )
    };
    let ids: Vec<i64> = outbox::table
        .filter(free())
        .select(outbox::id)
        .order(outbox::id.asc())
        .limit(limit)
        .load(conn)?;
    let mut rows = Vec::new();
    for id in ids {
        let n = diesel::update(outbox::table.filter(outbox::id.eq(id)).filter(free()))
            .set(outbox::lease_until.eq(lease_until))
            .execute(conn)?;
        if n == 1 {
            rows.push(
                outbox::table
                    .find(id)
                    .select(OutboxRow::as_select())
                    .first(conn)?,
            );
        }
    }
    Ok(rows)
}

pub fn set_recipients(conn: &mut DbConnection, id: i64, recipients: &str) -> ApiResult<()> {
    diesel::update(outbox::table.find(id))
        .set(outbox::recipients.eq(recipients))
        .execute(conn)?;
    Ok(())
}

pub fn finish(
    conn: &mut DbConnection,
    id: i64,
    status: &str,
    note: Option<&str>,
    now: i64,
) -> ApiResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::status.eq(status),
            outbox::done_at.eq(now),
            outbox::lease_until.eq(None::<i64>),
            outbox::last_error.eq(note),
            outbox::attempts.eq(outbox::attempts + 1),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn retry_later(
    conn: &mut DbConnection,
    id: i64,
    error: &str,
    next_attempt_at: i64,
) -> ApiResult<()> {
    diesel::update(outbox::table.find(id))
        .set((
            outbox::attempts.eq(outbox::attempts + 1),
            outbox::next_attempt_at.eq(next_attempt_at),
            outbox::lease_until.eq(None::<i64>),
            outbox::last_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// Rows still to deliver (the index on status answers it).
pub fn pending_count(conn: &mut DbConnection) -> ApiResult<i64> {
    Ok(outbox::table
        .filter(outbox::status.eq(PENDING))
        .count()
        .get_result(conn)?)
}

/// (status, count) of the whole outbox, for metrics and tests.
pub fn counts(conn: &mut DbConnection) -> ApiResult<Vec<(String, i64)>> {
    Ok(outbox::table
        .group_by(outbox::status)
        .select((outbox::status, diesel::dsl::count_star()))
        .load(conn)?)
}

/// A notification about `ticket_id` for the relay to send.
pub fn insert_notification(
    conn: &mut DbConnection,
    ticket_id: &str,
    request: &NotifyRequest,
    now: i64,
) -> DbResult<()> {
    let payload = serde_json::to_string(request).map_err(|e| DbError::Other(e.to_string()))?;
    insert(conn, Some(ticket_id), "notify", &payload, now)
}
