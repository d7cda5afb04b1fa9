//! The 工单 views: the liaison's inbox (部门工单), the ticket list, and one ticket with its
//! history and the forms its reader may use now.

use std::collections::BTreeMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use maud::{Markup, html};
use shared::auth::Role;

use crate::api::types::{Event, Page, Ticket};
use crate::session::{User, role_label};
use crate::views::layout::csrf_field;
use crate::views::{attachments, format, picker};

/// Parts of the services' answers only these screens read.
pub mod api_types {
    use serde::Deserialize;

    /// The extension request waiting on a ticket (`Ticket.extension` is `{until, reason}`).
    #[derive(Debug, Clone, Deserialize)]
    pub struct PendingExtension {
        pub until: String,
        #[serde(default)]
        pub reason: String,
    }

    #[derive(Debug, Clone, Default, Deserialize)]
    pub struct ExtensionOf {
        #[serde(default)]
        pub extension: Option<PendingExtension>,
    }

    /// A department's name, for the ticket header.
    #[derive(Debug, Clone, Deserialize)]
    pub struct DepartmentName {
        pub name: String,
        #[serde(default)]
        pub region_name: Option<String>,
    }
}

use api_types::{DepartmentName, PendingExtension};

/// A list query's parameters.
pub type Query = &'static [(&'static str, &'static str)];

/// The inbox's tabs: key (`?tab=`), label, and the list query that fills it.
pub const TABS: &[(&str, &str, Query)] = &[
    ("dispatched", "待签收", &[("status", "dispatched")]),
    ("accepted", "办理中", &[("status", "accepted")]),
    ("replied", "已回复", &[("status", "replied")]),
    ("overdue", "超期", &[("overdue", "true")]),
    ("returned", "已退单", &[("status", "returned")]),
];

/// The deadline running now: acceptance while dispatched, else the reply deadline; none once
/// replied or closed.
fn running_deadline(t: &Ticket) -> Option<&str> {
    match t.status.as_str() {
        "replied" | "closed" => None,
        "dispatched" => t
            .next_due_at
            .as_deref()
            .or(t.accept_due_at.as_deref())
            .or(Some(t.due_at.as_str())),
        _ => t.next_due_at.as_deref().or(Some(t.due_at.as_str())),
    }
}

fn deadline(t: &Ticket, now: DateTime<Utc>) -> Markup {
    match running_deadline(t) {
        Some(due) => {
            let (text, urgency) = format::countdown(due, now);
            html! { span class=(urgency.class()) title=(format::time(due)) { (text) } }
        }
        None => html! { span.muted { "—" } },
    }
}

fn badges(t: &Ticket) -> Markup {
    html! {
        span.badge { (format::type_label(&t.kind)) }
        " "
        span.badge.status { (format::status_label(&t.status)) }
        @if t.urgent { " " span.badge.urgent { "紧急" } }
        @if t.overdue { " " span.badge.urgent { "超期" } }
    }
}

/// What the ticket is about in one line: the caller's question for no-info tickets.
fn gist(t: &Ticket) -> &str {
    match (&t.kind[..], t.query.as_deref()) {
        ("no_info", Some(q)) if !q.trim().is_empty() => q,
        _ => &t.summary,
    }
}

/// Region names by code (`530100` → `昆明市`), from the knowledge service; empty when it
/// could not say, and the codes show instead.
pub type RegionNames = std::collections::HashMap<String, String>;

fn region_name<'a>(regions: &'a RegionNames, code: &'a str) -> &'a str {
    regions.get(code).map_or(code, String::as_str)
}

/// The rows of a ticket table, the most pressing deadline first.
fn ticket_rows(
    items: &[Ticket],
    now: DateTime<Utc>,
    with_department: bool,
    regions: &RegionNames,
) -> Markup {
    let mut sorted: Vec<&Ticket> = items.iter().collect();
    // By instant, not text: the service writes fractions of a second only when there are some.
    sorted.sort_by_key(|t| {
        let due = running_deadline(t).and_then(|d| DateTime::parse_from_rfc3339(d).ok());
        (due.is_none(), due, t.id.clone())
    });
    html! {
        @for t in sorted {
            tr data-ticket=(t.id) {
                td.num { a href={ "/tickets/" (t.id) } { (t.id) } }
                td { span.badge { (format::type_label(&t.kind)) } @if t.urgent { " " span.badge.urgent { "紧急" } } }
                td.gist title=(gist(t)) { (gist(t)) }
                td { span.badge.status { (format::status_label(&t.status)) } }
                td title=(t.region) { (region_name(regions, &t.region)) }
                @if with_department { td { (t.department.as_deref().unwrap_or("—")) } }
                td.time { (format::time(&t.created_at)) }
                td.time { (deadline(t, now)) }
            }
        }
    }
}

fn table_head(with_department: bool) -> Markup {
    html! {
        thead { tr {
            th { "工单号" } th { "类型" } th { "事项 / 查询内容" } th { "状态" } th { "区域" }
            @if with_department { th { "承办部门" } }
            th { "受理时间" } th { "期限" }
        } }
    }
}

/// The liaison's inbox: a tab per state with its count, and the chosen tab's tickets.
pub fn inbox(
    department: &str,
    department_name: Option<&str>,
    counts: &[i64],
    current: &str,
    items: &[Ticket],
    regions: &RegionNames,
    now: DateTime<Utc>,
) -> Markup {
    html! {
        div.tickets-head {
            h1 { "部门工单" }
            span.muted {
                @if let Some(name) = department_name { (name) "（" (department) "）" }
                @else { (department) }
            }
        }
        nav.tabs aria-label="工单状态" {
            @for (i, (key, label, _)) in TABS.iter().enumerate() {
                @let count = counts.get(i).copied().unwrap_or(0);
                @let class = if *key == current { "tab active" } else { "tab" };
                a class=(class) href={ "/?tab=" (key) } aria-current=[(*key == current).then_some("page")] {
                    (label)
                    span class={ "count-badge" @if *key == "overdue" && count > 0 { " over" } } { (count) }
                }
            }
        }
        table #inbox.tickets {
            (table_head(false))
            tbody {
                (ticket_rows(items, now, false, regions))
                @if items.is_empty() {
                    tr { td.empty colspan="7" { "暂无工单。" } }
                }
            }
        }
    }
}

