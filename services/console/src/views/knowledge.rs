//! The knowledge editor's screens (知识库维护): the review queue of change requests with the
//! difference each would make, FAQ entries and their revisions, unanswered queries, synonyms
//! and the import of reference files.

use maud::{Markup, html};

use crate::api::types::Phone;
use crate::session::User;
use crate::views::{format, layout};

/// The parts of the knowledge service's answers these screens read.
pub mod api_types {
    use serde::Deserialize;

    use crate::api::types::Phone;

    /// A department that is not in the directory yet, as a liaison described it.
    #[derive(Debug, Clone, Deserialize)]
    pub struct NewDepartment {
        pub name: String,
        pub region: String,
        #[serde(default)]
        pub phones: Vec<Phone>,
        pub address: Option<String>,
        pub hours: Option<String>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct ChangeRequest {
        pub id: i64,
        pub ticket_id: Option<String>,
        pub region: Option<String>,
        pub department_code: Option<String>,
        pub new_department: Option<NewDepartment>,
        pub question: Option<String>,
        pub answer: Option<String>,
        #[serde(default)]
        pub note: String,
        pub submitted_by: String,
        pub created_at: String,
    }

    /// A department as `GET /departments/{code}` answers it.
    #[derive(Debug, Clone, Deserialize)]
    pub struct Department {
        pub code: String,
        pub name: String,
        #[serde(default)]
        pub region: String,
        #[serde(default)]
        pub region_name: Option<String>,
        #[serde(default)]
        pub phones: Vec<Phone>,
        pub fax: Option<String>,
        pub address: Option<String>,
        pub directions: Option<String>,
        pub hours_text: Option<String>,
        #[serde(default)]
        pub status: String,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Faq {
        pub code: String,
        pub department: String,
        pub question: String,
        pub answer: String,
        pub authorized: bool,
        pub status: String,
        #[serde(default)]
        pub keywords: Vec<String>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Revision {
        pub revision: i64,
        pub question: String,
        pub answer: String,
        pub authorized: bool,
        pub status: String,
        #[serde(default)]
        pub keywords: Vec<String>,
        pub note: Option<String>,
        pub changed_by: String,
        pub changed_at: String,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Unanswered {
        pub query: String,
        pub times: i64,
        pub last_asked_at: String,
        pub region: Option<String>,
        pub answered_at: Option<String>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Region {
        pub code: String,
        pub name: String,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Synonym {
        pub id: i64,
        pub term: String,
        pub replacement: String,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct ImportReport {
        pub files: Vec<FileReport>,
        #[serde(default)]
        pub took_ms: i64,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct FileReport {
        pub file: String,
        pub created: i64,
        pub updated: i64,
        pub unchanged: i64,
        pub rejected: Vec<RejectedLine>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct RejectedLine {
        pub line: i64,
        pub code: Option<String>,
        pub error: String,
    }
}

use api_types::*;

// ---------------------------------------------------------------------------------------------
// The character-level difference.

/// One run of a difference: text both have, text only the old one has, text only the new one has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Same(String),
    Gone(String),
    Added(String),
}

/// Past this many cells the LCS table costs too much memory; the middle is shown replaced whole.
const MAX_CELLS: usize = 2_000_000;

/// The difference between two short texts, character by character (longest common subsequence
/// over what remains after the common beginning and end).
pub fn char_diff(old: &str, new: &str) -> Vec<Piece> {
    let a: Vec<char> = old.chars().collect();
    let b: Vec<char> = new.chars().collect();
    let prefix = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let suffix = a[prefix..]
        .iter()
        .rev()
        .zip(b[prefix..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (am, bm) = (&a[prefix..a.len() - suffix], &b[prefix..b.len() - suffix]);
    // 0 = same, 1 = gone, 2 = added, one per character.
    let mut ops: Vec<(u8, char)> = a[..prefix].iter().map(|c| (0, *c)).collect();
    if am.len().saturating_mul(bm.len()) > MAX_CELLS {
        ops.extend(am.iter().map(|c| (1, *c)));
        ops.extend(bm.iter().map(|c| (2, *c)));
    } else {
        let (n, m) = (am.len(), bm.len());
        let w = m + 1;
        // lcs[i * w + j]: length of the LCS of am[i..] and bm[j..].
        let mut lcs = vec![0u32; (n + 1) * w];
        for i in (0..n).rev() {
            for j in (0..m).rev() {
                lcs[i * w + j] = if am[i] == bm[j] {
                    lcs[(i + 1) * w + j + 1] + 1
                } else {
                    lcs[(i + 1) * w + j].max(lcs[i * w + j + 1])
                };
            }
        }
        let (mut i, mut j) = (0, 0);
        while i < n || j < m {
            if i < n && j < m && am[i] == bm[j] {
                ops.push((0, am[i]));
                i += 1;
                j += 1;
            } else if j == m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1]) {
                ops.push((1, am[i]));
                i += 1;
            } else {
                ops.push((2, bm[j]));
                j += 1;
            }
        }
    }
    ops.extend(a[a.len() - suffix..].iter().map(|c| (0, *c)));
    let mut pieces: Vec<(u8, String)> = Vec::new();
    for (k, c) in ops {
        match pieces.last_mut() {
            Some((last, s)) if *last == k => s.push(c),
            _ => pieces.push((k, c.to_string())),
        }
    }
    pieces
        .into_iter()
        .map(|(k, s)| match k {
            0 => Piece::Same(s),
            1 => Piece::Gone(s),
            _ => Piece::Added(s),
        })
        .collect()
}

/// The old side (with `<del>`) and the new side (with `<ins>`) of a difference.
pub fn diff_sides(old: &str, new: &str) -> (Markup, Markup) {
    let pieces = char_diff(old, new);
    let left = html! {
        @for p in &pieces {
            @match p {
                Piece::Same(s) => (s),
                Piece::Gone(s) => del { (s) },
                Piece::Added(_) => {},
            }
        }
    };
    let right = html! {
        @for p in &pieces {
            @match p {
                Piece::Same(s) => (s),
                Piece::Gone(_) => {},
                Piece::Added(s) => ins { (s) },
            }
        }
    };
    (left, right)
}

/// One field of a side-by-side difference: its name, the value before (None: the entry is new)
/// and the value after.
pub struct FieldChange {
    pub label: &'static str,
    pub old: Option<String>,
    pub new: String,
}

/// Field by field, old on the left and new on the right, changes marked.
pub fn diff_table(changes: &[FieldChange]) -> Markup {
    html! {
        div.diff-fields {
            div.diff-head { span {} span { "原内容" } span { "修改后" } }
            @for c in changes {
                div.diff-row {
                    div.diff-label { (c.label) }
                    div.diff {
                        @match &c.old {
                            None => {
                                div.old { span.muted { "（新增）" } }
                                div.new { ins { (c.new) } }
                            }
                            Some(old) if *old == c.new => {
                                div.old { (old) }
                                div.new { (c.new) span.muted.unchanged { "（未改动）" } }
                            }
                            Some(old) => {
                                @let (l, r) = diff_sides(old, &c.new);
                                div.old { (l) }
                                div.new { (r) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Phones as read out: `办公室 0871-6311234；值班 0871-…`.
pub fn phones_text(phones: &[Phone]) -> String {
    phones
        .iter()
        .map(|p| {
            if p.label.is_empty() {
                p.number.clone()
            } else {
                format!("{} {}", p.label, p.number)
            }
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// The difference a change request would make, as `apply` makes it: an existing department
/// takes the proposal's name, and its phones, address and hours when given; a new department
/// and an FAQ entry are all new.
pub fn request_changes(cr: &ChangeRequest, dept: Option<&Department>) -> Vec<FieldChange> {
    let mut out = Vec::new();
    match (dept, &cr.new_department) {
        (Some(d), Some(p)) => {
            out.push(FieldChange {
                label: "部门名称",
                old: Some(d.name.clone()),
                new: p.name.clone(),
            });
            if !p.phones.is_empty() {
                out.push(FieldChange {
                    label: "电话",
                    old: Some(phones_text(&d.phones)),
                    new: phones_text(&p.phones),
                });
            }
            if let Some(a) = &p.address {
                out.push(FieldChange {
                    label: "地址",
                    old: Some(d.address.clone().unwrap_or_default()),
                    new: a.clone(),
                });
            }
            if let Some(h) = &p.hours {
                out.push(FieldChange {
                    label: "办公时间",
                    old: Some(d.hours_text.clone().unwrap_or_default()),
                    new: h.clone(),
                });
            }
        }
        (None, Some(p)) => {
            out.push(FieldChange {
                label: "部门名称",
                old: None,
                new: p.name.clone(),
            });
            out.push(FieldChange {
                label: "所属地区",
                old: None,
                new: p.region.clone(),
            });
            if !p.phones.is_empty() {
                out.push(FieldChange {
                    label: "电话",
                    old: None,
                    new: phones_text(&p.phones),
                });
            }
            for (label, v) in [("地址", &p.address), ("办公时间", &p.hours)] {
                if let Some(v) = v {
                    out.push(FieldChange {
                        label,
                        old: None,
                        new: v.clone(),
                    });
                }
            }
        }
        _ => {}
    }
    if let (Some(q), Some(a)) = (&cr.question, &cr.answer) {
        out.push(FieldChange {
            label: "知识条目问题",
            old: None,
            new: q.clone(),
        });
        out.push(FieldChange {
            label: "知识条目答案",
            old: None,
            new: a.clone(),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The review queue.

/// A pending request with the department it concerns (None: unknown or a new one).
pub struct QueueItem {
    pub request: ChangeRequest,
    pub department: Option<Department>,
}

/// The queue, refreshing itself every 5 s (the script holds the refresh while a reason is typed).
pub fn review_queue(items: &[QueueItem], total: i64) -> Markup {
    html! {
        section #review-queue hx-get="/knowledge/queue" hx-trigger="every 5s"
            hx-swap="outerHTML" data-queue {
            h1 { "审核队列" span.badge.count-badge { "待审核 " (total) } }
            @if items.is_empty() {
                p.card.muted.empty { "暂无待审核的变更申请。新的申请会自动出现在这里。" }
            }
            @for item in items { (queue_item(item)) }
        }
    }
}

fn queue_item(item: &QueueItem) -> Markup {
    let cr = &item.request;
    let (dept_name, is_new) = match (&item.department, &cr.new_department) {
        (_, Some(p)) if cr.department_code.is_none() => (format!("新部门：{}", p.name), true),
        (Some(d), _) => (d.name.clone(), false),
        (None, _) => (cr.department_code.clone().unwrap_or_default(), false),
    };
    let changes = request_changes(cr, item.department.as_ref());
    let reason_id = format!("reason-{}", cr.id);
    html! {
        article.card.cr #{ "cr-" (cr.id) } {
            div.cr-meta {
                h2 {
                    span.dept-name { (dept_name) }
                    @if is_new { span.badge.ref { "新增部门" } }
                    @else if cr.new_department.is_some() { span.badge.status { "修改部门" } }
                    @if cr.question.is_some() { span.badge.auth { "新增条目" } }
                }
                @if let Some(q) = &cr.question { p.question { "问题：" (q) } }
                dl.facts {
                    @if let Some(code) = &cr.department_code { dt { "部门编码" } dd { (code) } }
                    dt { "来源工单" }
                    dd {
                        @match &cr.ticket_id {
                            Some(t) => a href={ "/tickets/" (t) } { (t) },
                            None => span.muted { "无" },
                        }
                    }
                    dt { "提交人" } dd { (cr.submitted_by) }
                    dt { "提交时间" } dd { (format::time(&cr.created_at)) }
                    @if !cr.note.is_empty() { dt { "说明" } dd { (cr.note) } }
                }
                div.cr-actions {
                    button.primary type="button" hx-post={ "/knowledge/requests/" (cr.id) "/apply" }
                        hx-target="#review-queue" hx-swap="outerHTML" { "通过并更新知识库" }
                    form.reject hx-post={ "/knowledge/requests/" (cr.id) "/reject" }
                        hx-target="#review-queue" hx-swap="outerHTML" {
                        label for=(reason_id) { "驳回理由" }
                        div.row {
                            input.grow type="text" id=(reason_id) name="reason" required
                                maxlength="2000" placeholder="如：电话号码少一位，请核对后再提交";
                            button.danger type="submit" { "驳回" }
                        }
                    }
                }
            }
            div.cr-diff {
                @if changes.is_empty() {
                    p.muted { "此申请不改动知识库内容，仅有说明。" }
                } @else {
                    (diff_table(&changes))
                }
            }
        }
    }
}

/// The queue with a message in the page's message area (out of band).
pub fn queue_with_flash(queue: Markup, kind: &str, text: &str) -> Markup {
    html! {
        (queue)
        div #flash hx-swap-oob="innerHTML" { (layout::flash(kind, text)) }
    }
}

// ---------------------------------------------------------------------------------------------
// FAQ entries.

pub fn review_label(status: &str) -> &'static str {
    match status {
        "draft" => "草稿",
        "pending" => "待审核",
        "published" => "已发布",
        "retired" => "已下线",
        _ => "未知",
    }
}

/// The review steps from a state, as buttons: (new state, what the button says).
pub fn next_steps(status: &str) -> &'static [(&'static str, &'static str)] {
    match status {
        "draft" => &[("pending", "提交审核")],
        "pending" => &[("published", "发布"), ("draft", "退回草稿")],
        "published" => &[("retired", "下线")],
        "retired" => &[("draft", "恢复为草稿")],
        _ => &[],
    }
}

pub struct FaqFilter {
    pub department: String,
    pub status: String,
    pub page: i64,
}

pub fn faq_list(
    user: &User,
    filter: &FaqFilter,
    faqs: &[Faq],
    total: i64,
    per_page: i64,
) -> Markup {
    let body = html! {
        div.row.page-head {
            h1.grow { "知识条目" }
            a.button.primary href="/knowledge/faqs/new" { "新建条目" }
        }
        form.card.filters method="get" action="/knowledge/faqs" {
            div.row {
                div {
                    label for="f-department" { "部门编码" }
                    input #f-department type="text" name="department" value=(filter.department)
                        placeholder="如 530100-rsj";
                }
                div {
                    label for="f-status" { "状态" }
                    select #f-status name="status" {
                        @for (v, l) in [("", "全部"), ("draft", "草稿"), ("pending", "待审核"),
                                        ("published", "已发布"), ("retired", "已下线")] {
                            option value=(v) selected[filter.status == v] { (l) }
                        }
                    }
                }
                div.filter-go { button type="submit" { "筛选" } }
            }
        }
        p.muted { "共 " (total) " 条" }
        table.faqs {
            thead { tr { th { "编码" } th { "问题" } th { "部门" } th { "状态" } th { "授权" } } }
            tbody {
                @for f in faqs {
                    tr {
                        td.code { a href={ "/knowledge/faqs/" (f.code) } { (f.code) } }
                        td { a href={ "/knowledge/faqs/" (f.code) } { (f.question) } }
                        td.code { (f.department) }
                        td { span.badge.status { (review_label(&f.status)) } }
                        td { @if f.authorized { span.badge.auth { "授权解答" } } @else { span.badge.ref { "仅供参考" } } }
                    }
                }
            }
        }
        @if faqs.is_empty() { p.muted { "没有符合条件的条目。" } }
        (pager("/knowledge/faqs", &[("department", &filter.department), ("status", &filter.status)],
            filter.page, total, per_page))
    };
    layout::page(user, "知识条目", "/knowledge/faqs", body)
}

/// Previous/next links keeping the other filters.
pub fn pager(base: &str, keep: &[(&str, &str)], page: i64, total: i64, per_page: i64) -> Markup {
    let pages = ((total + per_page.max(1) - 1) / per_page.max(1)).max(1);
    let link = |p: i64| {
        let mut pairs: Vec<(&str, String)> = keep
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.to_string()))
            .collect();
        pairs.push(("page", p.to_string()));
        format!(
            "{base}?{}",
            serde_urlencoded::to_string(&pairs).unwrap_or_default()
        )
    };
    html! {
        @if pages > 1 {
            nav.pager {
                @if page > 1 { a href=(link(page - 1)) { "上一页" } }
                span.muted { "第 " (page) " / " (pages) " 页" }
                @if page < pages { a href=(link(page + 1)) { "下一页" } }
            }
        }
    }
}

/// The editor of one entry, its review steps and its revisions with their differences.
pub fn faq_editor(user: &User, faq: &Faq, revisions: &[Revision], saved: Option<&str>) -> Markup {
    let body = html! {
        @if let Some(msg) = saved { (layout::flash("ok", msg)) }
        p.crumbs { a href="/knowledge/faqs" { "知识条目" } " › " (faq.code) }
        div.faq-page {
            section.card.faq-edit {
                h1 { "编辑条目 " span.code { (faq.code) } " " span.badge.status #faq-status { (review_label(&faq.status)) } }
                div.review-steps {
                    span.muted { "审核流程：草稿 → 待审核 → 已发布 → 已下线" }
                    div.actions {
                        @for (to, label) in next_steps(&faq.status) {
                            form method="post" action={ "/knowledge/faqs/" (faq.code) "/status" } {
                                (layout::csrf_field(user))
                                input type="hidden" name="status" value=(to);
                                button type="submit" class=(if *to == "retired" { "danger" } else { "" }) { (label) }
                            }
                        }
                    }
                }
                form method="post" action={ "/knowledge/faqs/" (faq.code) } {
                    (layout::csrf_field(user))
                    label for="question" { "问题" }
                    input #question type="text" name="question" value=(faq.question) required maxlength="500";
                    label for="answer" { "答案" }
                    textarea #answer name="answer" rows="6" required maxlength="5000" { (faq.answer) }
                    label for="keywords" { "关键词（以逗号或空格分隔）" }
                    input #keywords type="text" name="keywords" value=(faq.keywords.join("，"));
                    div.inline {
                        input #authorized type="checkbox" name="authorized" value="1" checked[faq.authorized];
                        label for="authorized" { "授权解答（话务员可直接告知来电人）" }
                    }
                    label for="note" { "修改说明" }
                    input #note type="text" name="note" maxlength="2000" placeholder="为什么修改，随修订记录保存";
                    div.actions { button.primary type="submit" { "保存修改" } }
                }
            }
            section.card.revisions #revisions {
                h2 { "修订记录" }
                (revision_list(revisions))
            }
        }
    };
    layout::page(user, "编辑条目", "/knowledge/faqs", body)
}

/// Newest first; each with what changed from the one before.
pub fn revision_list(revisions: &[Revision]) -> Markup {
    let mut ordered: Vec<&Revision> = revisions.iter().collect();
    ordered.sort_by_key(|r| r.revision);
    html! {
        @if ordered.is_empty() { p.muted { "暂无修订记录。" } }
        ol.revs {
            @for (i, r) in ordered.iter().enumerate().rev() {
                li.rev {
                    div.rev-head {
                        b { "第 " (r.revision) " 版" }
                        span { (r.changed_by) }
                        span.muted { (format::time(&r.changed_at)) }
                        span.badge.status { (review_label(&r.status)) }
                    }
                    @if let Some(n) = r.note.as_deref().filter(|n| !n.is_empty()) { p.note { "说明：" (n) } }
                    @if i == 0 {
                        p.muted { "创建" }
                    } @else {
                        @let changes = revision_changes(ordered[i - 1], r);
                        @if changes.is_empty() { p.muted { "内容未改动" } }
                        @else { (diff_table(&changes)) }
                    }
                }
            }
        }
    }
}

/// The fields that differ between two consecutive revisions.
pub fn revision_changes(before: &Revision, after: &Revision) -> Vec<FieldChange> {
    let yes_no = |b: bool| if b { "授权解答" } else { "仅供参考" }.to_string();
    [
        ("问题", before.question.clone(), after.question.clone()),
        ("答案", before.answer.clone(), after.answer.clone()),
        (
            "状态",
            review_label(&before.status).to_string(),
            review_label(&after.status).to_string(),
        ),
        ("授权", yes_no(before.authorized), yes_no(after.authorized)),
        (
            "关键词",
            before.keywords.join("，"),
            after.keywords.join("，"),
        ),
    ]
    .into_iter()
    .filter(|(_, o, n)| o != n)
    .map(|(label, old, new)| FieldChange {
        label,
        old: Some(old),
        new,
    })
    .collect()
}

/// Values of the new-entry form (kept when the service refuses it).
#[derive(Default)]
pub struct NewFaq {
    pub department: String,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
}

pub fn faq_new(user: &User, v: &NewFaq, error: Option<&str>) -> Markup {
    let body = html! {
        @if let Some(e) = error { (layout::flash("error", e)) }
        p.crumbs { a href="/knowledge/faqs" { "知识条目" } " › 新建" }
        section.card.faq-edit {
            h1 { "新建知识条目" }
            form method="post" action="/knowledge/faqs" {
                (layout::csrf_field(user))
                label for="department" { "所属部门编码" }
                input #department type="text" name="department" value=(v.department) required
                    placeholder="如 530100-rsj" maxlength="64";
                label for="question" { "问题" }
                input #question type="text" name="question" value=(v.question) required maxlength="500";
                label for="answer" { "答案" }
                textarea #answer name="answer" rows="8" required maxlength="5000" { (v.answer) }
                div.inline {
                    input #authorized type="checkbox" name="authorized" value="1" checked[v.authorized];
                    label for="authorized" { "授权解答（话务员可直接告知来电人）" }
                }
                label for="status" { "保存为" }
                select #status name="status" {
                    option value="draft" { "草稿" }
                    option value="pending" { "待审核" }
                }
                div.actions { button.primary type="submit" { "创建条目" } }
            }
        }
    };
    layout::page(user, "新建条目", "/knowledge/faqs", body)
}

// ---------------------------------------------------------------------------------------------
// Unanswered queries.

pub fn unanswered(
    user: &User,
    items: &[Unanswered],
    regions: &std::collections::HashMap<String, String>,
    status: &str,
    page: i64,
    total: i64,
    per_page: i64,
) -> Markup {
    let body = html! {
        h1 { "未解答查询" }
        p.muted { "话务员搜索后没有可信答案的查询，按次数从多到少。为常见的查询新建条目，下一位来电人就能得到答复。" }
        nav.tabs {
            @for (v, l) in [("open", "未解答"), ("answered", "已有答案"), ("all", "全部")] {
                @if status == v { a.active href={ "/knowledge/unanswered?status=" (v) } { (l) } }
                @else { a href={ "/knowledge/unanswered?status=" (v) } { (l) } }
            }
        }
        table #unanswered {
            thead { tr { th { "查询内容" } th { "地区" } th.num { "次数" } th { "最近查询" } th {} } }
            tbody {
                @for u in items {
                    tr {
                        td.query { (u.query) }
                        td { (u.region.as_deref().map(|r| regions.get(r).map(String::as_str).unwrap_or(r)).unwrap_or("—")) }
                        td.num { (u.times) }
                        td { (format::time(&u.last_asked_at)) }
                        td {
                            @if let Some(at) = &u.answered_at {
                                span.muted { "已解答 " (format::time(at)) }
                            } @else {
                                a.button href=(new_faq_link(&u.query)) { "新建条目" }
                            }
                        }
                    }
                }
            }
        }
        @if items.is_empty() { p.muted { "暂无记录。" } }
        (pager("/knowledge/unanswered", &[("status", status)], page, total, per_page))
    };
    layout::page(user, "未解答查询", "/knowledge/unanswered", body)
}

pub fn new_faq_link(question: &str) -> String {
    format!(
        "/knowledge/faqs/new?{}",
        serde_urlencoded::to_string([("question", question)]).unwrap_or_default()
    )
}

// ---------------------------------------------------------------------------------------------
// Synonyms.

pub fn synonyms_page(user: &User, list: &[Synonym]) -> Markup {
    let body = html! {
        h1 { "同义词" }
        p.muted { "来电人说的词 → 知识库用的词（如 驾照 → 驾驶证）。新增或删除后一秒内在搜索中生效。" }
        form.card.row.syn-add hx-post="/knowledge/synonyms" hx-target="#synonyms" hx-swap="outerHTML"
            data-reset-on-success {
            div {
                label for="term" { "来电人说法（最多 20 字）" }
                input #term type="text" name="term" required maxlength="20";
            }
            div {
                label for="replacement" { "知识库用词（最多 40 字）" }
                input #replacement type="text" name="replacement" required maxlength="40";
            }
            div.filter-go { button.primary type="submit" { "添加" } }
        }
        div.row {
            label for="syn-filter" { "筛选" }
            input #syn-filter type="search" data-filter="#synonyms tbody tr" placeholder="输入词语筛选下表";
        }
        (synonym_table(list))
    };
    layout::page(user, "同义词", "/knowledge/synonyms", body)
}

pub fn synonym_table(list: &[Synonym]) -> Markup {
    html! {
        div #synonyms {
            p.muted { "共 " (list.len()) " 条" }
            table {
                thead { tr { th { "来电人说法" } th {} th { "知识库用词" } th {} } }
                tbody {
                    @for s in list {
                        tr {
                            td { (s.term) }
                            td.muted { "→" }
                            td { (s.replacement) }
                            td.num {
                                button.danger type="button" hx-post={ "/knowledge/synonyms/" (s.id) "/delete" }
                                    hx-target="#synonyms" hx-swap="outerHTML"
                                    hx-confirm={ "删除同义词“" (s.term) " → " (s.replacement) "”？" } { "删除" }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub fn with_flash(fragment: Markup, kind: &str, text: &str) -> Markup {
    html! {
        (fragment)
        div #flash hx-swap-oob="innerHTML" { (layout::flash(kind, text)) }
    }
}

// ---------------------------------------------------------------------------------------------
// Import.

/// The kinds of reference files, in the order the service imports them.
pub const IMPORT_KINDS: [(&str, &str); 5] = [
    ("regions", "地区 regions.jsonl"),
    ("departments", "部门 departments.jsonl"),
    ("liaisons", "联络员 liaisons.jsonl"),
    ("faqs", "知识条目 faqs.jsonl"),
    ("scripts", "话术 scripts.jsonl"),
];

pub fn import_page(user: &User) -> Markup {
    let body = html! {
        h1 { "导入参考数据" }
        p.muted { "选择 JSONL 文件（每行一条记录），或把内容粘贴到对应的框中。导入可重复执行：相同的记录不会重复创建；每个文件单独提交，有错误的行会列出行号和原因。" }
        form.card.import hx-post="/knowledge/import" hx-target="#import-report" hx-swap="innerHTML" {
            div.import-grid {
                @for (kind, label) in IMPORT_KINDS {
                    fieldset {
                        legend { (label) }
                        label for={ "file-" (kind) } { "选择文件" }
                        input type="file" id={ "file-" (kind) } accept=".jsonl,.json,.txt"
                            data-file-into={ "#text-" (kind) };
                        label for={ "text-" (kind) } { "文件内容" }
                        textarea id={ "text-" (kind) } name=(kind) rows="4" spellcheck="false" {}
                    }
                }
            }
            div.actions { button.primary type="submit" { "开始导入" } }
        }
        section #import-report {}
    };
    layout::page(user, "导入", "/knowledge/import", body)
}

pub fn import_report(report: &ImportReport) -> Markup {
    html! {
        div.card.report {
            h2 { "导入结果" span.muted { "（用时 " (report.took_ms) " 毫秒）" } }
            @if report.files.is_empty() { p.muted { "没有导入任何文件。" } }
            @for f in &report.files {
                div.file-report {
                    h3 { (f.file) }
                    p.counts-line {
                        "新增 " b { (f.created) } "，更新 " b { (f.updated) } "，未变 " b { (f.unchanged) }
                        "，拒绝 " b.rejected { (f.rejected.len()) }
                    }
                    @if !f.rejected.is_empty() {
                        table.rejected {
                            thead { tr { th.num { "行号" } th { "编码" } th { "原因" } } }
                            tbody {
                                @for r in &f.rejected {
                                    tr { td.num { (r.line) } td { (r.code.as_deref().unwrap_or("—")) } td { (r.error) } }
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

    fn render(p: &[Piece]) -> String {
        p.iter()
            .map(|x| match x {
                Piece::Same(s) => s.clone(),
                Piece::Gone(s) => format!("[-{s}]"),
                Piece::Added(s) => format!("[+{s}]"),
            })
            .collect()
    }

    #[test]
    fn diff_marks_changed_characters() {
        assert_eq!(
            render(&char_diff("0871-6311234", "0871-63112345")),
            "0871-6311234[+5]"
        );
        assert_eq!(
            render(&char_diff("周一至周五", "周一至周六")),
            "周一至周[-五][+六]"
        );
        assert_eq!(render(&char_diff("", "新")), "[+新]");
        assert_eq!(render(&char_diff("旧", "")), "[-旧]");
        assert_eq!(render(&char_diff("同", "同")), "同");
        assert_eq!(render(&char_diff("abcxdef", "abydef")), "ab[-cx][+y]def");
        // The old side is the old text, the new side the new one.
        let pieces = char_diff("昆明市西山区滇池路1号", "昆明市官渡区滇池路12号");
        let old: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Same(s) | Piece::Gone(s) => Some(s.as_str()),
                Piece::Added(_) => None,
            })
            .collect();
        let new: String = pieces
            .iter()
            .filter_map(|p| match p {
                Piece::Same(s) | Piece::Added(s) => Some(s.as_str()),
                Piece::Gone(_) => None,
            })
            .collect();
        assert_eq!(old, "昆明市西山区滇池路1号");
        assert_eq!(new, "昆明市官渡区滇池路12号");
    }

    #[test]
    fn long_texts_fall_back_to_whole_replacement() {
        let a = "甲".repeat(3000);
        let b = "乙".repeat(3000);
        assert_eq!(
            char_diff(&a, &b),
            vec![Piece::Gone(a.clone()), Piece::Added(b.clone())]
        );
    }

    #[test]
    fn sides_escape_and_mark() {
        let (l, r) = diff_sides("<b>旧</b>", "<b>新</b>");
        let (l, r) = (l.into_string(), r.into_string());
        assert!(
            l.contains("<del>旧</del>") && l.contains("&lt;b&gt;"),
            "{l}"
        );
        assert!(r.contains("<ins>新</ins>") && !r.contains("<b>"), "{r}");
    }

    fn request() -> ChangeRequest {
        ChangeRequest {
            id: 7,
            ticket_id: Some("T20261128-000001".into()),
            region: Some("530100".into()),
            department_code: None,
            new_department: Some(NewDepartment {
                name: "昆明市滇池管理局".into(),
                region: "530100".into(),
                phones: vec![Phone {
                    label: "办公室".into(),
                    number: "0871-6311234".into(),
                }],
                address: Some("昆明市西山区滇池路1号".into()),
                hours: None,
            }),
            question: Some("昆明市滇池管理局的电话是多少？".into()),
            answer: Some("办公室电话0871-6311234。<script>".into()),
            note: "滇池保护治理".into(),
            submitted_by: "liaison-530100-zfb".into(),
            created_at: "2026-12-04T09:30:00Z".into(),
        }
    }

    #[test]
    fn queue_shows_what_the_editor_decides_on() {
        let item = QueueItem {
            request: request(),
            department: None,
        };
        let html = review_queue(&[item], 1).into_string();
        assert!(html.contains("id=\"review-queue\""));
        assert!(html.contains("新部门：昆明市滇池管理局"), "{html}");
        assert!(html.contains("href=\"/tickets/T20261128-000001\""));
        assert!(html.contains("liaison-530100-zfb"));
        assert!(html.contains("2026-12-04 17:30"));
        assert!(html.contains("<ins>办公室 0871-6311234</ins>"));
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("hx-trigger=\"every 5s\""));
        assert!(html.contains("/knowledge/requests/7/apply"));
        assert!(html.contains("for=\"reason-7\""));
        assert!(!html.contains("style="));
    }

    #[test]
    fn an_existing_department_shows_old_and_new() {
        let mut cr = request();
        cr.department_code = Some("530100-zfb".into());
        let dept = Department {
            code: "530100-zfb".into(),
            name: "昆明市人民政府办公室".into(),
            region: "530100".into(),
            region_name: None,
            phones: vec![Phone {
                label: "办公室".into(),
                number: "0871-6311230".into(),
            }],
            fax: None,
            address: Some("昆明市呈贡区".into()),
            directions: None,
            hours_text: None,
            status: "active".into(),
        };
        let changes = request_changes(&cr, Some(&dept));
        assert_eq!(changes[0].old.as_deref(), Some("昆明市人民政府办公室"));
        let html = diff_table(&changes).into_string();
        assert!(html.contains("<del>"), "{html}");
        let item = QueueItem {
            request: cr,
            department: Some(dept),
        };
        let html = review_queue(&[item], 1).into_string();
        assert!(html.contains("昆明市人民政府办公室"));
        assert!(html.contains("修改部门"));
    }

    #[test]
    fn revisions_show_their_differences() {
        let r1 = Revision {
            revision: 1,
            question: "几点上班？".into(),
            answer: "周一至周五9:00".into(),
            authorized: true,
            status: "published".into(),
            keywords: vec![],
            note: None,
            changed_by: "import".into(),
            changed_at: "2026-12-04T09:30:00Z".into(),
        };
        let mut r2 = r1.clone();
        r2.revision = 2;
        r2.answer = "周一至周五8:30".into();
        r2.note = Some("改时间".into());
        let html = revision_list(&[r1, r2]).into_string();
        assert!(html.contains("第 2 版"));
        assert!(
            html.contains("<del>9:00</del>") || html.contains("<del>9</del>"),
            "{html}"
        );
        assert!(html.contains("<ins>"));
        assert!(html.contains("改时间"));
    }

    #[test]
    fn unanswered_links_to_a_prefilled_entry() {
        assert_eq!(
            new_faq_link("滇池 电话&x"),
            "/knowledge/faqs/new?question=%E6%BB%87%E6%B1%A0+%E7%94%B5%E8%AF%9D%26x"
        );
    }
}
