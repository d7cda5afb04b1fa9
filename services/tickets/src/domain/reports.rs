//! The reports for supervisors, computed from the rows of a range of China-time days: calls
//! per day, and the replenishment loop per region.

use std::collections::BTreeMap;

use chrono::{Days, NaiveDate};
use shared::ApiError;
use shared::time::{CST_OFFSET_MS, DAY_MS, day_number_to_date};

use super::{Classification, Satisfaction, Status};

pub use shared::contract::tickets::{
    CallDay, CallsDaily, RegionReplenishment, ReplenishmentReport,
};

/// The days a report covers: `to` defaults to `today`, `from` to `default_days` before `to`;
/// at most 366 days.
pub fn range(
    today: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    default_days: u64,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let to = to.unwrap_or(today);
    let from = match from {
        Some(f) => f,
        None => to.checked_sub_days(Days::new(default_days)).unwrap_or(to),
    };
    if from > to {
        return Err(ApiError::bad_request("`from` is after `to`"));
    }
    if (to - from).num_days() > 366 {
        return Err(ApiError::bad_request("the range is at most 366 days"));
    }
    Ok((from, to))
}

/// The start of a China-time day in epoch milliseconds.
pub fn day_start(d: NaiveDate) -> i64 {
    use chrono::TimeZone;
    shared::calendar::cst()
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

/// A day with every count at zero.
fn empty_day(date: NaiveDate) -> CallDay {
    CallDay {
        date,
        total: 0,
        classification: Classification::ALL
            .iter()
            .map(|c| (c.as_str().to_string(), 0))
            .collect(),
        satisfaction: Satisfaction::ALL
            .iter()
            .map(|s| s.as_str().to_string())
            .chain(["none".to_string()])
            .map(|s| (s, 0))
            .collect(),
    }
}

/// Every day of `[from, to]` (zeros included) with the calls `rows` (created_at,
/// classification, satisfaction) counted on their China-time day.
pub fn calls_daily(
    from: NaiveDate,
    to: NaiveDate,
    rows: Vec<(i64, String, Option<String>)>,
) -> CallsDaily {
    let mut days: BTreeMap<NaiveDate, CallDay> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        days.insert(d, empty_day(d));
        d = match d.succ_opt() {
            Some(n) => n,
            None => break,
        };
    }
    for (at, class, sat) in rows {
        let date = day_number_to_date((at + CST_OFFSET_MS).div_euclid(DAY_MS));
        if let Some(day) = days.get_mut(&date) {
            day.total += 1;
            *day.classification.entry(class).or_default() += 1;
            *day.satisfaction
                .entry(sat.unwrap_or_else(|| "none".into()))
                .or_default() += 1;
        }
    }
    CallsDaily {
        from,
        to,
        days: days.into_values().collect(),
    }
}

/// The no-info tickets `rows` (region, created_at, status, answered_at) per region.
pub fn replenishment(
    from: NaiveDate,
    to: NaiveDate,
    rows: Vec<(String, i64, String, Option<i64>)>,
) -> ReplenishmentReport {
    let mut per: BTreeMap<String, (i64, i64, Vec<i64>)> = BTreeMap::new();
    for (region, created, status, answered) in rows {
        let e = per.entry(region).or_default();
        e.0 += 1;
        if status == Status::Closed.as_str() {
            e.1 += 1;
        }
        if let Some(a) = answered {
            e.2.push((a - created) / 1000);
        }
    }
    let regions = per
        .into_iter()
        .map(|(region, (opened, closed, times))| RegionReplenishment {
            region,
            opened,
            closed,
            answered: times.len() as i64,
            median_seconds_to_answer: median(times),
        })
        .collect();
    ReplenishmentReport { from, to, regions }
}

/// The median of some durations (the mean of the middle two for an even count).
pub fn median(mut values: Vec<i64>) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn ranges_default_and_are_bounded() {
        let today = day(12, 4);
        assert_eq!(range(today, None, None, 6).ok(), Some((day(11, 28), today)));
        assert_eq!(
            range(today, Some(day(12, 1)), Some(day(12, 2)), 6).ok(),
            Some((day(12, 1), day(12, 2)))
        );
        assert!(range(today, Some(day(12, 3)), Some(day(12, 2)), 6).is_err());
        assert!(range(today, Some(day(1, 1)), Some(day(12, 31)), 6).is_ok());
        let long_ago = NaiveDate::from_ymd_opt(2024, 1, 1).unwrap();
        assert!(range(today, Some(long_ago), None, 6).is_err());
    }

    #[test]
    fn calls_count_on_their_china_day() {
        // 2026-12-01 16:30 UTC is 2026-12-02 00:30 in China.
        let late = day_start(day(12, 2)) + 30 * 60_000;
        let rows = vec![
            (late, "complaint".to_string(), Some("satisfied".to_string())),
            (late, "complaint".to_string(), None),
        ];
        let report = calls_daily(day(12, 1), day(12, 3), rows);
        assert_eq!(report.days.len(), 3);
        assert_eq!(report.days[0].total, 0);
        assert_eq!(report.days[1].total, 2);
        assert_eq!(report.days[1].classification["complaint"], 2);
        assert_eq!(report.days[1].satisfaction["none"], 1);
        assert_eq!(report.days[1].satisfaction["satisfied"], 1);
    }

    #[test]
    fn replenishment_per_region() {
        let rows = vec![
            ("530100".to_string(), 0, "closed".to_string(), Some(60_000)),
            ("530100".to_string(), 0, "dispatched".to_string(), None),
            ("530300".to_string(), 0, "accepted".to_string(), None),
        ];
        let r = replenishment(day(12, 1), day(12, 1), rows);
        assert_eq!(r.regions.len(), 2);
        assert_eq!(r.regions[0].opened, 2);
        assert_eq!(r.regions[0].closed, 1);
        assert_eq!(r.regions[0].median_seconds_to_answer, Some(60));
        assert_eq!(r.regions[1].answered, 0);
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![5]), Some(5));
        assert_eq!(median(vec![9, 1, 5]), Some(5));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
    }
}
