use diesel::prelude::*;
use shared::db::DbConnection;
use shared::db::DbResult;
use shared::pagination::Paging;

use super::Db;
use super::schema::{ticket_counters, ticket_idempotency, tickets};
use crate::domain::record::TicketRecord;

pub fn insert(conn: &mut DbConnection, t: &TicketRecord) -> DbResult<()> {
    diesel::insert_into(tickets::table)
        .values(t.clone())
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> DbResult<Option<TicketRecord>> {
    Ok(tickets::table
        .find(id)
        .select(TicketRecord::as_select())
        .first(conn)
        .optional()?)
}

/// Writes `t` if the stored version is still `expected`; false when someone else changed the
/// ticket in between.
pub fn update_if_version(
    conn: &mut DbConnection,
    t: &TicketRecord,
    expected: i64,
) -> DbResult<bool> {
    let mut next = t.clone();
    next.version = expected + 1;
    let n = diesel::update(
        tickets::table
            .filter(tickets::id.eq(&t.id))
            .filter(tickets::version.eq(expected)),
    )
    .set(next)
    .execute(conn)?;
    Ok(n == 1)
}

/// The next number of the day. The UPDATE locks the counter row until commit, so concurrent
/// creations queue; the first of a day inserts the row (a racing second insert is a unique
/// violation, and the caller retries the whole transaction).
pub fn next_seq(conn: &mut DbConnection, day: &str) -> DbResult<i64> {
    let updated: Option<i64> = diesel::update(ticket_counters::table.find(day))
        .set(ticket_counters::last.eq(ticket_counters::last + 1))
        .returning(ticket_counters::last)
        .get_result(conn)
        .optional()?;
    if let Some(n) = updated {
        return Ok(n);
    }
    diesel::insert_into(ticket_counters::table)
        .values((ticket_counters::day.eq(day), ticket_counters::last.eq(1i64)))
        .execute(conn)?;
    Ok(1)
}

/// [`next_seq`] in its own PostgreSQL transaction that does not wait for its WAL flush: the
/// ticket's own (synchronous) commit comes later and flushes it too, so a ticket that was
/// stored never has a number the counter could hand out again.
pub fn next_seq_unsynced(conn: &mut DbConnection, day: &str) -> DbResult<i64> {
    use diesel::connection::SimpleConnection;
    conn.transaction(|c| {
        c.batch_execute("SET LOCAL synchronous_commit TO OFF")?;
        next_seq(c, day)
    })
}

/// The ticket an idempotency key made, with the body it was made from.
pub fn find_idempotent(conn: &mut DbConnection, key: &str) -> DbResult<Option<(String, String)>> {
    Ok(ticket_idempotency::table
        .find(key)
        .select((ticket_idempotency::ticket_id, ticket_idempotency::body))
        .first(conn)
        .optional()?)
}

pub fn insert_idempotent(
    conn: &mut DbConnection,
    key: &str,
    body: &str,
    ticket_id: &str,
    now: i64,
) -> DbResult<()> {
    diesel::insert_into(ticket_idempotency::table)
        .values((
            ticket_idempotency::key.eq(key),
            ticket_idempotency::body.eq(body),
            ticket_idempotency::ticket_id.eq(ticket_id),
            ticket_idempotency::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// List filters; `None` means "any".
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub status: Option<String>,
    pub ticket_type: Option<String>,
    pub department: Option<String>,
    pub region: Option<String>,
    pub created_by: Option<String>,
    pub caller_phone: Option<String>,
    /// `Some(true)`: running deadline before `now`; `Some(false)`: not overdue.
    pub overdue: Option<bool>,
    /// Running deadline between `now` and this time (near due).
    pub due_before: Option<i64>,
    pub now: i64,
}

fn filtered(f: &Filter) -> tickets::BoxedQuery<'static, Db> {
    let mut q = tickets::table.into_boxed::<Db>();
    if let Some(s) = &f.status {
        q = q.filter(tickets::status.eq(s.clone()));
    }
    if let Some(t) = &f.ticket_type {
        q = q.filter(tickets::ticket_type.eq(t.clone()));
    }
    if let Some(d) = &f.department {
        q = q.filter(tickets::department.eq(d.clone()));
    }
    if let Some(r) = &f.region {
        q = q.filter(tickets::region.eq(r.clone()));
    }
    if let Some(c) = &f.created_by {
        q = q.filter(tickets::created_by.eq(c.clone()));
    }
    if let Some(p) = &f.caller_phone {
        q = q.filter(tickets::caller_phone.eq(p.clone()));
    }
    match f.overdue {
        Some(true) => q = q.filter(tickets::next_due_at.lt(f.now)),
        Some(false) => {
            q = q.filter(
                tickets::next_due_at
                    .is_null()
                    .or(tickets::next_due_at.ge(f.now)),
            )
        }
        None => {}
    }
    if let Some(until) = f.due_before {
        q = q
            .filter(tickets::next_due_at.ge(f.now))
            .filter(tickets::next_due_at.le(until));
    }
    q
}

pub fn list(
    conn: &mut DbConnection,
    f: &Filter,
    paging: Paging,
) -> DbResult<(Vec<TicketRecord>, i64)> {
    let total: i64 = filtered(f).count().get_result(conn)?;
    let mut q = filtered(f).select(TicketRecord::as_select());
    q = if f.overdue == Some(true) || f.due_before.is_some() {
        q.order((tickets::next_due_at.asc(), tickets::id.asc()))
    } else {
        q.order((tickets::created_at.desc(), tickets::id.desc()))
    };
    let items = q
        .limit(paging.per_page)
        .offset(paging.offset())
        .load(conn)?;
    Ok((items, total))
}

/// Tickets whose running deadline has passed and that were not escalated for it yet.
pub fn due_for_escalation(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
) -> DbResult<Vec<TicketRecord>> {
    Ok(tickets::table
        .filter(tickets::next_due_at.lt(now))
        .filter(
            tickets::escalated_due_at
                .is_null()
                .or(tickets::escalated_due_at.ne(tickets::next_due_at)),
        )
        .select(TicketRecord::as_select())
        .order(tickets::next_due_at.asc())
        .limit(limit)
        .load(conn)?)
}

/// Marks the escalation of `due`; false when another replica did it first or the deadline
/// moved meanwhile.
pub fn mark_escalated(conn: &mut DbConnection, id: &str, due: i64) -> DbResult<bool> {
    let n = diesel::update(
        tickets::table
            .filter(tickets::id.eq(id))
            .filter(tickets::next_due_at.eq(due))
            .filter(
                tickets::escalated_due_at
                    .is_null()
                    .or(tickets::escalated_due_at.ne(due)),
            ),
    )
    .set(tickets::escalated_due_at.eq(due))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn count_all(conn: &mut DbConnection) -> DbResult<i64> {
    Ok(tickets::table.count().get_result(conn)?)
}

/// (region, created_at, status, answered_at) of a no-info ticket.
pub type NoInfoRow = (String, i64, String, Option<i64>);

/// No-info tickets created in `[from, to)`: (region, created_at, status, answered_at).
pub fn no_info_between(conn: &mut DbConnection, from: i64, to: i64) -> DbResult<Vec<NoInfoRow>> {
    Ok(tickets::table
        .filter(tickets::ticket_type.eq("no_info"))
        .filter(tickets::created_at.ge(from))
        .filter(tickets::created_at.lt(to))
        .select((
            tickets::region,
            tickets::created_at,
            tickets::status,
            tickets::answered_at,
        ))
        .load(conn)?)
}
