//! Login rate limiting: a sliding window of failed attempts per key (username and address).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct FailureLimiter {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, Vec<Instant>>>,
}

impl FailureLimiter {
    pub fn new(max_failures: usize, window: Duration) -> Self {
        FailureLimiter {
            max_failures,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Some(seconds to wait)` while `key` has used up its failures in the window.
    pub fn blocked(&self, key: &str, now: Instant) -> Option<u64> {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let times = map.get(key)?;
        let recent: Vec<&Instant> = times
            .iter()
            .filter(|t| now.duration_since(**t) < self.window)
            .collect();
        if recent.len() < self.max_failures {
            return None;
        }
        let oldest = recent.iter().min()?;
        let wait = self.window.saturating_sub(now.duration_since(**oldest));
        Some(wait.as_secs().max(1))
    }

    pub fn fail(&self, key: &str, now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        // Keep the map small under a flood of distinct keys: drop entries with nothing recent.
        if map.len() > 10_000 {
            let window = self.window;
            map.retain(|_, v| v.iter().any(|t| now.duration_since(*t) < window));
        }
        let times = map.entry(key.to_string()).or_default();
        times.retain(|t| now.duration_since(*t) < self.window);
        times.push(now);
    }

    pub fn succeed(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_failures_block_until_the_window_passes() {
        let l = FailureLimiter::new(5, Duration::from_secs(60));
        let t0 = Instant::now();
        for _ in 0..4 {
            l.fail("a", t0);
        }
        assert!(l.blocked("a", t0).is_none());
        l.fail("a", t0);
        assert!(l.blocked("a", t0).is_some());
        assert!(l.blocked("b", t0).is_none());
        assert!(l.blocked("a", t0 + Duration::from_secs(61)).is_none());
        l.succeed("a");
        assert!(l.blocked("a", t0).is_none());
    }
}
