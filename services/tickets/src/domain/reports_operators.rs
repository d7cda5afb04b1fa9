//! The operators report (话务员考核, issue 19): per operator account, the calls taken in the
//! range and what came of them, the callers' ratings of those calls, and the complaints of
//! cause C (态度) that name the account as whose attitude it was (`attitude_of`), among the
//! tickets taken in the range.
//!
//! Every figure is of calls (or tickets) by the China-time day they were taken, as they stand
//! now: a rating that comes after the call adds to the call's day, and a complaint's cause set
//! or corrected later adds to (or leaves) the day its ticket was taken. So the report equals a
//! plain count over the calls and tickets of its days, and is a sum over the roll-up table
//! `report_operator_days`, which the change's own transaction adds to.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::record::TicketRecord;
use super::reports::{Cell, china_day, csv_line, rate};
use super::{AttitudeOf, Cause, Outcome, Satisfaction};

/// What calls and tickets add to one roll-up row: the raw counts of the operators report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OperatorCounts {
    /// 接听量: calls the account recorded.
    pub calls: i64,
    /// 直接解答: calls with outcome `answered`.
    pub answered: i64,
    /// 授权答复: answered calls whose answer was an authorised entry (`entry_authorized`).
    pub answered_authorized: i64,
    /// 转接: calls with outcome `transferred`.
    pub transferred: i64,
    /// 报号: calls with outcome `number_reported`.
    pub number_reported: i64,
    /// 生成工单: calls with outcome `ticket_created`.
    pub ticket_created: i64,
    /// 通话时长 in seconds, summed over the calls.
    pub talk_seconds: i64,
    /// Calls rated 满意 (at the call or after the tone).
    pub satisfied: i64,
    /// Calls rated 基本满意.
    pub basically_satisfied: i64,
    /// Calls rated 不满意.
    pub dissatisfied: i64,
    /// C类投诉: complaint tickets whose cause is now C (attitude, 态度生硬) and whose
    /// `attitude_of` names the account.
    pub complaints_attitude: i64,
}

impl OperatorCounts {
    pub fn add(&mut self, o: &OperatorCounts) {
        self.calls += o.calls;
        self.answered += o.answered;
        self.answered_authorized += o.answered_authorized;
        self.transferred += o.transferred;
        self.number_reported += o.number_reported;
        self.ticket_created += o.ticket_created;
        self.talk_seconds += o.talk_seconds;
        self.satisfied += o.satisfied;
        self.basically_satisfied += o.basically_satisfied;
        self.dissatisfied += o.dissatisfied;
        self.complaints_attitude += o.complaints_attitude;
    }

    fn rated(&mut self, s: Satisfaction) {
        match s {
            Satisfaction::Satisfied => self.satisfied += 1,
            Satisfaction::BasicallySatisfied => self.basically_satisfied += 1,
            Satisfaction::Dissatisfied => self.dissatisfied += 1,
        }
    }
}

/// What one change adds to the roll-ups: the row (China day `YYYY-MM-DD`, operator account,
/// region: `""` for calls, which carry none) and the counts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorTally {
    pub day: String,
    pub operator: String,
    pub region: String,
    pub counts: OperatorCounts,
}

/// What a call recorded by `operator` at `at_ms` adds: one call, its outcome (an answer read
/// from an authorised entry counted apart as well), its length, and its rating when the call
/// came with one.
pub fn call_recorded(
    operator: &str,
    at_ms: i64,
    outcome: Outcome,
    entry_authorized: bool,
    duration_seconds: i32,
    satisfaction: Option<Satisfaction>,
) -> OperatorTally {
    let mut c = OperatorCounts {
        calls: 1,
        talk_seconds: i64::from(duration_seconds),
        ..OperatorCounts::default()
    };
    match outcome {
        Outcome::Answered => {
            c.answered = 1;
            c.answered_authorized = i64::from(entry_authorized);
        }
        Outcome::Transferred => c.transferred = 1,
        Outcome::NumberReported => c.number_reported = 1,
        Outcome::TicketCreated => c.ticket_created = 1,
    }
    if let Some(s) = satisfaction {
        c.rated(s);
    }
    OperatorTally {
        day: china_day(at_ms),
        operator: operator.to_string(),
        region: String::new(),
        counts: c,
    }
}

