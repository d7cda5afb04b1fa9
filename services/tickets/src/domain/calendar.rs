//! The working-day calendar this service owns: seeded from the vendored year files, stored in
//! the database, edited by admins for new years.
//!
//! Hand-written on purpose: no maintained crate knows China's working days, where the State
//! Council announces each year's holidays and the weekend days worked instead (调休), so the
//! calendar is data an admin enters per year, and the rules over it are ours
//! (`shared::calendar`).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::calendar::{CalendarYear, WorkCalendar, WorkingHours};
use utoipa::ToSchema;

/// The vendored year files, compiled in so that a lone binary has them.
pub const SEEDS: &[&str] = &[include_str!("../../../../data/kb/calendar-2026.json")];

pub fn seeds() -> Vec<CalendarYear> {
    SEEDS
        .iter()
        .filter_map(|text| match serde_json::from_str::<CalendarYear>(text) {
            Ok(y) => Some(y),
            Err(e) => {
                tracing::error!(error = %e, "vendored calendar file does not parse");
                None
            }
        })
        .collect()
}

/// The calendar in memory: the stored years and the working hours.
#[derive(Debug, Clone)]
pub struct CalendarState {
    pub years: Vec<CalendarYear>,
    pub hours_text: String,
    pub calendar: WorkCalendar,
}

impl CalendarState {
    pub fn new(years: Vec<CalendarYear>, hours_text: &str, hours: WorkingHours) -> CalendarState {
        let mut calendar = WorkCalendar::new([], [], hours);
        for y in &years {
            calendar.add_year(y);
        }
        CalendarState {
            years,
            hours_text: hours_text.to_string(),
            calendar,
        }
    }
}

/// `PUT /api/v1/calendar/{year}`: the shape of `calendar-2026.json`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "year": 2027, "source": "国务院办公厅关于2027年部分节假日安排的通知",
    "holidays": [["2027-01-01", "2027-01-03", "元旦"], ["2027-10-01", "2027-10-07", "国庆节"]],
    "adjusted_workdays": ["2027-09-26", "2027-10-09"]
}))]
#[serde(deny_unknown_fields)]
pub struct CalendarYearInput {
    /// Must equal the year in the path when given.
    #[serde(default)]
    pub year: Option<i32>,
    #[serde(default)]
    pub source: Option<String>,
    /// `[from, to, name]`, inclusive dates.
    #[schema(value_type = Vec<Vec<String>>)]
    pub holidays: Vec<(NaiveDate, NaiveDate, String)>,
    #[schema(value_type = Vec<String>)]
    pub adjusted_workdays: Vec<NaiveDate>,
}

impl CalendarYearInput {
    /// Checks the year file and turns it into the stored form.
    pub fn validate(self, year: i32) -> Result<CalendarYear, ApiError> {
        if !(2000..=2100).contains(&year) {
            return Err(ApiError::bad_request("year must be between 2000 and 2100"));
        }
        if self.year.is_some_and(|y| y != year) {
            return Err(ApiError::bad_request(
                "the body's `year` differs from the path",
            ));
        }
        if self.holidays.len() > 50 || self.adjusted_workdays.len() > 50 {
            return Err(ApiError::bad_request("too many entries for one year"));
        }
        if let Some(s) = &self.source {
            shared::web::check_len("source", s, 500)?;
        }
        // A holiday may run over New Year, so the neighbouring years are allowed at the edges.
        let near = |d: &NaiveDate| (year - 1..=year + 1).contains(&d.year());
        for (from, to, name) in &self.holidays {
            shared::web::check_required("holiday name", name, 50)?;
            if to < from {
                return Err(ApiError::bad_request(format!(
                    "holiday {name}: ends before it starts"
                )));
            }
            if !near(from) || !near(to) || (*to - *from).num_days() > 31 {
                return Err(ApiError::bad_request(format!(
                    "holiday {name}: dates must lie in {year} and span at most a month"
                )));
            }
        }
        if let Some(d) = self.adjusted_workdays.iter().find(|d| d.year() != year) {
            return Err(ApiError::bad_request(format!(
                "make-up workday {d} is not in {year}"
            )));
        }
        Ok(CalendarYear {
            year,
            source: self.source,
            holidays: self.holidays,
            adjusted_workdays: self.adjusted_workdays,
        })
    }
}

pub use shared::contract::tickets::{CalendarAnswer, CalendarYearOut};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_parse_and_validate() {
        let s = seeds();
        assert_eq!(s.len(), SEEDS.len());
        assert_eq!(s[0].year, 2026);
        let input: CalendarYearInput = serde_json::from_str(SEEDS[0]).unwrap();
        assert!(input.clone().validate(2026).is_ok());
        assert!(input.validate(2027).is_err());
        let bad: Result<CalendarYearInput, _> =
            serde_json::from_str(r#"{"holidays":[],"adjusted_workdays":[],"extra":1}"#);
        assert!(bad.is_err());
        let backwards: CalendarYearInput = serde_json::from_str(
            r#"{"holidays":[["2027-02-10","2027-02-01","春节"]],"adjusted_workdays":[]}"#,
        )
        .unwrap();
        assert!(backwards.validate(2027).is_err());
    }
}
