//! The shift leader's (值班长) screens: the board of queues at `/`, notification delivery at
//! `/notifications`, and the reports with their charts at `/reports`. Charts are inline SVG
//! drawn here on the server: the CSP allows no script-made graphics and no inline style.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::views::reports::data::DepartmentReport;
use crate::views::reports_topics::data::TopicDigest;
use crate::views::{format, picker, reports, reports_topics};

/// The rising topics the board draws.
const BOARD_TOPICS: usize = 5;

/// The parts of the services' answers these screens read.
pub mod data {

    use serde::Deserialize;

    /// Tickets and their extension requests, as every screen reads them.
    pub use crate::api::types::{Extension, Ticket};

    /// A department found by the picker.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Department {
        pub code: String,
        pub name: String,
        #[serde(default)]
        pub status: String,
    }

    /// A notification as the notify service lists it.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Notification {
        pub id: String,
        pub channel: String,
        pub to: String,
        #[serde(default)]
        pub subject: String,
        pub ticket_id: Option<String>,
        pub status: String,
        pub attempts: i32,
        pub max_attempts: i32,
        pub last_error: Option<String>,
        pub updated_at: String,
    }

    pub use shared::contract::tickets::{
        CallDay, CallsDaily, RegionReplenishment, ReplenishmentReport as Replenishment,
    };

    /// A fax number or address that will not work (`GET /api/v1/reports/contacts`).
    #[derive(Debug, Clone, Deserialize)]
    pub struct ContactProblem {
        pub department: String,
        pub department_name: String,
        pub liaison_name: Option<String>,
        /// `fax`, `email` or `none`.
        pub field: String,
        pub value: String,
    }

    /// A query the search could not answer.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Unanswered {
        pub query: String,
        pub region: Option<String>,
        pub times: i64,
        pub last_asked_at: String,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Region {
        pub code: String,
        pub name: String,
    }
}

use data::{CallsDaily, Notification, Replenishment, Ticket, Unanswered};

// ---------------------------------------------------------------------------------------------
// Charts

/// One coloured row of bars in a chart.
pub struct Series<'a> {
    pub name: &'a str,
    pub values: Vec<i64>,
}

const CHART_W: f64 = 600.0;
const CHART_H: f64 = 170.0;
const PAD_LEFT: f64 = 34.0;
const PAD_RIGHT: f64 = 6.0;
const PAD_TOP: f64 = 22.0;
const PAD_BOTTOM: f64 = 22.0;

fn n(x: f64) -> String {
    format!("{x:.1}")
}

/// A bar chart: one group of bars per label, one bar per series, all scaled to the largest
/// value; the legend on top when there are several series. Nothing to show draws "暂无数据".
pub fn bar_chart(title: &str, labels: &[String], series: &[Series]) -> Markup {
    let max = series
        .iter()
        .flat_map(|s| s.values.iter().copied())
        .max()
        .unwrap_or(0);
    let view_box = format!("0 0 {CHART_W} {CHART_H}");
    if labels.is_empty() || series.is_empty() || max <= 0 {
        return html! {
            svg.chart viewBox=(view_box) role="img" aria-label=(title) {
                title { (title) }
                text.empty x=(n(CHART_W / 2.0)) y=(n(CHART_H / 2.0)) text-anchor="middle" { "暂无数据" }
            }
        };
    }
    let plot_w = CHART_W - PAD_LEFT - PAD_RIGHT;
    let plot_h = CHART_H - PAD_TOP - PAD_BOTTOM;
    let base = PAD_TOP + plot_h;
    let group_w = plot_w / labels.len() as f64;
    let bar_w = (group_w * 0.8 / series.len() as f64).max(1.0);
    // Long ranges: every k-th day is labelled, so the labels do not run into each other.
    let step = labels.len().div_ceil(12).max(1);
    let show_values = bar_w >= 14.0;
    html! {
        svg.chart viewBox=(view_box) role="img" aria-label=(title) {
            title { (title) }
            line.axis x1=(n(PAD_LEFT)) y1=(n(base)) x2=(n(CHART_W - PAD_RIGHT)) y2=(n(base)) {}
            line.axis x1=(n(PAD_LEFT)) y1=(n(PAD_TOP)) x2=(n(PAD_LEFT)) y2=(n(base)) {}
            text x=(n(PAD_LEFT - 4.0)) y=(n(PAD_TOP + 4.0)) text-anchor="end" { (max) }
            text x=(n(PAD_LEFT - 4.0)) y=(n(base)) text-anchor="end" { "0" }
            @if series.len() > 1 {
                @for (k, s) in series.iter().enumerate() {
                    @let x = PAD_LEFT + 4.0 + k as f64 * 110.0;
                    rect class={ "bar s" (k) } x=(n(x)) y="4" width="10" height="10" {}
                    text x=(n(x + 14.0)) y="13" { (s.name) }
                }
            }
            @for (i, label) in labels.iter().enumerate() {
                @let gx = PAD_LEFT + i as f64 * group_w + group_w * 0.1;
                @for (k, s) in series.iter().enumerate() {
                    @let v = s.values.get(i).copied().unwrap_or(0).max(0);
                    @let h = v as f64 / max as f64 * plot_h;
                    @let x = gx + k as f64 * bar_w;
                    rect class={ "bar s" (k) } x=(n(x)) y=(n(base - h)) width=(n((bar_w - 1.0).max(1.0))) height=(n(h)) {
                        title { (label) " " (s.name) "：" (v) }
                    }
                    @if show_values && v > 0 {
                        text.value x=(n(x + bar_w / 2.0)) y=(n(base - h - 3.0)) text-anchor="middle" { (v) }
                    }
                }
                @if i % step == 0 {
                    text x=(n(gx + group_w * 0.4)) y=(n(CHART_H - 6.0)) text-anchor="middle" { (label) }
                }
            }
        }
    }
}

