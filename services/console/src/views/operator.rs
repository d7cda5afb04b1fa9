//! The operator's desk (坐席工作台): one search box with results and a detail panel on the
//! left; the caller, the scripts and the call's wrap-up on the right. Forms for no-info and
//! complaint tickets open in the detail panel so the results stay in view.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use crate::api::types::{DepartmentRef, Ticket};
use crate::views::format;

/// The parts of the services' answers this desk reads.
pub mod api_types {
    use serde::Deserialize;

    use crate::api::types::DepartmentRef;

    /// `GET /api/v1/search`.
    #[derive(Debug, Clone, Deserialize)]
    pub struct SearchAnswer {
        pub items: Vec<SearchHit>,
        pub confident: bool,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct SearchHit {
        /// `department` or `faq`.
        pub kind: String,
        pub code: String,
        pub title: String,
        /// HTML-escaped, with the matched words in `<em>…</em>`.
        pub snippet: String,
        pub authorized: bool,
        pub department: DepartmentRef,
    }

    pub use crate::api::knowledge::{Department, Faq, Liaison, Region};

    /// A script, as the list (template) or filled from a department.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Script {
        pub key: String,
        pub title: String,
        pub text: String,
        /// `answer`, `wait`, `transfer`, `complaint`, `escalation` or `close`.
        #[serde(default)]
        pub step: String,
        /// How to use it (not read out).
        #[serde(default)]
        pub note: Option<String>,
    }

    /// `GET /api/v1/calls` items (the number comes masked).
    #[derive(Debug, Clone, Deserialize)]
    pub struct Call {
        pub id: i64,
        pub caller_phone: String,
        pub classification: String,
        pub outcome: String,
        #[serde(default)]
        pub department: Option<String>,
        #[serde(default)]
        pub ticket_id: Option<String>,
        #[serde(default)]
        pub note: Option<String>,
        pub created_at: String,
    }

    /// `GET /api/v1/deadlines`.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Deadline {
        pub due_at: String,
        pub due_at_local: String,
        pub rule: String,
        pub urgent: bool,
    }
}

use api_types::{Call, Deadline, Department, Faq, Region, Script, SearchAnswer, SearchHit};

/// The scripts of a call's moments, in the order of their Alt+1…6 keys.
pub const SCRIPT_KEYS: [&str; 6] = [
    "hotline_greeting",
    "wait",
    "transfer",
    "no_info",
    "complaint_record",
    "closing",
];

/// The department in view: what scripts, the wrap-up and the complaint form are about.
pub struct InView<'a> {
    pub code: &'a str,
    pub name: &'a str,
}

/// What the desk shows when it is opened.
pub struct Desk<'a> {
    pub regions: &'a [Region],
    pub scripts: &'a [Script],
    /// The caller's number (from `/call?phone=`), and their history when there is one.
    pub phone: &'a str,
    pub history: Option<Markup>,
    /// When this call began (Unix seconds): the wrap-up counts its length from it.
    pub started: i64,
}

/// The whole desk (the page body).
pub fn desk(d: &Desk) -> Markup {
    html! {
        div.desk #desk {
            section.desk-main {
                div.searchbar {
                    label.search-label for="q" { "查询" }
                    input #q.big name="q" type="search" autofocus autocomplete="off" maxlength="200"
                        placeholder="部门名称、拼音首字母（如 kmsrsj）或来电人的问题"
                        hx-get="/operator/search" hx-trigger="input changed delay:80ms, search"
                        hx-target="#results" hx-include="#region" hx-sync="this:replace";
                    label.search-label for="region" { "地区" }
                    select #region name="region" hx-get="/operator/search" hx-trigger="change"
                        hx-target="#results" hx-include="#q" {
                        option value="" { "全省" }
                        @for r in d.regions.iter().filter(|r| r.level == "prefecture") {
                            option value=(r.code) { (r.name) }
                        }
                    }
                }
                div.panes {
                    div #results aria-live="polite" { (hint()) }
                    div #detail { }
                }
            }
            aside.side {
                (caller_panel(d.phone, d.history.clone(), false))
                (scripts_panel(d.scripts, None, false))
                (wrapup(d.started, None, None))
            }
        }
    }
}

/// What the results area says before anything is typed.
pub fn hint() -> Markup {
    html! {
        div.desk-hint.muted {
            p { "输入部门名称、简称、拼音首字母或问题，结果随输入显示。" }
            p { kbd { "↑" } kbd { "↓" } " 选择　" kbd { "Enter" } " 打开详情　" kbd { "Esc" } " 清空　"
                kbd { "?" } " 全部快捷键" }
        }
    }
}