/// The filters of `/tickets`, as the form shows them and the API gets them.
#[derive(Debug, Clone, Default, serde::Deserialize, serde::Serialize)]
pub struct ListFilter {
    #[serde(default)]
    pub status: String,
    #[serde(default, rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub overdue: String,
    #[serde(default)]
    pub caller_phone: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl ListFilter {
    /// The API query: only the filters that are set (the service refuses empty values).
    pub fn api_query(&self, role: Role) -> Vec<(&'static str, String)> {
        let mut q = Vec::new();
        let mut put = |k: &'static str, v: &str| {
            let v = v.trim();
            if !v.is_empty() {
                q.push((k, v.to_string()));
            }
        };
        put("status", &self.status);
        put("type", &self.kind);
        if role != Role::Liaison {
            put("department", &self.department);
            put("caller_phone", &self.caller_phone);
        }
        if self.overdue == "true" {
            put("overdue", "true");
        }
        q.push(("page", self.page.unwrap_or(1).max(1).to_string()));
        q.push(("per_page", "20".into()));
        q
    }

    /// This filter's `/tickets` address at another page.
    fn at_page(&self, page: i64) -> String {
        let mut f = self.clone();
        f.page = Some(page);
        let pairs: Vec<(&str, String)> = [
            ("status", f.status.clone()),
            ("type", f.kind.clone()),
            ("department", f.department.clone()),
            ("overdue", f.overdue.clone()),
            ("caller_phone", f.caller_phone.clone()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .chain([("page", page.to_string())])
        .collect();
        format!(
            "/tickets?{}",
            serde_urlencoded::to_string(pairs).unwrap_or_default()
        )
    }
}

const STATUSES: &[&str] = &[
    "new",
    "dispatched",
    "accepted",
    "returned",
    "replied",
    "reopened",
    "closed",
];
const KINDS: &[&str] = &["complaint", "no_info", "consultation", "suggestion"];

/// `/tickets`: filters, the page of tickets, paging.
pub fn list(
    user: &User,
    f: &ListFilter,
    page: &Page<Ticket>,
    regions: &RegionNames,
    now: DateTime<Utc>,
) -> Markup {
    let title = match user.role {
        Role::Operator => "我的工单",
        Role::Liaison => "部门工单",
        _ => "工单查询",
    };
    let staff = user.role != Role::Liaison;
    let per_page = page.per_page.max(1);
    let current = page.page.max(1);
    let last = ((page.total + per_page - 1) / per_page).max(1);
    html! {
        h1 { (title) }
        form.card.filters method="get" action="/tickets" {
            div.row {
                div {
                    label for="f-status" { "状态" }
                    select #f-status name="status" {
                        option value="" { "全部" }
                        @for s in STATUSES {
                            option value=(s) selected[f.status == *s] { (format::status_label(s)) }
                        }
                    }
                }
                div {
                    label for="f-type" { "类型" }
                    select #f-type name="type" {
                        option value="" { "全部" }
                        @for k in KINDS {
                            option value=(k) selected[f.kind == *k] { (format::type_label(k)) }
                        }
                    }
                }
                @if staff {
                    div {
                        label for="f-department" { "承办部门代码" }
                        input #f-department type="text" name="department" value=(f.department) placeholder="如 530100-rsj";
                    }
                    div {
                        label for="f-phone" { "来电号码" }
                        input #f-phone type="tel" name="caller_phone" value=(f.caller_phone);
                    }
                }
                div.check {
                    input #f-overdue type="checkbox" name="overdue" value="true" checked[f.overdue == "true"];
                    label for="f-overdue" { "只看超期" }
                }
                div.check { button.primary type="submit" { "查询" } }
            }
        }
        p.muted { "共 " (page.total) " 件" }
        table #ticket-list.tickets {
            (table_head(staff))
            tbody {
                (ticket_rows(&page.items, now, staff, regions))
                @if page.items.is_empty() {
                    tr { td.empty colspan="8" { "没有符合条件的工单。" } }
                }
            }
        }
        @if last > 1 {
            nav.pager aria-label="翻页" {
                @if current > 1 { a href=(f.at_page(current - 1)) rel="prev" { "上一页" } }
                span { "第 " (current) " / " (last) " 页" }
                @if current < last { a href=(f.at_page(current + 1)) rel="next" { "下一页" } }
            }
        }
    }
}

/// Everything the ticket page shows.
pub struct TicketView<'a> {
    pub ticket: &'a Ticket,
    pub events: &'a [Event],
    pub department: Option<&'a DepartmentName>,
    pub extension: Option<&'a PendingExtension>,
    pub regions: &'a RegionNames,
    /// The action just done (`?done=`), for the success message.
    pub done: Option<&'a str>,
    pub now: DateTime<Utc>,
    /// The ticket's files (issue 18).
    pub attachments: &'a [attachments::Attachment],
    /// The names of the departments the history names, where the knowledge service told them.
    pub department_names: &'a BTreeMap<String, String>,
}

/// The message after an action.
pub fn done_message(action: &str) -> Option<&'static str> {
    Some(match action {
        "accept" => "已签收。",
        "return" => "已退单，等待值班长处理。",
        "extend" => "延期申请已提交，等待值班长审批。",
        "reply" => "已回复。",
        "replenish" => "补充信息已提交，等待知识库审核；审核通过后工单自动办结。",
        "dispatch" => "已派单。",
        "return-reject" => "已驳回退单，工单退回原部门。",
        "extend-approve" => "已批准延期。",
        "extend-refuse" => "已拒绝延期。",
        "supervise" => "已督办。",
        "callback" => "回访已记录。",
        "reopen" => "工单已重办，请重新派单。",
        "close" => "工单已办结。",
        "cause" => "投诉原因已保存。",
        "reply-on-behalf" => "已代录部门回复。",
        "escalate" => "已请求值班长处理，工单进入值班长的升级队列。",
        "cohandlers" => "已添加协办部门，并通知其信息联络员。",
        "cohandler-reply" => "协办意见已提交，由主办部门汇总答复。",
        "merge" => "已合并到原工单，本工单办结。",
        "attachment" => "已上传附件。",
        _ => return None,
    })
}

/// The history's name of an event (the service's names; the shared labels cover the rest).
fn event_label(action: &str) -> &'static str {
    match action {
        "extend_requested" => "申请延期",
        "extend_approved" => "批准延期",
        "extend_refused" => "拒绝延期",
        "change_request_created" => "已提交知识库审核",
        "change_request_refused" => "知识库未受理",
        "notification_failed" => "通知失败",
        "escalation_requested" => "请求升级",
        "cohandler_added" => "添加协办部门",
        "cohandler_reply" => "协办意见",
        "merged" => "合并到原工单",
        "merged_in" => "并入重复件",
        "fax_received" => "收到传真",
        "attachment_added" => "上传附件",
        other => format::action_label(other),
    }
}

