//! The departments co-handling a ticket beside the lead one (主办 / 协办), and their parts of
//! the reply.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};
use shared::time::from_ms;

use super::schema::ticket_cohandlers;
use crate::domain::view::Cohandler;

#[derive(Queryable, Selectable)]
#[diesel(table_name = ticket_cohandlers)]
struct CohandlerRow {
    department: String,
    added_at: i64,
    added_by: String,
    reply: Option<String>,
    replied_at: Option<i64>,
    replied_by: Option<String>,
}

impl From<CohandlerRow> for Cohandler {
    fn from(r: CohandlerRow) -> Cohandler {
        Cohandler {
            department: r.department,
            added_at: from_ms(r.added_at),
            added_by: r.added_by,
            reply: r.reply,
            replied_at: r.replied_at.map(from_ms),
            replied_by: r.replied_by,
        }
    }
}

pub fn insert(
    conn: &mut DbConnection,
    ticket: &str,
    department: &str,
    by: &str,
    at: i64,
) -> DbResult<()> {
    diesel::insert_into(ticket_cohandlers::table)
        .values((
            ticket_cohandlers::ticket_id.eq(ticket),
            ticket_cohandlers::department.eq(department),
            ticket_cohandlers::added_at.eq(at),
            ticket_cohandlers::added_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn departments(conn: &mut DbConnection, ticket: &str) -> DbResult<Vec<String>> {
    Ok(ticket_cohandlers::table
        .filter(ticket_cohandlers::ticket_id.eq(ticket))
        .select(ticket_cohandlers::department)
        .order(ticket_cohandlers::added_at.asc())
        .load(conn)?)
}

pub fn list(conn: &mut DbConnection, ticket: &str) -> DbResult<Vec<Cohandler>> {
    let rows: Vec<CohandlerRow> = ticket_cohandlers::table
        .filter(ticket_cohandlers::ticket_id.eq(ticket))
        .select(CohandlerRow::as_select())
        .order(ticket_cohandlers::added_at.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(Cohandler::from).collect())
}

/// Records a co-handler's part (a later part replaces an earlier one).
pub fn set_reply(
    conn: &mut DbConnection,
    ticket: &str,
    department: &str,
    body: &str,
    by: &str,
    at: i64,
) -> DbResult<()> {
    diesel::update(ticket_cohandlers::table.find((ticket, department)))
        .set((
            ticket_cohandlers::reply.eq(body),
            ticket_cohandlers::replied_at.eq(at),
            ticket_cohandlers::replied_by.eq(by),
        ))
        .execute(conn)?;
    Ok(())
}
