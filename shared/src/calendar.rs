//! The working-day calendar (public holidays and make-up workdays, 调休) and working hours,
//! in China Standard Time. Deadlines count working days from the next working day.

use std::collections::BTreeSet;

use chrono::{
    DateTime, Datelike, Duration, FixedOffset, NaiveDate, NaiveTime, Offset, TimeZone, Utc, Weekday,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// China Standard Time, UTC+8 (no daylight saving).
pub fn cst() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| Utc.fix())
}

/// One year's file, as in `data/kb/calendar-2026.json`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CalendarYear {
    pub year: i32,
    #[serde(default)]
    pub source: Option<String>,
    /// `[from, to, name]`, inclusive.
    pub holidays: Vec<(NaiveDate, NaiveDate, String)>,
    pub adjusted_workdays: Vec<NaiveDate>,
}

/// Daily working hours, e.g. 09:00–12:00 and 13:30–17:30.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkingHours(pub Vec<(NaiveTime, NaiveTime)>);

impl WorkingHours {
    /// Parses `09:00-12:00,13:30-17:30`.
    pub fn parse(text: &str) -> Result<WorkingHours, String> {
        let mut ranges = Vec::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (a, b) = part
                .split_once('-')
                .ok_or_else(|| format!("bad range `{part}`"))?;
            let a =
                NaiveTime::parse_from_str(a.trim(), "%H:%M").map_err(|e| format!("`{a}`: {e}"))?;
            let b =
                NaiveTime::parse_from_str(b.trim(), "%H:%M").map_err(|e| format!("`{b}`: {e}"))?;
            if b <= a {
                return Err(format!("range `{part}` ends before it starts"));
            }
            if ranges.last().is_some_and(|(_, end)| *end > a) {
                return Err("ranges must be in order and not overlap".into());
            }
            ranges.push((a, b));
        }
        if ranges.is_empty() {
            return Err("no working hours".into());
        }
        Ok(WorkingHours(ranges))
    }

    pub fn end_of_day(&self) -> NaiveTime {
        self.0.last().map(|r| r.1).unwrap_or(NaiveTime::MIN)
    }

    /// Minutes of work in a working day (420 for 09:00–12:00 and 13:30–17:30).
    pub fn minutes_per_day(&self) -> i64 {
        self.0.iter().map(|(a, b)| (*b - *a).num_minutes()).sum()
    }
}

impl Default for WorkingHours {
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN);
        WorkingHours(vec![(t(9, 0), t(12, 0)), (t(13, 30), t(17, 30))])
    }
}

#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    holidays: BTreeSet<NaiveDate>,
    workdays: BTreeSet<NaiveDate>,
    pub hours: WorkingHours,
}

impl WorkCalendar {
    pub fn new(
        holidays: impl IntoIterator<Item = NaiveDate>,
        workdays: impl IntoIterator<Item = NaiveDate>,
        hours: WorkingHours,
    ) -> Self {
        WorkCalendar {
            holidays: holidays.into_iter().collect(),
            workdays: workdays.into_iter().collect(),
            hours,
        }
    }