/// Search results: the not-confident notice, then department cards and FAQ answers.
pub fn results(answer: &SearchAnswer, q: &str, region: &str) -> Markup {
    let no_info_url = format!(
        "/operator/no-info?{}",
        serde_urlencoded::to_string([("q", q), ("region", region)]).unwrap_or_default()
    );
    html! {
        @if !answer.confident {
            div.notice #not-confident {
                strong { "知识库中没有确切答案。" }
                p { "请勿凭经验解答：可转接相关部门或告知其电话；确实查无信息的，登记查无信息工单，由该地区政府办联络员补充。" }
                button.primary type="button" #open-no-info hx-get=(no_info_url)
                    hx-include="#caller-phone" hx-target="#detail" {
                    "登记查无信息工单（Alt+Q）"
                }
                @if !answer.items.is_empty() { p.muted { "以下结果仅供参考：" } }
            }
        }
        @if answer.items.is_empty() && answer.confident {
            p.muted { "没有找到结果。" }
        }
        @for hit in &answer.items {
            (hit_card(hit))
        }
    }
}

fn hit_card(hit: &SearchHit) -> Markup {
    let words: Vec<String> = marked(&hit.snippet)
        .into_iter()
        .filter(|(m, t)| *m && !t.trim().is_empty())
        .map(|(_, t)| t)
        .collect();
    let open = if hit.kind == "faq" {
        format!("/operator/faq/{}", hit.code)
    } else {
        format!("/operator/department/{}", hit.department.code)
    };
    html! {
        article.hit data-hit data-kind=(hit.kind) {
            h3 {
                @if hit.kind == "faq" {
                    @if hit.authorized { span.badge.auth { "授权解答" } }
                    @else { span.badge.ref { "仅供参考" } }
                } @else {
                    span.badge { "部门" }
                }
                button.link.open type="button" data-open hx-get=(open) hx-target="#detail" {
                    (pieces(&mark_words(&hit.title, &words)))
                }
            }
            @if hit.kind == "faq" {
                p.snippet { (pieces(&marked(&hit.snippet))) }
                p.source.muted { "来源：" (hit.department.name) " " (phones(&hit.department)) }
                @if !hit.authorized {
                    p.transfer-hint { "未经授权，请勿照读：请转接" (hit.department.name) "或告知其电话。" }
                }
            } @else {
                p.phones { (phones(&hit.department)) }
                p.snippet.muted { (pieces(&marked(&hit.snippet))) }
            }
        }
    }
}

fn phones(d: &DepartmentRef) -> String {
    d.phones
        .iter()
        .map(|p| p.number.as_str())
        .collect::<Vec<_>>()
        .join("、")
}

fn pieces(list: &[(bool, String)]) -> Markup {
    html! {
        @for (m, t) in list {
            @if *m { mark { (t) } } @else { (t) }
        }
    }
}

/// Splits the search service's snippet (HTML-escaped text with `<em>…</em>` around matched
/// words) into plain pieces, marked or not. The pieces are unescaped here and escaped again
/// when rendered, so nothing from the service reaches the page as HTML.
pub fn marked(snippet: &str) -> Vec<(bool, String)> {
    let mut out = Vec::new();
    let mut rest = snippet;
    let mut inside = false;
    loop {
        let tag = if inside { "</em>" } else { "<em>" };
        match rest.find(tag) {
            Some(i) => {
                if i > 0 {
                    out.push((inside, unescape(&rest[..i])));
                }
                rest = &rest[i + tag.len()..];
                inside = !inside;
            }
            None => {
                if !rest.is_empty() {
                    out.push((inside, unescape(rest)));
                }
                return out;
            }
        }
    }
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2F;", "/")
        .replace("&amp;", "&")
}

/// Marks the words in a text that carries no marks of its own (a hit's title).
pub fn mark_words(text: &str, words: &[String]) -> Vec<(bool, String)> {
    let mut out: Vec<(bool, String)> = Vec::new();
    let mut plain = String::new();
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let found = words
            .iter()
            .filter(|w| !w.is_empty() && rest.starts_with(w.as_str()))
            .max_by_key(|w| w.len());
        match found {
            Some(w) => {
                if !plain.is_empty() {
                    out.push((false, std::mem::take(&mut plain)));
                }
                out.push((true, w.clone()));
                i += w.len();
            }
            None => {
                let c = rest.chars().next().unwrap_or(' ');
                plain.push(c);
                i += c.len_utf8();
            }
        }
    }
    if !plain.is_empty() {
        out.push((false, plain));
    }
    out
}

