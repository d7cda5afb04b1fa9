//! The editors' phrasings table of the search (`search_phrasings`): how callers voice a
//! question, beside the built-in table the binary carries.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::search_phrasings;
use crate::search::Phrasing;

#[derive(Queryable, Selectable)]
#[diesel(table_name = search_phrasings)]
struct Row {
    id: i64,
    label: String,
    phrasing: String,
}

impl From<Row> for Phrasing {
    fn from(r: Row) -> Phrasing {
        Phrasing {
            id: r.id,
            label: r.label,
            phrasing: r.phrasing,
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = search_phrasings)]
struct NewRow<'a> {
    label: &'a str,
    phrasing: &'a str,
    created_at: i64,
    created_by: Option<&'a str>,
}

/// Every editor's phrasing, oldest first.
pub fn all(conn: &mut DbConnection) -> DbResult<Vec<Phrasing>> {
    let rows: Vec<Row> = search_phrasings::table
        .select(Row::as_select())
        .order(search_phrasings::id)
        .load(conn)?;
    Ok(rows.into_iter().map(Phrasing::from).collect())
}

/// Inserts one phrasing and returns it (the same phrasing of the same label twice is a
/// unique violation → 409).
pub fn insert(
    conn: &mut DbConnection,
    label: &str,
    phrasing: &str,
    by: &str,
) -> DbResult<Phrasing> {
    diesel::insert_into(search_phrasings::table)
        .values(NewRow {
            label,
            phrasing,
            created_at: shared::time::now_ms(),
            created_by: Some(by),
        })
        .execute(conn)?;
    let row: Row = search_phrasings::table
        .filter(search_phrasings::label.eq(label))
        .filter(search_phrasings::phrasing.eq(phrasing))
        .select(Row::as_select())
        .first(conn)?;
    Ok(row.into())
}

/// Deletes one phrasing; false when there was none with this id.
pub fn delete(conn: &mut DbConnection, id: i64) -> DbResult<bool> {
    let n = diesel::delete(search_phrasings::table.filter(search_phrasings::id.eq(id)))
        .execute(conn)?;
    Ok(n > 0)
}
