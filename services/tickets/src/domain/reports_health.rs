//! The knowledge base health report (知识库健康度, issue 19): how often callers' questions find
//! nothing (unconfident searches and no-info tickets per 1,000 calls), how long a no-info
//! ticket waits for its applied entry (median and p90), and, from the knowledge service when
//! the report is read, the unanswered queries still open and the entries not reviewed for N
//! months.
//!
//! Counts are of events on their China-time day, so they add up over days and regions: the
//! report is a sum over the roll-up table `report_kb_days` (no-info tickets, added in the
//! transaction that takes them; the knowledge service's search counts, added when they
//! arrive). A median is not a sum: the times to an applied entry are kept one row per ticket in
//! `report_kb_answers` (written in the `knowledge_applied` event's transaction), and the report
//! reads them counted per region and [`answer_bucket`]: a few hundred rows per region however
//! many entries were applied, never the tickets.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shared::contract::tickets::SearchDayCount;
use utoipa::ToSchema;

use super::TicketType;
use super::record::TicketRecord;
use super::reports::{Cell, china_day, csv_line, rate, region_and_parents, region_prefix};

/// What events add to one roll-up row of `report_kb_days`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HealthCounts {
    /// 搜索次数: searches at the knowledge service.
    pub searches: i64,
    /// 未确信搜索: of those, searches whose answer was not confident (the unanswered report's).
    pub unconfident: i64,
    /// 查无信息工单: no-info tickets taken.
    pub no_info: i64,
}

impl HealthCounts {
    pub fn add(&mut self, o: &HealthCounts) {
        self.searches += o.searches;
        self.unconfident += o.unconfident;
        self.no_info += o.no_info;
    }
}

/// What one change adds to the roll-ups: its row (China day `YYYY-MM-DD`, region, department;
/// `""` where the change has none) and the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HealthTally {
    pub day: String,
    pub region: String,
    pub department: String,
    pub counts: HealthCounts,
}

/// What a ticket just taken adds: one no-info ticket on its day, in its region, under the
/// department it was dispatched to; nothing for other tickets.
pub fn ticket_taken(rec: &TicketRecord) -> Option<HealthTally> {
    (rec.ticket_type == TicketType::NoInfo).then(|| HealthTally {
        day: china_day(rec.created_at),
        region: rec.region.clone(),
        department: rec.department.clone().unwrap_or_default(),
        counts: HealthCounts {
            no_info: 1,
            ..HealthCounts::default()
        },
    })
}

/// What a day's search counts from knowledge add (searches carry no department).
pub fn searched(c: &SearchDayCount) -> HealthTally {
    HealthTally {
        day: c.day.to_string(),
        region: c.region.clone(),
        department: String::new(),
        counts: HealthCounts {
            searches: c.searches,
            unconfident: c.unconfident,
            no_info: 0,
        },
    }
}

/// A no-info ticket answered by an applied entry: the seconds from its taking to the
/// application, under the China day of the application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerTime {
    pub ticket_id: String,
    pub day: String,
    pub region: String,
    pub department: String,
    pub seconds: i64,
}

/// The answer time a ticket's change records: a no-info ticket's `knowledge_applied`.
pub fn answer_time(after: &TicketRecord, action: &str) -> Option<AnswerTime> {
    if action != "knowledge_applied" || after.ticket_type != TicketType::NoInfo {
        return None;
    }
    let answered = after.answered_at?;
    Some(AnswerTime {
        ticket_id: after.id.clone(),
        day: china_day(answered),
        region: after.region.clone(),
        department: after.department.clone().unwrap_or_default(),
        seconds: (answered - after.created_at).max(0) / 1000,
    })
}

/// An answer time kept to what the report shows and no finer: to 6 minutes (0.1 hour) under a
/// day, to the hour up to 30 days, to the day beyond. Rounding down keeps the order, so a
/// percentile of the rounded times is the true percentile rounded the same way; and the report
/// reads one count per region and rounded time instead of one row per ticket
/// (`db::reports_health::times` rounds in SQL by this rule).
pub fn answer_bucket(seconds: i64) -> i64 {
    let step = if seconds < 86_400 {
        360
    } else if seconds < 2_592_000 {
        3_600
    } else {
        86_400
    };
    seconds.div_euclid(step) * step
}

/// Answer times counted: time (an [`answer_bucket`]) → how many.
pub type TimeCounts = BTreeMap<i64, i64>;

/// The `percent` percentile by nearest rank: the smallest time at or above `percent` % of them.
/// The median is the 50th (of an even count, the lower of the two middle times).
pub fn percentile(times: &TimeCounts, percent: i64) -> Option<i64> {
    let n: i64 = times.values().sum();
    let rank = (n * percent + 99) / 100;
    let mut seen = 0;
    for (t, k) in times {
        seen += k;
        if seen >= rank.max(1) {
            return Some(*t);
        }
    }
    None
}

