//! The 社情民意 digest's tables: the topic words knowledge sent (`topic_names`,
//! `topic_words`) and the weekly roll-ups (`report_topic_weeks`); the examples are read from
//! the tickets by their `topic`.

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use shared::contract::tickets::TopicWords;
use shared::db::{DbConnection, DbResult};

use super::reports::{Selection, placeholders, selected};
use super::schema::{report_topic_weeks as r, topic_names as n, topic_words as w};
use crate::domain::reports_topics::{TopicExample, TopicTally, Vocabulary};

/// Rows per insert: well under SQLite's limit of bound parameters.
const BATCH: usize = 500;

/// Replaces the topics and their words with `words`.
pub fn replace_words(conn: &mut DbConnection, words: &TopicWords) -> DbResult<()> {
    shared::on_backend!(conn, |c| diesel::delete(w::table).execute(c))?;
    shared::on_backend!(conn, |c| diesel::delete(n::table).execute(c))?;
    for chunk in words.topics.chunks(BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|t| (n::topic.eq(&t.topic), n::name.eq(&t.name)))
            .collect();
        shared::on_backend!(conn, |c| diesel::insert_into(n::table)
            .values(&rows)
            .execute(c))?;
    }
    for chunk in words.words.chunks(BATCH) {
        let rows: Vec<_> = chunk
            .iter()
            .map(|t| (w::word.eq(&t.word), w::topic.eq(&t.topic)))
            .collect();
        shared::on_backend!(conn, |c| diesel::insert_into(w::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(())
}

/// The topics and their words as stored.
pub fn vocabulary(conn: &mut DbConnection) -> DbResult<Vocabulary> {
    let topics: Vec<String> = shared::on_backend!(conn, |c| n::table.select(n::topic).load(c))?;
    let words: Vec<(String, String)> =
        shared::on_backend!(conn, |c| w::table.select((w::word, w::topic)).load(c))?;
    Ok(Vocabulary::new(topics, words))
}

/// The topics' names: (topic, name).
pub fn names(conn: &mut DbConnection) -> DbResult<Vec<(String, String)>> {
    Ok(shared::on_backend!(conn, |c| n::table
        .select((n::topic, n::name))
        .load(c))?)
}

/// Adds a tally to its row, making the row if it is the first of its week, region,
/// department, topic and slot.
pub fn add(conn: &mut DbConnection, t: &TopicTally) -> DbResult<()> {
    let row = (
        r::week.eq(&t.week),
        r::region.eq(&t.region),
        r::department.eq(&t.department),
        r::topic.eq(&t.topic),
        r::tickets.eq(t.tickets),
        r::searches.eq(t.searches),
        r::slot.eq(t.slot),
    );
    let sums = (
        r::tickets.eq(r::tickets + t.tickets),
        r::searches.eq(r::searches + t.searches),
    );
    shared::on_backend!(conn, |c| diesel::insert_into(r::table)
        .values(row)
        .on_conflict((r::week, r::region, r::department, r::topic, r::slot))
        .do_update()
        .set(sums)
        .execute(c))?;
    Ok(())
}

#[derive(QueryableByName)]
struct WeekRow {
    #[diesel(sql_type = Text)]
    week: String,
    #[diesel(sql_type = Text)]
    topic: String,
    #[diesel(sql_type = BigInt)]
    tickets: i64,
    #[diesel(sql_type = BigInt)]
    searches: i64,
}

// The parameters, in order: first week, last week, region pattern, department, department.
const WEEKS: &str = "SELECT week, topic, CAST(SUM(tickets) AS BIGINT) AS tickets, \
    CAST(SUM(searches) AS BIGINT) AS searches FROM report_topic_weeks \
    WHERE week >= $1 AND week <= $2 AND region LIKE $3 AND (department = $4 OR $5 = '') \
    GROUP BY week, topic";

/// The roll-ups of the selection (its `from`/`to` are Mondays) summed per (week, topic).
pub fn per_week(
    conn: &mut DbConnection,
    s: &Selection,
) -> DbResult<Vec<(String, String, i64, i64)>> {
    let rows: Vec<WeekRow> = selected(conn, WEEKS, s)?;
    Ok(rows
        .into_iter()
        .map(|x| (x.week, x.topic, x.tickets, x.searches))
        .collect())
}

#[derive(QueryableByName)]
struct ExampleRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    summary: String,
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
}

// The latest first, by the (topic, created_at) index. A ticket redirected since it was taken is
// an example of its department now (the roll-up counted it under the one it was taken for).
const EXAMPLES: &str = "SELECT id, summary, region, created_at FROM tickets \
    WHERE topic = $1 AND created_at >= $2 AND created_at < $3 AND region LIKE $4 \
    AND (COALESCE(department, '') = $5 OR $6 = '') ORDER BY created_at DESC LIMIT $7";

/// The latest `limit` tickets of `topic` taken in `[from_ms, to_ms)` in the selection's
/// regions and department.
pub fn examples(
    conn: &mut DbConnection,
    topic: &str,
    (from_ms, to_ms): (i64, i64),
    s: &Selection,
    limit: i64,
) -> DbResult<Vec<TopicExample>> {
    let statement = placeholders(conn, EXAMPLES);
    let pattern = format!("{}%", s.region_prefix);
    let rows: Vec<ExampleRow> = shared::on_backend!(conn, |c| diesel::sql_query(&statement)
        .bind::<Text, _>(topic)
        .bind::<BigInt, _>(from_ms)
        .bind::<BigInt, _>(to_ms)
        .bind::<Text, _>(&pattern)
        .bind::<Text, _>(&s.department)
        .bind::<Text, _>(&s.department)
        .bind::<BigInt, _>(limit)
        .load(c))?;
    Ok(rows
        .into_iter()
        .map(|e| TopicExample {
            id: e.id,
            summary: e.summary,
            region: e.region,
            created_at: e.created_at,
        })
        .collect())
}
