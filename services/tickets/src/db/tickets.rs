//! The tickets, their per-day numbers and their idempotency keys. A ticket is read and written
//! as a `TicketRow` (names as text) and handed on as a [`TicketRecord`] (names as enums).

use diesel::prelude::*;
use shared::db::{DbConnection, DbError, DbResult};
use shared::pagination::Paging;

use super::Db;
use super::schema::{ticket_cohandlers, ticket_counters, ticket_idempotency, tickets};
use crate::domain::record::TicketRecord;
use crate::domain::{AttitudeOf, Cause, Satisfaction, Status, TicketType, UnknownName};

/// The `tickets` row as the database holds it: the type, statuses, cause and rating as their
/// names.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = tickets, treat_none_as_null = true)]
struct TicketRow {
    id: String,
    ticket_type: String,
    status: String,
    urgent: bool,
    cause: Option<String>,
    summary: String,
    details: String,
    region: String,
    department: Option<String>,
    query: Option<String>,
    caller_name: Option<String>,
    caller_phone: String,
    caller_email: Option<String>,
    call_id: Option<i64>,
    created_by: String,
    created_at: i64,
    updated_at: i64,
    accept_due_at: Option<i64>,
    due_at: i64,
    next_due_at: Option<i64>,
    escalated_due_at: Option<i64>,
    closed_at: Option<i64>,
    answered_at: Option<i64>,
    reply: Option<String>,
    returned_from: Option<String>,
    extension_until: Option<i64>,
    extension_reason: Option<String>,
    satisfaction: Option<String>,
    entry_code: Option<String>,
    version: i64,
    escalation: Option<String>,
    attitude_of: Option<String>,
}

/// A stored name the code does not know fails the read: an error, never a guessed status.
fn unknown(e: UnknownName) -> DbError {
    DbError::Other(e.to_string())
}

impl TryFrom<TicketRow> for TicketRecord {
    type Error = DbError;
    fn try_from(r: TicketRow) -> DbResult<TicketRecord> {
        Ok(TicketRecord {
            id: r.id,
            ticket_type: r.ticket_type.try_into().map_err(unknown)?,
            status: r.status.try_into().map_err(unknown)?,
            urgent: r.urgent,
            cause: r.cause.map(Cause::try_from).transpose().map_err(unknown)?,
            summary: r.summary,
            details: r.details,
            region: r.region,
            department: r.department,
            query: r.query,
            caller_name: r.caller_name,
            caller_phone: r.caller_phone,
            caller_email: r.caller_email,
            call_id: r.call_id,
            created_by: r.created_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
            accept_due_at: r.accept_due_at,
            due_at: r.due_at,
            next_due_at: r.next_due_at,
            escalated_due_at: r.escalated_due_at,
            closed_at: r.closed_at,
            answered_at: r.answered_at,
            reply: r.reply,
            returned_from: r
                .returned_from
                .map(Status::try_from)
                .transpose()
                .map_err(unknown)?,
            extension_until: r.extension_until,
            extension_reason: r.extension_reason,
            satisfaction: r
                .satisfaction
                .map(Satisfaction::try_from)
                .transpose()
                .map_err(unknown)?,
            entry_code: r.entry_code,
            version: r.version,
            escalation: r
                .escalation
                .map(|e| serde_json::from_str(&e))
                .transpose()
                .map_err(|e| DbError::Other(format!("unreadable escalation: {e}")))?,
            attitude_of: r
                .attitude_of
                .map(|a| {
                    AttitudeOf::parse(&a)
                        .ok_or_else(|| DbError::Other(format!("unknown attitude_of `{a}`")))
                })
                .transpose()?,
            cohandlers: Vec::new(),
        })
    }
}

