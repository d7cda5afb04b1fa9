//! Events for the audit log on their way to the knowledge service.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::audit_outbox;

pub fn insert(conn: &mut DbConnection, key: &str, payload: &str, now: i64) -> DbResult<()> {
    diesel::insert_into(audit_outbox::table)
        .values((
            audit_outbox::key.eq(key),
            audit_outbox::payload.eq(payload),
            audit_outbox::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Up to `limit` events not yet sent, oldest first: `(key, payload)`.
pub fn unsent(conn: &mut DbConnection, limit: i64) -> DbResult<Vec<(String, String)>> {
    Ok(audit_outbox::table
        .filter(audit_outbox::sent_at.is_null())
        .order(audit_outbox::created_at)
        .select((audit_outbox::key, audit_outbox::payload))
        .limit(limit)
        .load(conn)?)
}

pub fn mark_sent(conn: &mut DbConnection, key: &str, now: i64) -> DbResult<()> {
    diesel::update(audit_outbox::table.find(key))
        .set(audit_outbox::sent_at.eq(now))
        .execute(conn)?;
    Ok(())
}
