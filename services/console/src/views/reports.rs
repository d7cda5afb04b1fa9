//! The department performance report (考核报表) at `/reports/departments`: its filters, a
//! chart of each department's rates (inline SVG drawn here: the CSP allows no script-made
//! graphics), the table, and the download buttons. The figures are the tickets service's; their
//! definitions are the README's glossary, summed up under the table.

use std::collections::BTreeMap;

use maud::{Markup, html};

/// The parts of `GET /api/v1/reports/departments` this page reads.
pub mod data {
    use serde::Deserialize;

    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(default)]
    pub struct Figures {
        pub received: i64,
        pub accepted: i64,
        pub returned: i64,
        pub replied: i64,
        pub extended: i64,
        pub overdue_now: i64,
        pub supervised: i64,
        pub callbacks: i64,
        pub complaints_policy: i64,
        pub complaints_handling: i64,
        pub complaints_attitude: i64,
        pub accept_rate: Option<f64>,
        pub on_time_rate: Option<f64>,
        pub return_rate: Option<f64>,
        pub callback_rate: Option<f64>,
        pub satisfaction_rate: Option<f64>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Row {
        pub code: String,
        #[serde(flatten)]
        pub figures: Figures,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct DepartmentReport {
        pub from: String,
        pub to: String,
        pub departments: Vec<Row>,
        pub regions: Vec<Row>,
        pub total: Figures,
        #[serde(default)]
        pub days: Vec<Day>,
    }

    /// A day of the department report's trend.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Day {
        pub date: chrono::NaiveDate,
        pub received: i64,
        pub replied: i64,
    }

    /// The parts of `GET /api/v1/reports/operators` the operators page reads.
    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(default)]
    pub struct OperatorFigures {
        pub calls: i64,
        pub answered: i64,
        pub transferred: i64,
        pub number_reported: i64,
        pub ticket_created: i64,
        pub rated: i64,
        pub satisfied: i64,
        pub basically_satisfied: i64,
        pub dissatisfied: i64,
        pub complaints_attitude: i64,
        pub answered_rate: Option<f64>,
        pub answered_authorized: i64,
        pub authorized_rate: Option<f64>,
        pub rated_rate: Option<f64>,
        pub satisfaction_rate: Option<f64>,
        pub average_talk_seconds: Option<i64>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct OperatorRow {
        pub operator: String,
        #[serde(flatten)]
        pub figures: OperatorFigures,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct OperatorDay {
        pub date: chrono::NaiveDate,
        pub calls: i64,
        pub answered: i64,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct OperatorReport {
        pub from: String,
        pub to: String,
        pub operators: Vec<OperatorRow>,
        pub total: OperatorFigures,
        #[serde(default)]
        pub days: Vec<OperatorDay>,
    }
}

use data::{DepartmentReport, Figures, OperatorFigures, OperatorReport, OperatorRow, Row};

/// What the filters hold, as the person typed them (shown again in the form).
#[derive(Debug, Clone, Default)]
pub struct Filters {
    pub month: String,
    pub from: String,
    pub to: String,
    pub region: String,
    pub department: String,
}

impl Filters {
    /// The query string of the service's report (and of the download links) for these filters.
    pub fn query(&self, from: &str, to: &str) -> String {
        let mut pairs = vec![("from", from), ("to", to)];
        if !self.region.is_empty() {
            pairs.push(("region", &self.region));
        }
        if !self.department.is_empty() {
            pairs.push(("department", &self.department));
        }
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// Everything the page shows.
pub struct Page<'a> {
    pub filters: &'a Filters,
    pub report: &'a DepartmentReport,
    /// Region codes and names, for the picker and the table (codes alone without them).
    pub regions: &'a [(String, String)],
    /// Department codes and names, where the knowledge service told them.
    pub department_names: &'a BTreeMap<String, String>,
}

/// A share as a percentage with one decimal, `—` when there was nothing to divide by.
pub fn percent(share: Option<f64>) -> String {
    match share {
        Some(s) => format!("{:.1}%", s * 100.0),
        None => "—".into(),
    }
}

pub(crate) fn name_of<'a>(names: &'a BTreeMap<String, String>, code: &'a str) -> &'a str {
    names.get(code).map(String::as_str).unwrap_or(code)
}

/// A rate of a row's figures.
type Pick = fn(&Figures) -> Option<f64>;

/// The rates the chart draws, with their names.
const RATES: [(&str, Pick); 3] = [
    ("签收率", |f| f.accept_rate),
    ("按时办结率", |f| f.on_time_rate),
    ("满意率", |f| f.satisfaction_rate),
];

/// The most departments the chart draws (those with the most tickets); the table has them all.
pub(crate) const CHART_ROWS: usize = 15;

pub(crate) fn n(x: f64) -> String {
    format!("{x:.1}")
}

/// One row per department (the busiest first), with a bar for each of its rates from 0 to
/// 100 %; a rate with nothing to divide by has no bar, only a dash.
pub fn rates_chart(rows: &[Row], names: &BTreeMap<String, String>) -> Markup {
    let mut busiest: Vec<&Row> = rows.iter().collect();
    busiest.sort_by_key(|r| std::cmp::Reverse(r.figures.received));
    busiest.truncate(CHART_ROWS);
    let rows: Vec<(String, Vec<Option<f64>>)> = busiest
        .iter()
        .map(|r| {
            let shares = RATES.iter().map(|(_, pick)| pick(&r.figures)).collect();
            (name_of(names, &r.code).to_string(), shares)
        })
        .collect();
    let legend: Vec<&str> = RATES.iter().map(|(name, _)| *name).collect();
    share_bars("各部门签收率、按时办结率、满意率", &legend, &rows)
}

/// Horizontal bars of shares from 0 to 100 %: one group per row (its label on the left), one
/// bar per share in the order of `legend`; a share with nothing to divide by has no bar, only
/// a dash.
pub fn share_bars(title: &str, legend: &[&str], rows: &[(String, Vec<Option<f64>>)]) -> Markup {
    // Drawn near the size it is shown at beside the table, so its text stays readable.
    const W: f64 = 520.0;
    const LABEL: f64 = 140.0;
    const TOP: f64 = 24.0;
    const BAR: f64 = 11.0;
    let row_h = 8.0 + legend.len() as f64 * (BAR + 2.0) + 4.0;
    let h = TOP + row_h * rows.len().max(1) as f64 + 18.0;
    let view_box = format!("0 0 {W} {}", n(h));
    let plot = W - LABEL - 50.0;
    html! {
        svg.chart.rates viewBox=(view_box) role="img" aria-label=(title) {
            title { (title) }
            @for (k, name) in legend.iter().enumerate() {
                @let x = LABEL + k as f64 * 110.0;
                rect class={ "bar s" (k) } x=(n(x)) y="4" width="10" height="10" {}
                text x=(n(x + 14.0)) y="13" { (name) }
            }
            @if rows.is_empty() {
                text.empty x=(n(W / 2.0)) y=(n(TOP + 20.0)) text-anchor="middle" { "暂无数据" }
            }
            @for (i, (label, shares)) in rows.iter().enumerate() {
                @let y = TOP + i as f64 * row_h;
                text x=(n(LABEL - 6.0)) y=(n(y + row_h / 2.0 + 4.0)) text-anchor="end" {
                    (truncate(label, 10))
                }
                @for (k, (rate_name, share)) in legend.iter().zip(shares).enumerate() {
                    @let by = y + 4.0 + k as f64 * (BAR + 2.0);
                    @match share {
                        Some(share) => {
                            @let w = (share.clamp(0.0, 1.0) * plot).max(1.0);
                            rect class={ "bar s" (k) } x=(n(LABEL)) y=(n(by)) width=(n(w)) height=(n(BAR)) {
                                title { (label) " " (rate_name) "：" (percent(Some(*share))) }
                            }
                            text.value x=(n(LABEL + w + 3.0)) y=(n(by + BAR - 1.5)) { (percent(Some(*share))) }
                        }
                        // Nothing to divide by: no bar, a dash where it would start.
                        None => {
                            text.value x=(n(LABEL + 3.0)) y=(n(by + BAR - 1.5)) {
                                title { (rate_name) "：无数据" }
                                "—"
                            }
                        }
                    }
                }
            }
            line.axis x1=(n(LABEL)) y1=(n(TOP - 2.0)) x2=(n(LABEL)) y2=(n(h - 16.0)) {}
            text x=(n(LABEL)) y=(n(h - 4.0)) text-anchor="middle" { "0" }
            text x=(n(LABEL + plot)) y=(n(h - 4.0)) text-anchor="middle" { "100%" }
        }
    }
}

/// A line per series over the days (`labels`, `MM-DD`), scaled to the largest value, with a
/// legend; nothing to show draws "暂无数据".
pub fn trend_chart(title: &str, labels: &[String], series: &[(&str, Vec<i64>)]) -> Markup {
    const W: f64 = 520.0;
    const H: f64 = 200.0;
    const LEFT: f64 = 40.0;
    const RIGHT: f64 = 10.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 22.0;
    let max = series
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0);
    let view_box = format!("0 0 {W} {H}");
    if labels.is_empty() || max <= 0 {
        return html! {
            svg.chart.trend viewBox=(view_box) role="img" aria-label=(title) {
                title { (title) }
                text.empty x=(n(W / 2.0)) y=(n(H / 2.0)) text-anchor="middle" { "暂无数据" }
            }
        };
    }
    let plot_w = W - LEFT - RIGHT;
    let base = H - BOTTOM;
    let plot_h = base - TOP;
    let x_of = |i: usize| {
        if labels.len() == 1 {
            LEFT + plot_w / 2.0
        } else {
            LEFT + plot_w * i as f64 / (labels.len() - 1) as f64
        }
    };
    let y_of = |v: i64| base - plot_h * v.max(0) as f64 / max as f64;
    let step = labels.len().div_ceil(10).max(1);
    html! {
        svg.chart.trend viewBox=(view_box) role="img" aria-label=(title) {
            title { (title) }
            @for (k, (name, _)) in series.iter().enumerate() {
                @let x = LEFT + 4.0 + k as f64 * 110.0;
                rect class={ "bar s" (k) } x=(n(x)) y="6" width="14" height="4" {}
                text x=(n(x + 18.0)) y="13" { (name) }
            }
            line.axis x1=(n(LEFT)) y1=(n(base)) x2=(n(W - RIGHT)) y2=(n(base)) {}
            line.axis x1=(n(LEFT)) y1=(n(TOP)) x2=(n(LEFT)) y2=(n(base)) {}
            text x=(n(LEFT - 4.0)) y=(n(TOP + 4.0)) text-anchor="end" { (max) }
            text x=(n(LEFT - 4.0)) y=(n(base)) text-anchor="end" { "0" }
            @for (i, label) in labels.iter().enumerate() {
                @if i % step == 0 {
                    text x=(n(x_of(i))) y=(n(H - 6.0)) text-anchor="middle" { (label) }
                }
            }
            @for (k, (name, values)) in series.iter().enumerate() {
                @let points: Vec<String> = values.iter().enumerate()
                    .map(|(i, v)| format!("{},{}", n(x_of(i)), n(y_of(*v)))).collect();
                polyline class={ "line s" (k) } points=(points.join(" ")) {}
                @for (i, v) in values.iter().enumerate() {
                    circle class={ "dot s" (k) } cx=(n(x_of(i))) cy=(n(y_of(*v))) r="2.5" {
                        title { (labels.get(i).map(String::as_str).unwrap_or("")) " " (name) "：" (v) }
                    }
                }
            }
        }
    }
}

/// The department report's trend: dispatches and replies per day.
pub fn department_trend(r: &DepartmentReport) -> Markup {
    let labels: Vec<String> = r
        .days
        .iter()
        .map(|d| d.date.format("%m-%d").to_string())
        .collect();
    let series: [(&str, Vec<i64>); 2] = [
        ("派单", r.days.iter().map(|d| d.received).collect()),
        ("办结", r.days.iter().map(|d| d.replied).collect()),
    ];
    trend_chart("每日派单与办结", &labels, &series)
}

/// At most `max` characters, with `…` when cut.
pub(crate) fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max - 1).collect();
        out.push('…');
        out
    }
}