impl From<&TicketRecord> for TicketRow {
    fn from(t: &TicketRecord) -> TicketRow {
        TicketRow {
            id: t.id.clone(),
            ticket_type: t.ticket_type.as_str().to_string(),
            status: t.status.as_str().to_string(),
            urgent: t.urgent,
            cause: t.cause.map(String::from),
            summary: t.summary.clone(),
            details: t.details.clone(),
            region: t.region.clone(),
            department: t.department.clone(),
            query: t.query.clone(),
            caller_name: t.caller_name.clone(),
            caller_phone: t.caller_phone.clone(),
            caller_email: t.caller_email.clone(),
            call_id: t.call_id,
            created_by: t.created_by.clone(),
            created_at: t.created_at,
            updated_at: t.updated_at,
            accept_due_at: t.accept_due_at,
            due_at: t.due_at,
            next_due_at: t.next_due_at,
            escalated_due_at: t.escalated_due_at,
            closed_at: t.closed_at,
            answered_at: t.answered_at,
            reply: t.reply.clone(),
            returned_from: t.returned_from.map(String::from),
            extension_until: t.extension_until,
            extension_reason: t.extension_reason.clone(),
            satisfaction: t.satisfaction.map(|s| s.as_str().to_string()),
            entry_code: t.entry_code.clone(),
            version: t.version,
            escalation: t
                .escalation
                .as_ref()
                .and_then(|e| serde_json::to_string(e).ok()),
            attitude_of: t.attitude_of.as_ref().map(AttitudeOf::to_string),
        }
    }
}

fn records(rows: Vec<TicketRow>) -> DbResult<Vec<TicketRecord>> {
    rows.into_iter().map(TicketRecord::try_from).collect()
}

/// Stores a new ticket filed under `topic` (the digest's; none before it was worked out). The
/// topic is written only here: a ticket's updates leave it as it was.
pub fn insert(conn: &mut DbConnection, t: &TicketRecord, topic: Option<&str>) -> DbResult<()> {
    diesel::insert_into(tickets::table)
        .values((TicketRow::from(t), tickets::topic.eq(topic)))
        .execute(conn)?;
    Ok(())
}

/// One ticket, with the departments co-handling it.
pub fn find(conn: &mut DbConnection, id: &str) -> DbResult<Option<TicketRecord>> {
    let row: Option<TicketRow> = tickets::table
        .find(id)
        .select(TicketRow::as_select())
        .first(conn)
        .optional()?;
    let Some(mut t) = row.map(TicketRecord::try_from).transpose()? else {
        return Ok(None);
    };
    t.cohandlers = super::cohandlers::departments(conn, &t.id)?;
    Ok(Some(t))
}

/// Writes `t` if the stored version is still `expected`; false when someone else changed the
/// ticket in between.
pub fn update_if_version(
    conn: &mut DbConnection,
    t: &TicketRecord,
    expected: i64,
) -> DbResult<bool> {
    let mut next = TicketRow::from(t);
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
    pub status: Option<Status>,
    pub ticket_type: Option<TicketType>,
    pub department: Option<String>,
    pub region: Option<String>,
    pub created_by: Option<String>,
    pub caller_phone: Option<String>,
    pub cause: Option<Cause>,
    /// `operator:<account>` or `liaison:<department>` of cause-C complaints.
    pub attitude_of: Option<String>,
    /// `Some(true)`: an operator or liaison asked for a supervisor (投诉升级), not answered yet.
    pub escalated: Option<bool>,
    /// `Some(true)`: running deadline before `now`; `Some(false)`: not overdue.
    pub overdue: Option<bool>,
    /// Running deadline between `now` and this time (near due).
    pub due_before: Option<i64>,
    pub now: i64,
}