/// `n` per 1,000 of `calls`, rounded to 2 places; none without calls.
pub fn per_thousand(n: i64, calls: i64) -> Option<f64> {
    (calls > 0).then(|| (n as f64 * 1000.0 / calls as f64 * 100.0).round() / 100.0)
}

/// The report's figures for a region or everything.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthFigures {
    #[serde(flatten)]
    pub counts: HealthCounts,
    /// 未确信率: `unconfident / searches` (0 to 1, 4 places).
    pub unconfident_rate: Option<f64>,
    /// 每千次来电未确信搜索: `unconfident × 1000 / calls` (calls of the whole hotline).
    pub unconfident_per_1000_calls: Option<f64>,
    /// 每千次来电查无信息: `no_info × 1000 / calls`.
    pub no_info_per_1000_calls: Option<f64>,
    /// 已补充条目: no-info tickets answered by an entry applied in the range.
    pub applied: i64,
    /// 补充用时中位数, in seconds from the ticket to the applied entry (nearest rank; to 6
    /// minutes under a day, the hour up to 30 days, the day beyond).
    pub median_seconds_to_applied: Option<i64>,
    /// 补充用时P90, in seconds (nearest rank, kept as the median is).
    pub p90_seconds_to_applied: Option<i64>,
}

impl HealthFigures {
    pub fn of(c: HealthCounts, calls: i64, times: &TimeCounts) -> HealthFigures {
        HealthFigures {
            counts: c,
            unconfident_rate: rate(c.unconfident, c.searches),
            unconfident_per_1000_calls: per_thousand(c.unconfident, calls),
            no_info_per_1000_calls: per_thousand(c.no_info, calls),
            applied: times.values().sum(),
            median_seconds_to_applied: percentile(times, 50),
            p90_seconds_to_applied: percentile(times, 90),
        }
    }
}

/// One region's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthRow {
    /// The region's code.
    pub region: String,
    #[serde(flatten)]
    pub figures: HealthFigures,
}

/// The knowledge base as it stands when the report is read (the knowledge service's answer);
/// absent when knowledge could not be asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthNow {
    /// 未解答查询: unanswered queries still open, last asked in the region filter.
    pub open_unanswered: i64,
    /// 长期未复核条目: published entries last changed `months` or more months ago.
    pub stale_entries: i64,
    pub months: u32,
}

/// One day of the report's trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HealthDay {
    pub date: NaiveDate,
    pub searches: i64,
    pub unconfident: i64,
    pub no_info: i64,
}

/// The answer of `GET /api/v1/reports/kb-health`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HealthReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The region filter, if any (its sub-regions included).
    pub region: Option<String>,
    /// The department filter, if any: searches carry no department, so it leaves them out.
    pub department: Option<String>,
    /// 来电量: the calls of the range, the rates' base. Calls carry no region or department:
    /// always the whole hotline's.
    pub calls: i64,
    /// Rolled up the region tree: one row per region with anything to count and per region
    /// above it inside the filter, by code. Searches asked without a region are in the total
    /// only.
    pub regions: Vec<HealthRow>,
    /// Everything the filters select.
    pub total: HealthFigures,
    /// From the knowledge service when the report was read; `null` when it could not answer.
    pub now: Option<HealthNow>,
    /// Every day of the range (the trend), zeros included.
    pub days: Vec<HealthDay>,
}

/// What the report reads: the roll-ups summed per region, the answer times counted per region
/// (region, [`answer_bucket`], how many), the roll-ups per day (day, counts), all filtered; the
/// calls; knowledge's answer.
pub struct HealthInput {
    pub rows: Vec<(String, HealthCounts)>,
    pub times: Vec<(String, i64, i64)>,
    pub days: Vec<(String, HealthCounts)>,
    pub calls: i64,
    pub now: Option<HealthNow>,
}