/// What the caller's rating, given after the call (`call_at_ms`), adds: to the call's day.
pub fn call_rated(operator: &str, call_at_ms: i64, satisfaction: Satisfaction) -> OperatorTally {
    let mut c = OperatorCounts::default();
    c.rated(satisfaction);
    OperatorTally {
        day: china_day(call_at_ms),
        operator: operator.to_string(),
        region: String::new(),
        counts: c,
    }
}

/// Whose attitude a record's complaint counts against, if it is a cause-C complaint that names
/// an operator account.
fn attitude_operator(r: &TicketRecord) -> Option<&str> {
    match (&r.cause, &r.attitude_of) {
        (Some(Cause::Attitude), Some(AttitudeOf::Operator(account))) => Some(account),
        _ => None,
    }
}

/// What a ticket's change (`before` it, none for its creation) adds: one C complaint to the
/// account it names once it is cause C and names one; one less to the account it named when
/// the cause or the account is corrected. Each on the day the ticket was taken.
pub fn ticket_changed(before: Option<&TicketRecord>, after: &TicketRecord) -> Vec<OperatorTally> {
    let was = before.and_then(|b| attitude_operator(b).map(|a| (b, a)));
    let is = attitude_operator(after).map(|a| (after, a));
    if was.map(|(_, a)| a) == is.map(|(_, a)| a) {
        return Vec::new();
    }
    let tally = |(r, account): (&TicketRecord, &str), n| OperatorTally {
        day: china_day(r.created_at),
        operator: account.to_string(),
        region: r.region.clone(),
        counts: OperatorCounts {
            complaints_attitude: n,
            ..OperatorCounts::default()
        },
    };
    was.map(|w| tally(w, -1))
        .into_iter()
        .chain(is.map(|i| tally(i, 1)))
        .collect()
}

/// The report's figures for one account or everyone: the counts and the shares (0 to 1,
/// rounded to 4 places; `null` when there is nothing to divide by).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OperatorFigures {
    #[serde(flatten)]
    pub counts: OperatorCounts,
    /// 评价数: calls with a rating.
    pub rated: i64,
    /// 直接解答率: `answered / calls`.
    pub answered_rate: Option<f64>,
    /// 授权答复占比: `answered_authorized / answered`, the share of answers read from
    /// authorised entries.
    pub authorized_rate: Option<f64>,
    /// 参评率: `rated / calls`.
    pub rated_rate: Option<f64>,
    /// 满意率: `(satisfied + basically_satisfied) / rated`.
    pub satisfaction_rate: Option<f64>,
    /// 平均通话时长 in seconds: `talk_seconds / calls`, rounded.
    pub average_talk_seconds: Option<i64>,
}

impl OperatorFigures {
    pub fn of(c: OperatorCounts) -> OperatorFigures {
        let rated = c.satisfied + c.basically_satisfied + c.dissatisfied;
        OperatorFigures {
            counts: c,
            rated,
            answered_rate: rate(c.answered, c.calls),
            authorized_rate: rate(c.answered_authorized, c.answered),
            rated_rate: rate(rated, c.calls),
            satisfaction_rate: rate(c.satisfied + c.basically_satisfied, rated),
            average_talk_seconds: (c.calls > 0)
                .then(|| (c.talk_seconds as f64 / c.calls as f64).round() as i64),
        }
    }
}

/// One operator account's row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OperatorRow {
    /// The account (the operator's sign-in name).
    pub operator: String,
    #[serde(flatten)]
    pub figures: OperatorFigures,
}

/// The answer of `GET /api/v1/reports/operators`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OperatorReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The region filter, if any (its sub-regions included). Calls carry no region, so it
    /// narrows the complaints only.
    pub region: Option<String>,
    /// One row per account with anything to count, by account.
    pub operators: Vec<OperatorRow>,
    /// Everything selected.
    pub total: OperatorFigures,
    /// Every day of the range with its calls (the trend), zeros included.
    pub days: Vec<CallDayTrend>,
}

/// One day of the operators report's trend.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CallDayTrend {
    pub date: NaiveDate,
    /// 接听量 that day.
    pub calls: i64,
    /// 直接解答 that day.
    pub answered: i64,
}

