//! The working-day calendar, read from tickets (`GET /api/v1/calendar`) and cached. Requests
//! only ever read the cache, so an unreachable tickets service never fails or slows a request:
//! until the first successful fetch the calendar is plain weekdays.

use std::sync::RwLock;
use std::time::Duration;

use shared::calendar::{CalendarYear, WorkCalendar, WorkingHours};
use shared::clients::TicketsClient;
use shared::contract::tickets::CalendarAnswer;

/// How long a fetched calendar is used before it is fetched again.
pub const REFRESH: Duration = Duration::from_secs(600);
/// How soon to try again after a failed fetch.
pub const RETRY: Duration = Duration::from_secs(30);

#[derive(Default)]
pub struct CalendarCache {
    calendar: RwLock<Option<WorkCalendar>>,
}

impl CalendarCache {
    /// The cached calendar, or plain weekdays when none has been fetched.
    pub fn get(&self) -> WorkCalendar {
        self.calendar
            .read()
            .map(|c| c.clone())
            .unwrap_or_else(|p| p.into_inner().clone())
            .unwrap_or_default()
    }

    pub fn is_loaded(&self) -> bool {
        self.calendar.read().map(|c| c.is_some()).unwrap_or(false)
    }

    pub fn set(&self, calendar: WorkCalendar) {
        match self.calendar.write() {
            Ok(mut c) => *c = Some(calendar),
            Err(p) => *p.into_inner() = Some(calendar),
        }
    }

    /// Parses tickets' answer into a calendar.
    pub fn parse(answer: &CalendarAnswer) -> Result<WorkCalendar, String> {
        let hours = WorkingHours::parse(&answer.working_hours)?;
        let mut c = WorkCalendar::new([], [], hours);
        for y in &answer.years {
            c.add_year(&CalendarYear {
                year: y.year,
                source: y.source.clone(),
                holidays: y.holidays.clone(),
                adjusted_workdays: y.adjusted_workdays.clone(),
            });
        }
        Ok(c)
    }

    /// Fetches once; true on success.
    pub async fn refresh(&self, client: &TicketsClient) -> bool {
        match client.calendar().await {
            Ok(v) => match Self::parse(&v) {
                Ok(c) => {
                    self.set(c);
                    true
                }
                Err(e) => {
                    tracing::warn!(error = %e, "tickets' calendar answer not understood");
                    false
                }
            },
            Err(e) => {
                tracing::debug!(error = %e, "calendar not available; using plain weekdays");
                false
            }
        }
    }
}

/// Keeps the cache fresh for as long as the service runs.
pub async fn refresh_loop(cache: std::sync::Arc<CalendarCache>, client: TicketsClient) {
    loop {
        let wait = if cache.refresh(&client).await {
            REFRESH
        } else {
            RETRY
        };
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn tickets_calendar_answer_parses() {
        let answer = serde_json::json!({
            "years": [{"year": 2026, "holidays": [["2026-10-01", "2026-10-07", "国庆节"]],
                       "adjusted_workdays": ["2026-10-10"], "source": null}],
            "working_hours": "09:00-12:00,13:30-17:30"
        });
        let answer: CalendarAnswer = serde_json::from_value(answer).unwrap();
        let c = CalendarCache::parse(&answer).unwrap();
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        assert!(!c.is_working_day(d(10, 1)));
        assert!(c.is_working_day(d(10, 10)));
        let bad_hours = CalendarAnswer {
            working_hours: "nine to five".into(),
            ..answer
        };
        assert!(CalendarCache::parse(&bad_hours).is_err());
        let cache = CalendarCache::default();
        assert!(!cache.is_loaded());
        assert!(
            cache.get().is_working_day(d(10, 1)),
            "plain weekdays until loaded"
        );
        cache.set(c);
        assert!(!cache.get().is_working_day(d(10, 1)));
    }
}