fn filtered(f: &Filter) -> tickets::BoxedQuery<'static, Db> {
    let mut q = tickets::table.into_boxed::<Db>();
    if let Some(s) = f.status {
        q = q.filter(tickets::status.eq(s.as_str()));
    }
    if let Some(t) = f.ticket_type {
        q = q.filter(tickets::ticket_type.eq(t.as_str()));
    }
    if let Some(d) = &f.department {
        // The lead department's tickets and those it co-handles (协办).
        let co = ticket_cohandlers::table
            .filter(ticket_cohandlers::department.eq(d.clone()))
            .select(ticket_cohandlers::ticket_id);
        q = q.filter(tickets::department.eq(d.clone()).or(tickets::id.eq_any(co)));
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
    if let Some(c) = f.cause {
        q = q.filter(tickets::cause.eq(c.as_str()));
    }
    if let Some(a) = &f.attitude_of {
        q = q.filter(tickets::attitude_of.eq(a.clone()));
    }
    match f.escalated {
        Some(true) => q = q.filter(tickets::escalation.is_not_null()),
        Some(false) => q = q.filter(tickets::escalation.is_null()),
        None => {}
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
    let mut q = filtered(f).select(TicketRow::as_select());
    q = if f.overdue == Some(true) || f.due_before.is_some() {
        q.order((tickets::next_due_at.asc(), tickets::id.asc()))
    } else {
        q.order((tickets::created_at.desc(), tickets::id.desc()))
    };
    let rows = q
        .limit(paging.per_page)
        .offset(paging.offset())
        .load(conn)?;
    Ok((records(rows)?, total))
}

/// Tickets whose running deadline has passed and that were not escalated for it yet.
pub fn due_for_escalation(
    conn: &mut DbConnection,
    now: i64,
    limit: i64,
) -> DbResult<Vec<TicketRecord>> {
    let rows = tickets::table
        .filter(tickets::next_due_at.lt(now))
        .filter(
            tickets::escalated_due_at
                .is_null()
                .or(tickets::escalated_due_at.ne(tickets::next_due_at)),
        )
        .select(TicketRow::as_select())
        .order(tickets::next_due_at.asc())
        .limit(limit)
        .load(conn)?;
    records(rows)
}

/// The tickets of `caller_phone` about `department` taken from `since` and before `before`
/// (epoch ms), other than `except`, newest first (at most ten): a new one's earlier ones.
pub fn earlier_of_caller(
    conn: &mut DbConnection,
    caller_phone: &str,
    department: &str,
    since: i64,
    before: i64,
    except: &str,
) -> DbResult<Vec<String>> {
    Ok(tickets::table
        .filter(tickets::caller_phone.eq(caller_phone))
        .filter(tickets::department.eq(department))
        .filter(tickets::created_at.ge(since))
        .filter(tickets::created_at.le(before))
        .filter(tickets::id.ne(except))
        .select(tickets::id)
        .order(tickets::created_at.desc())
        .limit(10)
        .load(conn)?)
}

/// Urgent complaints still `new` with a department named, taken at or before `created_before`,
/// oldest first.
pub fn urgent_waiting(
    conn: &mut DbConnection,
    created_before: i64,
    limit: i64,
) -> DbResult<Vec<TicketRecord>> {
    let rows = tickets::table
        .filter(tickets::status.eq(Status::New.as_str()))
        .filter(tickets::urgent.eq(true))
        .filter(tickets::ticket_type.eq(TicketType::Complaint.as_str()))
        .filter(tickets::department.is_not_null())
        .filter(tickets::created_at.le(created_before))
        .select(TicketRow::as_select())
        .order(tickets::created_at.asc())
        .limit(limit)
        .load(conn)?;
    records(rows)
}

/// Tickets waiting for their department (dispatched or accepted) whose reply deadline is after
/// `after` and at or before `until`, soonest first.
pub fn awaiting_reply(
    conn: &mut DbConnection,
    after: i64,
    until: i64,
    limit: i64,
) -> DbResult<Vec<TicketRecord>> {
    let rows = tickets::table
        .filter(tickets::status.eq_any([Status::Dispatched.as_str(), Status::Accepted.as_str()]))
        .filter(tickets::due_at.gt(after))
        .filter(tickets::due_at.le(until))
        .select(TicketRow::as_select())
        .order(tickets::due_at.asc())
        .limit(limit)
        .load(conn)?;
    records(rows)
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
        .filter(tickets::ticket_type.eq(TicketType::NoInfo.as_str()))
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
