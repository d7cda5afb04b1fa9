//! The knowledge base health report (知识库健康度) at `/reports/kb-health`: its filters, the
//! downloads, the knowledge base's state now, a table of regions beside their unconfident
//! rates, and the unconfident searches and no-info tickets per day. The figures are the
//! tickets service's; their definitions are the README's glossary, summed up under the table.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::reports::{
    CHART_ROWS, Filters, download_buttons, filters_form, name_of, percent, share_bars, trend_chart,
};

/// The parts of `GET /api/v1/reports/kb-health` this page reads.
pub mod data {
    use serde::Deserialize;

    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(default)]
    pub struct HealthFigures {
        pub searches: i64,
        pub unconfident: i64,
        pub no_info: i64,
        pub unconfident_rate: Option<f64>,
        pub unconfident_per_1000_calls: Option<f64>,
        pub no_info_per_1000_calls: Option<f64>,
        pub applied: i64,
        pub median_seconds_to_applied: Option<i64>,
        pub p90_seconds_to_applied: Option<i64>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct HealthRow {
        pub region: String,
        #[serde(flatten)]
        pub figures: HealthFigures,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct HealthNow {
        pub open_unanswered: i64,
        pub stale_entries: i64,
        pub months: u32,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct HealthDay {
        pub date: chrono::NaiveDate,
        pub unconfident: i64,
        pub no_info: i64,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct HealthReport {
        pub from: String,
        pub to: String,
        pub calls: i64,
        pub regions: Vec<HealthRow>,
        pub total: HealthFigures,
        pub now: Option<HealthNow>,
        #[serde(default)]
        pub days: Vec<HealthDay>,
    }
}

use data::{HealthFigures, HealthReport};

/// Everything the page shows.
pub struct HealthPage<'a> {
    pub filters: &'a Filters,
    pub report: &'a HealthReport,
    pub regions: &'a [(String, String)],
    pub department_names: &'a BTreeMap<String, String>,
}

/// Seconds as hours with one decimal, `—` for none.
fn hours(seconds: Option<i64>) -> String {
    seconds.map_or_else(|| "—".into(), |s| format!("{:.1}", s as f64 / 3600.0))
}

/// A figure per 1,000 calls, `—` for none.
fn per_mille(v: Option<f64>) -> String {
    v.map_or_else(|| "—".into(), |v| format!("{v:.2}"))
}

/// The cells after the region, the same for a region and the total.
fn health_cells(f: &HealthFigures) -> Markup {
    html! {
        td.num { (f.searches) }
        td.num { (f.unconfident) " / " (percent(f.unconfident_rate)) }
        td.num { (per_mille(f.unconfident_per_1000_calls)) }
        td.num { (f.no_info) }
        td.num { (per_mille(f.no_info_per_1000_calls)) }
        td.num { (f.applied) }
        td.num { (hours(f.median_seconds_to_applied)) }
        td.num { (hours(f.p90_seconds_to_applied)) }
    }
}

/// The whole page.
pub fn health_page(p: &HealthPage) -> Markup {
    let r = p.report;
    let f = p.filters;
    let region_names: BTreeMap<String, String> = p.regions.iter().cloned().collect();
    let query = f.query(&r.from, &r.to);
    let mut busiest: Vec<_> = r.regions.iter().collect();
    busiest.sort_by_key(|x| std::cmp::Reverse(x.figures.searches));
    busiest.truncate(CHART_ROWS);
    let bars: Vec<(String, Vec<Option<f64>>)> = busiest
        .iter()
        .map(|x| {
            let name = name_of(&region_names, &x.region).to_string();
            (name, vec![x.figures.unconfident_rate])
        })
        .collect();
    let labels: Vec<String> = r
        .days
        .iter()
        .map(|d| d.date.format("%m-%d").to_string())
        .collect();
    let series: [(&str, Vec<i64>); 2] = [
        ("未确信搜索", r.days.iter().map(|d| d.unconfident).collect()),
        ("查无信息工单", r.days.iter().map(|d| d.no_info).collect()),
    ];
    html! {
        section #kb-health-report.report-page {
            div.row.reports-head {
                h1.grow { "知识库健康度" }
                (download_buttons("/reports/kb-health/download", &query))
            }
            (filters_form("/reports/kb-health", f, p.regions, Some(p.department_names)))
            p.muted.summary {
                (r.from) " 至 " (r.to) "（北京时间）"
                @if !f.region.is_empty() { "，" (name_of(&region_names, &f.region)) "（含下级地区）" }
                @if !f.department.is_empty() { "，" (name_of(p.department_names, &f.department)) }
                "：来电 " b { (r.calls) } " 通，每千次来电未确信搜索 " b { (per_mille(r.total.unconfident_per_1000_calls)) }
                "、查无信息工单 " b { (per_mille(r.total.no_info_per_1000_calls)) }
                "；补充用时中位数 " b { (hours(r.total.median_seconds_to_applied)) }
                @if r.total.median_seconds_to_applied.is_some() { " 小时" } "。"
            }
            section.card.kb-now {
                h2 { "知识库现状" }
                @match &r.now {
                    Some(now) => p {
                        "未解答查询（当前） " b { (now.open_unanswered) } " 条；超过 "
                        (now.months) " 个月未复核的已发布条目 " b { (now.stale_entries) } " 条。"
                    },
                    None => p.muted { "知识库服务暂不可达，未解答查询与未复核条目稍后再看。" },
                }
            }
            div.cols.report-cols {
                section.card {
                    h2 { "各地区" }
                    @if r.regions.is_empty() {
                        p.muted { "所选期间、地区没有搜索或查无信息工单。" }
                    } @else {
                        table.report.dept-table {
                            thead { tr {
                                th { "地区" }
                                th.num title="知识库搜索次数（带地区的搜索）" { "搜索" }
                                th.num title="未确信搜索 / 未确信率" { "未确信（率）" }
                                th.num title="未确信搜索 × 1000 / 全部来电" { "未确信/千次来电" }
                                th.num title="受理的查无信息工单" { "查无信息" }
                                th.num title="查无信息工单 × 1000 / 全部来电" { "查无信息/千次来电" }
                                th.num title="所选期间生效的补充条目（对应查无信息工单）" { "已补充" }
                                th.num title="工单受理至条目生效，小时" { "用时中位数(时)" }
                                th.num title="工单受理至条目生效，小时，第 90 百分位" { "用时P90(时)" }
                            } }
                            tbody {
                                @for row in &r.regions {
                                    tr {
                                        td.name title=(row.region) { (name_of(&region_names, &row.region)) }
                                        (health_cells(&row.figures))
                                    }
                                }
                            }
                            tfoot { tr { th { "合计" } (health_cells(&r.total)) } }
                        }
                    }
                }
                section.card {
                    h2 { "未确信率" }
                    (share_bars("各地区未确信率", &["未确信率"], &bars))
                }
            }
            section.card {
                h2 { "每日未确信搜索与查无信息工单" }
                (trend_chart("每日未确信搜索与查无信息工单", &labels, &series))
            }
            details.card.glossary {
                summary { "指标说明" }
                ul {
                    li { "按北京时间自然日统计。搜索与未确信搜索来自知识库服务，约每 10 秒汇总一次；未带地区的搜索只计入合计。" }
                    li { "每千次来电 = 次数 × 1000 / 全部来电（来电不分地区，地区与部门筛选不改变基数）。" }
                    li { "查无信息：受理的查无信息工单，按受理日、受理时派往的部门计；部门筛选时不含搜索。" }
                    li { "补充用时：查无信息工单受理至知识库条目生效，按生效日计；中位数与第 90 百分位（最近秩）。" }
                    li { "未解答查询、未复核条目：查询报表时知识库的现状，与所选日期无关。" }
                }
            }
        }
    }
}