/// A department's card in the detail panel, with the FAQ answer first when one was opened.
pub fn department_detail(d: &Department, faq: Option<&Faq>) -> Markup {
    html! {
        @if let Some(f) = faq {
            section.card.faq #faq-detail {
                h2 {
                    @if f.authorized { span.badge.auth { "授权解答" } }
                    @else { span.badge.ref { "仅供参考" } }
                    " " (f.question)
                }
                @if f.authorized {
                    p.answer data-copy="" title="点击复制" { (f.answer) }
                } @else {
                    p.answer.unauthorised { (f.answer) }
                    p.transfer-hint { "该答案未经授权，请勿照读。请转接" (d.name) "，或告知来电人其电话。" }
                }
                p.muted { "条目 " (f.code) }
            }
        }
        section.card.dept #dept-detail data-department=(d.code) {
            h2 {
                (d.name)
                @if d.status == "merged" { " " span.badge.urgent { "已撤并" } }
                @match d.open_now {
                    Some(true) => { " " span.badge.auth { "正在办公" } }
                    Some(false) => { " " span.badge { "非办公时间" } }
                    None => {}
                }
            }
            @if let Some(s) = &d.successor_department {
                p.notice { "该部门已撤并，职能由" strong { (s.name) } "承接：" (phones(s)) }
            }
            dl.facts {
                dt { "电话" }
                dd.phones {
                    @for p in &d.phones {
                        span.phone { @if !p.label.is_empty() { span.muted { (p.label) "：" } } (p.number) }
                    }
                    @if d.phones.is_empty() { span.muted { "未登记" } }
                }
                @if let Some(f) = &d.fax { dt { "传真" } dd { (f) } }
                @if let Some(a) = &d.address { dt { "地址" } dd.address { (a) } }
                @if let Some(x) = &d.directions { dt { "乘车" } dd { (x) } }
                dt { "办公时间" }
                dd.hours { (d.hours_text.as_deref().unwrap_or("未登记")) }
                @if !d.service_locations.is_empty() {
                    dt { "办事地点" }
                    dd { @for l in &d.service_locations { div { (l) } } }
                }
                @if !d.liaisons.is_empty() {
                    dt { "联络员" }
                    dd {
                        @for l in &d.liaisons {
                            div { (l.name) "　工号 " (l.code) "　电话 " (l.phone) }
                        }
                    }
                }
                @if let Some(r) = &d.region_name { dt { "地区" } dd { (r) } }
            }
        }
    }
}

