//! The no-info routing rules the supervisors keep.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};
use shared::time::from_ms;

use super::schema::noinfo_routes;
use crate::domain::routing::NoInfoRoute;

#[derive(Queryable, Selectable)]
#[diesel(table_name = noinfo_routes)]
struct RouteRow {
    id: i64,
    region: String,
    /// The words separated by spaces.
    words: String,
    department: String,
    created_by: String,
    created_at: i64,
}

impl From<RouteRow> for NoInfoRoute {
    fn from(r: RouteRow) -> NoInfoRoute {
        NoInfoRoute {
            id: r.id,
            region: r.region,
            words: r
                .words
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
            department: r.department,
            created_by: r.created_by,
            created_at: from_ms(r.created_at),
        }
    }
}

/// Every rule, by region and age.
pub fn list(conn: &mut DbConnection) -> DbResult<Vec<NoInfoRoute>> {
    let rows: Vec<RouteRow> = noinfo_routes::table
        .select(RouteRow::as_select())
        .order((noinfo_routes::region.asc(), noinfo_routes::id.asc()))
        .load(conn)?;
    Ok(rows.into_iter().map(NoInfoRoute::from).collect())
}

/// Adds a rule; answers its id.
pub fn insert(
    conn: &mut DbConnection,
    region: &str,
    words: &[String],
    department: &str,
    by: &str,
    at: i64,
) -> DbResult<i64> {
    Ok(diesel::insert_into(noinfo_routes::table)
        .values((
            noinfo_routes::region.eq(region),
            noinfo_routes::words.eq(words.join(" ")),
            noinfo_routes::department.eq(department),
            noinfo_routes::created_by.eq(by),
            noinfo_routes::created_at.eq(at),
        ))
        .returning(noinfo_routes::id)
        .get_result(conn)?)
}

/// Removes a rule; false when there was none.
pub fn delete(conn: &mut DbConnection, id: i64) -> DbResult<bool> {
    Ok(diesel::delete(noinfo_routes::table.find(id)).execute(conn)? == 1)
}