/// The readable facts an event carries.
fn event_facts(e: &Event, names: &BTreeMap<String, String>) -> Vec<(&'static str, String)> {
    let d = &e.data;
    let named = |code: String| names.get(&code).cloned().unwrap_or(code);
    let text = |k: &str| {
        d.get(k)
            .and_then(|v| v.as_str())
            .filter(|s| !s.trim().is_empty())
            .map(str::to_owned)
    };
    let mut out = Vec::new();
    if e.action == "delivery" {
        let channel = match text("channel").as_deref() {
            Some("email") => "电子邮件",
            Some("fax") => "传真",
            Some("sms") => "短信",
            _ => "其他",
        };
        let to = text("to").unwrap_or_default();
        let status = match text("status").as_deref() {
            Some("sent") => "已发出",
            _ => "投递失败",
        };
        out.push(("通知", format!("{channel} {to}：{status}")));
        if let Some(err) = text("error") {
            out.push(("原因", err));
        }
        return out;
    }
    if e.action == "notification_waiting" {
        // The relay names the setting that is missing; the reader needs it in words.
        let reason = text("reason").unwrap_or_default();
        let whose = [
            ("HOTLINE_CENTRE_FAX", "热线中心传真号码"),
            ("HOTLINE_CENTRE_EMAIL", "热线中心电子邮箱"),
            ("HOTLINE_SUPERVISOR_MOBILE", "值班长手机号码"),
            ("HOTLINE_SUPERVISOR_EMAIL", "值班长电子邮箱"),
        ]
        .into_iter()
        .find(|(var, _)| reason.contains(var));
        let line = match whose {
            Some((var, what)) => format!("未配置{what}（{var}），该通知暂存待发，配置后自动发出"),
            None => "通知暂存待发".to_string(),
        };
        out.push(("原因", line));
        return out;
    }
    // A received e-mail (issue 18): a note, or the source of an e-mailed reply.
    if let Some(mail) = d
        .get("inbound")
        .or((e.action == "inbound_mail").then_some(d))
    {
        let field = |k: &str| mail.get(k).and_then(|v| v.as_str()).unwrap_or_default();
        let from = match field("from_name") {
            "" => field("from").to_string(),
            name => format!("{name} <{}>", field("from")),
        };
        out.push(("来信", format!("{from}：{}", field("subject"))));
        if let Some(files) = mail.get("attachments").and_then(|a| a.as_array())
            && !files.is_empty()
        {
            let names: Vec<&str> = files
                .iter()
                .filter_map(|f| f["filename"].as_str())
                .collect();
            out.push(("附件", names.join("、")));
        }
        if let Some(t) = text("text") {
            out.push(("内容", t));
        }
    }
    if e.action == "dispatch"
        && let Some(v) = text("department")
    {
        out.push(("派往", named(v)));
    }
    if e.action.starts_with("cohandler")
        && let Some(v) = text("department")
    {
        out.push(("协办部门", named(v)));
    }
    if let Some(v) = text("into") {
        out.push(("合并到", v));
    }
    if e.action == "merged_in" {
        out.push((
            "重复件",
            format!(
                "{}：{}",
                text("ticket").unwrap_or_default(),
                text("summary").unwrap_or_default()
            ),
        ));
    }
    if let Some(r) = d.get("routed") {
        let to = named(r["department"].as_str().unwrap_or_default().to_string());
        let line = match r["word"].as_str() {
            Some(w) => format!("{to}（分派规则：含“{w}”）"),
            None => format!("{to}（政府办，默认）"),
        };
        out.push(("分派", line));
    }
    if let Some(v) = text("attitude_of") {
        out.push(("态度问题", format::attitude_label(&v)));
    }
    for (key, label) in [
        ("reason", "原因"),
        ("note", "说明"),
        ("body", "回复"),
        ("department_code", "部门"),
        ("question", "问题"),
        ("answer", "答复"),
        ("entry_code", "知识条目"),
    ] {
        if let Some(v) = text(key) {
            let v = if key == "department_code" {
                named(v)
            } else {
                v
            };
            out.push((label, v));
        }
    }
    if let Some(n) = d
        .get("new_department")
        .and_then(|n| n.get("name"))
        .and_then(|n| n.as_str())
    {
        out.push(("新部门", n.to_string()));
    }
    if d.get("on_behalf").and_then(|v| v.as_bool()) == Some(true) {
        let how = match text("channel").as_deref() {
            Some("fax") => "传真",
            Some("phone") => "电话",
            Some("paper") => "书面",
            Some("email") => "电子邮件",
            _ => "其他方式",
        };
        let by = text("replied_by").unwrap_or_default();
        out.push(("代录", format!("部门以{how}答复（{by}），由中心代为录入")));
    }
    out.extend(attachments::event_facts(&e.action, d));
    if let Some(s) = text("satisfaction") {
        out.push(("评价", format::satisfaction_label(&s).to_string()));
    }
    if e.action.starts_with("extend")
        && let Some(u) = text("until")
    {
        out.push(("延期至", format::time(&u)));
    }
    out
}

/// The department codes the events name (dispatches, co-handlers, routing, facts), for
/// their names.
pub fn event_departments(events: &[Event]) -> Vec<String> {
    let mut codes: Vec<String> = events
        .iter()
        .flat_map(|e| {
            [
                e.data.get("department"),
                e.data.get("department_code"),
                e.data.get("routed").and_then(|r| r.get("department")),
            ]
        })
        .flatten()
        .filter_map(|v| v.as_str())
        .filter(|c| !c.is_empty())
        .map(str::to_string)
        .collect();
    codes.sort();
    codes.dedup();
    codes
}

fn history(events: &[Event], names: &BTreeMap<String, String>) -> Markup {
    html! {
        ol.history #history {
            @for e in events {
                li {
                    div.row {
                        b { (event_label(&e.action)) }
                        span.muted { (format::time(&e.at)) }
                        span { (e.actor) }
                        span.muted {
                            "（" (Role::from_str(&e.role).map(role_label).unwrap_or("系统")) "）"
                        }
                        @if let (Some(from), Some(to)) = (&e.from_status, &e.to_status) {
                            @if from != to {
                                span.badge { (format::status_label(from)) " → " (format::status_label(to)) }
                            }
                        }
                    }
                    @for (label, value) in event_facts(e, names) {
                        p.fact { span.muted { (label) "：" } (value) }
                    }
                }
            }
        }
    }
}

/// The editor's reason when the knowledge base turned the facts down, if that is the latest
/// word on them (facts supplied again since then answer it).
fn rejection(events: &[Event]) -> Option<String> {
    let last = events
        .iter()
        .rev()
        .find(|e| e.action == "knowledge_rejected" || e.action == "replenish")?;
    (last.action == "knowledge_rejected").then(|| {
        last.data
            .get("reason")
            .and_then(|r| r.as_str())
            .unwrap_or("未说明原因")
            .to_string()
    })
}