/// The cells after the name, the same for a department, a region and the total.
fn figure_cells(f: &Figures) -> Markup {
    html! {
        td.num { (f.received) }
        td.num { (percent(f.accept_rate)) }
        td.num { (f.returned) " / " (percent(f.return_rate)) }
        td.num { (f.replied) }
        td.num { (percent(f.on_time_rate)) }
        td.num { (f.extended) }
        td.num class=@if f.overdue_now > 0 { "late" } { (f.overdue_now) }
        td.num { (f.supervised) }
        td.num { (percent(f.callback_rate)) }
        td.num { (percent(f.satisfaction_rate)) }
        td.num { (f.complaints_policy) " / " (f.complaints_handling) " / " (f.complaints_attitude) }
    }
}

fn head_cells() -> Markup {
    html! {
        th.num title="派单数：派往该部门的次数" { "派单" }
        th.num title="按时签收数 / 派单数" { "签收率" }
        th.num title="退单数 / 退单率（退单数 / 派单数）" { "退单（率）" }
        th.num title="办结数：部门答复次数" { "办结" }
        th.num title="按时办结数 / 办结数" { "按时办结率" }
        th.num title="主管批准的延期次数" { "延期" }
        th.num title="部门手中已超过期限的工单（当前）" { "当前超期" }
        th.num title="督办次数" { "督办" }
        th.num title="回访数 / 办结数" { "回访率" }
        th.num title="（满意 + 基本满意）/ 回访数" { "满意率" }
        th.num title="A 政策 / B 办理 / C 态度" { "投诉 A/B/C" }
    }
}