/// The report from the roll-ups summed per account over its days, already filtered.
pub fn operator_report(
    from: NaiveDate,
    to: NaiveDate,
    region: Option<String>,
    rows: Vec<(String, OperatorCounts)>,
    days: &[(String, i64, i64)],
) -> OperatorReport {
    let given: std::collections::BTreeMap<&str, (i64, i64)> = days
        .iter()
        .map(|(d, calls, answered)| (d.as_str(), (*calls, *answered)))
        .collect();
    let days = from
        .iter_days()
        .take_while(|d| *d <= to)
        .map(|date| {
            let (calls, answered) = given
                .get(date.to_string().as_str())
                .copied()
                .unwrap_or_default();
            CallDayTrend {
                date,
                calls,
                answered,
            }
        })
        .collect();
    let mut per: std::collections::BTreeMap<String, OperatorCounts> = Default::default();
    let mut total = OperatorCounts::default();
    for (operator, c) in &rows {
        per.entry(operator.clone()).or_default().add(c);
        total.add(c);
    }
    OperatorReport {
        from,
        to,
        region,
        operators: per
            .into_iter()
            .filter(|(_, c)| *c != OperatorCounts::default())
            .map(|(operator, c)| OperatorRow {
                operator,
                figures: OperatorFigures::of(c),
            })
            .collect(),
        total: OperatorFigures::of(total),
        days,
    }
}

/// The operators report's columns in downloads.
pub const OPERATOR_COLUMNS: &[&str] = &[
    "话务员",
    "接听量",
    "直接解答",
    "直接解答率",
    "授权答复",
    "授权答复占比",
    "转接",
    "报号",
    "生成工单",
    "通话时长(秒)",
    "平均通话(秒)",
    "评价数",
    "参评率",
    "满意",
    "基本满意",
    "不满意",
    "满意率",
    "C类投诉(态度)",
];

/// A row's cells in [`OPERATOR_COLUMNS`] order.
pub fn operator_cells(operator: &str, f: &OperatorFigures) -> Vec<Cell> {
    let c = &f.counts;
    vec![
        Cell::Text(operator.to_string()),
        Cell::Count(c.calls),
        Cell::Count(c.answered),
        Cell::Share(f.answered_rate),
        Cell::Count(c.answered_authorized),
        Cell::Share(f.authorized_rate),
        Cell::Count(c.transferred),
        Cell::Count(c.number_reported),
        Cell::Count(c.ticket_created),
        Cell::Count(c.talk_seconds),
        f.average_talk_seconds
            .map_or(Cell::Text(String::new()), Cell::Count),
        Cell::Count(f.rated),
        Cell::Share(f.rated_rate),
        Cell::Count(c.satisfied),
        Cell::Count(c.basically_satisfied),
        Cell::Count(c.dissatisfied),
        Cell::Share(f.satisfaction_rate),
        Cell::Count(c.complaints_attitude),
    ]
}

/// Every line of the report as cells: the header, one per account, the total.
pub fn operator_lines(r: &OperatorReport) -> Vec<Vec<Cell>> {
    let header = OPERATOR_COLUMNS
        .iter()
        .map(|c| Cell::Text((*c).into()))
        .collect();
    std::iter::once(header)
        .chain(
            r.operators
                .iter()
                .map(|x| operator_cells(&x.operator, &x.figures)),
        )
        .chain([operator_cells("合计", &r.total)])
        .collect()
}

