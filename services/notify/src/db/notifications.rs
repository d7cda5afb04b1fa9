//! The `notifications` table: accepted requests and their delivery state. Workers lease rows
//! with one `UPDATE … RETURNING` and store results only while they hold the lease.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use shared::db::{DbConnection, DbResult, write_tx};
use shared::pagination::Paging;
use shared::time::from_ms;

use super::schema::notifications::{self, dsl as n};
use crate::domain::{
    Channel, NotificationRequest, NotificationView, Outgoing, ProviderStatus, Status,
};

#[derive(Debug, Clone, Queryable, Selectable, QueryableByName, Insertable)]
#[diesel(table_name = notifications)]
pub struct NotificationRow {
    pub id: String,
    pub idempotency_key: Option<String>,
    pub request: String,
    pub channel: String,
    pub recipient: String,
    pub template: Option<String>,
    pub subject: String,
    pub body: String,
    pub data: String,
    pub attachments: String,
    pub ticket_id: Option<String>,
    pub status: String,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    pub provider_id: Option<String>,
    pub next_attempt_at: i64,
    pub locked_until: Option<i64>,
    pub locked_by: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub sent_at: Option<i64>,
    pub reported_at: Option<i64>,
    pub report_attempts: i32,
    pub report_next_at: i64,
    pub report_error: Option<String>,
    pub provider_status: Option<String>,
    pub delivered_at: Option<i64>,
    pub checked_at: Option<i64>,
    pub next_check_at: Option<i64>,
    pub segments: Option<i32>,
}

impl NotificationRow {
    /// A new `queued` row for an accepted request, with its text already rendered.
    pub fn queued(
        id: String,
        idempotency_key: Option<String>,
        fingerprint: String,
        request: &NotificationRequest,
        outgoing: Outgoing,
        max_attempts: i32,
        now: i64,
    ) -> serde_json::Result<NotificationRow> {
        Ok(NotificationRow {
            id,
            idempotency_key,
            request: fingerprint,
            channel: request.channel.as_str().to_string(),
            recipient: outgoing.recipient,
            template: request.template.clone(),
            subject: outgoing.message.subject,
            body: outgoing.message.body,
            data: serde_json::to_string(&request.data)?,
            attachments: serde_json::to_string(&request.attachments)?,
            ticket_id: request.ticket_id.clone(),
            status: Status::Queued.as_str().to_string(),
            attempts: 0,
            max_attempts,
            last_error: None,
            provider_id: None,
            next_attempt_at: now,
            locked_until: None,
            locked_by: None,
            created_at: now,
            updated_at: now,
            sent_at: None,
            reported_at: None,
            report_attempts: 0,
            report_next_at: now,
            report_error: None,
            provider_status: None,
            delivered_at: None,
            checked_at: None,
            next_check_at: None,
            segments: outgoing.segments,
        })
    }

    pub fn status(&self) -> Status {
        Status::parse(&self.status).unwrap_or(Status::Queued)
    }

    pub fn channel(&self) -> Channel {
        Channel::parse(&self.channel).unwrap_or(Channel::Email)
    }

    pub fn view(&self) -> NotificationView {
        let status = self.status();
        NotificationView {
            id: self.id.clone(),
            channel: self.channel(),
            to: self.recipient.clone(),
            template: self.template.clone(),
            subject: self.subject.clone(),
            body: self.body.clone(),
            ticket_id: self.ticket_id.clone(),
            status,
            attempts: self.attempts,
            max_attempts: self.max_attempts,
            last_error: self.last_error.clone(),
            provider_id: self.provider_id.clone(),
            segments: self.segments,
            created_at: from_ms(self.created_at),
            updated_at: from_ms(self.updated_at),
            next_attempt_at: matches!(status, Status::Queued | Status::Failed)
                .then(|| from_ms(self.next_attempt_at)),
            sent_at: self.sent_at.map(from_ms),
            reported_at: self.reported_at.map(from_ms),
            provider_status: self
                .provider_status
                .as_deref()
                .and_then(ProviderStatus::parse),
            provider_checked_at: self.checked_at.map(from_ms),
            delivered_at: self.delivered_at.map(from_ms),
        }
    }
}

