//! The reports for supervisors, computed from the rows of a range of China-time days: calls
//! per day, the replenishment loop per region, and the department performance report (部门考核,
//! issue 19), whose figures are defined in [`Counts`] and [`Figures`] and in the README's
//! glossary.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::time::{CST_OFFSET_MS, DAY_MS, day_number_to_date};
use utoipa::ToSchema;

use super::record::TicketRecord;
use super::{Cause, Classification, Satisfaction, Status};

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

// ---------------------------------------------------------------------------------------------
// The department performance report (部门考核).
//
// Every count is of lifecycle events, on the China-time day the event happened, under the
// department the ticket was with after the event and the ticket's own region. Counts of events
// add up over days, departments and regions, so the report is a sum over the roll-up table
// (`report_department_days`), which the event's own transaction adds to (`tally`). Only
// "overdue now" is a state, read from the tickets when the report is asked for.

/// What events add to one roll-up row: the raw counts of the department performance report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Counts {
    /// 派单数: dispatches to the department (`dispatch`, and a no-info ticket's creation, which
    /// dispatches it). A ticket dispatched again (after a return or a reopening) counts again:
    /// each dispatch starts an accept deadline.
    pub received: i64,
    /// 签收数: `accept` events.
    pub accepted: i64,
    /// 按时签收数: accepts at or before the deadline that ran while the ticket waited
    /// (`next_due_at`: the accept deadline, one working day after the dispatch, never later
    /// than the reply deadline).
    pub accepted_on_time: i64,
    /// 退单数: `return` events (the department sent the ticket back to the centre).
    pub returned: i64,
    /// 办结数: `reply` and `replenish` events (the department's answer).
    pub replied: i64,
    /// 按时办结数: replies at or before the reply deadline (`due_at`, working days on the
    /// calendar, moved by an approved extension).
    pub replied_on_time: i64,
    /// 延期数: extensions approved by a supervisor (`extend_approved`).
    pub extended: i64,
    /// 督办数: `supervise` events.
    pub supervised: i64,
    /// 回访数: `callback` events (the centre called the caller back).
    pub callbacks: i64,
    /// Callbacks rated 满意.
    pub satisfied: i64,
    /// Callbacks rated 基本满意.
    pub basically_satisfied: i64,
    /// Callbacks rated 不满意.
    pub dissatisfied: i64,
    /// Complaint dispatches of cause A (不在政策允许范围内, `policy`).
    pub complaints_policy: i64,
    /// Complaint dispatches of cause B (业务承接能力不到位/解释有误, `handling`).
    pub complaints_handling: i64,
    /// Complaint dispatches of cause C (态度生硬, `attitude`).
    pub complaints_attitude: i64,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.received += o.received;
        self.accepted += o.accepted;
        self.accepted_on_time += o.accepted_on_time;
        self.returned += o.returned;
        self.replied += o.replied;
        self.replied_on_time += o.replied_on_time;
        self.extended += o.extended;
        self.supervised += o.supervised;
        self.callbacks += o.callbacks;
        self.satisfied += o.satisfied;
        self.basically_satisfied += o.basically_satisfied;
        self.dissatisfied += o.dissatisfied;
        self.complaints_policy += o.complaints_policy;
        self.complaints_handling += o.complaints_handling;
        self.complaints_attitude += o.complaints_attitude;
    }
}

/// What one event adds to the roll-ups: the row (China day `YYYY-MM-DD`, department, ticket
/// region) and the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    pub day: String,
    pub department: String,
    pub region: String,
    pub counts: Counts,
}

/// The China-time day of an instant in epoch milliseconds, `YYYY-MM-DD` (the roll-ups' key;
/// text compares in date order).
pub fn china_day(at_ms: i64) -> String {
    day_number_to_date((at_ms + CST_OFFSET_MS).div_euclid(DAY_MS)).to_string()
}

