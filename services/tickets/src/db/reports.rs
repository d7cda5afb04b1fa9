//! The department report's roll-ups (`report_department_days`): added to by the events they
//! count, summed over a range of days; and the overdue tickets now, from the tickets' index.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use shared::db::{DbConnection, DbResult};

use super::schema::report_department_days as r;
use crate::domain::reports::{Counts, SummedRow, Tally};

/// Adds a tally to its row, making the row if it is the first of its day, department and
/// region. On PostgreSQL the row stays locked until the event's transaction ends: events of
/// one department on one day queue on it for that short while.
pub fn add(conn: &mut DbConnection, t: &Tally) -> DbResult<()> {
    let c = &t.counts;
    let row = (
        r::day.eq(&t.day),
        r::department.eq(&t.department),
        r::region.eq(&t.region),
        r::received.eq(c.received),
        r::accepted.eq(c.accepted),
        r::accepted_on_time.eq(c.accepted_on_time),
        r::returned.eq(c.returned),
        r::replied.eq(c.replied),
        r::replied_on_time.eq(c.replied_on_time),
        r::extended.eq(c.extended),
        r::supervised.eq(c.supervised),
        r::callbacks.eq(c.callbacks),
        r::satisfied.eq(c.satisfied),
        r::basically_satisfied.eq(c.basically_satisfied),
        r::dissatisfied.eq(c.dissatisfied),
        r::complaints_policy.eq(c.complaints_policy),
        r::complaints_handling.eq(c.complaints_handling),
        r::complaints_attitude.eq(c.complaints_attitude),
    );
    let sums = (
        r::received.eq(r::received + c.received),
        r::accepted.eq(r::accepted + c.accepted),
        r::accepted_on_time.eq(r::accepted_on_time + c.accepted_on_time),
        r::returned.eq(r::returned + c.returned),
        r::replied.eq(r::replied + c.replied),
        r::replied_on_time.eq(r::replied_on_time + c.replied_on_time),
        r::extended.eq(r::extended + c.extended),
        r::supervised.eq(r::supervised + c.supervised),
        r::callbacks.eq(r::callbacks + c.callbacks),
        r::satisfied.eq(r::satisfied + c.satisfied),
        r::basically_satisfied.eq(r::basically_satisfied + c.basically_satisfied),
        r::dissatisfied.eq(r::dissatisfied + c.dissatisfied),
        r::complaints_policy.eq(r::complaints_policy + c.complaints_policy),
        r::complaints_handling.eq(r::complaints_handling + c.complaints_handling),
        r::complaints_attitude.eq(r::complaints_attitude + c.complaints_attitude),
    );
    shared::on_backend!(conn, |c| diesel::insert_into(r::table)
        .values(row)
        .on_conflict((r::day, r::department, r::region))
        .do_update()
        .set(sums)
        .execute(c))?;
    Ok(())
}

/// What the report selects: days `from..=to` (`YYYY-MM-DD`), ticket regions starting with
/// `region_prefix` (empty: all), and one department (empty: all).
#[derive(Debug, Clone)]
pub struct Selection {
    pub from: String,
    pub to: String,
    pub region_prefix: String,
    pub department: String,
}

#[derive(QueryableByName)]
#[diesel(table_name = r)]
struct SumRow {
    department: String,
    region: String,
    received: i64,
    accepted: i64,
    accepted_on_time: i64,
    returned: i64,
    replied: i64,
    replied_on_time: i64,
    extended: i64,
    supervised: i64,
    callbacks: i64,
    satisfied: i64,
    basically_satisfied: i64,
    dissatisfied: i64,
    complaints_policy: i64,
    complaints_handling: i64,
    complaints_attitude: i64,
}

// The parameters, in order: from, to, region pattern, department, department.
const SUMS: &str = "SELECT department, region, \
    CAST(SUM(received) AS BIGINT) AS received, CAST(SUM(accepted) AS BIGINT) AS accepted, \
    CAST(SUM(accepted_on_time) AS BIGINT) AS accepted_on_time, \
    CAST(SUM(returned) AS BIGINT) AS returned, CAST(SUM(replied) AS BIGINT) AS replied, \
    CAST(SUM(replied_on_time) AS BIGINT) AS replied_on_time, \
    CAST(SUM(extended) AS BIGINT) AS extended, CAST(SUM(supervised) AS BIGINT) AS supervised, \
    CAST(SUM(callbacks) AS BIGINT) AS callbacks, CAST(SUM(satisfied) AS BIGINT) AS satisfied, \
    CAST(SUM(basically_satisfied) AS BIGINT) AS basically_satisfied, \
    CAST(SUM(dissatisfied) AS BIGINT) AS dissatisfied, \
    CAST(SUM(complaints_policy) AS BIGINT) AS complaints_policy, \
    CAST(SUM(complaints_handling) AS BIGINT) AS complaints_handling, \
    CAST(SUM(complaints_attitude) AS BIGINT) AS complaints_attitude \
    FROM report_department_days \
    WHERE day >= $1 AND day <= $2 AND region LIKE $3 AND (department = $4 OR $5 = '') \
    GROUP BY department, region";

