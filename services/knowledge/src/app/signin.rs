//! Sign-in throttling as a use case: is the attempt held, and what a failure or success
//! leaves behind. The rules are `domain::ratelimit`'s; the failures are in the database so that
//! every replica counts them.

use shared::ApiError;
use shared::db::DbConnection;

use crate::db::login_failures;
use crate::domain::ratelimit::{self, Limit};
use crate::startup::LoginRules;

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
pub fn held(conn: &mut DbConnection, attempt: &Attempt, now: i64) -> Result<Option<u64>, ApiError> {
    let mut longest = None;
    for (key, limit) in &attempt.keys {
        let times = login_failures::since(conn, key, now - limit.window_ms)?;
        longest = longest.max(ratelimit::wait(&times, *limit, now));
    }
    Ok(longest)
}

/// A wrong password or unknown account: counted under every key; old rows go.
pub fn failed(conn: &mut DbConnection, attempt: &Attempt, now: i64) -> Result<(), ApiError> {
    let keys: Vec<&str> = attempt.keys.iter().map(|(k, _)| k.as_str()).collect();
    // Three rows that belong together.
    shared::db::write_tx(conn, |c| login_failures::record(c, &keys, now))?;
    let longest = attempt
        .keys
        .iter()
        .map(|(_, l)| l.window_ms)
        .max()
        .unwrap_or(0);
    login_failures::prune(conn, now - longest)?;
    Ok(())
}

/// A successful sign-in forgets the failures of its own account and address only: one
/// right password does not clear what an address or many addresses did.
pub fn succeeded(conn: &mut DbConnection, attempt: &Attempt) -> Result<(), ApiError> {
    login_failures::clear(conn, &attempt.keys[0].0)?;
    Ok(())
}