/// What event `action` at `at_ms` adds to the roll-ups, the ticket being `before` the event
/// (none for its creation) and `after` it; `None` for events the report does not count and for
/// a ticket with no department.
pub fn tally(
    before: Option<&TicketRecord>,
    after: &TicketRecord,
    action: &str,
    at_ms: i64,
) -> Option<Tally> {
    let mut c = Counts::default();
    let dispatched = |c: &mut Counts| {
        c.received = 1;
        match after.cause {
            Some(Cause::Policy) => c.complaints_policy = 1,
            Some(Cause::Handling) => c.complaints_handling = 1,
            Some(Cause::Attitude) => c.complaints_attitude = 1,
            None => {}
        }
    };
    match (action, before) {
        ("created", None) if after.status == Status::Dispatched => dispatched(&mut c),
        ("dispatch", Some(_)) => dispatched(&mut c),
        ("accept", Some(b)) => {
            c.accepted = 1;
            c.accepted_on_time = i64::from(b.next_due_at.is_none_or(|d| at_ms <= d));
        }
        ("return", Some(_)) => c.returned = 1,
        ("reply" | "replenish", Some(b)) => {
            c.replied = 1;
            c.replied_on_time = i64::from(at_ms <= b.due_at);
        }
        ("extend_approved", Some(_)) => c.extended = 1,
        ("supervise", Some(_)) => c.supervised = 1,
        // Only the cause may change (below).
        ("cause_set" | "close", Some(_)) => {}
        ("callback", Some(_)) => {
            c.callbacks = 1;
            match after.satisfaction {
                Some(Satisfaction::Satisfied) => c.satisfied = 1,
                Some(Satisfaction::BasicallySatisfied) => c.basically_satisfied = 1,
                Some(Satisfaction::Dissatisfied) => c.dissatisfied = 1,
                None => {}
            }
        }
        _ => return None,
    }
    // A complaint's cause given or corrected after its dispatch moves it between the cause
    // columns, on the day of the change (issue 17).
    if let Some(b) = before.filter(|b| b.status != Status::New && b.cause != after.cause) {
        let mut column = |cause: Option<Cause>, n: i64| match cause {
            Some(Cause::Policy) => c.complaints_policy += n,
            Some(Cause::Handling) => c.complaints_handling += n,
            Some(Cause::Attitude) => c.complaints_attitude += n,
            None => {}
        };
        column(b.cause, -1);
        column(after.cause, 1);
    }
    if c == Counts::default() {
        return None;
    }
    Some(Tally {
        day: china_day(at_ms),
        department: after.department.clone()?,
        region: after.region.clone(),
        counts: c,
    })
}

/// The first and last day of the department report: `to` defaults to `today`, `from` to the
/// first of `to`'s month; at most 366 days.
pub fn month_range(
    today: NaiveDate,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let to = to.unwrap_or(today);
    let first = to.with_day(1).unwrap_or(to);
    let days = u64::try_from((to - first).num_days()).unwrap_or(0);
    range(today, Some(from.unwrap_or(first)), Some(to), days)
}

pub use shared::codes::region_prefix;

/// A region and the regions above it, nearest first: `530102` → 530102, 530100, 530000.
pub fn region_and_parents(code: &str) -> Vec<String> {
    let mut out = vec![code.to_string()];
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        let prefecture = format!("{}00", &code[..4]);
        let province = format!("{}0000", &code[..2]);
        for p in [prefecture, province] {
            if !out.contains(&p) {
                out.push(p);
            }
        }
    }
    out
}

/// The report's figures for a department, a region or everything: the counts, the overdue
/// tickets now, and the rates (a share from 0 to 1, rounded to 4 places; `null` when there is
/// nothing to divide by).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Figures {
    #[serde(flatten)]
    pub counts: Counts,
    /// 当前超期: tickets the department holds now (dispatched or accepted) whose running
    /// deadline has passed. A state, not an event: it does not depend on `from`/`to`.
    pub overdue_now: i64,
    /// 签收率: `accepted_on_time / received`.
    pub accept_rate: Option<f64>,
    /// 按时办结率: `replied_on_time / replied`.
    pub on_time_rate: Option<f64>,
    /// 退单率: `returned / received`.
    pub return_rate: Option<f64>,
    /// 回访率: `callbacks / replied`.
    pub callback_rate: Option<f64>,
    /// 满意率: `(satisfied + basically_satisfied) / callbacks`.
    pub satisfaction_rate: Option<f64>,
}