/// The rows of `statement` (parameters: from, to, region pattern, department, department) for
/// the selection.
pub(crate) fn selected<T>(
    conn: &mut DbConnection,
    statement: &str,
    s: &Selection,
) -> DbResult<Vec<T>>
where
    T: QueryableByName<diesel::pg::Pg> + QueryableByName<diesel::sqlite::Sqlite> + 'static,
{
    let statement = placeholders(conn, statement);
    let pattern = format!("{}%", s.region_prefix);
    Ok(shared::on_backend!(conn, |c| diesel::sql_query(
        &statement
    )
    .bind::<Text, _>(&s.from)
    .bind::<Text, _>(&s.to)
    .bind::<Text, _>(&pattern)
    .bind::<Text, _>(&s.department)
    .bind::<Text, _>(&s.department)
    .load(c))?)
}

/// The roll-ups of the selection summed per (department, region).
pub fn summed(conn: &mut DbConnection, s: &Selection) -> DbResult<Vec<SummedRow>> {
    let rows: Vec<SumRow> = selected(conn, SUMS, s)?;
    Ok(rows
        .into_iter()
        .map(|x| {
            let counts = Counts {
                received: x.received,
                accepted: x.accepted,
                accepted_on_time: x.accepted_on_time,
                returned: x.returned,
                replied: x.replied,
                replied_on_time: x.replied_on_time,
                extended: x.extended,
                supervised: x.supervised,
                callbacks: x.callbacks,
                satisfied: x.satisfied,
                basically_satisfied: x.basically_satisfied,
                dissatisfied: x.dissatisfied,
                complaints_policy: x.complaints_policy,
                complaints_handling: x.complaints_handling,
                complaints_attitude: x.complaints_attitude,
            };
            (x.department, x.region, counts)
        })
        .collect())
}

#[derive(QueryableByName)]
struct DayRow {
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = BigInt)]
    received: i64,
    #[diesel(sql_type = BigInt)]
    replied: i64,
    #[diesel(sql_type = BigInt)]
    replied_on_time: i64,
}

// The parameters as in SUMS.
const DAYS: &str = "SELECT day, CAST(SUM(received) AS BIGINT) AS received, \
    CAST(SUM(replied) AS BIGINT) AS replied, \
    CAST(SUM(replied_on_time) AS BIGINT) AS replied_on_time \
    FROM report_department_days \
    WHERE day >= $1 AND day <= $2 AND region LIKE $3 AND (department = $4 OR $5 = '') \
    GROUP BY day";

/// The selection's dispatches and replies per day: (day, received, replied, on time).
pub fn per_day(conn: &mut DbConnection, s: &Selection) -> DbResult<Vec<(String, i64, i64, i64)>> {
    let rows: Vec<DayRow> = selected(conn, DAYS, s)?;
    Ok(rows
        .into_iter()
        .map(|x| (x.day, x.received, x.replied, x.replied_on_time))
        .collect())
}

#[derive(QueryableByName)]
struct OverdueRow {
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

// Only open tickets have a running deadline (`next_due_at`), and only those the department
// holds count: the range read is the overdue part of the `tickets_overdue` index, not the
// tickets. One row per (department, region) comes back, few enough to select from here.
const OVERDUE: &str = "SELECT department, region, CAST(COUNT(*) AS BIGINT) AS n FROM tickets \
    WHERE next_due_at IS NOT NULL AND next_due_at < $1 \
    AND status IN ('dispatched', 'accepted') AND department IS NOT NULL \
    GROUP BY department, region";

/// The tickets a department holds whose running deadline is before `now`, per (department,
/// region), in the selection's regions and department (its days do not apply).
pub fn overdue(
    conn: &mut DbConnection,
    s: &Selection,
    now: i64,
) -> DbResult<Vec<(String, String, i64)>> {
    let statement = placeholders(conn, OVERDUE);
    let rows: Vec<OverdueRow> = shared::on_backend!(conn, |c| diesel::sql_query(&statement)
        .bind::<BigInt, _>(now)
        .load(c))?;
    let selected = |x: &OverdueRow| {
        x.region.starts_with(&s.region_prefix)
            && (s.department.is_empty() || x.department == s.department)
    };
    Ok(rows
        .into_iter()
        .filter(selected)
        .map(|x| (x.department, x.region, x.n))
        .collect())
}

/// A statement written with `$n` parameters (each used once, in order) for the backend.
pub(crate) fn placeholders(conn: &DbConnection, statement: &str) -> String {
    if conn.is_sqlite() {
        let mut out = String::with_capacity(statement.len());
        let mut chars = statement.chars().peekable();
        while let Some(ch) = chars.next() {
            if ch == '$' {
                while chars.peek().is_some_and(|d| d.is_ascii_digit()) {
                    chars.next();
                }
                out.push('?');
            } else {
                out.push(ch);
            }
        }
        out
    } else {
        statement.to_string()
    }
}