    /// A calendar of the given years.
    pub fn of_years<'a>(years: impl IntoIterator<Item = &'a CalendarYear>) -> WorkCalendar {
        let mut c = WorkCalendar::default();
        for year in years {
            c.add_year(year);
        }
        c
    }

    pub fn add_year(&mut self, year: &CalendarYear) {
        for (from, to, _) in &year.holidays {
            let mut d = *from;
            while d <= *to {
                self.holidays.insert(d);
                d += Duration::days(1);
            }
        }
        self.workdays.extend(year.adjusted_workdays.iter().copied());
    }

    pub fn is_holiday(&self, d: NaiveDate) -> bool {
        self.holidays.contains(&d)
    }

    pub fn is_working_day(&self, d: NaiveDate) -> bool {
        if self.workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
    }

    fn next_working_day(&self, d: NaiveDate) -> NaiveDate {
        let mut d = d + Duration::days(1);
        // A year of days off in a row is a broken calendar; stop rather than loop forever.
        for _ in 0..366 {
            if self.is_working_day(d) {
                return d;
            }
            d += Duration::days(1);
        }
        d
    }

    fn at(&self, d: NaiveDate, t: NaiveTime) -> DateTime<Utc> {
        cst()
            .from_local_datetime(&d.and_time(t))
            .single()
            .map(|x| x.with_timezone(&Utc))
            .unwrap_or_else(|| Utc.from_utc_datetime(&d.and_time(t)))
    }

    /// The end of the `n`-th working day after `from`'s day (counting starts the next working
    /// day): a complaint taken 2026-09-30 16:00 with 13 days is due 2026-10-23 at close of day.
    pub fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        let mut d = from.with_timezone(&cst()).date_naive();
        for _ in 0..n.max(1) {
            d = self.next_working_day(d);
        }
        self.at(d, self.hours.end_of_day())
    }

    /// `from` plus `minutes` of working time (inside working hours on working days).
    pub fn add_working_minutes(&self, from: DateTime<Utc>, minutes: i64) -> DateTime<Utc> {
        let local = from.with_timezone(&cst());
        let mut day = local.date_naive();
        let mut time = local.time();
        let mut left = minutes.max(0);
        if !self.is_working_day(day) {
            day = self.next_working_day(day);
            time = NaiveTime::MIN;
        }
        for _ in 0..800 {
            for (start, end) in &self.hours.0 {
                let begin = time.max(*start);
                if begin >= *end {
                    continue;
                }
                let available = (*end - begin).num_minutes();
                if available >= left {
                    return self.at(day, begin + Duration::minutes(left));
                }
                left -= available;
                time = *end;
            }
            day = self.next_working_day(day);
            time = NaiveTime::MIN;
        }
        self.at(day, time)
    }

    /// Whether `when` falls inside working hours of a working day.
    pub fn is_working_time(&self, when: DateTime<Utc>) -> bool {
        let local = when.with_timezone(&cst());
        self.is_working_day(local.date_naive())
            && self
                .hours
                .0
                .iter()
                .any(|(a, b)| local.time() >= *a && local.time() < *b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cal() -> WorkCalendar {
        let year: CalendarYear =
            serde_json::from_str(include_str!("../../data/kb/calendar-2026.json")).unwrap();
        WorkCalendar::of_years([&year])
    }

    fn local(s: &str) -> DateTime<Utc> {
        crate::time::parse_cst_minute(s).unwrap()
    }

    fn local_str(t: DateTime<Utc>) -> String {
        t.with_timezone(&cst()).format("%Y-%m-%d %H:%M").to_string()
    }

    #[test]
    fn national_day_complaint_is_due_on_23_october() {
        let due = cal().add_working_days(local("2026-09-30 16:00"), 13);
        assert_eq!(local_str(due), "2026-10-23 17:30");
    }

    #[test]
    fn make_up_saturday_is_a_working_day() {
        let c = cal();
        assert!(c.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 10).unwrap()));
        assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 5).unwrap()));
        assert!(!c.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 11).unwrap()));
    }

    #[test]
    fn spring_festival_one_day_accept() {
        // Taken Friday 2026-02-13; 02-14 (Saturday) is a make-up workday.
        assert_eq!(
            local_str(cal().add_working_days(local("2026-02-13 10:00"), 1)),
            "2026-02-14 17:30"
        );
        // Taken on the make-up Saturday: the holiday runs 02-15..02-23, next working day 02-24.
        assert_eq!(
            local_str(cal().add_working_days(local("2026-02-14 10:00"), 1)),
            "2026-02-24 17:30"
        );
    }

    #[test]
    fn urgent_four_hours_late_on_friday_runs_into_monday() {
        // Friday 2026-11-27 16:30: one hour left that day, three more on Monday 11-30.
        let due = cal().add_working_minutes(local("2026-11-27 16:30"), 240);
        assert_eq!(local_str(due), "2026-11-30 12:00");
        // Taken at night: starts next morning.
        assert_eq!(
            local_str(cal().add_working_minutes(local("2026-11-26 22:00"), 240)),
            "2026-11-27 14:30"
        );
    }

    #[test]
    fn working_hours_parse() {
        assert!(WorkingHours::parse("09:00-12:00,13:30-17:30").is_ok());
        assert!(WorkingHours::parse("12:00-09:00").is_err());
        assert!(WorkingHours::parse("").is_err());
    }
}
