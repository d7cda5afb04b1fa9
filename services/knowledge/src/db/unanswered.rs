//! Queries the search could not answer confidently (`search_unanswered`).

use diesel::prelude::*;
use serde::Serialize;
use shared::ApiResult;
use shared::db::DbConnection;
use utoipa::ToSchema;

use super::schema::search_unanswered as t;

/// One recorded query (normalised text) and how often it was asked.
#[derive(Debug, Clone, Queryable, Selectable, Serialize, ToSchema, PartialEq)]
#[diesel(table_name = t)]
pub struct Unanswered {
    pub query: String,
    /// The region filter it was last asked with.
    pub region: Option<String>,
    pub times: i64,
    pub first_asked_at: chrono::NaiveDateTime,
    pub last_asked_at: chrono::NaiveDateTime,
    /// Set when the same query later found a confident answer.
    pub answered_at: Option<chrono::NaiveDateTime>,
}

/// Asked `times` more times between `first` and `last`; re-opens an answered query.
pub fn record(
    conn: &mut DbConnection,
    query: &str,
    region: Option<&str>,
    times: i64,
    first: chrono::NaiveDateTime,
    last: chrono::NaiveDateTime,
) -> ApiResult<()> {
    let row = (
        t::query.eq(query),
        t::region.eq(region),
        t::times.eq(times),
        t::first_asked_at.eq(first),
        t::last_asked_at.eq(last),
        t::answered_at.eq(None::<chrono::NaiveDateTime>),
    );
    shared::on_backend!(conn, |c| diesel::insert_into(t::table)
        .values(row)
        .on_conflict(t::query)
        .do_update()
        .set((
            t::times.eq(t::times + times),
            t::last_asked_at.eq(last),
            t::region.eq(region),
            t::answered_at.eq(None::<chrono::NaiveDateTime>),
        ))
        .execute(c))?;
    Ok(())
}

/// Marks open queries answered.
pub fn mark_answered(
    conn: &mut DbConnection,
    queries: &[String],
    at: chrono::NaiveDateTime,
) -> ApiResult<usize> {
    Ok(diesel::update(
        t::table
            .filter(t::query.eq_any(queries))
            .filter(t::answered_at.is_null()),
    )
    .set(t::answered_at.eq(Some(at)))
    .execute(conn)?)
}

/// The open queries' texts (to notice when one gets answered).
pub fn open_queries(conn: &mut DbConnection) -> ApiResult<Vec<String>> {
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
) -> ApiResult<(Vec<Unanswered>, i64)> {
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
        .select(Unanswered::as_select())
        .order((t::times.desc(), t::last_asked_at.desc(), t::query.asc()))
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((items, total))
}