/// `2026-12-04` as `12-04`: the year is in the range above the chart.
fn short_date(date: &chrono::NaiveDate) -> String {
    date.format("%m-%d").to_string()
}

/// The classifications in the order people name them.
const CLASSIFICATIONS: [&str; 4] = ["basic_query", "consultation", "complaint", "suggestion"];
const SATISFACTIONS: [&str; 4] = ["satisfied", "basically_satisfied", "dissatisfied", "none"];

fn per_day(calls: &CallsDaily, pick: impl Fn(&data::CallDay) -> i64) -> Vec<i64> {
    calls.days.iter().map(pick).collect()
}

fn count_of(map: &BTreeMap<String, i64>, key: &str) -> i64 {
    map.get(key).copied().unwrap_or(0)
}

/// Calls per day (one bar a day).
pub fn calls_total_chart(calls: &CallsDaily) -> Markup {
    let labels: Vec<String> = calls.days.iter().map(|d| short_date(&d.date)).collect();
    bar_chart(
        "每日来电量",
        &labels,
        &[Series {
            name: "来电",
            values: per_day(calls, |d| d.total),
        }],
    )
}

/// Calls per day, a bar for each classification.
pub fn calls_by_classification_chart(calls: &CallsDaily) -> Markup {
    let labels: Vec<String> = calls.days.iter().map(|d| short_date(&d.date)).collect();
    let series: Vec<Series> = CLASSIFICATIONS
        .iter()
        .map(|c| Series {
            name: format::classification_label(c),
            values: per_day(calls, |d| count_of(&d.classification, c)),
        })
        .collect();
    bar_chart("每日来电（按分类）", &labels, &series)
}

/// Calls per day, a bar for each satisfaction answer.
pub fn calls_by_satisfaction_chart(calls: &CallsDaily) -> Markup {
    let labels: Vec<String> = calls.days.iter().map(|d| short_date(&d.date)).collect();
    let series: Vec<Series> = SATISFACTIONS
        .iter()
        .map(|s| Series {
            name: format::satisfaction_label(s),
            values: per_day(calls, |d| count_of(&d.satisfaction, s)),
        })
        .collect();
    bar_chart("每日来电（按满意度）", &labels, &series)
}

/// No-info tickets per region: opened, closed, answered by the knowledge base.
pub fn replenishment_chart(rep: &Replenishment, names: &BTreeMap<String, String>) -> Markup {
    let labels: Vec<String> = rep
        .regions
        .iter()
        .map(|r| region_name(names, &r.region))
        .collect();
    let pick = |f: fn(&data::RegionReplenishment) -> i64| rep.regions.iter().map(f).collect();
    bar_chart(
        "知识补充（按地区）",
        &labels,
        &[
            Series {
                name: "新增",
                values: pick(|r| r.opened),
            },
            Series {
                name: "办结",
                values: pick(|r| r.closed),
            },
            Series {
                name: "已入库",
                values: pick(|r| r.answered),
            },
        ],
    )
}

fn region_name(names: &BTreeMap<String, String>, code: &str) -> String {
    names.get(code).cloned().unwrap_or_else(|| code.to_string())
}

// ---------------------------------------------------------------------------------------------
// The board

/// One queue: its total at the service and the first page of it.
#[derive(Debug, Default)]
pub struct Queue {
    pub total: i64,
    pub items: Vec<Ticket>,
}

/// Everything the board shows.
pub struct Board {
    pub now: DateTime<Utc>,
    pub dispatch: Queue,
    pub overdue: Queue,
    pub near_due: Queue,
    pub extensions: Queue,
    pub returned: Queue,
    /// 投诉升级: operators and liaisons asked for a supervisor.
    pub escalated: Queue,
    pub callbacks: Queue,
    pub calls: Option<CallsDaily>,
    pub replenishment: Option<Replenishment>,
}