/// The buttons that download a report (CSV, Excel, the printable PDF) as the filters ask.
pub fn download_buttons(path: &str, query: &str) -> Markup {
    html! {
        a.button href={ (path) "?format=csv&" (query) } download { "下载 CSV" }
        a.button href={ (path) "?format=xlsx&" (query) } download { "下载 Excel" }
        a.button.primary href={ (path) "?format=pdf&" (query) } download { "下载 PDF" }
    }
}

/// The filters: a month or a range of days, a region, and (for the department report) a
/// department with the names known as suggestions.
pub(crate) fn filters_form(
    action: &str,
    f: &Filters,
    regions: &[(String, String)],
    departments: Option<&BTreeMap<String, String>>,
) -> Markup {
    html! {
        form.card.filters method="get" action=(action) {
            label { "月份" input type="month" name="month" value=(f.month); }
            span.muted { "或" }
            label { "起始日期" input type="date" name="from" value=(f.from); }
            label { "截止日期" input type="date" name="to" value=(f.to); }
            label { "地区"
                select name="region" {
                    option value="" { "全省" }
                    @for (code, name) in regions {
                        option value=(code) selected[*code == f.region] { (name) }
                    }
                }
            }
            @if let Some(names) = departments {
                label { "部门"
                    input type="text" name="department" value=(f.department)
                        list="report-departments" placeholder="部门编码，如 530100-gaj" size="18";
                }
                datalist #report-departments {
                    @for (code, name) in names {
                        option value=(code) { (name) }
                    }
                }
            }
            button.primary type="submit" { "查询" }
        }
    }
}

