//! The operators report's roll-ups (`report_operator_days`): added to by the calls, their
//! ratings and the complaints' causes, summed per account over a range of days.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use shared::db::{DbConnection, DbResult};

use super::reports::placeholders;
use super::schema::report_operator_days as r;
use crate::domain::reports_operators::{OperatorCounts, OperatorTally};

/// Adds a tally to its row, making the row if it is the first of its day, account and region.
pub fn add(conn: &mut DbConnection, t: &OperatorTally) -> DbResult<()> {
    let c = &t.counts;
    let row = (
        r::day.eq(&t.day),
        r::operator.eq(&t.operator),
        r::region.eq(&t.region),
        r::calls.eq(c.calls),
        r::answered.eq(c.answered),
        r::answered_authorized.eq(c.answered_authorized),
        r::transferred.eq(c.transferred),
        r::number_reported.eq(c.number_reported),
        r::ticket_created.eq(c.ticket_created),
        r::talk_seconds.eq(c.talk_seconds),
        r::satisfied.eq(c.satisfied),
        r::basically_satisfied.eq(c.basically_satisfied),
        r::dissatisfied.eq(c.dissatisfied),
        r::complaints_attitude.eq(c.complaints_attitude),
    );
    let sums = (
        r::calls.eq(r::calls + c.calls),
        r::answered.eq(r::answered + c.answered),
        r::answered_authorized.eq(r::answered_authorized + c.answered_authorized),
        r::transferred.eq(r::transferred + c.transferred),
        r::number_reported.eq(r::number_reported + c.number_reported),
        r::ticket_created.eq(r::ticket_created + c.ticket_created),
        r::talk_seconds.eq(r::talk_seconds + c.talk_seconds),
        r::satisfied.eq(r::satisfied + c.satisfied),
        r::basically_satisfied.eq(r::basically_satisfied + c.basically_satisfied),
        r::dissatisfied.eq(r::dissatisfied + c.dissatisfied),
        r::complaints_attitude.eq(r::complaints_attitude + c.complaints_attitude),
    );
    shared::on_backend!(conn, |c| diesel::insert_into(r::table)
        .values(row)
        .on_conflict((r::day, r::operator, r::region))
        .do_update()
        .set(sums)
        .execute(c))?;
    Ok(())
}

#[derive(QueryableByName)]
#[diesel(table_name = r)]
struct SumRow {
    operator: String,
    calls: i64,
    answered: i64,
    answered_authorized: i64,
    transferred: i64,
    number_reported: i64,
    ticket_created: i64,
    talk_seconds: i64,
    satisfied: i64,
    basically_satisfied: i64,
    dissatisfied: i64,
    complaints_attitude: i64,
}

// The parameters, in order: from, to, region pattern. The calls' rows (region '') are always
// in; a region filter selects among the complaints' rows.
const SUMS: &str = "SELECT operator, \
    CAST(SUM(calls) AS BIGINT) AS calls, CAST(SUM(answered) AS BIGINT) AS answered, \
    CAST(SUM(answered_authorized) AS BIGINT) AS answered_authorized, \
    CAST(SUM(transferred) AS BIGINT) AS transferred, \
    CAST(SUM(number_reported) AS BIGINT) AS number_reported, \
    CAST(SUM(ticket_created) AS BIGINT) AS ticket_created, \
    CAST(SUM(talk_seconds) AS BIGINT) AS talk_seconds, \
    CAST(SUM(satisfied) AS BIGINT) AS satisfied, \
    CAST(SUM(basically_satisfied) AS BIGINT) AS basically_satisfied, \
    CAST(SUM(dissatisfied) AS BIGINT) AS dissatisfied, \
    CAST(SUM(complaints_attitude) AS BIGINT) AS complaints_attitude \
    FROM report_operator_days \
    WHERE day >= $1 AND day <= $2 AND (region = '' OR region LIKE $3) \
    GROUP BY operator";

/// The roll-ups of days `from..=to` (`YYYY-MM-DD`) summed per account, the complaints of the
/// regions starting with `region_prefix` (empty: all).
pub fn summed(
    conn: &mut DbConnection,
    from: &str,
    to: &str,
    region_prefix: &str,
) -> DbResult<Vec<(String, OperatorCounts)>> {
    let statement = placeholders(conn, SUMS);
    let pattern = format!("{region_prefix}%");
    let rows: Vec<SumRow> = shared::on_backend!(conn, |c| diesel::sql_query(&statement)
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .bind::<Text, _>(&pattern)
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|x| {
            let counts = OperatorCounts {
                calls: x.calls,
                answered: x.answered,
                answered_authorized: x.answered_authorized,
                transferred: x.transferred,
                number_reported: x.number_reported,
                ticket_created: x.ticket_created,
                talk_seconds: x.talk_seconds,
                satisfied: x.satisfied,
                basically_satisfied: x.basically_satisfied,
                dissatisfied: x.dissatisfied,
                complaints_attitude: x.complaints_attitude,
            };
            (x.operator, counts)
        })
        .collect())
}

#[derive(QueryableByName)]
struct DayRow {
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    answered: i64,
}

const DAYS: &str = "SELECT day, CAST(SUM(calls) AS BIGINT) AS calls, \
    CAST(SUM(answered) AS BIGINT) AS answered \
    FROM report_operator_days WHERE day >= $1 AND day <= $2 AND region = '' GROUP BY day";

/// The calls per day of days `from..=to`: (day, calls, answered).
pub fn per_day(conn: &mut DbConnection, from: &str, to: &str) -> DbResult<Vec<(String, i64, i64)>> {
    let statement = placeholders(conn, DAYS);
    let rows: Vec<DayRow> = shared::on_backend!(conn, |c| diesel::sql_query(&statement)
        .bind::<Text, _>(from)
        .bind::<Text, _>(to)
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|x| (x.day, x.calls, x.answered))
        .collect())
}
