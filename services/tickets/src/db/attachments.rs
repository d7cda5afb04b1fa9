//! A ticket's attachments (issue 18): the bytes with their name and kind, and the received
//! faxes that wait for confirmation.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::{ticket_attachments, tickets};

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = ticket_attachments)]
pub struct NewAttachment<'a> {
    pub ticket_id: &'a str,
    pub filename: &'a str,
    pub content_type: &'a str,
    pub size: i64,
    pub data: &'a [u8],
    pub source: &'a str,
    pub message_key: Option<&'a str>,
    pub fax_number: Option<&'a str>,
    pub fax_status: Option<&'a str>,
    pub added_by: &'a str,
    pub created_at: i64,
}

/// An attachment without its bytes, as lists show it.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = ticket_attachments)]
pub struct AttachmentRow {
    pub id: i64,
    pub ticket_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub source: String,
    pub message_key: Option<String>,
    pub fax_number: Option<String>,
    pub fax_status: Option<String>,
    pub added_by: String,
    pub created_at: i64,
}

/// Stores an attachment; its id.
pub fn insert(conn: &mut DbConnection, a: &NewAttachment<'_>) -> DbResult<i64> {
    diesel::insert_into(ticket_attachments::table)
        .values(a)
        .execute(conn)?;
    // The newest row of this ticket is the one just written, in the caller's transaction.
    Ok(ticket_attachments::table
        .filter(ticket_attachments::ticket_id.eq(a.ticket_id))
        .select(ticket_attachments::id)
        .order(ticket_attachments::id.desc())
        .first(conn)?)
}

pub fn for_ticket(conn: &mut DbConnection, ticket: &str) -> DbResult<Vec<AttachmentRow>> {
    Ok(ticket_attachments::table
        .filter(ticket_attachments::ticket_id.eq(ticket))
        .select(AttachmentRow::as_select())
        .order(ticket_attachments::id.asc())
        .limit(1000)
        .load(conn)?)
}

/// One attachment of `ticket` with its bytes.
pub fn find(
    conn: &mut DbConnection,
    ticket: &str,
    id: i64,
) -> DbResult<Option<(AttachmentRow, Vec<u8>)>> {
    Ok(ticket_attachments::table
        .filter(ticket_attachments::ticket_id.eq(ticket))
        .filter(ticket_attachments::id.eq(id))
        .select((AttachmentRow::as_select(), ticket_attachments::data))
        .first(conn)
        .optional()?)
}

/// Marks `ids` of `ticket` that await confirmation as confirmed; how many were.
pub fn confirm(conn: &mut DbConnection, ticket: &str, ids: &[i64]) -> DbResult<usize> {
    Ok(diesel::update(
        ticket_attachments::table
            .filter(ticket_attachments::ticket_id.eq(ticket))
            .filter(ticket_attachments::id.eq_any(ids))
            .filter(ticket_attachments::fax_status.eq("awaiting")),
    )
    .set(ticket_attachments::fax_status.eq("confirmed"))
    .execute(conn)?)
}

/// A received fax with the summary and department of its ticket.
pub type FaxRow = (AttachmentRow, String, Option<String>);

/// Received faxes awaiting confirmation, oldest first, of the tickets `created_by` made (all
/// when none).
pub fn awaiting_faxes(
    conn: &mut DbConnection,
    created_by: Option<&str>,
    limit: i64,
) -> DbResult<Vec<FaxRow>> {
    let mut query = ticket_attachments::table
        .inner_join(tickets::table)
        .filter(ticket_attachments::fax_status.eq("awaiting"))
        .select((
            AttachmentRow::as_select(),
            tickets::summary,
            tickets::department,
        ))
        .order(ticket_attachments::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(who) = created_by {
        query = query.filter(tickets::created_by.eq(who.to_string()));
    }
    Ok(query.load(conn)?)
}

/// The urgent complaints of `departments` that wait for the department's reply (dispatched or
/// accepted), oldest first.
pub fn open_urgent_complaints(
    conn: &mut DbConnection,
    departments: &[String],
) -> DbResult<Vec<String>> {
    Ok(tickets::table
        .filter(tickets::department.eq_any(departments.to_vec()))
        .filter(tickets::urgent.eq(true))
        .filter(tickets::ticket_type.eq("complaint"))
        .filter(tickets::status.eq_any(["dispatched", "accepted"]))
        .select(tickets::id)
        .order(tickets::created_at.asc())
        .limit(20)
        .load(conn)?)
}