/// The script panel: the six moments' scripts, each copied by a click or Alt+1…6, then the
/// operator's other scripts by step of the call, folded. `oob` when it comes with a
/// department's detail, to replace the one on the page.
pub fn scripts_panel(scripts: &[Script], department: Option<&str>, oob: bool) -> Markup {
    let keyed: Vec<&Script> = SCRIPT_KEYS
        .iter()
        .filter_map(|k| scripts.iter().find(|s| s.key == *k))
        .collect();
    let rest: Vec<&Script> = scripts
        .iter()
        .filter(|s| !SCRIPT_KEYS.contains(&s.key.as_str()))
        .collect();
    html! {
        section.card #scripts hx-swap-oob=[oob.then_some("true")] {
            h2 {
                "话术"
                @if let Some(n) = department { span.muted.for-dept { "（" (n) "）" } }
                @else { span.muted.for-dept { "（打开部门后自动填入）" } }
            }
            @for (i, s) in keyed.iter().enumerate() {
                @let n = i + 1;
                div.script data-hotkey=(n) data-copy={ "#script-" (n) } title="点击复制" {
                    span.key { kbd { "Alt+" (n) } }
                    span.title { (s.title) }
                    span.text id={ "script-" (n) } { (script_text(&s.text)) }
                }
            }
            @if scripts.is_empty() { p.muted { "话术暂时无法读取。" } }
            @if !rest.is_empty() {
                details.more-scripts {
                    summary { "更多话术（" (rest.len()) "）" }
                    @for (step, label) in STEPS {
                        @let of_step: Vec<&&Script> = rest.iter().filter(|s| s.step == step).collect();
                        @if !of_step.is_empty() {
                            h3 { (label) }
                            @for s in of_step {
                                @let id = format!("script-{}", s.key);
                                div.script data-copy={ "#" (id) } title=[s.note.as_deref()] {
                                    span.title { (s.title) }
                                    span.text id=(id) { (script_text(&s.text)) }
                                    @if let Some(note) = &s.note { span.note.muted { (note) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A call's steps as scripts name them, with their headings, in the order a call goes.
const STEPS: [(&str, &str); 6] = [
    ("answer", "接听"),
    ("wait", "等待"),
    ("transfer", "转接与报号"),
    ("complaint", "投诉与建议"),
    ("escalation", "升级"),
    ("close", "结束"),
];

/// A script's text with its unfilled placeholders (`{department}`) shown as what to say there.
fn script_text(text: &str) -> Markup {
    let mut parts: Vec<(bool, String)> = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else {
            break;
        };
        parts.push((false, rest[..open].to_string()));
        parts.push((
            true,
            placeholder_label(&rest[open + 1..open + len]).to_string(),
        ));
        rest = &rest[open + len + 1..];
    }
    parts.push((false, rest.to_string()));
    html! {
        @for (ph, t) in &parts {
            @if *ph { span.ph { "【" (t) "】" } } @else { (t) }
        }
    }
}

fn placeholder_label(name: &str) -> &str {
    match name {
        "department" | "target_department" => "部门",
        "phone" => "电话",
        "hours" => "办公时间",
        "address" => "地址",
        "fax" => "传真",
        "deadline" => "答复期限",
        "minutes" => "分钟数",
        "agent_id" => "工号",
        "title" => "称呼",
        other => other,
    }
}

/// The caller panel: the number (typed, pasted or from a screen-pop) and their history.
pub fn caller_panel(phone: &str, history: Option<Markup>, oob: bool) -> Markup {
    html! {
        section.card #caller hx-swap-oob=[oob.then_some("true")] {
            form.caller-form hx-get="/operator/caller" hx-target="#caller-history"
                hx-trigger="submit, input changed delay:500ms from:#caller-phone" {
                label for="caller-phone" { "来电号码" }
                input #caller-phone type="tel" name="phone" value=(phone) autocomplete="off"
                    placeholder="输入或粘贴号码";
                button type="submit" { "查询" }
            }
            div #caller-history {
                @if let Some(h) = history { (h) }
            }
        }
    }
}

/// A caller's earlier tickets and this operator's earlier calls from the same number.
/// A ticket's page opened for the caller on the line: an operator reads another operator's
/// ticket only with its caller's number.
fn ticket_of_caller(id: &str, phone: &str) -> String {
    let query = serde_urlencoded::to_string([("caller", phone)]).unwrap_or_default();
    format!("/tickets/{id}?{query}")
}

pub fn caller_history(
    phone: &str,
    tickets: &[Ticket],
    calls: &[Call],
    now: DateTime<Utc>,
) -> Markup {
    html! {
        @if tickets.is_empty() && calls.is_empty() {
            p.muted { (format::mask_phone(phone)) " 没有历史工单或来电记录。" }
        }
        @if !tickets.is_empty() {
            h3 { "历史工单（" (tickets.len()) "）" }
            ul.caller-tickets {
                @for t in tickets {
                    @let (left, urgency) = format::countdown(&t.due_at, now);
                    li {
                        a href=(ticket_of_caller(&t.id, phone)) { (t.id) }
                        " " span.badge.status { (format::status_label(&t.status)) }
                        " " span.badge { (format::type_label(&t.kind)) }
                        @if t.urgent { " " span.badge.urgent { "紧急" } }
                        div.summary { (t.summary) }
                        div.due.muted {
                            "答复期限 " (format::time(&t.due_at))
                            @if t.status != "closed" { " " span class=(urgency.class()) { (left) } }
                        }
                    }
                }
            }
        }
        @if !calls.is_empty() {
            h3 { "我接听过的来电（" (calls.len()) "）" }
            ul.caller-calls {
                @for c in calls {
                    li {
                        span.muted { (format::time(&c.created_at)) }
                        " " (format::classification_label(&c.classification))
                        " · " (format::outcome_label(&c.outcome))
                        @if let Some(t) = &c.ticket_id { " · " a href=(ticket_of_caller(t, phone)) { (t) } }
                        @if let Some(n) = c.note.as_ref().filter(|n| !n.is_empty()) { div.muted { (n) } }
                    }
                }
            }
        }
    }
}

/// The wrap-up of the call in progress. `department` is the one in view, `ticket` the one
/// created during the call.
pub fn wrapup(started: i64, department: Option<&InView>, ticket: Option<&Ticket>) -> Markup {
    wrapup_with(started, department, ticket, None)
}

fn wrapup_with(
    started: i64,
    department: Option<&InView>,
    ticket: Option<&Ticket>,
    done: Option<Markup>,
) -> Markup {
    html! {
        section.card #wrapup {
            @if let Some(d) = done { (d) }
            h2 { "结束通话" }
            form #wrapup-form hx-post="/operator/wrapup" hx-target="#wrapup" hx-swap="outerHTML"
                hx-include="#caller-phone" {
                input type="hidden" name="started" value=(started);
                (wrap_department(department, false))
                (wrap_answer(None, false))
                (wrap_ticket(ticket, false))
                div.wrap-row {
                    label for="w-class" { "分类" }
                    (classification_select(ticket.map(|t| classification_of(&t.kind)), false))
                    label for="w-satisfaction" { "满意度" }
                    select #w-satisfaction name="satisfaction" {
                        option value="" { "未评价" }
                        option value="satisfied" { "满意" }
                        option value="basically_satisfied" { "基本满意" }
                        option value="dissatisfied" { "不满意" }
                    }
                }
                label for="w-note" { "备注" }
                input #w-note type="text" name="note" maxlength="2000" autocomplete="off";
                div.outcomes {
                    button type="submit" name="outcome" value="answered" data-hotkey="a" { "已解答" kbd { "Alt+A" } }
                    button type="submit" name="outcome" value="transferred" data-hotkey="t" { "已转接" kbd { "Alt+T" } }
                    button type="submit" name="outcome" value="number_reported" data-hotkey="n" { "已报号" kbd { "Alt+N" } }
                    button type="button" #open-no-info-form data-hotkey="q" hx-get="/operator/no-info"
                        hx-include="#q, #region, #caller-phone" hx-target="#detail" hx-swap="innerHTML" { "查无信息工单" kbd { "Alt+Q" } }
                    button type="button" #open-complaint data-hotkey="c" hx-get="/operator/complaint"
                        hx-include="#caller-phone, #w-department, #region" hx-target="#detail" hx-swap="innerHTML" { "投诉/工单" kbd { "Alt+C" } }
                }
            }
        }
    }
}

fn classification_of(ticket_type: &str) -> &'static str {
    match ticket_type {
        "complaint" => "complaint",
        "consultation" => "consultation",
        "suggestion" => "suggestion",
        _ => "basic_query",
    }
}

/// The classification select; `oob` to replace it after a ticket set it.
pub fn classification_select(selected: Option<&str>, oob: bool) -> Markup {
    let selected = selected.unwrap_or("basic_query");
    html! {
        select #w-class name="classification" hx-swap-oob=[oob.then_some("true")] {
            @for c in ["basic_query", "consultation", "complaint", "suggestion"] {
                option value=(c) selected[c == selected] { (format::classification_label(c)) }
            }
        }
    }
}

/// The department the call is about, in the wrap-up (replaced when another is opened).
pub fn wrap_department(d: Option<&InView>, oob: bool) -> Markup {
    html! {
        div #wrap-department hx-swap-oob=[oob.then_some("true")] {
            @match d {
                Some(d) => {
                    input #w-department type="hidden" name="department" value=(d.code);
                    p.wrap-dept { "所涉部门：" strong { (d.name) } }
                }
                None => {
                    input #w-department type="hidden" name="department" value="";
                    p.wrap-dept.muted { "所涉部门：未选（打开部门后自动填入）" }
                }
            }
        }
    }
}

/// What the operator read out, for the call record: the entry (an FAQ, or the department's
/// directory facts), whether it was an authorised answer, and the number a 报号 gives.
pub struct Answered<'a> {
    pub entry: &'a str,
    pub authorized: Option<bool>,
    pub phones: String,
}

/// The wrap-up's part that follows the entry in view; `oob` when it comes with a detail.
pub fn wrap_answer(a: Option<&Answered>, oob: bool) -> Markup {
    html! {
        div #wrap-answer.wrap-row hx-swap-oob=[oob.then_some("true")] {
            @if let Some(a) = a {
                input type="hidden" name="entry_code" value=(a.entry);
                @if let Some(auth) = a.authorized {
                    input type="hidden" name="entry_authorized" value=(auth);
                }
                label for="w-number" { "所报号码" }
                input #w-number type="text" name="number_given" value=(a.phones) maxlength="64" autocomplete="off";
                label.inline for="w-connected" {
                    input #w-connected type="checkbox" name="transfer_connected" value="true" checked;
                    "转接已接通"
                }
            }
        }
    }
}