/// The departments the board's chart shows: the most dispatched to this month.
pub fn busiest(rows: &[reports::data::Row]) -> Vec<&reports::data::Row> {
    let mut busiest: Vec<&reports::data::Row> = rows.iter().collect();
    busiest.sort_by_key(|r| std::cmp::Reverse(r.figures.received));
    busiest.truncate(8);
    busiest
}

/// This month's key charts (the department report so far, `names` the departments'): the
/// busiest departments' on-time and satisfaction rates, and the dispatches and replies per day.
pub fn month_charts(
    month: Option<&DepartmentReport>,
    names: &BTreeMap<String, String>,
    topics: Option<&TopicDigest>,
) -> Markup {
    let topics_card = html! {
        section.card #board-topics {
            h2 { "近期上升话题（社情民意）" " " a.more href="/reports/topics" { "社情民意 →" } }
            @match topics {
                Some(t) => (reports_topics::rising_chart(t, BOARD_TOPICS)),
                None => p.muted { "报表暂时无法读取。" },
            }
        }
    };
    let Some(m) = month else {
        return html! {
            div.board-charts #month-charts {
                section.card { h2 { "本月考核" } p.muted { "报表暂时无法读取。" } }
                (topics_card)
            }
        };
    };
    let rows: Vec<(String, Vec<Option<f64>>)> = busiest(&m.departments)
        .iter()
        .map(|d| {
            let name = names.get(&d.code).unwrap_or(&d.code).clone();
            (
                name,
                vec![d.figures.on_time_rate, d.figures.satisfaction_rate],
            )
        })
        .collect();
    html! {
        div.board-charts #month-charts {
            section.card {
                h2 { "本月各部门按时办结率、满意率" " " a.more href="/reports/departments" { "考核报表 →" } }
                (reports::share_bars("本月各部门按时办结率、满意率", &["按时办结率", "满意率"], &rows))
            }
            section.card {
                h2 { "本月每日派单与办结" }
                (reports::department_trend(m))
            }
            (topics_card)
        }
    }
}

