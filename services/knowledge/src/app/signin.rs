//! Signing in as a use case: is the attempt held, is the password right, and what a failure
//! or success leaves behind (the throttling counts, the audit log). The throttling rules are
//! `domain::ratelimit`'s; the failures are in the database so that every replica counts them.

use std::sync::Arc;

use shared::ApiError;
use shared::contract::audit::action;
use shared::db::{DbConnection, DbPool};

use super::audit::{self, Actor};
use crate::db::accounts::{self, Account};
use crate::db::login_failures;
use crate::domain::ratelimit::{self, Limit};
use crate::startup::LoginRules;

/// How a sign-in ended.
pub enum SignIn {
    /// Too many failures: try again after this many seconds.
    Held(u64),
    /// Wrong username or password, or a disabled account (the caller is not told which).
    Refused,
    Accepted(Account),
}

/// Checks `password` for `username` signing in from `address`; failures and successes are
/// counted and logged. `decoy` is a hash checked for unknown names, so that they take as long.
pub async fn sign_in(
    pool: &DbPool,
    rules: &LoginRules,
    username: String,
    password: String,
    address: String,
    decoy: &'static str,
) -> Result<SignIn, ApiError> {
    let attempt = Arc::new(Attempt::new(rules, &username, &address));
    let now = shared::time::now_ms();
    let a = attempt.clone();
    let held = shared::db::run(pool, move |c| held(c, &a, now)).await?;
    if let Some(wait) = held {
        return Ok(SignIn::Held(wait));
    }
    let name = username.clone();
    let account = shared::db::run(pool, move |c| Ok(accounts::find(c, &name)?)).await?;
    // Argon2 is slow on purpose: off the async executor.
    let verified = actix_web::web::block(move || {
        let ok = match &account {
            Some(a) => shared::auth::verify_password(&password, &a.password_hash),
            None => {
                let _ = shared::auth::verify_password(&password, decoy);
                false
            }
        };
        account.filter(|a| ok && !a.disabled)
    })
    .await?;
    let by = Actor {
        name: username,
        role: verified
            .as_ref()
            .map(|a| a.role.clone())
            .unwrap_or_default(),
        address,
    };
    let Some(account) = verified else {
        shared::db::run(pool, move |c| failed(c, &attempt, now, &by)).await?;
        return Ok(SignIn::Refused);
    };
    shared::db::run(pool, move |c| succeeded(c, &attempt, &by)).await?;
    Ok(SignIn::Accepted(account))
}

/// The three keys of one attempt, with their limits.
pub struct Attempt {
    keys: [(String, Limit); 3],
}

impl Attempt {
    pub fn new(rules: &LoginRules, username: &str, address: &str) -> Attempt {
        Attempt {
            keys: ratelimit::keys(
                username,
                address,
                rules.per_pair,
                rules.per_address,
                rules.per_account,
            ),
        }
    }
}

/// `Some(seconds to wait)` while any of the attempt's keys is held at `now` (ms).
fn held(conn: &mut DbConnection, attempt: &Attempt, now: i64) -> Result<Option<u64>, ApiError> {
    let mut longest = None;
    for (key, limit) in &attempt.keys {
        let times = login_failures::since(conn, key, now - limit.window_ms)?;
        longest = longest.max(ratelimit::wait(&times, *limit, now));
    }
    Ok(longest)
}

/// A wrong password or unknown account: counted under every key and logged; old rows go.
fn failed(
    conn: &mut DbConnection,
    attempt: &Attempt,
    now: i64,
    by: &Actor,
) -> Result<(), ApiError> {
    let keys: Vec<&str> = attempt.keys.iter().map(|(k, _)| k.as_str()).collect();
    // Three rows that belong together, and the log's.
    shared::db::write_tx(conn, |c| {
        login_failures::record(c, &keys, now)?;
        audit::record(
            c,
            by,
            action::SIGN_IN_FAILED,
            &by.name,
            serde_json::json!({}),
        )
    })?;
    let longest = attempt
        .keys
        .iter()
        .map(|(_, l)| l.window_ms)
        .max()
        .unwrap_or(0);
    login_failures::prune(conn, now - longest)?;
    Ok(())
}

/// A successful sign-in is logged and forgets the failures of its own account and address
/// only: one right password does not clear what an address or many addresses did.
fn succeeded(conn: &mut DbConnection, attempt: &Attempt, by: &Actor) -> Result<(), ApiError> {
    shared::db::write_tx(conn, |c| {
        login_failures::clear(c, &attempt.keys[0].0)?;
        audit::record(c, by, action::SIGN_IN, &by.name, serde_json::json!({}))
    })?;
    Ok(())
}