pub fn insert(conn: &mut DbConnection, row: &NotificationRow) -> DbResult<()> {
    diesel::insert_into(notifications::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: &str) -> DbResult<Option<NotificationRow>> {
    Ok(n::notifications
        .filter(n::id.eq(id))
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn find_by_key(conn: &mut DbConnection, key: &str) -> DbResult<Option<NotificationRow>> {
    Ok(n::notifications
        .filter(n::idempotency_key.eq(key))
        .select(NotificationRow::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(
    conn: &mut DbConnection,
    status: Option<Status>,
    ticket_id: Option<&str>,
    paging: Paging,
) -> DbResult<(Vec<NotificationRow>, i64)> {
    let mut q = n::notifications.into_boxed();
    let mut c = n::notifications.into_boxed();
    if let Some(s) = status {
        q = q.filter(n::status.eq(s.as_str()));
        c = c.filter(n::status.eq(s.as_str()));
    }
    if let Some(t) = ticket_id {
        q = q.filter(n::ticket_id.eq(t.to_string()));
        c = c.filter(n::ticket_id.eq(t.to_string()));
    }
    let total: i64 = c.count().get_result(conn)?;
    let rows = q
        .order((n::created_at.desc(), n::id.desc()))
        .limit(paging.per_page)
        .offset(paging.offset())
        .select(NotificationRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Counts per status (metrics, tests).
pub fn count_by_status(conn: &mut DbConnection, status: Status) -> DbResult<i64> {
    Ok(n::notifications
        .filter(n::status.eq(status.as_str()))
        .count()
        .get_result(conn)?)
}

const CLAIM_PG: &str = "UPDATE notifications \
    SET status = 'sending', attempts = attempts + 1, locked_until = $1, locked_by = $2, \
        updated_at = $3 \
    WHERE id IN (SELECT id FROM notifications \
        WHERE (status IN ('queued', 'failed') AND next_attempt_at <= $3) \
           OR (status = 'sending' AND locked_until < $3) \
        ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
    RETURNING *";

// SQLite has no row locks: the whole claim is one statement under BEGIN IMMEDIATE, so two
// workers (or processes) take the write lock in turn and never see the same row as free.
const CLAIM_SQLITE: &str = "UPDATE notifications \
    SET status = 'sending', attempts = attempts + 1, locked_until = ?1, locked_by = ?2, \
        updated_at = ?3 \
    WHERE id IN (SELECT id FROM notifications \
        WHERE (status IN ('queued', 'failed') AND next_attempt_at <= ?3) \
           OR (status = 'sending' AND locked_until < ?3) \
        ORDER BY next_attempt_at LIMIT ?4) \
    RETURNING *";

/// Records a delivery; false when the lease was lost to another worker meanwhile. With
/// `check_at` (a HylaFAX job, read back later) the provider status starts as `queued` and a
/// checker asks the provider at that time.
pub fn mark_sent(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    provider_id: &str,
    now: i64,
    check_at: Option<i64>,
) -> DbResult<bool> {
    let changed = diesel::update(
        n::notifications
            .filter(n::id.eq(id))
            .filter(n::locked_by.eq(token))
            .filter(n::status.eq(Status::Sending.as_str())),
    )
    .set((
        (
            n::status.eq(Status::Sent.as_str()),
            n::provider_id.eq(provider_id),
            n::sent_at.eq(now),
            n::updated_at.eq(now),
            n::locked_until.eq(None::<i64>),
            n::locked_by.eq(None::<String>),
            n::report_next_at.eq(now),
        ),
        (
            n::provider_status.eq(check_at.map(|_| ProviderStatus::Queued.as_str())),
            n::next_check_at.eq(check_at),
            n::checked_at.eq(None::<i64>),
            n::delivered_at.eq(None::<i64>),
        ),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records a failed attempt: `failed` with the next attempt time, or `dead`.
pub fn mark_failed(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    error: &str,
    next_attempt_at: Option<i64>,
    now: i64,
) -> DbResult<bool> {
    fail(
        conn,
        id,
        token,
        Status::Sending,
        error,
        next_attempt_at,
        now,
    )
}

/// `failed` (with the next attempt time) or `dead`, for the lease holder of a row in `from`.
/// Going `dead` clears the report state: a fax that was reported `sent` and then failed in
/// HylaFAX must still be reported `dead` to its ticket.
fn fail(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    from: Status,
    error: &str,
    next_attempt_at: Option<i64>,
    now: i64,
) -> DbResult<bool> {
    let target = n::notifications
        .filter(n::id.eq(id))
        .filter(n::locked_by.eq(token))
        .filter(n::status.eq(from.as_str()));
    let common = (
        n::last_error.eq(error),
        n::next_attempt_at.eq(next_attempt_at.unwrap_or(now)),
        n::updated_at.eq(now),
        n::locked_until.eq(None::<i64>),
        n::locked_by.eq(None::<String>),
        n::report_next_at.eq(now),
        n::next_check_at.eq(None::<i64>),
    );
    let changed = match next_attempt_at {
        Some(_) => diesel::update(target)
            .set((n::status.eq(Status::Failed.as_str()), common))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                n::status.eq(Status::Dead.as_str()),
                common,
                (
                    n::reported_at.eq(None::<i64>),
                    n::report_attempts.eq(0),
                    n::report_error.eq(None::<String>),
                ),
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

const CLAIM_CHECKS_PG: &str = "UPDATE notifications \
    SET next_check_at = $1, locked_by = $2 \
    WHERE id IN (SELECT id FROM notifications \
        WHERE status = 'sent' AND next_check_at <= $3 \
        ORDER BY next_check_at LIMIT $4 FOR UPDATE SKIP LOCKED) \
    RETURNING *";

const CLAIM_CHECKS_SQLITE: &str = "UPDATE notifications \
    SET next_check_at = ?1, locked_by = ?2 \
    WHERE id IN (SELECT id FROM notifications \
        WHERE status = 'sent' AND next_check_at <= ?3 \
        ORDER BY next_check_at LIMIT ?4) \
    RETURNING *";

/// Gives back at once the delivery leases an earlier run of this replica held when it stopped
/// (their tokens begin with `replica`, but not with `current`, this run's prefix): without
/// this they would wait out the whole lease. Other replicas' leases are not touched. Returns
/// how many were given back.
pub fn release_earlier_runs(
    conn: &mut DbConnection,
    replica: &str,
    current: &str,
    now: i64,
) -> DbResult<usize> {
    let len = |s: &str| i32::try_from(s.chars().count()).unwrap_or(i32::MAX);
    let statement = "UPDATE notifications SET locked_until = $1 \
        WHERE status = 'sending' AND locked_until > $1 \
          AND substr(locked_by, 1, $2) = $3 AND substr(locked_by, 1, $4) <> $5";
    let statement = if conn.is_sqlite() {
        statement.replace('$', "?")
    } else {
        statement.to_string()
    };
    write_tx(conn, |c| {
        Ok(shared::on_backend!(c, |c| diesel::sql_query(&statement)
            .bind::<BigInt, _>(now)
            .bind::<diesel::sql_types::Integer, _>(len(replica))
            .bind::<Text, _>(replica)
            .bind::<diesel::sql_types::Integer, _>(len(current))
            .bind::<Text, _>(current)
            .execute(c))?)
    })
}

/// What a worker leases: delivery jobs, or sent faxes whose provider is due to be asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lease {
    Jobs,
    Checks,
}

/// Leases up to `limit` rows to `token` until `now + lease_ms`: due jobs (new, to be retried,
/// or with an expired lease), or sent faxes due for a check. A check's lease is `next_check_at`
/// pushed ahead, so a checker that dies leaves the row to be checked again when it runs out.
pub fn claim(
    conn: &mut DbConnection,
    what: Lease,
    token: &str,
    now: i64,
    lease_ms: i64,
    limit: i64,
) -> DbResult<Vec<NotificationRow>> {
    let (pg, sqlite) = match what {
        Lease::Jobs => (CLAIM_PG, CLAIM_SQLITE),
        Lease::Checks => (CLAIM_CHECKS_PG, CLAIM_CHECKS_SQLITE),
    };
    // The statements' parameters are, in order: the lease's end, the token, now, the limit.
    let statement = if conn.is_sqlite() { sqlite } else { pg };
    write_tx(conn, |c| {
        let rows = shared::on_backend!(c, |c| diesel::sql_query(statement)
            .bind::<BigInt, _>(now + lease_ms)
            .bind::<Text, _>(token)
            .bind::<BigInt, _>(now)
            .bind::<BigInt, _>(limit)
            .load::<NotificationRow>(c))?;
        Ok(rows)
    })
}

/// The row a checker holds (its token) while it is still `sent`.
fn checked<'a>(id: &'a str, token: &'a str) -> CheckTarget<'a> {
    n::notifications
        .filter(n::id.eq(id))
        .filter(n::locked_by.eq(token))
        .filter(n::status.eq(Status::Sent.as_str()))
}

type CheckTarget<'a> = diesel::dsl::Filter<
    diesel::dsl::Filter<
        diesel::dsl::Filter<n::notifications, diesel::dsl::Eq<n::id, &'a str>>,
        diesel::dsl::Eq<n::locked_by, &'a str>,
    >,
    diesel::dsl::Eq<n::status, &'static str>,
>;

/// What a check of a sent fax found, other than a failed delivery (`check_undelivered`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CheckResult {
    /// The provider still has the fax queued: ask again at `next_at`.
    Pending { next_at: i64 },
    /// The provider reports the fax delivered: it stays `sent`, with no more checks.
    Delivered,
    /// The provider could not be asked (down, timed out): give the lease back and try at
    /// `next_at`, or never (`None`: the provider id cannot be checked).
    Unanswered { next_at: Option<i64> },
}

/// Stores a check's result on the row the checker holds; false if the check lease was lost
/// meanwhile.
pub fn record_check(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    now: i64,
    result: CheckResult,
) -> DbResult<bool> {
    let target = checked(id, token);
    let changed = match result {
        CheckResult::Pending { next_at } => diesel::update(target)
            .set((
                n::provider_status.eq(ProviderStatus::Queued.as_str()),
                n::checked_at.eq(now),
                n::next_check_at.eq(next_at),
                n::locked_by.eq(None::<String>),
            ))
            .execute(conn)?,
        CheckResult::Delivered => diesel::update(target)
            .set((
                n::provider_status.eq(ProviderStatus::Delivered.as_str()),
                n::delivered_at.eq(now),
                n::checked_at.eq(now),
                n::next_check_at.eq(None::<i64>),
                n::updated_at.eq(now),
                n::locked_by.eq(None::<String>),
            ))
            .execute(conn)?,
        CheckResult::Unanswered { next_at } => diesel::update(target)
            .set((
                n::next_check_at.eq(next_at),
                n::locked_by.eq(None::<String>),
            ))
            .execute(conn)?,
    };
    Ok(changed == 1)
}

/// The provider failed or lost the fax: a failed delivery like any other, `failed` until
/// `next_attempt_at` (then a fresh submission) or `dead`.
pub fn check_undelivered(
    conn: &mut DbConnection,
    id: &str,
    token: &str,
    status: ProviderStatus,
    error: &str,
    next_attempt_at: Option<i64>,
    now: i64,
) -> DbResult<bool> {
    write_tx(conn, |c| {
        let done = fail(c, id, token, Status::Sent, error, next_attempt_at, now)?;
        if done {
            diesel::update(n::notifications.filter(n::id.eq(id)))
                .set((
                    n::provider_status.eq(status.as_str()),
                    n::checked_at.eq(now),
                ))
                .execute(c)?;
        }
        Ok(done)
    })
}

/// `dead` → `queued` with a fresh attempt budget; false if it was not dead.
pub fn retry(conn: &mut DbConnection, id: &str, now: i64) -> DbResult<bool> {
    let changed = diesel::update(
        n::notifications
            .filter(n::id.eq(id))
            .filter(n::status.eq(Status::Dead.as_str())),
    )
    .set((
        n::status.eq(Status::Queued.as_str()),
        n::attempts.eq(0),
        n::next_attempt_at.eq(now),
        n::updated_at.eq(now),
        n::reported_at.eq(None::<i64>),
        n::report_attempts.eq(0),
        n::report_error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Finished notifications of a ticket whose result the ticket service has not yet accepted.
pub fn unreported(conn: &mut DbConnection, now: i64, limit: i64) -> DbResult<Vec<NotificationRow>> {
    Ok(n::notifications
        .filter(n::ticket_id.is_not_null())
        .filter(n::reported_at.is_null())
        .filter(n::status.eq_any([Status::Sent.as_str(), Status::Dead.as_str()]))
        .filter(n::report_next_at.le(now))
        .order(n::report_next_at)
        .limit(limit)
        .select(NotificationRow::as_select())
        .load(conn)?)
}

/// The report of `status` was accepted (or refused for good: `error` says why).
pub fn mark_reported(
    conn: &mut DbConnection,
    id: &str,
    status: &str,
    error: Option<&str>,
    now: i64,
) -> DbResult<()> {
    // Only if the status is still the one reported: a retried job reports again later.
    diesel::update(
        n::notifications
            .filter(n::id.eq(id))
            .filter(n::status.eq(status)),
    )
    .set((n::reported_at.eq(now), n::report_error.eq(error)))
    .execute(conn)?;
    Ok(())
}

pub fn report_later(conn: &mut DbConnection, id: &str, error: &str, next_at: i64) -> DbResult<()> {
    diesel::update(n::notifications.filter(n::id.eq(id)))
        .set((
            n::report_attempts.eq(n::report_attempts + 1),
            n::report_next_at.eq(next_at),
            n::report_error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}
