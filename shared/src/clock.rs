//! The time source. Production uses the system clock; end-to-end tests start a service with a
//! manual clock they move forward (`HOTLINE_TEST_CLOCK`, honoured only in debug builds).

use std::sync::{Arc, RwLock};

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Default)]
pub struct Clock {
    manual: Option<Arc<RwLock<DateTime<Utc>>>>,
}

impl Clock {
    pub fn system() -> Clock {
        Clock { manual: None }
    }

    pub fn manual(start: DateTime<Utc>) -> Clock {
        Clock {
            manual: Some(Arc::new(RwLock::new(start))),
        }
    }

    /// `HOTLINE_TEST_CLOCK=<RFC 3339 time>` gives a manual clock, but only in a debug build:
    /// a release binary always runs on the system clock.
    pub fn from_setting(test_clock: Option<&str>) -> Clock {
        if cfg!(debug_assertions)
            && let Some(start) = test_clock.and_then(|v| DateTime::parse_from_rfc3339(v).ok())
        {
            return Clock::manual(start.with_timezone(&Utc));
        }
        Clock::system()
    }

    pub fn is_manual(&self) -> bool {
        self.manual.is_some()
    }

    pub fn now(&self) -> DateTime<Utc> {
        match &self.manual {
            Some(t) => t.read().map(|t| *t).unwrap_or_else(|p| *p.into_inner()),
            None => Utc::now(),
        }
    }

    /// Moves a manual clock; does nothing to the system clock.
    pub fn advance(&self, by: Duration) {
        if let Some(t) = &self.manual
            && let Ok(mut t) = t.write()
        {
            *t += by;
        }
    }

    pub fn set(&self, to: DateTime<Utc>) {
        if let Some(t) = &self.manual
            && let Ok(mut t) = t.write()
        {
            *t = to;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_told() {
        let start = DateTime::parse_from_rfc3339("2026-09-30T08:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let c = Clock::manual(start);
        assert_eq!(c.now(), start);
        c.advance(Duration::hours(2));
        assert_eq!(c.now(), start + Duration::hours(2));
        let s = Clock::system();
        s.advance(Duration::days(1));
        assert!((s.now() - Utc::now()).num_seconds().abs() < 5);
    }
}
