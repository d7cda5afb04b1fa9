use diesel::prelude::*;
use shared::db::DbConnection;
use shared::db::DbResult;

use super::schema::ticket_events;

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_events)]
pub struct NewEvent<'a> {
    pub ticket_id: &'a str,
    pub at: i64,
    pub actor: &'a str,
    pub role: &'a str,
    pub action: &'a str,
    pub from_status: Option<&'a str>,
    pub to_status: Option<&'a str>,
    pub data: String,
    /// Makes a repeated report (delivery, knowledge result, escalation) a no-op.
    pub dedup_key: Option<String>,
}

impl<'a> NewEvent<'a> {
    /// An event the service records by itself (escalation, reminder, the relay's reports):
    /// by the `service` role, keeping the ticket's `status` (or naming none), once per
    /// `dedup_key`.
    pub fn own(
        ticket_id: &'a str,
        at: i64,
        actor: &'a str,
        action: &'a str,
        status: Option<&'a str>,
        data: String,
        dedup_key: String,
    ) -> NewEvent<'a> {
        NewEvent {
            ticket_id,
            at,
            actor,
            role: "service",
            action,
            from_status: status,
            to_status: status,
            data,
            dedup_key: Some(dedup_key),
        }
    }
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ticket_events)]
pub struct EventRow {
    pub id: i64,
    pub ticket_id: String,
    pub at: i64,
    pub actor: String,
    pub role: String,
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub data: String,
}

pub fn insert(conn: &mut DbConnection, e: &NewEvent<'_>) -> DbResult<()> {
    diesel::insert_into(ticket_events::table)
        .values(e)
        .execute(conn)?;
    Ok(())
}

pub fn exists_dedup(conn: &mut DbConnection, key: &str) -> DbResult<bool> {
    let n: i64 = ticket_events::table
        .filter(ticket_events::dedup_key.eq(key))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// The action of the event recorded under `key`, if there is one.
pub fn dedup_action(conn: &mut DbConnection, key: &str) -> DbResult<Option<String>> {
    Ok(ticket_events::table
        .filter(ticket_events::dedup_key.eq(key))
        .select(ticket_events::action)
        .first(conn)
        .optional()?)
}

/// The ticket of the event recorded under `key`, if there is one.
pub fn dedup_ticket(conn: &mut DbConnection, key: &str) -> DbResult<Option<String>> {
    Ok(ticket_events::table
        .filter(ticket_events::dedup_key.eq(key))
        .select(ticket_events::ticket_id)
        .first(conn)
        .optional()?)
}

pub fn for_ticket(conn: &mut DbConnection, ticket: &str) -> DbResult<Vec<EventRow>> {
    Ok(ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket))
        .select(EventRow::as_select())
        .order(ticket_events::id.asc())
        .limit(10_000)
        .load(conn)?)
}