/// The ticket created during the call, in the wrap-up.
pub fn wrap_ticket(t: Option<&Ticket>, oob: bool) -> Markup {
    html! {
        div #wrap-ticket hx-swap-oob=[oob.then_some("true")] {
            @if let Some(t) = t {
                input type="hidden" name="ticket_id" value=(t.id);
                p.wrap-dept { "本次工单：" strong { (t.id) } }
                button.primary type="submit" name="outcome" value="ticket_created" #wrap-ticket-created {
                    "已建工单，结束通话"
                }
            }
        }
    }
}

/// After a wrap-up is recorded: a fresh one for the next call, saying what was recorded.
pub fn wrapup_recorded(started: i64, outcome: &str, seconds: i64) -> Markup {
    let done = html! {
        div.flash.flash-ok #wrapup-done {
            "已记录：" (format::outcome_label(outcome)) "，通话 " (seconds / 60) " 分 " (seconds % 60) " 秒。"
        }
    };
    wrapup_with(started, None, None, Some(done))
}

/// The no-info ticket form, with what the caller asked and the region already filled in.
pub fn no_info_form(q: &str, region: &str, phone: &str, regions: &[Region], key: &str) -> Markup {
    let region = if region.is_empty() { "530000" } else { region };
    html! {
        section.card.ticket-form #no-info-form {
            h2 { "登记查无信息工单" }
            p.muted { "工单直接派给所选地区政府办的信息联络员，由其查明并补充到知识库。" }
            form hx-post="/operator/no-info" hx-target="#detail" hx-disabled-elt="find button[type=submit]" {
                input type="hidden" name="key" value=(key);
                label for="ni-query" { "来电人所问" }
                input #ni-query type="text" name="query" value=(q) required maxlength="500";
                div.cols.cols-2 {
                    div {
                        label for="ni-region" { "地区" }
                        select #ni-region name="region" {
                            @for r in regions.iter().filter(|r| r.level != "county") {
                                option value=(r.code) selected[r.code == region] { (r.name) }
                            }
                        }
                    }
                    div {
                        label for="ni-summary" { "摘要" }
                        input #ni-summary type="text" name="summary" value=(q) required maxlength="200" autofocus;
                    }
                }
                div.cols.cols-2 {
                    div {
                        label for="ni-name" { "来电人姓名" }
                        input #ni-name type="text" name="caller_name" maxlength="100" autocomplete="off";
                    }
                    div {
                        label for="ni-phone" { "联系电话" }
                        input #ni-phone type="tel" name="caller_phone" value=(phone) required autocomplete="off";
                    }
                }
                div.actions { button.primary type="submit" { "提交工单" } }
            }
        }
    }
}

