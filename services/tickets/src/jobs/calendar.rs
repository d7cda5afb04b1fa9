use shared::ApiResult;
use shared::calendar::CalendarYear;
use shared::db::DbConnection;

use crate::db;
use crate::domain::calendar::seeds;
use crate::startup::AppState;

/// Stores the vendored years not in the database yet (an admin's edit wins), then loads all.
pub fn seed_and_load(conn: &mut DbConnection, now: i64) -> ApiResult<Vec<CalendarYear>> {
    for year in seeds() {
        let seeded = db::write_tx(conn, |c| {
            if !db::calendar::exists(c, year.year)? {
                db::calendar::put(c, year.year, &serde_json::to_string(&year)?, now, "seed")?;
            }
            Ok(())
        });
        match seeded {
            // Another replica starting at the same time stored it first.
            Ok(()) | Err(shared::ApiError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    load(conn)
}

pub fn load(conn: &mut DbConnection) -> ApiResult<Vec<CalendarYear>> {
    let mut out = Vec::new();
    for (year, text) in db::calendar::all(conn)? {
        match serde_json::from_str::<CalendarYear>(&text) {
            Ok(y) => out.push(y),
            Err(e) => tracing::error!(year, error = %e, "stored calendar year does not parse"),
        }
    }
    Ok(out)
}

pub async fn refresh(state: &AppState) -> ApiResult<()> {
    let years = shared::db::run(&state.pool, load).await?;
    state.set_years(years);
    Ok(())
}
