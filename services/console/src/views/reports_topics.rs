//! The 社情民意 digest at `/reports/topics`: its filters, the downloads, the topics risen most
//! against the weeks before (bars), their weekly mentions (lines), and a table of every topic
//! with its latest tickets. The figures are the tickets service's; their definitions are the
//! README's glossary, summed up under the table.

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::format;
use super::reports::{
    Filters, download_buttons, filters_form, n, name_of, percent, trend_chart, truncate,
};

/// The parts of `GET /api/v1/reports/topics` this page reads.
pub mod data {
    use serde::Deserialize;

    #[derive(Debug, Clone, Deserialize)]
    pub struct TopicWeek {
        pub week: chrono::NaiveDate,
        pub tickets: i64,
        pub searches: i64,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct TopicExample {
        pub id: String,
        pub summary: String,
        pub region: String,
        pub created_at: i64,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct TopicRow {
        pub topic: String,
        pub name: String,
        pub tickets: i64,
        pub searches: i64,
        pub mentions: i64,
        pub previous_mentions: i64,
        pub change: Option<f64>,
        pub weeks: Vec<TopicWeek>,
        pub examples: Vec<TopicExample>,
    }

    #[derive(Debug, Clone, Default, Deserialize)]
    pub struct Unfiled {
        pub tickets: i64,
        pub previous_tickets: i64,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct TopicDigest {
        pub from: String,
        pub to: String,
        pub week_from: String,
        pub week_to: String,
        pub previous_from: String,
        pub previous_to: String,
        pub topics: Vec<TopicRow>,
        #[serde(default)]
        pub unfiled: Unfiled,
    }
}

use data::{TopicDigest, TopicRow};

/// The topics the charts draw.
const RISING: usize = 10;
const TREND_LINES: usize = 4;

/// Everything the page shows.
pub struct TopicsPage<'a> {
    pub filters: &'a Filters,
    pub report: &'a TopicDigest,
    pub regions: &'a [(String, String)],
    pub department_names: &'a BTreeMap<String, String>,
}

/// A change as the table shows it: `+25.0%`, `新出现`, `—`.
fn change(t: &TopicRow) -> String {
    match t.change {
        Some(c) if c > 0.0 => format!("+{}", percent(Some(c))),
        Some(c) => percent(Some(c)),
        None if t.mentions > 0 => "新出现".into(),
        None => "—".into(),
    }
}

/// When a ticket was taken (epoch milliseconds), `MM-DD HH:MM` China time.
fn taken_at(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| {
            t.with_timezone(&format::shanghai())
                .format("%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

/// Two bars per topic, this period's mentions and the previous period's, scaled to the
/// largest, with the counts written beside them.
fn rising_bars(rows: &[&TopicRow]) -> Markup {
    const W: f64 = 520.0;
    const LABEL: f64 = 130.0;
    const TOP: f64 = 24.0;
    const BAR: f64 = 10.0;
    const ROW_H: f64 = 2.0 * (BAR + 2.0) + 8.0;
    let h = TOP + ROW_H * rows.len().max(1) as f64 + 6.0;
    let plot = W - LABEL - 70.0;
    let widest = rows
        .iter()
        .map(|t| t.mentions.max(t.previous_mentions))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let title = "上升最多的话题：本期与上期提及";
    html! {
        svg.chart.rates viewBox=(format!("0 0 {W} {}", n(h))) role="img" aria-label=(title) {
            title { (title) }
            @for (k, name) in ["本期提及", "上期提及"].iter().enumerate() {
                @let x = LABEL + k as f64 * 110.0;
                rect class={ "bar s" (k) } x=(n(x)) y="4" width="10" height="10" {}
                text x=(n(x + 14.0)) y="13" { (name) }
            }
            @if rows.is_empty() {
                text.empty x=(n(W / 2.0)) y=(n(TOP + 20.0)) text-anchor="middle" { "暂无数据" }
            }
            @for (i, t) in rows.iter().enumerate() {
                @let y = TOP + i as f64 * ROW_H;
                text x=(n(LABEL - 6.0)) y=(n(y + ROW_H / 2.0 + 2.0)) text-anchor="end" {
                    (truncate(&t.name, 9))
                }
                @for (k, v) in [t.mentions, t.previous_mentions].iter().enumerate() {
                    @let by = y + 2.0 + k as f64 * (BAR + 2.0);
                    @let w = (*v as f64 / widest * plot).max(1.0);
                    rect class={ "bar s" (k) } x=(n(LABEL)) y=(n(by)) width=(n(w)) height=(n(BAR)) {
                        title { (t.name) "：" (v) }
                    }
                    text.value x=(n(LABEL + w + 3.0)) y=(n(by + BAR - 1.5)) {
                        (v) @if k == 0 { "（" (change(t)) "）" }
                    }
                }
            }
            line.axis x1=(n(LABEL)) y1=(n(TOP - 2.0)) x2=(n(LABEL)) y2=(n(h - 4.0)) {}
        }
    }
}

/// The `k` topics risen most against the period before, as bars (the digest lists them most
/// risen first).
pub fn rising_chart(r: &TopicDigest, k: usize) -> Markup {
    let rising: Vec<&TopicRow> = r
        .topics
        .iter()
        .filter(|t| t.mentions > t.previous_mentions)
        .take(k)
        .collect();
    rising_bars(&rising)
}

/// The whole page.
pub fn topics_page(p: &TopicsPage) -> Markup {
    let r = p.report;
    let f = p.filters;
    let region_names: BTreeMap<String, String> = p.regions.iter().cloned().collect();
    let query = f.query(&r.from, &r.to);
    let rising = r
        .topics
        .iter()
        .filter(|t| t.mentions > t.previous_mentions)
        .count();
    let labels: Vec<String> = r
        .topics
        .first()
        .map(|t| {
            t.weeks
                .iter()
                .map(|w| w.week.format("%m-%d").to_string())
                .collect()
        })
        .unwrap_or_default();
    // The legend gives each line about seven characters' room.
    let names: Vec<String> = r
        .topics
        .iter()
        .take(TREND_LINES)
        .map(|t| truncate(&t.name, 7))
        .collect();
    let series: Vec<(&str, Vec<i64>)> = r
        .topics
        .iter()
        .zip(&names)
        .map(|(t, name)| {
            let weekly = t.weeks.iter().map(|w| w.tickets + w.searches).collect();
            (name.as_str(), weekly)
        })
        .collect();
    let tickets: i64 = r.topics.iter().map(|t| t.tickets).sum::<i64>() + r.unfiled.tickets;
    let searches: i64 = r.topics.iter().map(|t| t.searches).sum();
    html! {
        section #topics-report.report-page {
            div.row.reports-head {
                h1.grow { "社情民意" }
                (download_buttons("/reports/topics/download", &query))
            }
            (filters_form("/reports/topics", f, p.regions, Some(p.department_names)))
            p.muted.summary {
                "统计周 " (r.week_from) " 至 " (r.week_to) "，对比前 " (r.previous_from) " 至 " (r.previous_to)
                "（北京时间，按整周）"
                @if !f.region.is_empty() { "，" (name_of(&region_names, &f.region)) "（含下级地区）" }
                @if !f.department.is_empty() { "，" (name_of(p.department_names, &f.department)) }
                "：工单 " b { (tickets) } " 件、知识库搜索 " b { (searches) } " 次，"
                "上升话题 " b { (rising) } " 个"
                @if r.unfiled.tickets > 0 { "，未归类工单 " (r.unfiled.tickets) " 件" } "。"
            }
            div.cols.report-cols {
                section.card {
                    h2 { "上升话题" }
                    (rising_chart(r, RISING))
                }
                section.card {
                    h2 { "每周提及" }
                    (trend_chart("提及最多变化话题的每周提及（工单＋搜索）", &labels, &series))
                }
            }
            section.card {
                h2 { "各话题" }
                @if r.topics.is_empty() {
                    p.muted { "所选期间、地区没有可归类的工单或搜索。" }
                } @else {
                    table.report.topics-table {
                        thead { tr {
                            th { "话题" }
                            th.num title="摘要含该话题词的工单（或其部门属该话题）" { "工单" }
                            th.num title="最佳答案属该话题的知识库搜索" { "搜索" }
                            th.num title="工单＋搜索" { "提及" }
                            th.num title="前一段同样周数的提及" { "上期提及" }
                            th.num { "变化" }
                            th { "示例工单（最新）" }
                        } }
                        tbody {
                            @for t in &r.topics {
                                tr {
                                    td.name title=(t.topic) { (t.name) }
                                    td.num { (t.tickets) }
                                    td.num { (t.searches) }
                                    td.num { b { (t.mentions) } }
                                    td.num { (t.previous_mentions) }
                                    td.num.change { (change(t)) }
                                    td.examples {
                                        @for e in &t.examples {
                                            div {
                                                a href={ "/tickets/" (e.id) } { (e.id) }
                                                " " (truncate(&e.summary, 24))
                                                span.muted { " · " (name_of(&region_names, &e.region))
                                                    " · " (taken_at(e.created_at)) }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
            details.card.glossary {
                summary { "指标说明" }
                ul {
                    li { "话题即知识库的问答类别（一类部门，如医疗保障局），话题词由知识库服务从各类问答的问题与关键词中提取（jieba 分词）。" }
                    li { "工单：按受理时摘要所含话题词归类（话题词总字数最多者）；摘要不含话题词的，归其部门所属类别；派往政府办且无话题词的为未归类。" }
                    li { "搜索：知识库搜索的最佳答案所属话题，约每 10 秒汇总一次；部门筛选时不含搜索。" }
                    li { "按北京时间整周（周一至周日）统计：所选日期涉及的每一周，与其前同样周数比较；上升最多（本期减上期）者在前。" }
                }
            }
        }
    }
}