/// The reason of the latest event `action`.
fn last_reason(events: &[Event], action: &str) -> Option<String> {
    events
        .iter()
        .rev()
        .find(|e| e.action == action)
        .and_then(|e| e.data.get("reason")?.as_str().map(str::to_owned))
}

fn action_form(id: &str, action: &str, user: &User, class: &str, body: Markup) -> Markup {
    let url = format!("/tickets/{id}/{action}");
    html! {
        form class={ "act " (class) } method="post" action=(url) hx-post=(url) data-action=(action) {
            (csrf_field(user))
            (body)
        }
    }
}

/// A folded card with one required text field (`id`, `name`, label) and its button.
fn text_action(
    id: &str,
    user: &User,
    action: &str,
    title: &str,
    (field, name, label): (&str, &str, &str),
) -> Markup {
    folded(
        id,
        user,
        action,
        title,
        html! {
            label for=(field) { (label) }
            textarea id=(field) name=(name) required maxlength="2000" {}
            div.actions { button type="submit" { (title) } }
        },
    )
}

/// An action's form folded under its title until opened.
fn folded(id: &str, user: &User, action: &str, title: &str, body: Markup) -> Markup {
    html! {
        details.card {
            summary { (title) }
            (action_form(id, action, user, "", body))
        }
    }
}

fn liaison_forms(v: &TicketView, user: &User) -> Markup {
    let t = v.ticket;
    let id = &t.id;
    if t.department != user.department {
        return cohandler_forms(v, user);
    }
    let working = matches!(t.status.as_str(), "dispatched" | "accepted");
    let can_extend = working && v.extension.is_none() && !t.overdue;
    html! {
        @if let Some(x) = v.extension {
            div.card.notice { "延期申请（至 " (format::time(&x.until)) "）等待值班长审批：" (x.reason) }
        }
        @if t.status == "dispatched" {
            (action_form(id, "accept", user, "card", html! {
                h2 { "签收" }
                p.muted { "确认本部门承办此工单。" }
                button.primary type="submit" data-hotkey="s" { "签收（Alt+S）" }
            }))
        }
        @if t.status == "accepted" && t.kind != "no_info" {
            (action_form(id, "reply", user, "card", html! {
                h2 { "回复" }
                label for="reply-body" { "答复内容" }
                textarea #reply-body name="body" required maxlength="4000" rows="6" {}
                label for="reply-channel" { "答复方式" }
                select #reply-channel name="channel" {
                    option value="system" { "系统回复" }
                    option value="phone" { "电话" }
                    option value="fax" { "传真" }
                    option value="email" { "电子邮件" }
                }
                div.actions { button.primary type="submit" { "提交回复" } }
            }))
        }
        @if working {
            (folded(id, user, "return", "退单（派错部门）", html! {
                label for="return-reason" { "退单原因" }
                textarea #return-reason name="reason" required maxlength="2000" placeholder="说明为何不属于本部门，建议承办部门" {}
                div.actions { button.danger type="submit" { "退单" } }
            }))
        }
        @if can_extend {
            (folded(id, user, "extend", "申请延期", html! {
                label for="extend-days" { "延长天数（自然日，从当前答复期限算起）" }
                input #extend-days type="number" name="days" min="1" max="30" value="3" required;
                label for="extend-reason" { "延期原因" }
                textarea #extend-reason name="reason" required maxlength="2000" {}
                div.actions { button type="submit" { "提交申请" } }
            }))
        }
    }
}

/// A co-handling department's liaison (协办): its part of the reply, while the lead has not
/// replied.
fn cohandler_forms(v: &TicketView, user: &User) -> Markup {
    let t = v.ticket;
    let open = matches!(
        t.status.as_str(),
        "new" | "dispatched" | "accepted" | "returned" | "reopened"
    );
    html! {
        div.card.notice { "本部门为此工单的协办部门：请提交协办意见，由主办部门汇总答复。" }
        @if open {
            (action_form(&t.id, "cohandler-reply", user, "card", html! {
                h2 { "协办意见" }
                label for="co-body" { "本部门意见" }
                textarea #co-body name="body" required maxlength="4000" rows="5" {}
                div.actions { button.primary type="submit" { "提交协办意见" } }
            }))
        }
    }
}

/// 投诉升级: an operator or liaison asks for a supervisor, with the reason.
fn escalate_form(t: &Ticket, user: &User) -> Markup {
    html! {
        @if t.status != "closed" && t.escalation.is_none() {
            (text_action(&t.id, user, "escalate", "请求值班长处理（升级）", ("es-reason", "reason", "升级原因（来电人要求、情况紧急等）")))
        }
    }
}

/// The co-handling departments (协办) and their parts; a supervisor adds one while the lead
/// has not replied.
fn cohandlers_card(t: &Ticket, user: &User, names: &BTreeMap<String, String>) -> Markup {
    let open = matches!(
        t.status.as_str(),
        "new" | "dispatched" | "accepted" | "returned" | "reopened"
    );
    let can_add = open && user.role == Role::Supervisor;
    html! {
        @if !t.cohandlers.is_empty() || can_add {
            section.card #cohandlers {
                h2 { "协办部门" }
                @if t.cohandlers.is_empty() { p.muted { "暂无协办部门。" } }
                ul.cohandlers {
                    @for c in &t.cohandlers {
                        li {
                            @match names.get(&c.department) {
                                Some(name) => { b { (name) } span.muted { "（" (c.department) "）" } }
                                None => b { (c.department) },
                            }
                            @match &c.reply {
                                Some(r) => { "：" span.pre { (r) } span.muted { "（" (c.replied_by.as_deref().unwrap_or("")) " " (c.replied_at.as_deref().map(format::time).unwrap_or_default()) "）" } }
                                None => { span.muted { "：尚未提交协办意见" } }
                            }
                        }
                    }
                }
                @if can_add {
                    (action_form(&t.id, "cohandlers", user, "", html! {
                        (picker::department("department", "cohandler", "添加协办部门"))
                        div.actions { button type="submit" { "添加协办" } }
                    }))
                }
            }
        }
    }
}