/// The complaint (or consultation, suggestion) form; the deadline shows before submitting.
pub fn complaint_form(
    phone: &str,
    department: Option<&InView>,
    regions: &[Region],
    region: &str,
    key: &str,
) -> Markup {
    let region = if region.is_empty() { "530000" } else { region };
    html! {
        section.card.ticket-form #complaint-form {
            h2 { "登记投诉 / 咨询 / 建议工单" }
            form hx-post="/operator/complaint" hx-target="#detail" hx-disabled-elt="find button[type=submit]" {
                input type="hidden" name="key" value=(key);
                div.cols.cols-2 {
                    div {
                        label for="c-type" { "工单类型" }
                        select #c-type name="type" {
                            @for t in ["complaint", "consultation", "suggestion"] {
                                option value=(t) { (format::type_label(t)) }
                            }
                        }
                    }
                    div {
                        label for="c-urgency" { "紧急程度" }
                        select #c-urgency name="urgency" {
                            option value="normal" { "一般" }
                            option value="urgent" { "紧急" }
                        }
                    }
                }
                div #deadline hx-get="/operator/deadline" hx-target="this" hx-include="#c-type, #c-urgency"
                    hx-trigger="load, change from:#c-type, change from:#c-urgency" {
                    span.muted { "正在计算答复期限…" }
                }
                fieldset.inline #c-cause {
                    legend { "投诉原因（仅投诉）" }
                    @for (c, id) in [("policy", "c-cause-a"), ("handling", "c-cause-b"), ("attitude", "c-cause-c")] {
                        span.cause {
                            input type="radio" name="cause" value=(c) id=(id);
                            label for=(id) { (format::cause_label(c)) }
                        }
                    }
                }
                div #c-dept-picked { (picked(department)) }
                label for="c-dept-q" { "承办部门（输入名称或拼音首字母查找）" }
                input #c-dept-q type="search" name="dq" autocomplete="off" autofocus[department.is_none()]
                    hx-get="/operator/pick" hx-trigger="input changed delay:100ms"
                    hx-target="#c-dept-choices" hx-sync="this:replace";
                div #c-dept-choices {}
                label for="c-region" { "来电人所在地区（不确定承办部门时留空部门，由值班长派单）" }
                select #c-region name="region" {
                    @for r in regions.iter().filter(|r| r.level != "county") {
                        option value=(r.code) selected[r.code == region] { (r.name) }
                    }
                }
                label for="c-summary" { "摘要" }
                input #c-summary type="text" name="summary" required maxlength="200" autofocus[department.is_some()];
                label for="c-details" { "详细情况" }
                textarea #c-details name="details" rows="2" maxlength="4000" {}
                div.cols.cols-2 {
                    div {
                        label for="c-name" { "来电人姓名" }
                        input #c-name type="text" name="caller_name" maxlength="100" autocomplete="off";
                    }
                    div {
                        label for="c-phone" { "联系电话" }
                        input #c-phone type="tel" name="caller_phone" value=(phone) required autocomplete="off";
                    }
                }
                div.actions { button.primary type="submit" { "提交工单" } }
            }
        }
    }
}