/// The whole page.
pub fn page(p: &Page) -> Markup {
    let r = p.report;
    let region_names: BTreeMap<String, String> = p.regions.iter().cloned().collect();
    let query = p.filters.query(&r.from, &r.to);
    html! {
        section #dept-report.report-page {
            div.row.reports-head {
                h1.grow { "考核报表" }
                (download_buttons("/reports/departments/download", &query))
            }
            (filters_form("/reports/departments", p.filters, p.regions, Some(p.department_names)))
            p.muted {
                (r.from) " 至 " (r.to) "（北京时间）"
                @if !p.filters.region.is_empty() { "，" (name_of(&region_names, &p.filters.region)) "（含下级地区）" }
                @if !p.filters.department.is_empty() { "，" (name_of(p.department_names, &p.filters.department)) }
                "：派单 " b { (r.total.received) } " 次，签收率 " b { (percent(r.total.accept_rate)) }
                "，按时办结率 " b { (percent(r.total.on_time_rate)) } "，满意率 " b { (percent(r.total.satisfaction_rate)) }
                "，当前超期 " b { (r.total.overdue_now) } " 件。"
            }
            div.cols.report-cols {
                section.card {
                    h2 { "各部门考核" }
                    @if r.departments.is_empty() {
                        p.muted { "所选期间、地区没有派单记录。" }
                    } @else {
                        table.report.dept-table {
                            thead { tr { th { "部门" } (head_cells()) } }
                            tbody {
                                @for row in &r.departments {
                                    tr {
                                        td.name title=(row.code) { (name_of(p.department_names, &row.code)) }
                                        (figure_cells(&row.figures))
                                    }
                                }
                            }
                            tfoot { tr { th { "合计" } (figure_cells(&r.total)) } }
                        }
                    }
                }
                section.card {
                    h2 { "各部门比率" }
                    (rates_chart(&r.departments, p.department_names))
                    @if r.departments.len() > CHART_ROWS {
                        p.muted { "图中为派单最多的 " (CHART_ROWS) " 个部门，全部部门见左表。" }
                    }
                }
            }
            section.card {
                h2 { "每日派单与办结" }
                (department_trend(r))
            }
            section.card {
                h2 { "按地区汇总" }
                table.report.dept-table {
                    thead { tr { th { "地区" } (head_cells()) } }
                    tbody {
                        @for row in &r.regions {
                            tr {
                                td.name title=(row.code) { (name_of(&region_names, &row.code)) }
                                (figure_cells(&row.figures))
                            }
                        }
                    }
                }
            }
            details.card.glossary {
                summary { "指标说明" }
                ul {
                    li { "按北京时间的自然日统计；期限按工作日历（含法定节假日与调休）计算。" }
                    li { "派单：派往部门的次数（退回或重办后再派，再计一次）。签收率 = 在签收期限内签收数 / 派单数。" }
                    li { "按时办结率 = 在办理期限（含批准的延期）内答复数 / 答复数。退单率 = 退单数 / 派单数。" }
                    li { "回访率 = 回访数 / 答复数；满意率 =（满意 + 基本满意）/ 回访数。" }
                    li { "当前超期：部门已派未签或已签未复、且已过期限的工单，与所选日期无关。" }
                    li { "投诉 A/B/C：派往部门的投诉工单按原因分类——A 不在政策允许范围内，B 业务承接能力不到位/解释有误，C 态度生硬。" }
                }
            }
        }
    }
}