/// New tickets to dispatch: urgent ones first, then the oldest deadline first.
pub fn dispatch_order(items: &mut [Ticket]) {
    items.sort_by(|a, b| {
        b.urgent
            .cmp(&a.urgent)
            .then_with(|| a.due_at.cmp(&b.due_at))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// The board: the queues' counts in one strip (all visible at 1366×768), the queues, and
/// today's two charts. Replaced whole after every action on it.
pub fn board(b: &Board) -> Markup {
    let heads: [(&str, &str, i64, &str); 7] = [
        ("q-dispatch", "待派单", b.dispatch.total, "urgent"),
        ("q-escalated", "升级请求", b.escalated.total, "urgent"),
        ("q-overdue", "已超期", b.overdue.total, "over"),
        ("q-near", "即将到期", b.near_due.total, "near"),
        ("q-extend", "延期申请", b.extensions.total, ""),
        ("q-returned", "退单待处理", b.returned.total, ""),
        ("q-callback", "待回访", b.callbacks.total, ""),
    ];
    html! {
        div #board.board {
            div.counts.board-counts {
                @for (id, label, count, kind) in heads {
                    a class={ "count" @if count > 0 && !kind.is_empty() { " count-" (kind) } }
                        href={ "#" (id) } {
                        span { (label) }
                        b { (count) }
                    }
                }
            }
            div.board-grid {
                (queue("q-dispatch", "待派单", "新受理的工单，紧急的在前", &b.dispatch, |t| dispatch_item(t, b.now)))
                @if b.escalated.total > 0 {
                    (queue("q-escalated", "升级请求", "话务员或联络员请求值班长处理：打开工单督办", &b.escalated, |t| escalated_item(t, b.now)))
                }
                (queue("q-overdue", "已超期（红灯）", "办理时限已过", &b.overdue, |t| due_item(t, b.now)))
                (queue("q-near", "即将到期（黄灯）", "24小时内到期", &b.near_due, |t| due_item(t, b.now)))
                (queue("q-extend", "延期申请", "部门申请延长办理时限", &b.extensions, |t| extension_item(t, b.now)))
                (queue("q-returned", "退单待处理", "重新派单，或驳回退单", &b.returned, |t| returned_item(t, b.now)))
                (queue("q-callback", "待回访", "部门已回复，回访来电人", &b.callbacks, callback_item))
            }
            div.board-charts {
                section.card {
                    h2 { "近7日来电量" }
                    @match &b.calls {
                        Some(c) => (calls_total_chart(c)),
                        None => p.muted { "报表暂时无法读取。" },
                    }
                }
                section.card {
                    h2 { "知识补充（近30日）" }
                    @match &b.replenishment {
                        Some(r) => (replenishment_chart(r, &BTreeMap::new())),
                        None => p.muted { "报表暂时无法读取。" },
                    }
                }
            }
            // The month's charts come after the board is shown: an action never waits for them.
            div #month-charts hx-get="/board/month" hx-trigger="load" hx-target="this" hx-swap="outerHTML" {
                p.muted { "本月考核图表加载中…" }
            }
        }
    }
}

fn queue(id: &str, title: &str, hint: &str, q: &Queue, item: impl Fn(&Ticket) -> Markup) -> Markup {
    html! {
        section.card.queue id=(id) aria-labelledby={ (id) "-h" } {
            h2 id={ (id) "-h" } {
                (title) " " span.qcount { (q.total) }
                span.hint { (hint) }
            }
            @if q.items.is_empty() {
                p.muted.qempty { "暂无工单。" }
            } @else {
                ul.qlist {
                    @for t in &q.items { li { (item(t)) } }
                }
                @if q.total > q.items.len() as i64 {
                    p.muted.more { "另有 " (q.total - q.items.len() as i64) " 件，请到" a href="/tickets" { "工单查询" } "查看。" }
                }
            }
        }
    }
}

/// The line every queue item starts with: number (a link), urgency, kind, deadline.
fn ticket_head(t: &Ticket, now: Option<DateTime<Utc>>) -> Markup {
    html! {
        div.qhead {
            a.tid href={ "/tickets/" (t.id) } { (t.id) }
            @if t.urgent { span.badge.urgent { "紧急" } }
            span.badge { (format::type_label(&t.kind)) }
            @if let Some(now) = now {
                @let due = t.next_due_at.as_deref().unwrap_or(&t.due_at);
                @let (text, urgency) = format::countdown(due, now);
                span class={ "due " (urgency.class()) } title={ "时限：" (format::time(due)) } { (text) }
            }
        }
        div.qsum title=(t.summary) { (t.summary) }
    }
}

fn dept_line(t: &Ticket) -> Markup {
    html! {
        div.qmeta.muted {
            "地区 " (t.region)
            @if let Some(d) = &t.department { "　承办 " (d) }
        }
    }
}

/// The department picker and the dispatch button.
fn dispatch_form(t: &Ticket, button: &str) -> Markup {
    html! {
        form.dispatch hx-post={ "/board/tickets/" (t.id) "/dispatch" }
            hx-target="#board" hx-swap="outerHTML" {
            (picker::department("department", &format!("dispatch-{}", t.id), "承办部门"))
            button.primary type="submit" { (button) }
        }
    }
}

fn dispatch_item(t: &Ticket, now: DateTime<Utc>) -> Markup {
    html! {
        (ticket_head(t, Some(now)))
        div.qmeta.muted {
            "地区 " (t.region)
            @if let Some(d) = &t.department { "　来电人指向 " (d) }
            @if t.status == "reopened" { "　（重办）" }
        }
        (dispatch_form(t, "派单"))
    }
}

fn escalated_item(t: &Ticket, now: DateTime<Utc>) -> Markup {
    html! {
        (ticket_head(t, Some(now)))
        @if let Some(e) = &t.escalation {
            div.qmeta { "升级原因：" (e.reason) span.muted { "（" (format::time(&e.requested_at)) "）" } }
        }
    }
}

fn due_item(t: &Ticket, now: DateTime<Utc>) -> Markup {
    html! {
        (ticket_head(t, Some(now)))
        div.qmeta.muted {
            (format::status_label(&t.status))
            @if let Some(d) = &t.department { "　承办 " (d) }
        }
    }
}

fn extension_item(t: &Ticket, now: DateTime<Utc>) -> Markup {
    let reason = format!("er-{}", t.id);
    html! {
        (ticket_head(t, Some(now)))
        (dept_line(t))
        @if let Some(e) = &t.extension {
            div.qmeta { "申请延至 " b { (format::time(&e.until)) } "：" (e.reason) }
        }
        div.qact {
            button.primary type="button" hx-post={ "/board/tickets/" (t.id) "/extend/approve" }
                hx-target="#board" hx-swap="outerHTML" { "批准延期" }
            form.inline-form hx-post={ "/board/tickets/" (t.id) "/extend/refuse" }
                hx-target="#board" hx-swap="outerHTML" {
                label.sr for=(reason) { "拒绝理由" }
                input id=(reason) type="text" name="reason" required placeholder="拒绝理由";
                button.danger type="submit" { "拒绝" }
            }
        }
    }
}

fn returned_item(t: &Ticket, now: DateTime<Utc>) -> Markup {
    let reason = format!("rr-{}", t.id);
    html! {
        (ticket_head(t, Some(now)))
        div.qmeta.muted {
            @if let Some(d) = &t.department { (d) " 退回" } @else { "部门退回" }
            @if let Some(f) = &t.returned_from { "（原状态：" (format::status_label(f)) "）" }
        }
        (dispatch_form(t, "重新派单"))
        form.inline-form hx-post={ "/board/tickets/" (t.id) "/return/reject" }
            hx-target="#board" hx-swap="outerHTML" {
            label.sr for=(reason) { "驳回理由" }
            input id=(reason) type="text" name="reason" required placeholder="驳回理由（退回原部门继续办理）";
            button.danger type="submit" { "驳回退单" }
        }
    }
}

fn callback_item(t: &Ticket) -> Markup {
    html! {
        (ticket_head(t, None))
        @if let Some(r) = &t.reply {
            div.qreply title=(r) { "回复：" (r) }
        }
        form.qact hx-post={ "/board/tickets/" (t.id) "/callback" } hx-target="#board" hx-swap="outerHTML" {
            // Satisfied closes it, and a complaint closes with its cause.
            @if t.kind == "complaint" && t.cause.is_none() {
                @let sel = format!("cbc-{}", t.id);
                label.sr for=(sel) { "投诉原因" }
                select id=(sel) name="cause" title="投诉原因（满意、基本满意即办结，须选择）" {
                    option value="" { "投诉原因…" }
                    @for c in ["policy", "handling", "attitude"] {
                        option value=(c) { (format::cause_label(c)) }
                    }
                }
            }
            span.muted { "回访结果：" }
            button type="submit" name="satisfaction" value="satisfied" { "满意" }
            button type="submit" name="satisfaction" value="basically_satisfied" { "基本满意" }
            button.danger type="submit" name="satisfaction" value="dissatisfied" { "不满意" }
        }
    }
}

/// The page around the board.
pub fn board_page(b: &Board) -> Markup {
    html! {
        h1.sr { "值班看板" }
        (board(b))
    }
}

/// A message for `#flash` sent beside a fragment (htmx swaps it out of band).
pub fn flash_oob(kind: &str, text: &str) -> Markup {
    html! {
        div #flash hx-swap-oob="innerHTML" { (crate::views::layout::flash(kind, text)) }
    }
}

// ---------------------------------------------------------------------------------------------
// Notifications

/// The tabs of the notifications page: the API's status and its name.
pub const NOTIFICATION_TABS: [(&str, &str); 4] = [
    ("dead", "投递失败"),
    ("failed", "重试中"),
    ("queued", "待发送"),
    ("sent", "已发送"),
];

pub fn notification_status_label(s: &str) -> &'static str {
    match s {
        "queued" => "待发送",
        "sending" => "发送中",
        "sent" => "已发送",
        "failed" => "重试中",
        "dead" => "投递失败",
        _ => "未知",
    }
}

