//! The synonym table of the search (`search_synonyms`) and its one-time seed.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::{search_seeds, search_synonyms};
use crate::search::Synonym;

#[derive(Queryable, Selectable)]
#[diesel(table_name = search_synonyms)]
struct Row {
    id: i64,
    term: String,
    replacement: String,
}

impl From<Row> for Synonym {
    fn from(r: Row) -> Synonym {
        Synonym {
            id: r.id,
            term: r.term,
            replacement: r.replacement,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = search_synonyms)]
struct NewRow<'a> {
    term: &'a str,
    replacement: &'a str,
    created_at: i64,
    created_by: Option<&'a str>,
}

pub fn all(conn: &mut DbConnection) -> DbResult<Vec<Synonym>> {
    let rows: Vec<Row> = search_synonyms::table
        .select(Row::as_select())
        .order(search_synonyms::id)
        .load(conn)?;
    Ok(rows.into_iter().map(Synonym::from).collect())
}

pub fn by_term(conn: &mut DbConnection, term: &str) -> DbResult<Option<Synonym>> {
    let row: Option<Row> = search_synonyms::table
        .filter(search_synonyms::term.eq(term))
        .select(Row::as_select())
        .first(conn)
        .optional()?;
    Ok(row.map(Synonym::from))
}

/// Inserts one synonym and returns it (a duplicate term is a unique violation → 409).
pub fn insert(
    conn: &mut DbConnection,
    term: &str,
    replacement: &str,
    by: Option<&str>,
) -> DbResult<Synonym> {
    diesel::insert_into(search_synonyms::table)
        .values(NewRow {
            term,
            replacement,
            created_at: shared::time::now_ms(),
            created_by: by,
        })
        .execute(conn)?;
    by_term(conn, term)?.ok_or(shared::db::DbError::NotFound)
}

/// Deletes one synonym; false when there was none with this id.
pub fn delete(conn: &mut DbConnection, id: i64) -> DbResult<bool> {
    let n =
        diesel::delete(search_synonyms::table.filter(search_synonyms::id.eq(id))).execute(conn)?;
    Ok(n > 0)
}

/// Loads `pairs` once per database under the seed `name`; later calls do nothing, so an
/// editor's deletions survive restarts. Returns whether it seeded now.
pub fn seed_once(
    conn: &mut DbConnection,
    name: &str,
    pairs: &[(String, String)],
) -> DbResult<bool> {
    shared::db::write_tx(conn, |conn| {
        let done: Option<String> = search_seeds::table
            .filter(search_seeds::name.eq(name))
            .select(search_seeds::name)
            .first(conn)
            .optional()?;
        if done.is_some() {
            return Ok(false);
        }
        let now = shared::time::now_ms();
        diesel::insert_into(search_seeds::table)
            .values((search_seeds::name.eq(name), search_seeds::seeded_at.eq(now)))
            .execute(conn)?;
        let existing: Vec<String> = search_synonyms::table
            .select(search_synonyms::term)
            .load(conn)?;
        let rows: Vec<NewRow> = pairs
            .iter()
            .filter(|(t, _)| !existing.contains(t))
            .map(|(t, r)| NewRow {
                term: t,
                replacement: r,
                created_at: now,
                created_by: Some("seed"),
            })
            .collect();
        for chunk in rows.chunks(200) {
            shared::on_backend!(conn, |c| diesel::insert_into(search_synonyms::table)
                .values(chunk)
                .execute(c))?;
        }
        super::changes::record(conn, super::changes::SYNONYM, name)?;
        Ok(true)
    })
}