/// The report from what was read for `from..=to`, `region` and `department`.
pub fn health_report(
    from: NaiveDate,
    to: NaiveDate,
    region: Option<String>,
    department: Option<String>,
    input: HealthInput,
) -> HealthReport {
    let prefix = region.as_deref().map(region_prefix).unwrap_or("");
    let mut per: BTreeMap<String, (HealthCounts, TimeCounts)> = BTreeMap::new();
    let mut total = (HealthCounts::default(), TimeCounts::new());
    let mut count = |reg: &str, c: &HealthCounts, time: Option<(i64, i64)>| {
        // Searches asked without a region: the total only.
        let tree = if reg.is_empty() {
            Vec::new()
        } else {
            region_and_parents(reg)
        };
        for r in tree.into_iter().filter(|r| r.starts_with(prefix)) {
            let e = per.entry(r).or_default();
            e.0.add(c);
            if let Some((t, n)) = time {
                *e.1.entry(t).or_default() += n;
            }
        }
        total.0.add(c);
        if let Some((t, n)) = time {
            *total.1.entry(t).or_default() += n;
        }
    };
    for (reg, c) in &input.rows {
        count(reg, c, None);
    }
    for (reg, time, n) in &input.times {
        count(reg, &HealthCounts::default(), Some((*time, *n)));
    }
    let given: BTreeMap<&str, HealthCounts> =
        input.days.iter().map(|(d, c)| (d.as_str(), *c)).collect();
    let days = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let c = given
                .get(date.to_string().as_str())
                .copied()
                .unwrap_or_default();
            HealthDay {
                date,
                searches: c.searches,
                unconfident: c.unconfident,
                no_info: c.no_info,
            }
        })
        .collect();
    let calls = input.calls;
    HealthReport {
        from,
        to,
        region,
        department,
        calls,
        regions: per
            .into_iter()
            .map(|(region, (c, times))| HealthRow {
                region,
                figures: HealthFigures::of(c, calls, &times),
            })
            .collect(),
        total: HealthFigures::of(total.0, calls, &total.1),
        now: input.now,
        days,
    }
}

/// The report's columns in downloads.
pub const HEALTH_COLUMNS: &[&str] = &[
    "区划编码",
    "搜索次数",
    "未确信搜索",
    "未确信率",
    "每千次来电未确信搜索",
    "查无信息工单",
    "每千次来电查无信息",
    "已补充条目",
    "补充用时中位数(小时)",
    "补充用时P90(小时)",
];

/// Seconds as hours with one decimal; empty for none.
pub fn hours(seconds: Option<i64>) -> String {
    seconds.map_or_else(String::new, |s| format!("{:.1}", s as f64 / 3600.0))
}

fn thousandths(v: Option<f64>) -> String {
    v.map_or_else(String::new, |v| format!("{v:.2}"))
}

/// A row's cells in [`HEALTH_COLUMNS`] order.
pub fn health_cells(first: &str, f: &HealthFigures) -> Vec<Cell> {
    let c = &f.counts;
    vec![
        Cell::Text(first.to_string()),
        Cell::Count(c.searches),
        Cell::Count(c.unconfident),
        Cell::Share(f.unconfident_rate),
        Cell::Text(thousandths(f.unconfident_per_1000_calls)),
        Cell::Count(c.no_info),
        Cell::Text(thousandths(f.no_info_per_1000_calls)),
        Cell::Count(f.applied),
        Cell::Text(hours(f.median_seconds_to_applied)),
        Cell::Text(hours(f.p90_seconds_to_applied)),
    ]
}

/// Every line of the table: the header, one per region, the total.
pub fn health_lines(r: &HealthReport) -> Vec<Vec<Cell>> {
    let header = HEALTH_COLUMNS
        .iter()
        .map(|c| Cell::Text((*c).into()))
        .collect();
    std::iter::once(header)
        .chain(
            r.regions
                .iter()
                .map(|x| health_cells(&x.region, &x.figures)),
        )
        .chain([health_cells("合计", &r.total)])
        .collect()
}

/// The figures that are one number each: the calls and knowledge's state now.
pub fn health_facts(r: &HealthReport) -> Vec<(String, String)> {
    let now = |f: fn(&HealthNow) -> i64| {
        r.now
            .as_ref()
            .map_or_else(|| "（知识库暂不可达）".to_string(), |n| f(n).to_string())
    };
    let months = r.now.as_ref().map_or(0, |n| n.months);
    vec![
        ("来电量".into(), r.calls.to_string()),
        ("未解答查询(当前)".into(), now(|n| n.open_unanswered)),
        (
            format!("超过{months}个月未复核条目(当前)"),
            now(|n| n.stale_entries),
        ),
    ]
}

