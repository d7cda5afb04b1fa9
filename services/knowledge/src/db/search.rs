//! The synonym table of the search (`search_synonyms`) and the seed merged into it.

use std::collections::HashSet;

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::{search_seed_terms, search_seeds, search_synonyms};
use crate::search::{SeedCorrection, Synonym};

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

/// The name the first seed was recorded under, before each seed term was (`search_seeds`).
pub const FIRST_SEED: &str = "seed-1";

/// Offers the seed to the database: each term it was never offered is added to the table,
/// unless the table already holds that term (an editor's row stands), and recorded in
/// `search_seed_terms`, so a seeded row an editor deletes or changes later is never offered
/// again. Returns how many rows it added.
///
/// A database seeded under [`FIRST_SEED`] recorded no terms. It was offered the first
/// `first_seed` pairs (the seed up to its `#@ after seed-1` line; a row of them it lacks
/// was deleted by an editor), and the later ones only when it holds one of them as a seeded
/// row (it was seeded after they were added).
pub fn merge_seed(
    conn: &mut DbConnection,
    pairs: &[(String, String)],
    first_seed: usize,
) -> DbResult<usize> {
    // Two replicas starting at once both add the same rows; the one that loses sees the
    // other's at its second try.
    let mut tries = 0;
    loop {
        match shared::db::write_tx(conn, |conn| merge_seed_once(conn, pairs, first_seed)) {
            Err(e) if e.is_unique() && tries < 2 => tries += 1,
            done => return done,
        }
    }
}

fn merge_seed_once(
    conn: &mut DbConnection,
    pairs: &[(String, String)],
    first_seed: usize,
) -> DbResult<usize> {
    let now = shared::time::now_ms();
    let mut offered: HashSet<String> = search_seed_terms::table
        .select(search_seed_terms::term)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let first_recorded: Option<String> = search_seeds::table
        .filter(search_seeds::name.eq(FIRST_SEED))
        .select(search_seeds::name)
        .first(conn)
        .optional()?;
    if offered.is_empty() && first_recorded.is_some() {
        let later: Vec<&str> = pairs
            .iter()
            .skip(first_seed)
            .map(|(t, _)| t.as_str())
            .collect();
        let seeded_later: i64 = search_synonyms::table
            .filter(search_synonyms::created_by.eq("seed"))
            .filter(search_synonyms::term.eq_any(&later))
            .count()
            .get_result(conn)?;
        let upto = if seeded_later > 0 {
            pairs.len()
        } else {
            first_seed.min(pairs.len())
        };
        offered.extend(pairs[..upto].iter().map(|(t, _)| t.clone()));
        record_offered(conn, pairs[..upto].iter().map(|(t, _)| t.as_str()), now)?;
    }
    if first_recorded.is_none() {
        // Kept for a binary from before the merge, which would otherwise seed again.
        diesel::insert_into(search_seeds::table)
            .values((
                search_seeds::name.eq(FIRST_SEED),
                search_seeds::seeded_at.eq(now),
            ))
            .execute(conn)?;
    }
    let new: Vec<&(String, String)> = pairs.iter().filter(|(t, _)| !offered.contains(t)).collect();
    if new.is_empty() {
        return Ok(0);
    }
    let existing: HashSet<String> = search_synonyms::table
        .select(search_synonyms::term)
        .load::<String>(conn)?
        .into_iter()
        .collect();
    let rows: Vec<NewRow> = new
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
    record_offered(conn, new.iter().map(|(t, _)| t.as_str()), now)?;
    if !rows.is_empty() {
        super::changes::record(conn, super::changes::SYNONYM, "seed")?;
    }
    Ok(rows.len())
}

/// Puts the seed's rows changed in place into a database that still holds the seeded old
/// row, and takes out those the seed removed; a row an editor added or changed is theirs
/// and stays. Returns how many rows it changed.
pub fn correct_seed(conn: &mut DbConnection, corrections: &[SeedCorrection]) -> DbResult<usize> {
    shared::db::write_tx(conn, |conn| {
        let mut changed = 0;
        for c in corrections {
            let seeded = search_synonyms::table
                .filter(search_synonyms::term.eq(&c.term))
                .filter(search_synonyms::replacement.eq(&c.was))
                .filter(search_synonyms::created_by.eq("seed"));
            changed += match &c.now {
                Some(now) => diesel::update(seeded)
                    .set(search_synonyms::replacement.eq(now))
                    .execute(conn)?,
                None => diesel::delete(seeded).execute(conn)?,
            };
        }
        if changed > 0 {
            super::changes::record(conn, super::changes::SYNONYM, "seed")?;
        }
        Ok(changed)
    })
}

/// Records terms as offered by the seed.
fn record_offered<'a>(
    conn: &mut DbConnection,
    terms: impl Iterator<Item = &'a str>,
    at: i64,
) -> DbResult<()> {
    let rows: Vec<_> = terms
        .map(|t| {
            (
                search_seed_terms::term.eq(t),
                search_seed_terms::offered_at.eq(at),
            )
        })
        .collect();
    for chunk in rows.chunks(200) {
        shared::on_backend!(conn, |c| diesel::insert_into(search_seed_terms::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}
