use diesel::prelude::*;
use shared::ApiResult;
use shared::db::DbConnection;

use super::schema::regions;
use crate::domain::Region;

#[derive(Queryable, Selectable)]
#[diesel(table_name = regions)]
struct RegionRow {
    code: String,
    name: String,
    short_name: String,
    aliases: String,
    level: String,
    parent: Option<String>,
    area_code: String,
}

pub fn all(conn: &mut DbConnection) -> ApiResult<Vec<Region>> {
    let rows: Vec<RegionRow> = regions::table
        .select(RegionRow::as_select())
        .order(regions::code)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|r| Region {
            code: r.code,
            name: r.name,
            short_name: r.short_name,
            aliases: serde_json::from_str(&r.aliases).unwrap_or_default(),
            level: r.level,
            parent: r.parent,
            area_code: r.area_code,
        })
        .collect())
}
