//! The knowledge base health report's tables: the roll-ups (`report_kb_days`), the answer
//! times (`report_kb_answers`) and the search counts' keys (`report_search_keys`); and the
//! calls of a range, from the operators report's roll-ups.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use shared::db::{DbConnection, DbResult};

use super::reports::{Selection, placeholders, selected};
use super::schema::{report_kb_answers as a, report_kb_days as r, report_search_keys as k};
use crate::domain::reports_health::{AnswerTime, HealthCounts, HealthTally};

/// Adds a tally to its row, making the row if it is the first of its day, region and
/// department.
pub fn add(conn: &mut DbConnection, t: &HealthTally) -> DbResult<()> {
    let c = &t.counts;
    let row = (
        r::day.eq(&t.day),
        r::region.eq(&t.region),
        r::department.eq(&t.department),
        r::searches.eq(c.searches),
        r::unconfident.eq(c.unconfident),
        r::no_info.eq(c.no_info),
    );
    let sums = (
        r::searches.eq(r::searches + c.searches),
        r::unconfident.eq(r::unconfident + c.unconfident),
        r::no_info.eq(r::no_info + c.no_info),
    );
    shared::on_backend!(conn, |c| diesel::insert_into(r::table)
        .values(row)
        .on_conflict((r::day, r::region, r::department))
        .do_update()
        .set(sums)
        .execute(c))?;
    Ok(())
}

/// Records a ticket's answer time; a later application of the same ticket replaces it.
pub fn answered(conn: &mut DbConnection, t: &AnswerTime) -> DbResult<()> {
    let row = (
        a::ticket_id.eq(&t.ticket_id),
        a::day.eq(&t.day),
        a::region.eq(&t.region),
        a::department.eq(&t.department),
        a::seconds.eq(t.seconds),
    );
    let again = (
        a::day.eq(&t.day),
        a::region.eq(&t.region),
        a::department.eq(&t.department),
        a::seconds.eq(t.seconds),
    );
    shared::on_backend!(conn, |c| diesel::insert_into(a::table)
        .values(row)
        .on_conflict(a::ticket_id)
        .do_update()
        .set(again)
        .execute(c))?;
    Ok(())
}

/// Notes the key of a message of search counts: false when it was noted before (the counts
/// are in already).
pub fn first_time(conn: &mut DbConnection, key: &str, at: i64) -> DbResult<bool> {
    let n = shared::on_backend!(conn, |c| diesel::insert_into(k::table)
        .values((k::key.eq(key), k::received_at.eq(at)))
        .on_conflict(k::key)
        .do_nothing()
        .execute(c))?;
    Ok(n == 1)
}

#[derive(QueryableByName)]
struct SumRow {
    #[diesel(sql_type = Text)]
    key: String,
    #[diesel(sql_type = BigInt)]
    searches: i64,
    #[diesel(sql_type = BigInt)]
    unconfident: i64,
    #[diesel(sql_type = BigInt)]
    no_info: i64,
}

// `{key}` is the column summed by; the parameters, in order: from, to, region pattern,
// department, department.
const SUMS: &str = "SELECT {key} AS key, CAST(SUM(searches) AS BIGINT) AS searches, \
    CAST(SUM(unconfident) AS BIGINT) AS unconfident, CAST(SUM(no_info) AS BIGINT) AS no_info \
    FROM report_kb_days \
    WHERE day >= $1 AND day <= $2 AND region LIKE $3 AND (department = $4 OR $5 = '') \
    GROUP BY {key}";

fn sums(conn: &mut DbConnection, by: &str, s: &Selection) -> DbResult<Vec<(String, HealthCounts)>> {
    let rows: Vec<SumRow> = selected(conn, &SUMS.replace("{key}", by), s)?;
    Ok(rows
        .into_iter()
        .map(|x| {
            let counts = HealthCounts {
                searches: x.searches,
                unconfident: x.unconfident,
                no_info: x.no_info,
            };
            (x.key, counts)
        })
        .collect())
}

/// The roll-ups of the selection summed per region.
pub fn per_region(conn: &mut DbConnection, s: &Selection) -> DbResult<Vec<(String, HealthCounts)>> {
    sums(conn, "region", s)
}

/// The roll-ups of the selection summed per day.
pub fn per_day(conn: &mut DbConnection, s: &Selection) -> DbResult<Vec<(String, HealthCounts)>> {
    sums(conn, "day", s)
}

#[derive(QueryableByName)]
struct TimeRow {
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = BigInt)]
    rounded: i64,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

// The times rounded in SQL as `domain::reports_health::answer_bucket` rounds them, so that the
// database returns a count per region and rounded time rather than one row per ticket.
const TIMES: &str = "SELECT region, CAST(CASE WHEN seconds < 86400 THEN seconds / 360 * 360 \
    WHEN seconds < 2592000 THEN seconds / 3600 * 3600 ELSE seconds / 86400 * 86400 END \
    AS BIGINT) AS rounded, CAST(COUNT(*) AS BIGINT) AS n FROM report_kb_answers \
    WHERE day >= $1 AND day <= $2 AND region LIKE $3 AND (department = $4 OR $5 = '') \
    GROUP BY region, rounded";

/// The answer times of the entries applied on the selection's days, rounded and counted:
/// (region, time, how many).
pub fn times(conn: &mut DbConnection, s: &Selection) -> DbResult<Vec<(String, i64, i64)>> {
    let rows: Vec<TimeRow> = selected(conn, TIMES, s)?;
    Ok(rows
        .into_iter()
        .map(|x| (x.region, x.rounded, x.n))
        .collect())
}

#[derive(QueryableByName)]
struct CallsRow {
    #[diesel(sql_type = BigInt)]
    calls: i64,
}

// The operators report's roll-ups hold every call under region '' on its day.
const CALLS: &str = "SELECT CAST(COALESCE(SUM(calls), 0) AS BIGINT) AS calls \
    FROM report_operator_days WHERE day >= $1 AND day <= $2 AND region = ''";

/// The calls of days `from..=to` (`YYYY-MM-DD`).
pub fn calls(conn: &mut DbConnection, from: &str, to: &str) -> DbResult<i64> {
    let statement = placeholders(conn, CALLS);
    let rows: Vec<CallsRow> = shared::on_backend!(conn, |c| diesel::sql_query(&statement)
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .load(c))?;
    Ok(rows.first().map_or(0, |x| x.calls))
}