/// `n / d` rounded to 4 places; none when `d` is 0.
pub fn rate(n: i64, d: i64) -> Option<f64> {
    (d > 0).then(|| (n as f64 / d as f64 * 10_000.0).round() / 10_000.0)
}

impl Figures {
    pub fn of(counts: Counts, overdue_now: i64) -> Figures {
        let c = counts;
        Figures {
            counts: c,
            overdue_now,
            accept_rate: rate(c.accepted_on_time, c.received),
            on_time_rate: rate(c.replied_on_time, c.replied),
            return_rate: rate(c.returned, c.received),
            callback_rate: rate(c.callbacks, c.replied),
            satisfaction_rate: rate(c.satisfied + c.basically_satisfied, c.callbacks),
        }
    }
}

/// One department's row, or one region's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PerformanceRow {
    /// The department's code (names are the knowledge service's: the console shows them), or
    /// the region's.
    pub code: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The answer of `GET /api/v1/reports/departments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DepartmentReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The region filter, if any (its sub-regions included).
    pub region: Option<String>,
    /// The department filter, if any.
    pub department: Option<String>,
    /// One row per department with anything to count, by code.
    pub departments: Vec<PerformanceRow>,
    /// Rolled up the region tree: one row per ticket region with anything to count and per
    /// region above it (prefecture, province) inside the filter, by code.
    pub regions: Vec<PerformanceRow>,
    /// Everything the filters select.
    pub total: Figures,
    /// Every day of the range with its dispatches and replies (the trend), zeros included.
    #[serde(default)]
    pub days: Vec<DayTrend>,
}

/// One day of the department report's trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DayTrend {
    pub date: NaiveDate,
    /// 派单数 that day.
    pub received: i64,
    /// 办结数 that day.
    pub replied: i64,
    /// 按时办结数 that day.
    pub replied_on_time: i64,
}

/// Every day of `from..=to` with the counts `rows` (day `YYYY-MM-DD`, received, replied,
/// replied on time) give it, zeros for the days they do not name.
pub fn day_trend(
    from: NaiveDate,
    to: NaiveDate,
    rows: &[(String, i64, i64, i64)],
) -> Vec<DayTrend> {
    let given: BTreeMap<&str, (i64, i64, i64)> = rows
        .iter()
        .map(|(d, a, b, c)| (d.as_str(), (*a, *b, *c)))
        .collect();
    from.iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let (received, replied, replied_on_time) = given
                .get(date.to_string().as_str())
                .copied()
                .unwrap_or_default();
            DayTrend {
                date,
                received,
                replied,
                replied_on_time,
            }
        })
        .collect()
}

/// One summed roll-up row of the report's range: (department, region, counts).
pub type SummedRow = (String, String, Counts);

/// The report from the roll-ups summed over its days (`rows`) and the overdue tickets now per
/// (department, region) (`overdue`), both already filtered.
pub fn department_report(
    from: NaiveDate,
    to: NaiveDate,
    region: Option<String>,
    department: Option<String>,
    rows: Vec<SummedRow>,
    overdue: Vec<(String, String, i64)>,
) -> DepartmentReport {
    let mut per_department: BTreeMap<String, (Counts, i64)> = BTreeMap::new();
    let mut per_region: BTreeMap<String, (Counts, i64)> = BTreeMap::new();
    let mut total = (Counts::default(), 0);
    let prefix = region.as_deref().map(region_prefix).unwrap_or("");
    let mut count = |dep: &str, reg: &str, c: &Counts, late: i64| {
        let d = per_department.entry(dep.to_string()).or_default();
        d.0.add(c);
        d.1 += late;
        for r in region_and_parents(reg) {
            if r.starts_with(prefix) {
                let e = per_region.entry(r).or_default();
                e.0.add(c);
                e.1 += late;
            }
        }
        total.0.add(c);
        total.1 += late;
    };
    for (dep, reg, c) in &rows {
        count(dep, reg, c, 0);
    }
    for (dep, reg, n) in &overdue {
        count(dep, reg, &Counts::default(), *n);
    }
    let rows_of = |m: BTreeMap<String, (Counts, i64)>| {
        m.into_iter()
            .map(|(code, (c, late))| PerformanceRow {
                code,
                figures: Figures::of(c, late),
            })
            .collect()
    };
    DepartmentReport {
        from,
        to,
        region,
        department,
        departments: rows_of(per_department),
        regions: rows_of(per_region),
        total: Figures::of(total.0, total.1),
        days: Vec::new(),
    }
}

/// The report's columns in downloads: the Chinese header and the cell of a row.
pub const COLUMNS: &[&str] = &[
    "编码",
    "名称",
    "派单数",
    "签收数",
    "按时签收数",
    "签收率",
    "退单数",
    "退单率",
    "办结数",
    "按时办结数",
    "按时办结率",
    "延期数",
    "当前超期",
    "督办数",
    "回访数",
    "回访率",
    "满意",
    "基本满意",
    "不满意",
    "满意率",
    "A类投诉(政策)",
    "B类投诉(办理)",
    "C类投诉(态度)",
];

/// A cell of a download: a count or a share.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    Count(i64),
    /// A share from 0 to 1; none when there is nothing to divide by.
    Share(Option<f64>),
}

/// A row's cells in [`COLUMNS`] order.
pub fn cells(code: &str, name: &str, f: &Figures) -> Vec<Cell> {
    let c = &f.counts;
    vec![
        Cell::Text(code.to_string()),
        Cell::Text(name.to_string()),
        Cell::Count(c.received),
        Cell::Count(c.accepted),
        Cell::Count(c.accepted_on_time),
        Cell::Share(f.accept_rate),
        Cell::Count(c.returned),
        Cell::Share(f.return_rate),
        Cell::Count(c.replied),
        Cell::Count(c.replied_on_time),
        Cell::Share(f.on_time_rate),
        Cell::Count(c.extended),
        Cell::Count(f.overdue_now),
        Cell::Count(c.supervised),
        Cell::Count(c.callbacks),
        Cell::Share(f.callback_rate),
        Cell::Count(c.satisfied),
        Cell::Count(c.basically_satisfied),
        Cell::Count(c.dissatisfied),
        Cell::Share(f.satisfaction_rate),
        Cell::Count(c.complaints_policy),
        Cell::Count(c.complaints_handling),
        Cell::Count(c.complaints_attitude),
    ]
}

/// One line of a CSV download: fields quoted where they must be, shares as percentages.
pub fn csv_line(out: &mut String, cells: &[Cell]) {
    fn field(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    }
    let text: Vec<String> = cells
        .iter()
        .map(|c| match c {
            Cell::Text(t) => field(t),
            Cell::Count(n) => n.to_string(),
            Cell::Share(Some(s)) => format!("{:.1}%", s * 100.0),
            Cell::Share(None) => String::new(),
        })
        .collect();
    out.push_str(&text.join(","));
    out.push_str("\r\n");
}

/// The report as CSV: UTF-8 with a byte-order mark (so Excel reads the Chinese right), a
/// section of departments (with their `names` where known), then one of regions, then the
/// total; shares as percentages.
pub fn department_csv(r: &DepartmentReport, names: &BTreeMap<String, String>) -> Vec<u8> {
    let line = csv_line;
    let mut out = String::from("\u{feff}");
    let header = |out: &mut String, first: &str| {
        let mut h: Vec<Cell> = COLUMNS.iter().map(|c| Cell::Text((*c).into())).collect();
        h[0] = Cell::Text(first.into());
        line(out, &h);
    };
    header(&mut out, "部门编码");
    for row in &r.departments {
        let name = names.get(&row.code).map(String::as_str).unwrap_or("");
        line(&mut out, &cells(&row.code, name, &row.figures));
    }
    out.push_str("\r\n");
    header(&mut out, "区划编码");
    for row in &r.regions {
        line(&mut out, &cells(&row.code, "", &row.figures));
    }
    line(&mut out, &cells("合计", "", &r.total));
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn a_cause_corrected_after_dispatch_moves_between_columns() {
        let mut before = crate::domain::intake::tests::sample(TicketType::Complaint, false);
        before.status = Status::Replied;
        before.department = Some("530100-rsj".into());
        before.cause = Some(Cause::Handling);
        let mut after = before.clone();
        after.cause = Some(Cause::Attitude);
        let t = tally(Some(&before), &after, "cause_set", 0).unwrap();
        assert_eq!(t.counts.complaints_handling, -1);
        assert_eq!(t.counts.complaints_attitude, 1);
        assert_eq!(t.counts.received, 0);
        // The same cause again, or a ticket never dispatched: nothing to count.
        assert!(tally(Some(&after), &after, "cause_set", 0).is_none());
        before.status = Status::New;
        assert!(tally(Some(&before), &after, "close", 0).is_none());
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

    use crate::domain::TicketType;
    use crate::domain::intake::tests::sample;

    fn dispatched(cause: Option<Cause>) -> TicketRecord {
        let mut t = sample(TicketType::Complaint, false);
        t.status = Status::Dispatched;
        t.department = Some("530100-gaj".into());
        t.region = "530102".into();
        t.cause = cause;
        t.next_due_at = Some(1_000);
        t.due_at = 5_000;
        t
    }

    #[test]
    fn events_tally_on_their_china_day_under_the_department() {
        let t = dispatched(Some(Cause::Attitude));
        // 16:30 UTC on 12-01 is 00:30 on 12-02 in China.
        let late = day_start(day(12, 2)) + 30 * 60_000;
        let d = tally(Some(&t), &t, "dispatch", late).unwrap();
        assert_eq!(d.day, "2026-12-02");
        assert_eq!(
            (d.department.as_str(), d.region.as_str()),
            ("530100-gaj", "530102")
        );
        assert_eq!(d.counts.received, 1);
        assert_eq!(d.counts.complaints_attitude, 1);
        assert_eq!(d.counts.complaints_policy, 0);
        let on_time = tally(Some(&t), &t, "accept", 1_000).unwrap();
        assert_eq!(
            (on_time.counts.accepted, on_time.counts.accepted_on_time),
            (1, 1)
        );
        let late_accept = tally(Some(&t), &t, "accept", 1_001).unwrap();
        assert_eq!(late_accept.counts.accepted_on_time, 0);
        let reply = tally(Some(&t), &t, "reply", 5_000).unwrap();
        assert_eq!((reply.counts.replied, reply.counts.replied_on_time), (1, 1));
        let late_reply = tally(Some(&t), &t, "replenish", 5_001).unwrap();
        assert_eq!(
            (late_reply.counts.replied, late_reply.counts.replied_on_time),
            (1, 0)
        );
        let mut rated = t.clone();
        rated.satisfaction = Some(Satisfaction::BasicallySatisfied);
        let cb = tally(Some(&t), &rated, "callback", 0).unwrap();
        assert_eq!((cb.counts.callbacks, cb.counts.basically_satisfied), (1, 1));
        for (action, field) in [("return", 0), ("extend_approved", 1), ("supervise", 2)] {
            let c = tally(Some(&t), &t, action, 0).unwrap().counts;
            assert_eq!([c.returned, c.extended, c.supervised][field], 1, "{action}");
        }
        for ignored in [
            "extend_requested",
            "close",
            "reopen",
            "escalated",
            "delivery",
        ] {
            assert_eq!(tally(Some(&t), &t, ignored, 0), None, "{ignored}");
        }
    }

    #[test]
    fn a_creation_counts_only_when_it_dispatches() {
        let no_info = sample(TicketType::NoInfo, false);
        let c = tally(None, &no_info, "created", 0).unwrap();
        assert_eq!(c.department, "530100-zfb");
        assert_eq!(c.counts.received, 1);
        let complaint = sample(TicketType::Complaint, false);
        assert_eq!(tally(None, &complaint, "created", 0), None);
        let mut nowhere = dispatched(None);
        nowhere.department = None;
        assert_eq!(tally(Some(&nowhere), &nowhere, "supervise", 0), None);
    }

    #[test]
    fn the_month_so_far_by_default() {
        let today = day(12, 4);
        assert_eq!(
            month_range(today, None, None).ok(),
            Some((day(12, 1), today))
        );
        assert_eq!(
            month_range(today, None, Some(day(11, 20))).ok(),
            Some((day(11, 1), day(11, 20)))
        );
        assert_eq!(
            month_range(today, Some(day(10, 3)), None).ok(),
            Some((day(10, 3), today))
        );
        assert!(month_range(today, Some(day(12, 5)), None).is_err());
    }

    #[test]
    fn region_codes_nest_by_their_digits() {
        assert_eq!(region_prefix("530000"), "53");
        assert_eq!(region_prefix("530100"), "5301");
        assert_eq!(region_prefix("530102"), "530102");
        assert_eq!(region_and_parents("530102"), ["530102", "530100", "530000"]);
        assert_eq!(region_and_parents("530100"), ["530100", "530000"]);
        assert_eq!(region_and_parents("530000"), ["530000"]);
    }

    #[test]
    fn the_report_rolls_up_departments_and_the_region_tree() {
        let counts = |received, accepted_on_time| Counts {
            received,
            accepted: accepted_on_time,
            accepted_on_time,
            ..Counts::default()
        };
        let rows = vec![
            ("530100-gaj".to_string(), "530102".to_string(), counts(3, 2)),
            ("530100-gaj".to_string(), "530100".to_string(), counts(1, 1)),
            ("530300-rsj".to_string(), "530302".to_string(), counts(4, 0)),
        ];
        let overdue = vec![("530100-gaj".to_string(), "530102".to_string(), 2)];
        let r = department_report(day(12, 1), day(12, 4), None, None, rows.clone(), overdue);
        assert_eq!(r.departments.len(), 2);
        let gaj = &r.departments[0].figures;
        assert_eq!((gaj.counts.received, gaj.overdue_now), (4, 2));
        assert_eq!(gaj.accept_rate, Some(0.75));
        assert_eq!(gaj.on_time_rate, None, "nothing replied: no rate");
        let codes: Vec<&str> = r.regions.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, ["530000", "530100", "530102", "530300", "530302"]);
        assert_eq!(r.regions[0].figures.counts.received, 8);
        assert_eq!(r.regions[1].figures.counts.received, 4);
        assert_eq!(r.total.counts.received, 8);
        assert_eq!(r.total.overdue_now, 2);
        // Filtered to 昆明, the province above it is not a row.
        let kunming = rows[..2].to_vec();
        let r = department_report(
            day(12, 1),
            day(12, 4),
            Some("530100".into()),
            None,
            kunming,
            vec![],
        );
        let codes: Vec<&str> = r.regions.iter().map(|x| x.code.as_str()).collect();
        assert_eq!(codes, ["530100", "530102"]);
    }

    #[test]
    fn rates_are_rounded_shares() {
        assert_eq!(rate(1, 3), Some(0.3333));
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(2, 2), Some(1.0));
    }

    #[test]
    fn csv_has_a_bom_chinese_headers_and_percentages() {
        let rows = vec![(
            "530100-gaj".to_string(),
            "530100".to_string(),
            Counts {
                received: 2,
                accepted_on_time: 1,
                ..Counts::default()
            },
        )];
        let r = department_report(day(12, 1), day(12, 4), None, None, rows, vec![]);
        let names = BTreeMap::from([("530100-gaj".to_string(), "昆明市公安局".to_string())]);
        let bytes = department_csv(&r, &names);
        assert!(bytes.starts_with("\u{feff}".as_bytes()));
        let text = String::from_utf8(bytes).unwrap();
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].starts_with("部门编码,名称,派单数,签收数,按时签收数,签收率"));
        assert_eq!(lines[0].split(',').count(), COLUMNS.len());
        assert!(
            lines[1].starts_with("530100-gaj,昆明市公安局,2,0,1,50.0%,0,0.0%,0,0,,"),
            "{}",
            lines[1]
        );
        assert!(text.contains("合计,,2,"));
    }
}