/// Whose attitude a cause-C complaint was about: the lead department's liaison or the
/// operator who took it (the choices a supervisor has on the page).
fn attitude_select(t: &Ticket, id: &str) -> Markup {
    let mut choices: Vec<(String, String)> = Vec::new();
    if let Some(d) = &t.department {
        choices.push((format!("liaison:{d}"), format!("承办部门信息联络员（{d}）")));
    }
    choices.push((
        format!("operator:{}", t.created_by),
        format!("受理话务员（{}）", t.created_by),
    ));
    html! {
        label for=(id) { "态度问题责任人（C 类必填）" }
        select id=(id) name="attitude_of" {
            option value="" selected[t.attitude_of.is_none()] { "请选择" }
            @for (value, label) in &choices {
                option value=(value) selected[t.attitude_of.as_deref() == Some(value.as_str())] { (label) }
            }
        }
    }
}

/// The no-info ticket's facts for the knowledge base: an existing department or a new one.
fn replenish_form(v: &TicketView, user: &User) -> Markup {
    let t = v.ticket;
    html! {
        section.card.replenish #replenish {
            h2 { "补充信息（提交知识库）" }
            @if let Some(reason) = rejection(v.events) {
                div.rejected role="alert" {
                    b { "知识库审核未通过：" } (reason)
                    p.muted { "请按审核意见修改后重新提交。" }
                }
            }
            (action_form(&t.id, "replenish", user, "", html! {
                div.choice {
                    fieldset.known {
                        legend { "甲：知识库已有的部门" }
                        (picker::department("department_code", "replenish", "查找部门"))
                    }
                    fieldset {
                        legend { "乙：或新增部门" }
                        div.fields {
                            div.wide {
                                label for="nd-name" { "部门名称" }
                                input #nd-name type="text" name="nd_name" maxlength="100";
                            }
                            div {
                                label for="nd-region" { "区域代码" }
                                input #nd-region type="text" name="nd_region" value=(t.region) maxlength="6";
                            }
                            div {
                                label for="nd-phone-label" { "电话用途" }
                                input #nd-phone-label type="text" name="nd_phone_label" value="办公室";
                            }
                            div {
                                label for="nd-phone" { "电话号码" }
                                input #nd-phone type="tel" name="nd_phone" placeholder="0871-6311234";
                            }
                            div {
                                label for="nd-hours" { "办公时间" }
                                input #nd-hours type="text" name="nd_hours" placeholder="周一至周五 9:00-17:00";
                            }
                            div {
                                label for="nd-phone2-label" { "电话用途（二）" }
                                input #nd-phone2-label type="text" name="nd_phone2_label";
                            }
                            div {
                                label for="nd-phone2" { "电话号码（二）" }
                                input #nd-phone2 type="tel" name="nd_phone2";
                            }
                            div {
                                label for="nd-address" { "地址" }
                                input #nd-address type="text" name="nd_address" maxlength="200";
                            }
                        }
                    }
                }
                div.cols.cols-2 {
                    div {
                        label for="rp-question" { "来电问题（与答复同时填写）" }
                        input #rp-question type="text" name="question" maxlength="500" value=(t.query.as_deref().unwrap_or(""));
                        label for="rp-note" { "说明（必填：为何由该部门负责）" }
                        input #rp-note type="text" name="note" required maxlength="2000";
                    }
                    div {
                        label for="rp-answer" { "答复（话务员可照读的答案，与问题同时填写）" }
                        textarea #rp-answer name="answer" maxlength="4000" rows="4" {}
                    }
                }
                div.actions { button.primary type="submit" { "提交补充信息" } }
            }))
        }
    }
}

fn supervisor_forms(v: &TicketView, user: &User) -> Markup {
    let t = v.ticket;
    let id = &t.id;
    let s = t.status.as_str();
    html! {
        @if let Some(reason) = last_reason(v.events, "return").filter(|_| s == "returned") {
            div.card.notice.return-reason { b { "退单原因：" } (reason) }
        }
        @if matches!(s, "new" | "returned" | "reopened") {
            (action_form(id, "dispatch", user, "card", html! {
                h2 { "派单" }
                (picker::department("department", "dispatch", "承办部门"))
                div.actions { button.primary type="submit" { "派单" } }
            }))
        }
        @if s == "returned" {
            (action_form(id, "return-reject", user, "card", html! {
                h2 { "驳回退单" }
                label for="rr-reason" { "驳回理由（工单退回原部门）" }
                textarea #rr-reason name="reason" required maxlength="2000" {}
                div.actions { button type="submit" { "驳回退单" } }
            }))
        }
        @if let Some(x) = v.extension {
            section.card {
                h2 { "延期审批" }
                p { "申请延期至 " b { (format::time(&x.until)) } "：" (x.reason) }
                (action_form(id, "extend-approve", user, "", html! {
                    label for="ea-note" { "批示（可不填）" }
                    input #ea-note type="text" name="note" maxlength="2000";
                    div.actions { button.primary type="submit" { "批准延期" } }
                }))
                (action_form(id, "extend-refuse", user, "", html! {
                    label for="er-reason" { "拒绝理由" }
                    input #er-reason type="text" name="reason" required maxlength="2000";
                    div.actions { button.danger type="submit" { "拒绝延期" } }
                }))
            }
        }
        @if t.reply_on_behalf {
            (attachments::reply_on_behalf_form(id, v.attachments, user))
        }
        @if s == "replied" && t.kind != "no_info" { (callback_form(t, user)) }
        @if s != "closed" {
            (text_action(id, user, "supervise", "督办", ("sv-note", "note", "督办意见")))
        }
        @if matches!(s, "replied" | "closed") {
            (text_action(id, user, "reopen", "重办", ("ro-reason", "reason", "重办原因")))
        }
        @if s != "closed" && !t.repeat_of.is_empty() {
            (folded(id, user, "merge", "合并重复件", html! {
                p.muted { "本工单与该来电人近期的工单重复：合并后本工单办结，原工单记下本工单的诉求，两者的办理记录都保留。" }
                label for="mg-into" { "合并到" }
                select #mg-into name="into" required {
                    @for r in &t.repeat_of { option value=(r) { (r) } }
                }
                label for="mg-note" { "说明（可不填）" }
                input #mg-note type="text" name="note" maxlength="2000";
                div.actions { button type="submit" { "合并" } }
            }))
        }
        @if matches!(s, "new" | "replied") {
            (folded(id, user, "close", "办结", html! {
                @if needs_cause(t) { (cause_select("cl-cause", None)) (attitude_select(t, "cl-attitude")) }
                @if needs_attitude(t) {
                    (attitude_select(t, "cl-attitude"))
                    input type="hidden" name="cause" value="attitude";
                }
                label for="cl-note" { "办结说明" }
                textarea #cl-note name="note" required maxlength="2000" {}
                div.actions { button type="submit" { "办结" } }
            }))
        }
        @if t.kind == "complaint" {
            (folded(id, user, "cause", "投诉原因", html! {
                p.muted { "当前：" (t.cause.as_deref().map_or("未注明", format::cause_label)) "。更正会记入处理记录。" }
                (cause_select("cs-cause", t.cause.as_deref()))
                (attitude_select(t, "cs-attitude"))
                label for="cs-note" { "更正说明（可不填）" }
                input #cs-note type="text" name="note" maxlength="2000";
                div.actions { button type="submit" { "保存投诉原因" } }
            }))
        }
    }
}

