//! The `inbound_messages` and `imap_mailboxes` tables (issue 18): received messages with the
//! state of their matching, and each mailbox's UID high-water mark. Queries only.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};
use shared::pagination::Paging;

use super::schema::{imap_mailboxes, inbound_messages as m, notifications};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = m)]
pub struct InboundRow {
    pub id: String,
    pub message_key: String,
    pub mailbox: String,
    pub uid: i64,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    /// The `References` ids, space-separated.
    pub refs: String,
    pub sender: String,
    pub sender_name: Option<String>,
    pub subject: String,
    pub body: String,
    /// JSON: `[KeptAttachment]`.
    pub attachments: String,
    pub size: i64,
    pub status: String,
    pub reason: Option<String>,
    pub ticket_id: Option<String>,
    pub recorded_as: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: i64,
    pub decided_by: Option<String>,
    pub received_at: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

/// The UIDVALIDITY and highest stored UID of `mailbox`, if it was read before.
pub fn mark(conn: &mut DbConnection, mailbox: &str) -> DbResult<Option<(i64, i64)>> {
    Ok(imap_mailboxes::table
        .find(mailbox)
        .select((imap_mailboxes::uid_validity, imap_mailboxes::last_uid))
        .first(conn)
        .optional()?)
}

/// Moves the mark of `mailbox` up to `uid` (never down within one UIDVALIDITY); a new
/// UIDVALIDITY starts it afresh.
pub fn advance_mark(
    conn: &mut DbConnection,
    mailbox: &str,
    uid_validity: i64,
    uid: i64,
    now: i64,
) -> DbResult<()> {
    match mark(conn, mailbox)? {
        None => {
            diesel::insert_into(imap_mailboxes::table)
                .values((
                    imap_mailboxes::mailbox.eq(mailbox),
                    imap_mailboxes::uid_validity.eq(uid_validity),
                    imap_mailboxes::last_uid.eq(uid),
                    imap_mailboxes::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
        Some((validity, last)) => {
            let last = if validity == uid_validity {
                last.max(uid)
            } else {
                uid
            };
            diesel::update(imap_mailboxes::table.find(mailbox))
                .set((
                    imap_mailboxes::uid_validity.eq(uid_validity),
                    imap_mailboxes::last_uid.eq(last),
                    imap_mailboxes::updated_at.eq(now),
                ))
                .execute(conn)?;
        }
    }
    Ok(())
}

pub fn key_exists(conn: &mut DbConnection, key: &str) -> DbResult<bool> {
    let n: i64 = m::table
        .filter(m::message_key.eq(key))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

pub fn insert(conn: &mut DbConnection, row: &InboundRow) -> DbResult<()> {
    diesel::insert_into(m::table).values(row).execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> DbResult<Option<InboundRow>> {
    Ok(m::table
        .find(id)
        .select(InboundRow::as_select())
        .first(conn)
        .optional()?)
}

/// Takes up to `limit` messages waiting to be matched, each for `lease_ms`: a message is
/// taken by one replica at a time (the update only succeeds on the value it read).
pub fn claim_new(
    conn: &mut DbConnection,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> DbResult<Vec<InboundRow>> {
    let due: Vec<InboundRow> = m::table
        .filter(m::status.eq("new").and(m::next_attempt_at.le(now)))
        .order(m::received_at.asc())
        .limit(limit)
        .select(InboundRow::as_select())
        .load(conn)?;
    let mut taken = Vec::with_capacity(due.len());
    for mut row in due {
        let n = diesel::update(
            m::table.filter(
                m::id
                    .eq(&row.id)
                    .and(m::status.eq("new"))
                    .and(m::next_attempt_at.eq(row.next_attempt_at)),
            ),
        )
        .set(m::next_attempt_at.eq(now + lease_ms))
        .execute(conn)?;
        if n == 1 {
            row.next_attempt_at = now + lease_ms;
            taken.push(row);
        }
    }
    Ok(taken)
}

/// Ends the matching of message `id` while it is still `from`: its new status, ticket and
/// reason. False when someone else decided it meanwhile.
#[allow(clippy::too_many_arguments)]
pub fn settle(
    conn: &mut DbConnection,
    id: &str,
    from: &str,
    status: &str,
    ticket: Option<&str>,
    recorded_as: Option<&str>,
    reason: Option<&str>,
    decided_by: Option<&str>,
    now: i64,
) -> DbResult<bool> {
    let n = diesel::update(m::table.filter(m::id.eq(id).and(m::status.eq(from))))
        .set((
            m::status.eq(status),
            m::ticket_id.eq(ticket),
            m::recorded_as.eq(recorded_as),
            m::reason.eq(reason),
            m::decided_by.eq(decided_by),
            m::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(n == 1)
}

/// Message `id` is tried again at `next` (the ticket service could not be reached).
pub fn retry_at(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    next: i64,
    now: i64,
) -> DbResult<()> {
    diesel::update(m::table.filter(m::id.eq(id).and(m::status.eq("new"))))
        .set((
            m::attempts.eq(m::attempts + 1),
            m::reason.eq(reason),
            m::next_attempt_at.eq(next),
            m::updated_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Messages of one status (all when none), newest first, and how many there are.
pub fn list(
    conn: &mut DbConnection,
    status: Option<&str>,
    paging: Paging,
) -> DbResult<(Vec<InboundRow>, i64)> {
    let mut q = m::table.into_boxed();
    let mut c = m::table.into_boxed();
    if let Some(s) = status {
        q = q.filter(m::status.eq(s.to_string()));
        c = c.filter(m::status.eq(s.to_string()));
    }
    let total: i64 = c.count().get_result(conn)?;
    let rows = q
        .order((m::received_at.desc(), m::id.desc()))
        .offset(paging.offset())
        .limit(paging.per_page)
        .select(InboundRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// The tickets of the notifications with these ids (the mails a message answers).
pub fn tickets_of_notifications(conn: &mut DbConnection, ids: &[String]) -> DbResult<Vec<String>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let found: Vec<Option<String>> = notifications::table
        .filter(notifications::id.eq_any(ids))
        .select(notifications::ticket_id)
        .load(conn)?;
    let mut tickets: Vec<String> = found.into_iter().flatten().collect();
    tickets.sort();
    tickets.dedup();
    Ok(tickets)
}
