//! Login throttling: failed sign-ins counted three ways, each over its own window. Per account
//! and address (a wrong password typed a few times), per address across accounts (one machine
//! guessing many usernames), and per account across addresses (many machines guessing one
//! password). Successes never count, so a call centre behind one address signs in all day.
//! The failures are kept in the database (`db::login_failures`), so every replica sees them;
//! keys are plain text (PostgreSQL refuses NUL in text).

/// At most `max` failures within `window_ms` before the key is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limit {
    pub max: usize,
    pub window_ms: i64,
}

/// The keys a sign-in by `username` from `address` is counted under, with their limits.
pub fn keys(
    username: &str,
    address: &str,
    per_pair: Limit,
    per_address: Limit,
    per_account: Limit,
) -> [(String, Limit); 3] {
    [
        (format!("pair\t{username}\t{address}"), per_pair),
        (format!("address\t{address}"), per_address),
        (format!("account\t{username}"), per_account),
    ]
}

/// `Some(seconds to wait)` when the failures at `times` (ms) reach `limit` at `now`.
pub fn wait(times: &[i64], limit: Limit, now: i64) -> Option<u64> {
    let recent: Vec<i64> = times
        .iter()
        .copied()
        .filter(|t| now - t < limit.window_ms)
        .collect();
    if recent.len() < limit.max {
        return None;
    }
    // Held until enough of the counted failures have left the window.
    let mut sorted = recent;
    sorted.sort_unstable();
    let freeing = sorted[sorted.len() - limit.max];
    let ms = (freeing + limit.window_ms - now).max(1_000);
    Some(u64::try_from((ms + 999) / 1_000).unwrap_or(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Limit = Limit {
        max: 5,
        window_ms: 60_000,
    };

    #[test]
    fn five_failures_hold_until_the_window_passes() {
        let t0 = 1_000_000;
        let four = [t0; 4];
        assert_eq!(wait(&four, MINUTE, t0), None);
        let five = [t0; 5];
        assert_eq!(wait(&five, MINUTE, t0), Some(60));
        assert_eq!(wait(&five, MINUTE, t0 + 30_000), Some(30));
        assert_eq!(wait(&five, MINUTE, t0 + 60_000), None);
        // Older failures outside the window do not count.
        let mixed = [t0 - 120_000, t0, t0, t0, t0];
        assert_eq!(wait(&mixed, MINUTE, t0), None);
    }

    #[test]
    fn a_sign_in_counts_three_ways() {
        let k = keys("wang", "203.0.113.5", MINUTE, MINUTE, MINUTE);
        assert!(k[0].0.contains("wang") && k[0].0.contains("203.0.113.5"));
        assert!(!k[1].0.contains("wang") && k[1].0.contains("203.0.113.5"));
        assert!(k[2].0.contains("wang") && !k[2].0.contains("203.0.113.5"));
    }
}