pub fn channel_label(c: &str) -> &'static str {
    match c {
        "fax" => "传真",
        "email" => "邮件",
        "sms" => "短信",
        _ => "其他",
    }
}

pub fn notification_row(n: &Notification) -> Markup {
    html! {
        tr id={ "n-" (n.id) } {
            td { (channel_label(&n.channel)) }
            td.nowrap { (n.to) }
            td.nowrap {
                @match &n.ticket_id {
                    Some(t) => a href={ "/tickets/" (t) } { (t) },
                    None => span.muted { "—" },
                }
            }
            td.subject title=(n.subject) { (n.subject) }
            td { span class={ "badge nstatus-" (n.status) } { (notification_status_label(&n.status)) } }
            td.nowrap { (n.attempts) " / " (n.max_attempts) }
            td.error { @match &n.last_error { Some(e) => (e), None => span.muted { "—" } } }
            td.nowrap { (format::time(&n.updated_at)) }
            td {
                @if n.status == "dead" {
                    button.primary type="button" hx-post={ "/notifications/" (n.id) "/retry" }
                        hx-target="closest tr" hx-swap="outerHTML" { "重试" }
                }
            }
        }
    }
}

pub struct NotificationList<'a> {
    pub status: &'a str,
    pub counts: [i64; 4],
    pub items: &'a [Notification],
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

