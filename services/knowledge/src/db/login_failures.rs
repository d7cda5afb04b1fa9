//! Failed sign-ins, by throttling key (see `domain::ratelimit`): kept in the database so that
//! every replica counts the same failures.

use diesel::prelude::*;
use shared::db::{DbConnection, DbResult};

use super::schema::login_failures;

/// The times (ms) of `key`'s failures after `since`.
pub fn since(conn: &mut DbConnection, key: &str, since: i64) -> DbResult<Vec<i64>> {
    Ok(login_failures::table
        .filter(login_failures::key.eq(key))
        .filter(login_failures::at.gt(since))
        .select(login_failures::at)
        .load(conn)?)
}

pub fn record(conn: &mut DbConnection, keys: &[&str], at: i64) -> DbResult<()> {
    // One row at a time: a multi-row insert is not one query on both backends here.
    for k in keys {
        diesel::insert_into(login_failures::table)
            .values((login_failures::key.eq(*k), login_failures::at.eq(at)))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets `key`'s failures (a successful sign-in clears its own account and address).
pub fn clear(conn: &mut DbConnection, key: &str) -> DbResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::key.eq(key))).execute(conn)?;
    Ok(())
}

/// Drops failures older than `before`, which no window reaches any more.
pub fn prune(conn: &mut DbConnection, before: i64) -> DbResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::at.lt(before))).execute(conn)?;
    Ok(())
}