/// The cells of an operator's row (and of the total).
fn operator_cells(f: &OperatorFigures) -> Markup {
    html! {
        td.num { (f.calls) }
        td.num { (f.answered) }
        td.num { (percent(f.answered_rate)) }
        td.num { (f.answered_authorized) " / " (percent(f.authorized_rate)) }
        td.num { (f.transferred) }
        td.num { (f.number_reported) }
        td.num { (f.ticket_created) }
        td.num { (f.average_talk_seconds.map_or("—".to_string(), |s| s.to_string())) }
        td.num { (f.rated) " / " (percent(f.rated_rate)) }
        td.num { (f.satisfied) " / " (f.basically_satisfied) " / " (f.dissatisfied) }
        td.num { (percent(f.satisfaction_rate)) }
        td.num class=@if f.complaints_attitude > 0 { "late" } { (f.complaints_attitude) }
    }
}

/// The operators report (话务员考核): filters, downloads, the table of accounts beside their
/// rates, the calls per day, and what the figures mean.
pub fn operators_page(f: &Filters, r: &OperatorReport, regions: &[(String, String)]) -> Markup {
    let region_names: BTreeMap<String, String> = regions.iter().cloned().collect();
    let query = f.query(&r.from, &r.to);
    let mut busiest: Vec<&OperatorRow> = r.operators.iter().collect();
    busiest.sort_by_key(|o| std::cmp::Reverse(o.figures.calls));
    busiest.truncate(CHART_ROWS);
    let bars: Vec<(String, Vec<Option<f64>>)> = busiest
        .iter()
        .map(|o| {
            let shares = vec![o.figures.answered_rate, o.figures.satisfaction_rate];
            (o.operator.clone(), shares)
        })
        .collect();
    let labels: Vec<String> = r
        .days
        .iter()
        .map(|d| d.date.format("%m-%d").to_string())
        .collect();
    let series: [(&str, Vec<i64>); 2] = [
        ("接听", r.days.iter().map(|d| d.calls).collect()),
        ("直接解答", r.days.iter().map(|d| d.answered).collect()),
    ];
    html! {
        section #operator-report.report-page {
            div.row.reports-head {
                h1.grow { "话务员考核" }
                (download_buttons("/reports/operators/download", &query))
            }
            (filters_form("/reports/operators", f, regions, None))
            p.muted.summary {
                (r.from) " 至 " (r.to) "（北京时间）"
                @if !f.region.is_empty() { "，投诉限 " (name_of(&region_names, &f.region)) "（含下级地区）" }
                "：接听 " b { (r.total.calls) } " 通，直接解答率 " b { (percent(r.total.answered_rate)) }
                "，其中授权答复占 " b { (percent(r.total.authorized_rate)) }
                "，满意率 " b { (percent(r.total.satisfaction_rate)) }
                "，C类（态度）投诉 " b { (r.total.complaints_attitude) } " 件。"
            }
            div.cols.report-cols {
                section.card {
                    h2 { "各话务员" }
                    @if r.operators.is_empty() {
                        p.muted { "所选期间没有来电记录。" }
                    } @else {
                        table.report.dept-table {
                            thead { tr {
                                th { "话务员" }
                                th.num title="记录的来电数" { "接听" }
                                th.num title="结果为直接解答的来电" { "直接解答" }
                                th.num title="直接解答 / 接听" { "直接解答率" }
                                th.num title="按已授权答复直接解答的来电 / 占直接解答的比例" { "授权答复（占比）" }
                                th.num { "转接" }
                                th.num { "报号" }
                                th.num title="结果为生成工单的来电" { "生成工单" }
                                th.num title="平均通话时长（秒）" { "平均通话" }
                                th.num title="有评价的来电 / 参评率" { "评价（率）" }
                                th.num title="满意 / 基本满意 / 不满意" { "满意/基本/不满意" }
                                th.num title="（满意 + 基本满意）/ 评价数" { "满意率" }
                                th.num title="原因为 C 态度生硬、指明是该话务员态度的投诉" { "C类投诉" }
                            } }
                            tbody {
                                @for row in &r.operators {
                                    tr { td.name { (row.operator) } (operator_cells(&row.figures)) }
                                }
                            }
                            tfoot { tr { th { "合计" } (operator_cells(&r.total)) } }
                        }
                    }
                }
                section.card {
                    h2 { "直接解答率与满意率" }
                    (share_bars("各话务员直接解答率、满意率", &["直接解答率", "满意率"], &bars))
                }
            }
            section.card {
                h2 { "每日接听量" }
                (trend_chart("每日接听量", &labels, &series))
            }
            details.card.glossary {
                summary { "指标说明" }
                ul {
                    li { "按来电的北京时间自然日统计；来电后的评价计入来电当日。" }
                    li { "直接解答、转接、报号、生成工单：来电记录的处理结果。直接解答率 = 直接解答 / 接听。" }
                    li { "参评率 = 有评价的来电 / 接听；满意率 =（满意 + 基本满意）/ 有评价的来电。" }
                    li { "C类投诉：该话务员受理的投诉工单中，当前原因为 C（态度生硬）的件数，按受理日计；地区筛选只作用于此列。" }
                    li { "按授权条目解答的比例：待来电记录授权条目字段上线后补充。" }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn row(code: &str, received: i64, accept: Option<f64>) -> Row {
        Row {
            code: code.into(),
            figures: Figures {
                received,
                accept_rate: accept,
                ..Figures::default()
            },
        }
    }

    #[test]
    fn percentages_and_dashes() {
        assert_eq!(percent(Some(0.5)), "50.0%");
        assert_eq!(percent(Some(1.0)), "100.0%");
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn the_chart_draws_the_busiest_departments_by_name() {
        let mut names = BTreeMap::new();
        names.insert("530100-gaj".to_string(), "昆明市公安局".to_string());
        let rows: Vec<Row> = (0..20)
            .map(|i| row(&format!("530100-d{i}"), i, Some(0.5)))
            .chain([row("530100-gaj", 100, Some(0.25))])
            .collect();
        let svg = rates_chart(&rows, &names).into_string();
        assert!(svg.contains("昆明市公安局"), "{svg}");
        assert!(svg.contains("25.0%"));
        assert!(
            !svg.contains("530100-d0<"),
            "the quietest are left to the table"
        );
        assert!(!svg.contains("style="), "no inline style under the CSP");
        let empty = rates_chart(&[], &names).into_string();
        assert!(empty.contains("暂无数据"));
    }

    #[test]
    fn the_trend_draws_a_line_per_series_and_says_when_there_is_nothing() {
        let labels: Vec<String> = (1..=3).map(|d| format!("12-0{d}")).collect();
        let svg = trend_chart(
            "t",
            &labels,
            &[("派单", vec![1, 4, 2]), ("办结", vec![0, 1, 3])],
        )
        .into_string();
        assert_eq!(svg.matches("<polyline").count(), 2, "{svg}");
        assert!(svg.contains("12-02 派单：4"), "{svg}");
        assert!(
            svg.contains(">4</text>"),
            "the axis ends at the largest value"
        );
        assert!(!svg.contains("style="), "no inline style under the CSP");
        let empty = trend_chart("t", &labels, &[("派单", vec![0, 0, 0])]).into_string();
        assert!(empty.contains("暂无数据"));
    }

    #[test]
    fn the_operators_page_has_the_table_the_charts_and_the_downloads() {
        let row = |op: &str, calls, rate| data::OperatorRow {
            operator: op.into(),
            figures: OperatorFigures {
                calls,
                satisfaction_rate: rate,
                ..OperatorFigures::default()
            },
        };
        let r = OperatorReport {
            from: "2026-12-01".into(),
            to: "2026-12-04".into(),
            operators: vec![row("op1", 5, Some(0.8)), row("op2", 2, None)],
            total: OperatorFigures {
                calls: 7,
                ..OperatorFigures::default()
            },
            days: vec![],
        };
        let f = Filters {
            region: "530100".into(),
            ..Filters::default()
        };
        let html = operators_page(&f, &r, &[("530100".into(), "昆明市".into())]).into_string();
        assert!(html.contains("接听 <b>7</b> 通"), "{html}");
        assert!(html.contains("投诉限 昆明市"), "{html}");
        assert!(html.contains("80.0%") && html.contains("op2"));
        for format in ["csv", "xlsx", "pdf"] {
            let href = format!("/reports/operators/download?format={format}&amp;from=2026-12-01");
            assert!(html.contains(&href), "{format}: {html}");
        }
        assert!(html.contains("暂无数据"), "no days: an empty trend");
    }

    #[test]
    fn filters_make_the_query() {
        let f = Filters {
            region: "530100".into(),
            ..Filters::default()
        };
        assert_eq!(
            f.query("2026-12-01", "2026-12-04"),
            "from=2026-12-01&to=2026-12-04&region=530100"
        );
    }
}
