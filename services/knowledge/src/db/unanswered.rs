//! Queries the search could not answer confidently (`search_unanswered`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use shared::db::{DbConnection, DbResult};
use shared::time::{from_ms, to_ms};
use utoipa::ToSchema;

use super::schema::search_unanswered as t;

// Its times are UTC without an offset (`2026-12-04T09:30:00.123`), as this report has always
// answered; they are stored as milliseconds (`Row`).
/// One recorded query (normalised text) and how often it was asked.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq)]
pub struct Unanswered {
    pub query: String,
    /// The region filter it was last asked with.
    pub region: Option<String>,
    pub times: i64,
    pub first_asked_at: NaiveDateTime,
    pub last_asked_at: NaiveDateTime,
    /// Set when the same query later found a confident answer.
    pub answered_at: Option<NaiveDateTime>,
}

#[derive(Queryable, Selectable)]
#[diesel(table_name = t)]
struct Row {
    query: String,
    region: Option<String>,
    times: i64,
    first_asked_at: i64,
    last_asked_at: i64,
    answered_at: Option<i64>,
}

impl From<Row> for Unanswered {
    fn from(r: Row) -> Self {
        let time = |ms| from_ms(ms).naive_utc();
        Unanswered {
            query: r.query,
            region: r.region,
            times: r.times,
            first_asked_at: time(r.first_asked_at),
            last_asked_at: time(r.last_asked_at),
            answered_at: r.answered_at.map(time),
        }
    }
}

/// A time the search keeps (UTC) as stored.
fn ms(t: NaiveDateTime) -> i64 {
    to_ms(t.and_utc())
}

/// Asked `times` more times between `first` and `last`; re-opens an answered query.
pub fn record(
    conn: &mut DbConnection,
    query: &str,
    region: Option<&str>,
    times: i64,
    first: NaiveDateTime,
    last: NaiveDateTime,
) -> DbResult<()> {
    let row = (
        t::query.eq(query),
        t::region.eq(region),
        t::times.eq(times),
        t::first_asked_at.eq(ms(first)),
        t::last_asked_at.eq(ms(last)),
        t::answered_at.eq(None::<i64>),
    );
    shared::on_backend!(conn, |c| diesel::insert_into(t::table)
        .values(row)
        .on_conflict(t::query)
        .do_update()
        .set((
            t::times.eq(t::times + times),
            t::last_asked_at.eq(ms(last)),
            t::region.eq(region),
            t::answered_at.eq(None::<i64>),
        ))
        .execute(c))?;
    Ok(())
}

/// Marks open queries answered.
pub fn mark_answered(
    conn: &mut DbConnection,
    queries: &[String],
    at: NaiveDateTime,
) -> DbResult<usize> {
    Ok(diesel::update(
        t::table
            .filter(t::query.eq_any(queries))
            .filter(t::answered_at.is_null()),
    )
    .set(t::answered_at.eq(Some(ms(at))))
    .execute(conn)?)
}

/// The open queries' texts (to notice when one gets answered).
pub fn open_queries(conn: &mut DbConnection) -> DbResult<Vec<String>> {
    Ok(t::table
        .filter(t::answered_at.is_null())
        .select(t::query)
        .limit(100_000)
        .load(conn)?)
}

/// Which rows a report lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Open,
    Answered,
    All,
}

/// Most frequent first, then most recent; with the total for paging.
pub fn list(
    conn: &mut DbConnection,
    status: Status,
    offset: i64,
    limit: i64,
) -> DbResult<(Vec<Unanswered>, i64)> {
    let base = || {
        let q = t::table.into_boxed();
        match status {
            Status::Open => q.filter(t::answered_at.is_null()),
            Status::Answered => q.filter(t::answered_at.is_not_null()),
            Status::All => q,
        }
    };
    let total: i64 = base().count().get_result(conn)?;
    let items = base()
        .select(Row::as_select())
        .order((t::times.desc(), t::last_asked_at.desc(), t::query.asc()))
        .offset(offset)
        .limit(limit)
        .load::<Row>(conn)?
        .into_iter()
        .map(Unanswered::from)
        .collect();
    Ok((items, total))
}
