use diesel::prelude::*;
use shared::ApiResult;
use shared::db::DbConnection;

use super::schema::calendar_years;

/// All stored years as (year, JSON of the year file).
pub fn all(conn: &mut DbConnection) -> ApiResult<Vec<(i32, String)>> {
    Ok(calendar_years::table
        .select((calendar_years::year, calendar_years::data))
        .order(calendar_years::year.asc())
        .load(conn)?)
}

pub fn exists(conn: &mut DbConnection, year: i32) -> ApiResult<bool> {
    let n: i64 = calendar_years::table
        .filter(calendar_years::year.eq(year))
        .count()
        .get_result(conn)?;
    Ok(n > 0)
}

/// Inserts or replaces one year.
pub fn put(conn: &mut DbConnection, year: i32, data: &str, now: i64, by: &str) -> ApiResult<bool> {
    let updated = diesel::update(calendar_years::table.find(year))
        .set((
            calendar_years::data.eq(data),
            calendar_years::updated_at.eq(now),
            calendar_years::updated_by.eq(by),
        ))
        .execute(conn)?;
    if updated == 1 {
        return Ok(false);
    }
    diesel::insert_into(calendar_years::table)
        .values((
            calendar_years::year.eq(year),
            calendar_years::data.eq(data),
            calendar_years::updated_at.eq(now),
            calendar_years::updated_by.eq(by),
        ))
        .execute(conn)?;
    Ok(true)
}