/// A complaint without its cause: closing it (办结, or a satisfied callback) asks for one.
fn needs_cause(t: &Ticket) -> bool {
    t.kind == "complaint" && t.cause.is_none()
}

/// A cause-C complaint that does not yet say whose attitude it was: closing it asks.
fn needs_attitude(t: &Ticket) -> bool {
    t.cause.as_deref() == Some("attitude") && t.attitude_of.is_none()
}

/// The A/B/C cause of a complaint, required, `current` chosen.
fn cause_select(id: &str, current: Option<&str>) -> Markup {
    html! {
        label for=(id) { "投诉原因" }
        select id=(id) name="cause" required {
            option value="" selected[current.is_none()] { "请选择" }
            @for c in ["policy", "handling", "attitude"] {
                option value=(c) selected[current == Some(c)] { (format::cause_label(c)) }
            }
        }
    }
}

fn callback_form(t: &Ticket, user: &User) -> Markup {
    let id = t.id.as_str();
    action_form(
        id,
        "callback",
        user,
        "card",
        html! {
            h2 { "回访" }
            fieldset.inline {
                legend { "来电人评价" }
                @for (value, label) in [("satisfied", "满意"), ("basically_satisfied", "基本满意"), ("dissatisfied", "不满意")] {
                    @let fid = format!("cb-{value}");
                    input id=(fid) type="radio" name="satisfaction" value=(value) required;
                    label for=(fid) { (label) }
                }
            }
            @if needs_cause(t) {
                p.muted { "满意或基本满意即办结：投诉须注明原因。" }
                label for="cb-cause" { "投诉原因（办结时必填）" }
                select #cb-cause name="cause" {
                    option value="" { "请选择" }
                    @for c in ["policy", "handling", "attitude"] {
                        option value=(c) { (format::cause_label(c)) }
                    }
                }
                (attitude_select(t, "cb-attitude"))
            }
            @if needs_attitude(t) {
                p.muted { "C 类（态度生硬）投诉办结时须注明是谁的态度。" }
                (attitude_select(t, "cb-attitude"))
                input type="hidden" name="cause" value="attitude";
            }
            label for="cb-note" { "回访记录（可不填）" }
            input #cb-note type="text" name="note" maxlength="2000";
            div.actions { button.primary type="submit" { "记录回访" } }
        },
    )
}

