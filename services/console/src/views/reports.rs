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
    }
}

use data::{DepartmentReport, Figures, Row};

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

fn name_of<'a>(names: &'a BTreeMap<String, String>, code: &'a str) -> &'a str {
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
const CHART_ROWS: usize = 15;

fn n(x: f64) -> String {
    format!("{x:.1}")
}

/// One row per department (the busiest first), with a bar for each of its rates from 0 to
/// 100 %; a rate with nothing to divide by has no bar, only a dash.
pub fn rates_chart(rows: &[Row], names: &BTreeMap<String, String>) -> Markup {
    // Drawn near the size it is shown at beside the table, so its text stays readable.
    const W: f64 = 520.0;
    const LABEL: f64 = 140.0;
    const ROW_H: f64 = 46.0;
    const TOP: f64 = 24.0;
    const BAR: f64 = 11.0;
    let mut busiest: Vec<&Row> = rows.iter().collect();
    busiest.sort_by_key(|r| std::cmp::Reverse(r.figures.received));
    busiest.truncate(CHART_ROWS);
    let h = TOP + ROW_H * busiest.len().max(1) as f64 + 18.0;
    let view_box = format!("0 0 {W} {}", n(h));
    let plot = W - LABEL - 50.0;
    html! {
        svg.chart.rates viewBox=(view_box) role="img" aria-label="各部门签收率、按时办结率、满意率" {
            title { "各部门签收率、按时办结率、满意率" }
            @for (k, (name, _)) in RATES.iter().enumerate() {
                @let x = LABEL + k as f64 * 110.0;
                rect class={ "bar s" (k) } x=(n(x)) y="4" width="10" height="10" {}
                text x=(n(x + 14.0)) y="13" { (name) }
            }
            @if busiest.is_empty() {
                text.empty x=(n(W / 2.0)) y=(n(TOP + 20.0)) text-anchor="middle" { "暂无数据" }
            }
            @for (i, row) in busiest.iter().enumerate() {
                @let y = TOP + i as f64 * ROW_H;
                text x=(n(LABEL - 6.0)) y=(n(y + ROW_H / 2.0 + 4.0)) text-anchor="end" {
                    (truncate(name_of(names, &row.code), 10))
                }
                @for (k, (rate_name, pick)) in RATES.iter().enumerate() {
                    @let by = y + 4.0 + k as f64 * (BAR + 2.0);
                    @match pick(&row.figures) {
                        Some(share) => {
                            @let w = (share.clamp(0.0, 1.0) * plot).max(1.0);
                            rect class={ "bar s" (k) } x=(n(LABEL)) y=(n(by)) width=(n(w)) height=(n(BAR)) {
                                title { (name_of(names, &row.code)) " " (rate_name) "：" (percent(Some(share))) }
                            }
                            text.value x=(n(LABEL + w + 3.0)) y=(n(by + BAR - 1.5)) { (percent(Some(share))) }
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

/// At most `max` characters, with `…` when cut.
fn truncate(s: &str, max: usize) -> String {
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

/// The whole page.
pub fn page(p: &Page) -> Markup {
    let r = p.report;
    let region_names: BTreeMap<String, String> = p.regions.iter().cloned().collect();
    let query = p.filters.query(&r.from, &r.to);
    html! {
        section #dept-report {
            div.row.reports-head {
                h1.grow { "考核报表" }
                a.button href={ "/reports/departments/download?format=csv&" (query) } download { "下载 CSV" }
                a.button.primary href={ "/reports/departments/download?format=xlsx&" (query) } download { "下载 Excel" }
            }
            form.card.filters method="get" action="/reports/departments" {
                label { "月份" input type="month" name="month" value=(p.filters.month); }
                span.muted { "或" }
                label { "起始日期" input type="date" name="from" value=(p.filters.from); }
                label { "截止日期" input type="date" name="to" value=(p.filters.to); }
                label { "地区"
                    select name="region" {
                        option value="" { "全省" }
                        @for (code, name) in p.regions {
                            option value=(code) selected[*code == p.filters.region] { (name) }
                        }
                    }
                }
                label { "部门"
                    input type="text" name="department" value=(p.filters.department)
                        list="report-departments" placeholder="部门编码，如 530100-gaj" size="18";
                }
                datalist #report-departments {
                    @for (code, name) in p.department_names {
                        option value=(code) { (name) }
                    }
                }
                button.primary type="submit" { "查询" }
            }
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