/// The department picked in the complaint form (a hidden field and its name).
pub fn picked(d: Option<&InView>) -> Markup {
    html! {
        @match d {
            Some(d) => {
                input type="hidden" name="department" value=(d.code);
                p.picked { "承办部门：" strong #c-dept-name { (d.name) } }
            }
            None => {
                input type="hidden" name="department" value="";
                p.picked.muted { "承办部门：未选" }
            }
        }
    }
}

/// The answer to picking a department: the choice, and the list of choices emptied.
pub fn picked_answer(d: &InView) -> Markup {
    html! {
        (picked(Some(d)))
        div #c-dept-choices hx-swap-oob="true" {}
    }
}

/// Departments to pick from, as the picker's search finds them.
pub fn pick_choices(hits: &[SearchHit]) -> Markup {
    // A department answers several FAQ hits: list it once.
    let mut departments: Vec<&DepartmentRef> = Vec::new();
    for h in hits {
        if !departments.iter().any(|d| d.code == h.department.code) {
            departments.push(&h.department);
        }
    }
    html! {
        ul.choices {
            @for d in &departments {
                li {
                    button.link.choice type="button" hx-target="#c-dept-picked"
                        hx-get={ "/operator/picked?" (serde_urlencoded::to_string([("code", d.code.as_str()), ("name", d.name.as_str())]).unwrap_or_default()) } {
                        (d.name)
                    }
                }
            }
            @if departments.is_empty() { li.muted { "没有找到部门。" } }
        }
    }
}

/// The deadline the caller will be told, before the ticket is submitted.
pub fn deadline_preview(d: &Deadline) -> Markup {
    html! {
        div.deadline-box {
            "答复期限：" strong #deadline-due { (d.due_at_local) }
            " （" (rule_text(&d.rule)) @if d.urgent { "，紧急" } "）"
            p.say { "可告诉来电人：我们会在" (spoken_time(&d.due_at)) "前答复您。" }
        }
    }
}

/// The rule as the service names it (`13 working days`), in Chinese.
pub fn rule_text(rule: &str) -> String {
    if let Some(n) = rule.strip_suffix(" working days") {
        format!("{n}个工作日")
    } else if let Some(n) = rule.strip_suffix(" working hours") {
        format!("{n}个工作小时")
    } else {
        rule.to_string()
    }
}

/// A time as read out to a caller: `2026年10月23日17:30` in Asia/Shanghai.
pub fn spoken_time(text: &str) -> String {
    match DateTime::parse_from_rfc3339(text) {
        Ok(t) => t
            .with_timezone(&format::shanghai())
            .format("%Y年%-m月%-d日%H:%M")
            .to_string(),
        Err(_) => text.to_string(),
    }
}

/// After a ticket is created: its number, due date and what to tell the caller.
pub fn ticket_created(t: &Ticket) -> Markup {
    let sentence = format!(
        "您反映的问题已登记，工单号是{}，我们会在{}前答复您。",
        t.id,
        spoken_time(&t.due_at)
    );
    html! {
        section.card.created #ticket-created {
            h2 { "工单已登记：" span #ticket-id { (t.id) } }
            dl.facts {
                dt { "类型" } dd { (format::type_label(&t.kind)) @if t.urgent { " " span.badge.urgent { "紧急" } } }
                dt { "状态" } dd { span.badge.status { (format::status_label(&t.status)) } }
                @if let Some(d) = &t.department { dt { "承办" } dd { (d) } }
                dt { "答复期限" } dd #ticket-due { (format::time(&t.due_at)) }
            }
            p.muted { "请告诉来电人（点击复制）：" }
            p.script.say #ticket-say data-copy="" { (sentence) }
            p { a href={ "/tickets/" (t.id) } { "查看工单" } }
        }
        (wrap_ticket(Some(t), true))
        (classification_select(Some(classification_of(&t.kind)), true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::Phone;

    fn dept() -> DepartmentRef {
        DepartmentRef {
            code: "530100-rsj".into(),
            name: "昆明市人力资源和社会保障局".into(),
            phones: vec![Phone {
                label: "办公室".into(),
                number: "0871-69266321".into(),
            }],
            status: Some("active".into()),
        }
    }

    #[test]
    fn snippets_are_split_on_their_marks_and_escaped_again() {
        let p = marked("昆明&lt;b&gt;<em>人社局</em> 电话 <em>0871</em>&amp;");
        assert_eq!(
            p,
            vec![
                (false, "昆明<b>".to_string()),
                (true, "人社局".to_string()),
                (false, " 电话 ".to_string()),
                (true, "0871".to_string()),
                (false, "&".to_string()),
            ]
        );
        let html = pieces(&p).into_string();
        assert!(html.contains("昆明&lt;b&gt;<mark>人社局</mark>"), "{html}");
        assert!(!html.contains("<b>"));
    }

    #[test]
    fn titles_get_the_snippets_words_marked() {
        let p = mark_words("昆明市人社局", &["人社".to_string()]);
        assert_eq!(
            p,
            vec![
                (false, "昆明市".to_string()),
                (true, "人社".to_string()),
                (false, "局".to_string())
            ]
        );
    }

    #[test]
    fn results_show_phones_auth_marks_and_the_not_confident_notice() {
        let answer = SearchAnswer {
            confident: false,
            items: vec![
                SearchHit {
                    kind: "department".into(),
                    code: "530100-rsj".into(),
                    title: "昆明市人力资源和社会保障局".into(),
                    snippet: "<em>人社</em>局 <script>".into(),
                    authorized: true,
                    department: dept(),
                },
                SearchHit {
                    kind: "faq".into(),
                    code: "530100-rsj-1".into(),
                    title: "社保卡怎么办？".into(),
                    snippet: "到窗口办理".into(),
                    authorized: false,
                    department: dept(),
                },
            ],
        };
        let html = results(&answer, "滇池&管理局", "530100").into_string();
        assert!(html.contains("知识库中没有确切答案"));
        assert!(html.contains("q=%E6%BB%87%E6%B1%A0%26"), "{html}");
        assert!(html.contains("0871-69266321"));
        assert!(html.contains("仅供参考") && html.contains("请勿照读"));
        assert!(html.contains("data-open"));
        assert!(!html.contains("<script>"));
        assert!(!html.contains("style="));
    }

    #[test]
    fn the_desk_has_one_search_box_and_keys_for_scripts_and_outcomes() {
        let scripts = vec![
            Script {
                key: "hotline_greeting".into(),
                title: "专线问候".into(),
                text: "您好！{department}".into(),
                step: "answer".into(),
                note: None,
            },
            Script {
                key: "goodbye".into(),
                title: "道别".into(),
                text: "祝您愉快，再见！".into(),
                step: "close".into(),
                note: Some("通话结束时".into()),
            },
        ];
        let html = desk(&Desk {
            regions: &[Region {
                code: "530100".into(),
                name: "昆明市".into(),
                level: "prefecture".into(),
            }],
            scripts: &scripts,
            phone: "13800001111",
            history: None,
            started: 0,
        })
        .into_string();
        assert!(html.contains(r#"id="q""#) && html.contains("autofocus"));
        assert!(html.contains(r#"data-hotkey="1""#) && html.contains(r##"data-copy="#script-1""##));
        for k in ["a", "t", "n", "q", "c"] {
            assert!(html.contains(&format!(r#"data-hotkey="{k}""#)), "{k}");
        }
        assert!(html.contains("昆明市") && html.contains("13800001111"));
        assert!(!html.contains("style="));
    }

    #[test]
    fn unfilled_placeholders_read_as_what_to_say() {
        let html = script_text("您好！{department}，请在{deadline}前<b>").into_string();
        assert!(
            html.contains("【部门】") && html.contains("【答复期限】"),
            "{html}"
        );
        assert!(html.contains("&lt;b&gt;"));
    }

    #[test]
    fn deadlines_read_in_chinese() {
        assert_eq!(rule_text("13 working days"), "13个工作日");
        assert_eq!(rule_text("4 working hours"), "4个工作小时");
        assert_eq!(spoken_time("2026-10-23T09:30:00Z"), "2026年10月23日17:30");
        let html = deadline_preview(&Deadline {
            due_at: "2026-10-23T09:30:00Z".into(),
            due_at_local: "2026-10-23 17:30".into(),
            rule: "13 working days".into(),
            urgent: false,
        })
        .into_string();
        assert!(
            html.contains("我们会在2026年10月23日17:30前答复您"),
            "{html}"
        );
    }

    #[test]
    fn the_wrapup_after_recording_is_a_fresh_form() {
        let html = wrapup_recorded(5, "answered", 75).into_string();
        assert!(html.contains("已记录：已解答，通话 1 分 15 秒"));
        assert_eq!(html.matches(r#"id="wrapup""#).count(), 1, "{html}");
        assert!(html.contains(r#"name="started" value="5""#));
    }
}