/// The report as CSV: UTF-8 with a byte-order mark, the table, then the single figures.
pub fn health_csv(r: &HealthReport) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for line in health_lines(r) {
        csv_line(&mut out, &line);
    }
    out.push_str("\r\n");
    for (k, v) in health_facts(r) {
        csv_line(&mut out, &[Cell::Text(k), Cell::Text(v)]);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::intake::tests::sample;
    use crate::domain::reports::day_start;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn a_no_info_ticket_counts_on_its_day_and_its_applied_entry_times_it() {
        let mut t = sample(TicketType::NoInfo, false);
        t.created_at = day_start(day(2)) + 30 * 60_000;
        let taken = ticket_taken(&t).unwrap();
        assert_eq!(taken.day, "2026-12-02");
        assert_eq!(
            (taken.region.as_str(), taken.department.as_str()),
            ("530100", "530100-zfb")
        );
        assert_eq!(taken.counts.no_info, 1);
        assert_eq!(ticket_taken(&sample(TicketType::Complaint, false)), None);
        assert_eq!(answer_time(&t, "knowledge_applied"), None, "not answered");
        t.answered_at = Some(day_start(day(4)) + 3_600_000);
        let a = answer_time(&t, "knowledge_applied").unwrap();
        assert_eq!(a.day, "2026-12-04");
        assert_eq!(a.seconds, 2 * 86_400 + 1_800);
        assert_eq!(answer_time(&t, "close"), None);
    }

    #[test]
    fn percentiles_by_nearest_rank_over_counted_times() {
        let counted = |v: Vec<i64>| {
            let mut c = TimeCounts::new();
            for t in v {
                *c.entry(t).or_default() += 1;
            }
            c
        };
        assert_eq!(percentile(&counted(vec![]), 90), None);
        assert_eq!(percentile(&counted(vec![7]), 90), Some(7));
        assert_eq!(percentile(&counted(vec![7]), 50), Some(7));
        assert_eq!(percentile(&counted((1..=10).collect()), 90), Some(9));
        assert_eq!(percentile(&counted((1..=11).collect()), 90), Some(10));
        assert_eq!(
            percentile(&counted((1..=10).collect()), 50),
            Some(5),
            "the lower middle"
        );
        assert_eq!(percentile(&counted((1..=11).collect()), 50), Some(6));
        assert_eq!(percentile(&counted(vec![1, 2, 2, 2, 9]), 90), Some(9));
        assert_eq!(percentile(&counted(vec![1, 2, 2, 2, 9]), 50), Some(2));
        assert_eq!(per_thousand(3, 400), Some(7.5));
        assert_eq!(per_thousand(1, 3), Some(333.33));
        assert_eq!(per_thousand(1, 0), None);
    }

    #[test]
    fn answer_times_are_kept_to_what_the_report_shows() {
        assert_eq!(answer_bucket(0), 0);
        assert_eq!(answer_bucket(359), 0);
        assert_eq!(answer_bucket(3_599), 3_240, "0.9 hours");
        assert_eq!(answer_bucket(86_399), 86_040);
        assert_eq!(
            answer_bucket(86_400 + 3_599),
            86_400,
            "the hour after a day"
        );
        assert_eq!(
            answer_bucket(2_592_000 + 86_399),
            2_592_000,
            "the day after 30"
        );
        // Rounding down keeps the order, so percentiles commute with it.
        let rounded: Vec<i64> = (0..3_000_000).step_by(97).map(answer_bucket).collect();
        assert!(rounded.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn the_report_rolls_up_regions_and_keeps_regionless_searches_in_the_total() {
        let c = |searches, unconfident, no_info| HealthCounts {
            searches,
            unconfident,
            no_info,
        };
        let input = HealthInput {
            rows: vec![
                ("530102".into(), c(10, 2, 1)),
                ("530302".into(), c(0, 0, 3)),
                (String::new(), c(5, 5, 0)),
            ],
            times: vec![("530102".into(), 3_600, 1), ("530302".into(), 7_200, 1)],
            days: vec![("2026-12-02".into(), c(15, 7, 4))],
            calls: 200,
            now: None,
        };
        let r = health_report(day(1), day(3), None, None, input);
        let codes: Vec<&str> = r.regions.iter().map(|x| x.region.as_str()).collect();
        assert_eq!(codes, ["530000", "530100", "530102", "530300", "530302"]);
        assert_eq!(r.regions[0].figures.counts.searches, 10);
        assert_eq!(r.regions[0].figures.applied, 2);
        assert_eq!(r.regions[0].figures.median_seconds_to_applied, Some(3_600));
        assert_eq!(r.total.counts.searches, 15);
        assert_eq!(r.total.unconfident_per_1000_calls, Some(35.0));
        assert_eq!(r.total.no_info_per_1000_calls, Some(20.0));
        assert_eq!(r.total.p90_seconds_to_applied, Some(7_200));
        assert_eq!(r.days.len(), 3);
        assert_eq!((r.days[1].unconfident, r.days[2].no_info), (7, 0));
        let csv = String::from_utf8(health_csv(&r)).unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert!(lines[0].starts_with("区划编码,搜索次数,未确信搜索,未确信率"));
        assert!(
            lines[3].starts_with("530102,10,2,20.0%,10.00,1,5.00,1,1.0,1.0"),
            "{}",
            lines[3]
        );
        assert!(
            csv.contains("合计,15,7,46.7%,35.00,4,20.00,2,1.0,2.0"),
            "{csv}"
        );
        assert!(csv.contains("来电量,200"), "{csv}");
        assert!(csv.contains("未解答查询(当前),（知识库暂不可达）"), "{csv}");
    }
}
