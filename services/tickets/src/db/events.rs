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

/// The data of `ticket`'s events of `action`, oldest first.
fn data_of(
    conn: &mut DbConnection,
    ticket: &str,
    action: &str,
) -> DbResult<Vec<serde_json::Value>> {
    let rows: Vec<String> = ticket_events::table
        .filter(ticket_events::ticket_id.eq(ticket))
        .filter(ticket_events::action.eq(action))
        .select(ticket_events::data)
        .order(ticket_events::id.asc())
        .load(conn)?;
    Ok(rows
        .iter()
        .filter_map(|d| serde_json::from_str(d).ok())
        .collect())
}

/// The ticket a repeat (重复件) was merged into, from its `merged` event.
pub fn merged_into(conn: &mut DbConnection, ticket: &str) -> DbResult<Option<String>> {
    Ok(data_of(conn, ticket, "merged")?
        .last()
        .and_then(|d| d["into"].as_str().map(String::from)))
}

/// The repeats merged into `ticket`, from its `merged_in` events, oldest first.
pub fn merged_from(conn: &mut DbConnection, ticket: &str) -> DbResult<Vec<String>> {
    Ok(data_of(conn, ticket, "merged_in")?
        .iter()
        .filter_map(|d| d["ticket"].as_str().map(String::from))
        .collect())
}