/// `/tickets/{id}`.
pub fn ticket_page(v: &TicketView, user: &User) -> Markup {
    let t = v.ticket;
    let dept = match (v.department, &t.department) {
        (Some(d), Some(code)) => format!("{}（{code}）", d.name),
        (None, Some(code)) => code.clone(),
        _ => "未派单".into(),
    };
    let region = v
        .department
        .and_then(|d| d.region_name.clone())
        .or_else(|| v.regions.get(&t.region).cloned())
        .map(|n| format!("{n}（{}）", t.region))
        .unwrap_or_else(|| t.region.clone());
    let forms = match user.role {
        Role::Liaison => html! { (liaison_forms(v, user)) (escalate_form(t, user)) },
        Role::Supervisor => supervisor_forms(v, user),
        Role::Operator if t.status == "replied" && t.kind != "no_info" => {
            html! { (callback_form(t, user)) (escalate_form(t, user)) }
        }
        Role::Operator if t.reply_on_behalf => html! {
            (attachments::reply_on_behalf_form(&t.id, v.attachments, user))
            (escalate_form(t, user))
        },
        Role::Operator => escalate_form(t, user),
        _ => html! {},
    };
    let replenish = user.role == Role::Liaison && t.status == "accepted" && t.kind == "no_info";
    html! {
        @if let Some(msg) = v.done.and_then(done_message) {
            div.flash.flash-ok role="status" #done { (msg) }
        }
        @if !t.repeat_of.is_empty() {
            div.card.notice.repeat #repeat-of {
                b { "重复件：" }
                "该来电人近期就同一部门已有工单 "
                @for (i, id) in t.repeat_of.iter().enumerate() {
                    @if i > 0 { "、" }
                    a href={ "/tickets/" (id) } { (id) }
                }
                "，请结合办理情况处理。"
            }
        }
        @if let Some(e) = &t.escalation {
            div.card.notice.escalation #escalation role="alert" {
                b { "升级请求：" } (e.reason)
                span.muted { "（" (format::time(&e.requested_at)) "）" }
                @if user.role == Role::Supervisor { " 督办后即移出升级队列。" }
            }
        }
        @if let Some(into) = &t.merged_into {
            div.card.notice #merged-into { "本工单为重复件，已合并到 " a href={ "/tickets/" (into) } { (into) } "。" }
        }
        @if !t.merged.is_empty() {
            div.card.notice #merged {
                "已并入的重复件："
                @for (i, id) in t.merged.iter().enumerate() {
                    @if i > 0 { "、" }
                    a href={ "/tickets/" (id) } { (id) }
                }
            }
        }
        section.card.ticket-head {
            div.row {
                h1 #ticket-id { (t.id) }
                (badges(t))
                span.grow {}
                span.deadline { "期限：" (deadline(t, v.now)) }
            }
            dl.facts {
                dt { "状态" } dd #ticket-status { (format::status_label(&t.status)) }
                dt { "承办部门" } dd { (dept) }
                dt { "区域" } dd { (region) }
                dt { "受理" } dd { (format::time(&t.created_at)) "（" (t.created_by) "）" }
                dt { "答复期限" } dd { (format::time(&t.due_at)) }
                @if let Some(a) = t.accept_due_at.as_ref().filter(|_| t.status == "dispatched") {
                    dt { "签收期限" } dd { (format::time(a)) }
                }
            }
            @if let Some(q) = t.query.as_deref().filter(|_| t.kind == "no_info") {
                p.head-query { span.muted { "来电查询：" } b { (q) } }
            }
        }
        // The facts are the liaison's whole task on an accepted no-info ticket: full width, first.
        @if replenish { (replenish_form(v, user)) }
        div.ticket-grid {
            div.ticket-main {
                section.card {
                    h2 { "来电人与诉求" }
                    dl.facts {
                        dt { "来电人" } dd { (t.caller.name.as_deref().unwrap_or("未留姓名")) }
                        dt { "电话" } dd { (t.caller.phone) }
                        @if let Some(e) = &t.caller.email { dt { "邮箱" } dd { (e) } }
                        @if let Some(c) = &t.cause { dt { "投诉原因" } dd { (format::cause_label(c)) } }
                        @if let Some(a) = &t.attitude_of { dt { "态度问题" } dd { (format::attitude_label(a)) } }
                        @if let Some(q) = &t.query { dt { "查询内容" } dd.query { (q) } }
                        dt { "摘要" } dd { (t.summary) }
                        @if !t.details.trim().is_empty() { dt { "详情" } dd.pre { (t.details) } }
                        @if let Some(r) = &t.reply { dt { "答复" } dd.pre #ticket-reply { (r) } }
                        @if let Some(s) = &t.satisfaction { dt { "回访评价" } dd { (format::satisfaction_label(s)) } }
                        @if let Some(code) = &t.entry_code { dt { "知识条目" } dd { code { (code) } } }
                        @if let Some(c) = &t.closed_at { dt { "办结时间" } dd { (format::time(c)) } }
                    }
                }
                (cohandlers_card(t, user, v.department_names))
                (attachments::section(&t.id, &t.status, v.attachments, user))
                section.card {
                    h2 { "办理记录" }
                    (history(v.events, v.department_names))
                }
            }
            aside.ticket-side { (forms) }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Caller;
    use chrono::TimeZone;

    fn user(role: Role) -> User {
        User {
            sid: "s".into(),
            username: "u".into(),
            role,
            department: None,
            token: "t".into(),
            csrf: "c".into(),
            address: String::new(),
            password_change: false,
        }
    }

    fn ticket(kind: &str, status: &str) -> Ticket {
        Ticket {
            id: "T20261204-000001".into(),
            kind: kind.into(),
            status: status.into(),
            urgent: true,
            summary: "<script>x</script>".into(),
            details: String::new(),
            region: "530100".into(),
            department: Some("530100-zfb".into()),
            query: Some("滇池管理局电话".into()),
            caller: Caller {
                name: None,
                phone: "138****1111".into(),
                email: None,
            },
            created_by: "operator".into(),
            created_at: "2026-12-04T01:00:00Z".into(),
            updated_at: "2026-12-04T01:00:00Z".into(),
            due_at: "2026-12-10T01:00:00Z".into(),
            accept_due_at: Some("2026-12-04T05:00:00Z".into()),
            next_due_at: Some("2026-12-04T05:00:00Z".into()),
            overdue: false,
            cause: None,
            reply: None,
            satisfaction: None,
            entry_code: None,
            closed_at: None,
            returned_from: None,
            extension: None,
            repeat_of: Vec::new(),
            call_id: None,
            escalation: None,
            attitude_of: None,
            merged_into: None,
            merged: Vec::new(),
            cohandlers: Vec::new(),
            reply_on_behalf: false,
        }
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 4, 2, 0, 0).single().unwrap()
    }

    /// The page of `t` alone: no events, department, extension or region names.
    fn plain(t: &Ticket) -> TicketView<'_> {
        static NO_REGIONS: std::sync::LazyLock<RegionNames> =
            std::sync::LazyLock::new(RegionNames::new);
        static NO_NAMES: BTreeMap<String, String> = BTreeMap::new();
        TicketView {
            ticket: t,
            events: &[],
            department: None,
            extension: None,
            regions: &NO_REGIONS,
            done: None,
            now: now(),
            attachments: &[],
            department_names: &NO_NAMES,
        }
    }

    #[test]
    fn a_repeat_names_the_earlier_tickets_with_links() {
        let mut t = ticket("complaint", "new");
        let html = ticket_page(&plain(&t), &user(Role::Supervisor)).into_string();
        assert!(!html.contains("重复件"));
        t.repeat_of = vec!["T20261201-000007".into(), "T20261120-000002".into()];
        let html = ticket_page(&plain(&t), &user(Role::Supervisor)).into_string();
        assert!(html.contains("重复件"), "{html}");
        assert!(html.contains("href=\"/tickets/T20261201-000007\""));
        assert!(html.contains("T20261201-000007</a>、<a"));
    }

    fn event(action: &str, data: serde_json::Value) -> Event {
        Event {
            id: 1,
            at: "2026-12-04T02:00:00Z".into(),
            actor: "editor".into(),
            role: "kb_editor".into(),
            action: action.into(),
            from_status: Some("replied".into()),
            to_status: Some("accepted".into()),
            data,
        }
    }

    #[test]
    fn received_mail_shows_its_sender_and_text() {
        let note = event(
            "inbound_mail",
            serde_json::json!({"from": "w@x.org", "from_name": "王五", "subject": "补充",
                               "text": "窗口在二楼", "attachments": [{"filename": "a.pdf"}]}),
        );
        let facts = event_facts(&note, &BTreeMap::new());
        assert!(
            facts.contains(&("来信", "王五 <w@x.org>：补充".to_string())),
            "{facts:?}"
        );
        assert!(
            facts.contains(&("内容", "窗口在二楼".to_string())),
            "{facts:?}"
        );
        assert!(facts.contains(&("附件", "a.pdf".to_string())), "{facts:?}");
        let reply = event(
            "reply",
            serde_json::json!({"body": "已办结", "channel": "email",
                               "inbound": {"from": "l@x.org", "subject": "回复"}}),
        );
        let facts = event_facts(&reply, &BTreeMap::new());
        assert!(
            facts.contains(&("来信", "l@x.org：回复".to_string())),
            "{facts:?}"
        );
        assert!(facts.contains(&("回复", "已办结".to_string())), "{facts:?}");
    }

    #[test]
    fn the_inbox_lists_tickets_with_counts_and_deadlines() {
        let items = [ticket("no_info", "dispatched")];
        let html = inbox(
            "530100-zfb",
            Some("昆明市人民政府办公室"),
            &[1, 0, 0, 0, 0],
            "dispatched",
            &items,
            &RegionNames::from([("530100".to_string(), "昆明市".to_string())]),
            now(),
        )
        .into_string();
        assert!(html.contains("id=\"inbox\""));
        assert!(html.contains("href=\"/tickets/T20261204-000001\""));
        assert!(html.contains("查无信息") && html.contains("紧急"));
        assert!(
            html.contains("滇池管理局电话"),
            "a no-info row shows the query"
        );
        assert!(html.contains("剩余 3小时0分"), "{html}");
        assert!(html.contains("due-near"));
        assert!(html.contains("待签收"));
        assert!(html.contains("昆明市"), "regions read by name");
        assert!(!html.contains("style="));
    }

    #[test]
    fn a_liaison_sees_accept_on_a_dispatched_ticket_and_replenish_once_accepted() {
        let u = User {
            department: Some("530100-zfb".into()),
            ..user(Role::Liaison)
        };
        let t = ticket("no_info", "dispatched");
        let v = TicketView {
            done: Some("accept"),
            ..plain(&t)
        };
        let html = ticket_page(&v, &u).into_string();
        assert!(html.contains("/tickets/T20261204-000001/accept"));
        assert!(!html.contains("/replenish"));
        assert!(html.contains("&lt;script&gt;"), "input is escaped");
        assert!(!html.contains("<script>x"));
        assert!(!html.contains("style="));

        let t = ticket("no_info", "accepted");
        let events = [event(
            "knowledge_rejected",
            serde_json::json!({"reason": "电话号码有误"}),
        )];
        let v = TicketView {
            ticket: &t,
            events: &events,
            ..v
        };
        let html = ticket_page(&v, &u).into_string();
        assert!(html.contains("/tickets/T20261204-000001/replenish"));
        assert!(html.contains("知识库审核未通过") && html.contains("电话号码有误"));
        assert!(!html.contains("/accept\""));
        // Every field has its label.
        for id in [
            "nd-name",
            "nd-phone",
            "rp-question",
            "rp-answer",
            "rp-note",
            "pick-replenish",
        ] {
            assert!(html.contains(&format!("for=\"{id}\"")), "{id}");
        }
        assert!(!html.contains("style="));
    }

    #[test]
    fn a_supervisor_dispatches_a_new_ticket_and_an_operator_only_reads() {
        let t = ticket("complaint", "new");
        let v = plain(&t);
        let html = ticket_page(&v, &user(Role::Supervisor)).into_string();
        assert!(html.contains("/dispatch") && html.contains("name=\"department\""));
        assert!(html.contains("/close"));
        let html = ticket_page(&v, &user(Role::Operator)).into_string();
        let forms: Vec<&str> = html.split("<form class=\"act").skip(1).collect();
        assert_eq!(forms.len(), 1, "{html}");
        assert!(
            forms[0].contains("/tickets/T20261204-000001/escalate"),
            "only 投诉升级"
        );
    }

    #[test]
    fn the_reply_on_behalf_form_shows_where_the_tickets_service_allows_it() {
        let mut t = ticket("complaint", "dispatched");
        let has_form = |t: &Ticket, role| {
            ticket_page(&plain(t), &user(role))
                .into_string()
                .contains("/tickets/T20261204-000001/on-behalf")
        };
        assert!(!has_form(&t, Role::Operator), "operators may not here");
        assert!(
            !has_form(&t, Role::Supervisor),
            "nor anyone, says the service"
        );
        t.reply_on_behalf = true;
        assert!(
            has_form(&t, Role::Operator),
            "where the centre lets operators"
        );
        assert!(has_form(&t, Role::Supervisor));
    }

    #[test]
    fn a_co_handling_liaison_gives_its_part_and_a_supervisor_merges_a_repeat() {
        let mut t = ticket("complaint", "dispatched");
        t.repeat_of = vec!["T20261201-000003".into()];
        t.cohandlers = vec![crate::api::types::Cohandler {
            department: "530100-rsj".into(),
            reply: None,
            replied_by: None,
            replied_at: None,
        }];
        t.escalation = Some(crate::api::types::Escalation {
            reason: "要求领导答复".into(),
            requested_at: "2026-12-04T01:30:00Z".into(),
        });
        let v = plain(&t);
        let co = User {
            department: Some("530100-rsj".into()),
            ..user(Role::Liaison)
        };
        let html = ticket_page(&v, &co).into_string();
        assert!(
            html.contains("/cohandler-reply") && !html.contains("/accept\""),
            "{html}"
        );
        assert!(html.contains("升级请求") && html.contains("要求领导答复"));
        let html = ticket_page(&v, &user(Role::Supervisor)).into_string();
        assert!(html.contains("/merge") && html.contains("value=\"T20261201-000003\""));
        assert!(html.contains("/cohandlers") && html.contains("尚未提交协办意见"));
    }

    #[test]
    fn history_reads_in_chinese_with_reasons() {
        let html = history(
            &[event(
                "knowledge_rejected",
                serde_json::json!({"reason": "<b>不对</b>"}),
            )],
            &BTreeMap::new(),
        )
        .into_string();
        assert!(html.contains("知识库驳回") && html.contains("知识库维护"));
        assert!(html.contains("已回复 → 已签收"));
        assert!(html.contains("&lt;b&gt;不对"));
        let html = history(
            &[event(
                "delivery",
                serde_json::json!({"channel": "fax", "to": "***", "status": "sent"}),
            )],
            &BTreeMap::new(),
        )
        .into_string();
        assert!(html.contains("传真 ***：已发出"), "{html}");
        let html = history(&[event(
            "notification_waiting",
            serde_json::json!({"reason": "no fax address is configured for the hotline centre (HOTLINE_CENTRE_FAX); the message waits"}),
        )], &BTreeMap::new())
        .into_string();
        assert!(html.contains("未配置热线中心传真号码"), "{html}");
        let html = history(&[event(
            "reply",
            serde_json::json!({"body": "已办理", "channel": "phone", "on_behalf": true, "replied_by": "李科长"}),
        )], &BTreeMap::new())
        .into_string();
        assert!(
            html.contains("部门以电话答复（李科长），由中心代为录入"),
            "{html}"
        );
        // Departments by name where the knowledge service told it, else by code.
        let events = [
            event("dispatch", serde_json::json!({"department": "530100-rsj"})),
            event(
                "cohandler_added",
                serde_json::json!({"department": "530100-ybj"}),
            ),
        ];
        assert_eq!(event_departments(&events), ["530100-rsj", "530100-ybj"]);
        let names = BTreeMap::from([("530100-rsj".to_string(), "昆明市人社局".to_string())]);
        let html = history(&events, &names).into_string();
        assert!(
            html.contains("昆明市人社局") && !html.contains("530100-rsj"),
            "{html}"
        );
        assert!(html.contains("530100-ybj"), "{html}");
    }

    #[test]
    fn the_list_query_leaves_out_empty_filters() {
        let f = ListFilter {
            status: "accepted".into(),
            caller_phone: "138".into(),
            ..Default::default()
        };
        let q = f.api_query(Role::Liaison);
        assert!(q.iter().any(|(k, v)| *k == "status" && v == "accepted"));
        assert!(!q.iter().any(|(k, _)| *k == "caller_phone" || *k == "type"));
        assert_eq!(
            f.at_page(2),
            "/tickets?status=accepted&caller_phone=138&page=2"
        );
    }
}