/// The report as CSV: UTF-8 with a byte-order mark, the header, one line per account, the
/// total.
pub fn operator_csv(r: &OperatorReport) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for line in operator_lines(r) {
        csv_line(&mut out, &line);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TicketType;
    use crate::domain::intake::tests::sample;
    use crate::domain::reports::day_start;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    #[test]
    fn a_call_counts_on_its_china_day_with_its_outcome_and_rating() {
        // 16:30 UTC on 12-01 is 00:30 on 12-02 in China.
        let late = day_start(day(2)) + 30 * 60_000;
        let t = call_recorded(
            "op1",
            late,
            Outcome::NumberReported,
            true,
            95,
            Some(Satisfaction::Satisfied),
        );
        assert_eq!((t.day.as_str(), t.operator.as_str()), ("2026-12-02", "op1"));
        assert_eq!(t.region, "");
        let c = t.counts;
        assert_eq!((c.calls, c.number_reported, c.answered), (1, 1, 0));
        assert_eq!(c.answered_authorized, 0, "only an answer is authorised");
        assert_eq!((c.talk_seconds, c.satisfied), (95, 1));
        let later = call_rated("op1", late, Satisfaction::Dissatisfied);
        assert_eq!(later.day, "2026-12-02");
        assert_eq!((later.counts.calls, later.counts.dissatisfied), (0, 1));
        let read =
            |authorised| call_recorded("op1", late, Outcome::Answered, authorised, 60, None).counts;
        assert_eq!(
            (read(true).answered, read(true).answered_authorized),
            (1, 1)
        );
        assert_eq!(
            (read(false).answered, read(false).answered_authorized),
            (1, 0)
        );
    }

    fn counted(tallies: &[OperatorTally]) -> Vec<(&str, i64)> {
        tallies
            .iter()
            .map(|t| (t.operator.as_str(), t.counts.complaints_attitude))
            .collect()
    }

    #[test]
    fn a_c_complaint_counts_against_the_operator_it_names_on_the_day_its_ticket_was_taken() {
        let mut t = sample(TicketType::Complaint, false);
        t.created_by = "op_taker".into();
        assert!(ticket_changed(None, &t).is_empty(), "no cause yet");
        let mut c = t.clone();
        c.cause = Some(Cause::Attitude);
        assert!(
            ticket_changed(Some(&t), &c).is_empty(),
            "C, but whose attitude is not said yet"
        );
        let mut named = c.clone();
        named.attitude_of = Some(AttitudeOf::Operator("op2".into()));
        let set = ticket_changed(Some(&c), &named);
        assert_eq!(counted(&set), [("op2", 1)], "not the account that took it");
        assert_eq!(set[0].region, "530100");
        assert_eq!(set[0].day, china_day(t.created_at));
        assert!(ticket_changed(Some(&named), &named).is_empty(), "still C");
        let mut other = named.clone();
        other.attitude_of = Some(AttitudeOf::Operator("op3".into()));
        assert_eq!(
            counted(&ticket_changed(Some(&named), &other)),
            [("op2", -1), ("op3", 1)],
            "corrected to another operator"
        );
        let mut liaison = named.clone();
        liaison.attitude_of = Some(AttitudeOf::Liaison("530100-gaj".into()));
        assert_eq!(
            counted(&ticket_changed(Some(&named), &liaison)),
            [("op2", -1)],
            "a liaison's attitude is no operator's"
        );
        let mut policy = named.clone();
        policy.cause = Some(Cause::Policy);
        assert_eq!(
            counted(&ticket_changed(Some(&named), &policy)),
            [("op2", -1)]
        );
        assert_eq!(counted(&ticket_changed(None, &named)), [("op2", 1)]);
    }

    #[test]
    fn the_report_sums_per_account_with_rates() {
        let c = |calls, answered, satisfied, dissatisfied| OperatorCounts {
            calls,
            answered,
            answered_authorized: answered / 2,
            talk_seconds: calls * 100,
            satisfied,
            dissatisfied,
            ..OperatorCounts::default()
        };
        let rows = vec![
            ("op1".to_string(), c(3, 2, 1, 1)),
            ("op1".to_string(), c(1, 1, 0, 0)),
            ("op2".to_string(), c(2, 0, 0, 0)),
            ("op3".to_string(), OperatorCounts::default()),
        ];
        let days = [("2026-12-02".to_string(), 6, 3)];
        let r = operator_report(day(1), day(4), None, rows, &days);
        assert_eq!(r.days.len(), 4);
        assert_eq!(
            (r.days[0].calls, r.days[1].calls, r.days[1].answered),
            (0, 6, 3)
        );
        assert_eq!(r.operators.len(), 2, "an account with nothing is no row");
        let op1 = &r.operators[0].figures;
        assert_eq!((op1.counts.calls, op1.rated), (4, 2));
        assert_eq!(op1.answered_rate, Some(0.75));
        assert_eq!(op1.authorized_rate, Some(0.3333), "1 of 3 answers, rounded");
        assert_eq!(op1.rated_rate, Some(0.5));
        assert_eq!(op1.satisfaction_rate, Some(0.5));
        assert_eq!(op1.average_talk_seconds, Some(100));
        assert_eq!(r.operators[1].figures.satisfaction_rate, None);
        assert_eq!(r.total.counts.calls, 6);
        let csv = String::from_utf8(operator_csv(&r)).unwrap();
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').lines().collect();
        assert!(
            lines[0].starts_with("话务员,接听量,直接解答,直接解答率"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].starts_with("op1,4,3,75.0%,1,33.3%,"),
            "{}",
            lines[1]
        );
        assert!(lines[3].starts_with("合计,6,"), "{}", lines[3]);
    }
}
