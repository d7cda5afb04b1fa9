//! Accounts: people who sign in.

use diesel::prelude::*;
use shared::contract::knowledge::Revocation;
use shared::db::{DbConnection, DbResult};

use super::schema::{accounts, liaisons};

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = accounts)]
pub struct Account {
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub department: Option<String>,
    pub disabled: bool,
    /// Milliseconds since the epoch, as `updated_at`.
    pub created_at: i64,
    pub updated_at: i64,
    /// Tokens carrying a lower version were ended (issue 16).
    pub token_version: i64,
    /// When `token_version` last moved on.
    pub token_changed_at: i64,
    /// The password is a one-time one, chosen by someone else: the next sign-in must change it.
    pub password_change: bool,
}

#[derive(Debug, Default, AsChangeset)]
#[diesel(table_name = accounts)]
pub struct AccountChanges {
    pub password_hash: Option<String>,
    pub role: Option<String>,
    /// `Some(None)` clears the department.
    pub department: Option<Option<String>>,
    pub disabled: Option<bool>,
    pub updated_at: Option<i64>,
    pub token_version: Option<i64>,
    pub token_changed_at: Option<i64>,
    pub password_change: Option<bool>,
}

pub fn find(conn: &mut DbConnection, username: &str) -> DbResult<Option<Account>> {
    Ok(accounts::table
        .find(username)
        .select(Account::as_select())
        .first(conn)
        .optional()?)
}

pub fn list(conn: &mut DbConnection, offset: i64, limit: i64) -> DbResult<(Vec<Account>, i64)> {
    let total = accounts::table.count().get_result(conn)?;
    let items = accounts::table
        .select(Account::as_select())
        .order(accounts::username)
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((items, total))
}

pub fn insert(conn: &mut DbConnection, a: &Account) -> DbResult<()> {
    diesel::insert_into(accounts::table)
        .values(a)
        .execute(conn)?;
    Ok(())
}

pub fn update(conn: &mut DbConnection, username: &str, c: &AccountChanges) -> DbResult<()> {
    let n = diesel::update(accounts::table.find(username))
        .set(c)
        .execute(conn)?;
    if n == 0 {
        return Err(shared::db::DbError::NotFound);
    }
    Ok(())
}

/// Ends every token of `username` made so far (signing out).
pub fn end_tokens(conn: &mut DbConnection, username: &str, now: i64) -> DbResult<()> {
    diesel::update(accounts::table.find(username))
        .set((
            accounts::token_version.eq(accounts::token_version + 1),
            accounts::token_changed_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Accounts whose tokens ended after `since` (milliseconds), oldest change first.
pub fn revocations_since(conn: &mut DbConnection, since: i64) -> DbResult<Vec<Revocation>> {
    let rows: Vec<(String, i64, i64)> = accounts::table
        .filter(accounts::token_changed_at.gt(since))
        .order(accounts::token_changed_at)
        .limit(10_000)
        .select((
            accounts::username,
            accounts::token_version,
            accounts::token_changed_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(username, token_version, changed_at)| Revocation {
            username,
            token_version,
            changed_at,
        })
        .collect())
}

/// Admins who can sign in.
pub fn count_active_admins(conn: &mut DbConnection) -> DbResult<i64> {
    Ok(accounts::table
        .filter(accounts::role.eq("admin"))
        .filter(accounts::disabled.eq(false))
        .count()
        .get_result(conn)?)
}

pub fn usernames(conn: &mut DbConnection) -> DbResult<Vec<String>> {
    Ok(accounts::table.select(accounts::username).load(conn)?)
}

pub fn insert_many(conn: &mut DbConnection, items: &[Account]) -> DbResult<()> {
    for chunk in items.chunks(500) {
        shared::on_backend!(conn, |c| diesel::insert_into(accounts::table)
            .values(chunk)
            .execute(c))?;
    }
    Ok(())
}

/// Departments that have at least one liaison.
pub fn departments_with_liaisons(conn: &mut DbConnection) -> DbResult<Vec<String>> {
    Ok(liaisons::table
        .select(liaisons::department)
        .distinct()
        .order(liaisons::department)
        .load(conn)?)
}