pub fn notifications(l: &NotificationList) -> Markup {
    let pages = ((l.total + l.per_page - 1) / l.per_page.max(1)).max(1);
    html! {
        section #notifications {
            h1 { "通知投递" }
            nav.tabs aria-label="投递状态" {
                @for ((status, label), count) in NOTIFICATION_TABS.iter().zip(l.counts) {
                    @if *status == l.status {
                        a.active href={ "/notifications?status=" (status) } aria-current="page" { (label) " " b { (count) } }
                    } @else {
                        a href={ "/notifications?status=" (status) } { (label) " " b { (count) } }
                    }
                }
            }
            @if l.items.is_empty() {
                p.card.muted { "没有" (notification_status_label(l.status)) "的通知。" }
            } @else {
                table.notifications {
                    thead { tr {
                        th { "渠道" } th { "收件人" } th { "工单" } th { "主题" } th { "状态" }
                        th { "尝试次数" } th { "最后错误" } th { "更新时间" } th { "操作" }
                    } }
                    tbody { @for n in l.items { (notification_row(n)) } }
                }
                @if pages > 1 {
                    div.pager {
                        @if l.page > 1 {
                            a href={ "/notifications?status=" (l.status) "&page=" (l.page - 1) } { "上一页" }
                        }
                        span { "第 " (l.page) " / " (pages) " 页，共 " (l.total) " 条" }
                        @if l.page < pages {
                            a href={ "/notifications?status=" (l.status) "&page=" (l.page + 1) } { "下一页" }
                        }
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Reports

pub struct Reports<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub calls: &'a CallsDaily,
    pub replenishment: &'a Replenishment,
    pub region_names: &'a BTreeMap<String, String>,
    pub unanswered: Option<&'a [Unanswered]>,
    pub contacts: Option<&'a [data::ContactProblem]>,
}

pub fn reports(r: &Reports) -> Markup {
    let total: i64 = r.calls.days.iter().map(|d| d.total).sum();
    let sum_of =
        |pick: &dyn Fn(&data::CallDay) -> i64| -> i64 { r.calls.days.iter().map(pick).sum() };
    html! {
        section #reports {
            div.row.reports-head {
                h1.grow { "报表" }
                form.row.range method="get" action="/reports" {
                    label for="from" { "起始日期" }
                    input #from type="date" name="from" value=(r.from) required;
                    label for="to" { "截止日期" }
                    input #to type="date" name="to" value=(r.to) required;
                    button.primary type="submit" { "查询" }
                }
            }
            p.muted { (r.calls.from) " 至 " (r.calls.to) "（北京时间），共来电 " b { (total) } " 次。" }
            div.cols.cols-2 {
                section.card {
                    h2 { "每日来电（按分类）" }
                    (calls_by_classification_chart(r.calls))
                }
                section.card {
                    h2 { "每日来电（按满意度）" }
                    (calls_by_satisfaction_chart(r.calls))
                }
            }
            section.card {
                h2 { "每日来电明细" }
                table.report {
                    thead { tr {
                        th { "日期" } th.num { "合计" }
                        @for c in CLASSIFICATIONS { th.num { (format::classification_label(c)) } }
                        @for s in SATISFACTIONS { th.num { (format::satisfaction_label(s)) } }
                    } }
                    tbody {
                        @for d in &r.calls.days {
                            tr {
                                td { (d.date) } td.num { (d.total) }
                                @for c in CLASSIFICATIONS { td.num { (count_of(&d.classification, c)) } }
                                @for s in SATISFACTIONS { td.num { (count_of(&d.satisfaction, s)) } }
                            }
                        }
                    }
                    tfoot { tr {
                        th { "合计" } th.num { (total) }
                        @for c in CLASSIFICATIONS { th.num { (sum_of(&|d| count_of(&d.classification, c))) } }
                        @for s in SATISFACTIONS { th.num { (sum_of(&|d| count_of(&d.satisfaction, s))) } }
                    } }
                }
            }
            div.cols.cols-2 {
                section.card {
                    h2 { "知识补充（查无信息工单）" }
                    (replenishment_chart(r.replenishment, r.region_names))
                    @if r.replenishment.regions.is_empty() {
                        p.muted { "所选期间没有查无信息工单。" }
                    } @else {
                        table.report {
                            thead { tr {
                                th { "地区" } th.num { "新增" } th.num { "办结" } th.num { "已入库" } th.num { "入库用时（中位数）" }
                            } }
                            tbody {
                                @for g in &r.replenishment.regions {
                                    tr {
                                        td { (region_name(r.region_names, &g.region)) " " span.muted { (g.region) } }
                                        td.num { (g.opened) } td.num { (g.closed) } td.num { (g.answered) }
                                        td.num { @match g.median_seconds_to_answer { Some(s) => (format::duration(s)), None => "—" } }
                                    }
                                }
                            }
                        }
                    }
                }
                section.card {
                    h2 { "未解答查询（前10）" }
                    @match r.unanswered {
                        None => p.muted { "知识库服务暂时无法读取。" },
                        Some([]) => p.muted { "暂无未解答的查询。" },
                        Some(items) => table.report {
                            thead { tr { th { "查询内容" } th { "地区" } th.num { "次数" } th { "最近一次" } } }
                            tbody {
                                @for u in items {
                                    tr {
                                        td { (u.query) }
                                        td { @match &u.region { Some(c) => (region_name(r.region_names, c)), None => "—" } }
                                        td.num { (u.times) }
                                        td.nowrap { (format::time(&u.last_asked_at)) }
                                    }
                                }
                            }
                        },
                    }
                    p { a href="/knowledge/unanswered" { "查看全部未解答查询 →" } }
                }
                (contact_problems(r.contacts))
            }
        }
    }
}

/// Fax numbers and addresses that will not work: urgent replies would not reach them.
fn contact_problems(problems: Option<&[data::ContactProblem]>) -> Markup {
    let what = |p: &data::ContactProblem| match p.field.as_str() {
        "fax" => "传真号码无法使用",
        "email" => "电子邮件地址无法使用",
        _ => "没有可用的传真或电子邮件",
    };
    html! {
        section.card #contacts {
            h2 { "联系方式问题" }
            @match problems {
                None => p.muted { "知识库服务暂时无法读取。" },
                Some([]) => p.muted { "各部门及信息联络员的传真、电子邮件均可使用。" },
                Some(items) => {
                    p.muted { "以下联系方式无法发送通知，请知识库维护人员更正：" }
                    table.report {
                        thead { tr { th { "部门" } th { "信息联络员" } th { "问题" } th { "登记的内容" } } }
                        tbody {
                            @for p in items {
                                tr {
                                    td { a href={ "/knowledge/departments/" (p.department) } { (p.department_name) } }
                                    td { (p.liaison_name.as_deref().unwrap_or("—")) }
                                    td { (what(p)) }
                                    td { (p.value) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ticket(id: &str, urgent: bool, due: &str) -> Ticket {
        serde_json::from_value(serde_json::json!({
            "id": id, "type": "complaint", "status": "new", "urgent": urgent,
            "summary": "<b>窗口</b>态度差", "region": "530100", "department": null,
            "due_at": due, "next_due_at": due, "reply": null, "extension": null,
            "returned_from": null, "query": null, "created_by": "op", "overdue": false,
            "created_at": "2026-12-01T00:00:00Z", "updated_at": "2026-12-01T00:00:00Z",
            "caller": {"name": null, "phone": "138****1111", "email": null},
            "accept_due_at": null, "cause": null, "satisfaction": null, "entry_code": null,
            "closed_at": null, "call_id": null
        }))
        .unwrap()
    }

    fn heights(svg: &str) -> Vec<f64> {
        svg.split("height=\"")
            .skip(1)
            .map(|s| s.split('"').next().unwrap().parse().unwrap())
            .collect()
    }

    #[test]
    fn bars_scale_to_the_largest_value() {
        let labels = vec!["a".to_string(), "b".to_string(), "c".to_string()];
        let svg = bar_chart(
            "t",
            &labels,
            &[Series {
                name: "x",
                values: vec![5, 10, 0],
            }],
        )
        .into_string();
        let plot = CHART_H - PAD_TOP - PAD_BOTTOM;
        let h = heights(&svg);
        assert_eq!(h, vec![plot / 2.0, plot, 0.0], "{svg}");
        assert!(
            svg.contains(">10<"),
            "the largest value is the axis' top: {svg}"
        );
        assert!(!svg.contains("暂无数据"));
    }

    #[test]
    fn empty_data_says_so() {
        for svg in [
            bar_chart("t", &[], &[]),
            bar_chart(
                "t",
                &["a".to_string()],
                &[Series {
                    name: "x",
                    values: vec![0],
                }],
            ),
        ] {
            let svg = svg.into_string();
            assert!(
                svg.contains("暂无数据") && svg.contains("<svg class=\"chart\""),
                "{svg}"
            );
            assert!(!svg.contains("<rect"), "{svg}");
        }
    }

    #[test]
    fn labels_are_escaped_and_there_is_no_style() {
        let svg = bar_chart(
            "<t>",
            &["<x>".to_string()],
            &[
                Series {
                    name: "a&b",
                    values: vec![3],
                },
                Series {
                    name: "c",
                    values: vec![1],
                },
            ],
        )
        .into_string();
        assert!(
            svg.contains("&lt;x&gt;") && svg.contains("a&amp;b"),
            "{svg}"
        );
        assert!(!svg.contains("<x>") && !svg.contains("style="), "{svg}");
    }

    #[test]
    fn long_ranges_label_some_days() {
        let labels: Vec<String> = (1..=31).map(|d| format!("12-{d:02}")).collect();
        let svg = bar_chart(
            "t",
            &labels,
            &[Series {
                name: "x",
                values: (1..=31).collect(),
            }],
        )
        .into_string();
        let shown = labels
            .iter()
            .filter(|l| svg.contains(&format!(">{l}<")))
            .count();
        assert!((8..=12).contains(&shown), "{shown} labels");
    }

    #[test]
    fn urgent_tickets_are_dispatched_first() {
        let mut items = vec![
            ticket("T1", false, "2026-12-01T00:00:00Z"),
            ticket("T2", true, "2026-12-05T00:00:00Z"),
            ticket("T3", true, "2026-12-03T00:00:00Z"),
        ];
        dispatch_order(&mut items);
        let ids: Vec<&str> = items.iter().map(|t| t.id.as_str()).collect();
        assert_eq!(ids, ["T3", "T2", "T1"]);
    }

    #[test]
    fn the_month_charts_name_the_busiest_departments_or_say_they_cannot() {
        let report: DepartmentReport = serde_json::from_value(serde_json::json!({
            "from": "2026-12-01", "to": "2026-12-02",
            "departments": [
                {"code": "530100-gaj", "received": 9, "on_time_rate": 0.5, "satisfaction_rate": null},
                {"code": "530100-rsj", "received": 1, "on_time_rate": 1.0}
            ],
            "regions": [], "total": {"received": 10},
            "days": [
                {"date": "2026-12-01", "received": 6, "replied": 2, "replied_on_time": 1},
                {"date": "2026-12-02", "received": 4, "replied": 3, "replied_on_time": 3}
            ]
        }))
        .unwrap();
        let names = BTreeMap::from([("530100-gaj".to_string(), "昆明市公安局".to_string())]);
        let topics: TopicDigest = serde_json::from_value(serde_json::json!({
            "from": "2026-11-30", "to": "2026-12-06", "week_from": "2026-11-30",
            "week_to": "2026-12-06", "previous_from": "2026-11-23", "previous_to": "2026-11-29",
            "topics": [
                {"topic": "ybj", "name": "医疗保障", "tickets": 3, "searches": 4, "mentions": 7,
                 "previous_mentions": 2, "change": 2.5, "weeks": [], "examples": []},
                {"topic": "gaj", "name": "公安户政", "tickets": 1, "searches": 0, "mentions": 1,
                 "previous_mentions": 5, "change": -0.8, "weeks": [], "examples": []}
            ]
        }))
        .unwrap();
        let html = month_charts(Some(&report), &names, Some(&topics)).into_string();
        assert!(
            html.contains("医疗保障") && !html.contains("公安户政"),
            "the risen topics only: {html}"
        );
        assert!(html.contains("href=\"/reports/topics\""));
        assert!(
            html.contains("昆明市公安局") && html.contains("530100-rsj"),
            "{html}"
        );
        assert!(
            html.contains("50.0%") && html.contains("<polyline"),
            "{html}"
        );
        assert!(html.contains("href=\"/reports/departments\""));
        let none = month_charts(None, &names, None).into_string();
        assert_eq!(none.matches("报表暂时无法读取").count(), 2, "{none}");
    }

    #[test]
    fn the_board_shows_counts_links_and_a_picker() {
        let now = DateTime::parse_from_rfc3339("2026-12-04T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let mut returned = ticket("T9", false, "2026-12-04T05:00:00Z");
        returned.status = "returned".into();
        returned.department = Some("530100-rsj".into());
        let b = Board {
            now,
            dispatch: Queue {
                total: 1,
                items: vec![ticket("T20261204-000001", true, "2026-12-06T00:00:00Z")],
            },
            overdue: Queue::default(),
            near_due: Queue::default(),
            extensions: Queue::default(),
            returned: Queue {
                total: 1,
                items: vec![returned],
            },
            escalated: Queue::default(),
            callbacks: Queue::default(),
            calls: None,
            replenishment: None,
        };
        let html = board_page(&b).into_string();
        assert!(html.contains("id=\"board\""));
        assert!(html.contains("href=\"/tickets/T20261204-000001\""));
        assert!(html.contains("待派单") && html.contains("紧急") && html.contains("剩余 2天0小时"));
        assert!(html.contains("hx-post=\"/board/tickets/T20261204-000001/dispatch\""));
        assert!(html.contains("label for=\"pick-dispatch-T20261204-000001\""));
        assert!(html.contains("重新派单") && html.contains("驳回退单"));
        assert!(html.contains("&lt;b&gt;窗口"), "summaries are escaped");
        assert!(!html.contains("style="));
    }

    #[test]
    fn dead_notifications_can_be_retried() {
        let n = Notification {
            id: "N1".into(),
            channel: "fax".into(),
            to: "0871-1".into(),
            subject: "s".into(),
            ticket_id: Some("T1".into()),
            status: "dead".into(),
            attempts: 1,
            max_attempts: 1,
            last_error: Some("fax spool: <err>".into()),
            updated_at: "2026-12-04T09:30:00Z".into(),
        };
        let html = notifications(&NotificationList {
            status: "dead",
            counts: [1, 0, 0, 2],
            items: std::slice::from_ref(&n),
            total: 1,
            page: 1,
            per_page: 50,
        })
        .into_string();
        assert!(html.contains("hx-post=\"/notifications/N1/retry\"") && html.contains("重试"));
        assert!(html.contains("传真") && html.contains("2026-12-04 17:30"));
        assert!(html.contains("&lt;err&gt;") && html.contains("href=\"/tickets/T1\""));
        let sent = Notification {
            status: "sent".into(),
            ..n
        };
        assert!(!notification_row(&sent).into_string().contains("retry"));
    }

    #[test]
    fn durations_read_in_chinese() {
        assert_eq!(format::duration(90), "1分钟");
        assert_eq!(format::duration(3 * 3600 + 600), "3小时10分");
        assert_eq!(format::duration(26 * 3600), "1天2小时");
    }
}
