//! The knowledge editor's screens (知识库维护): the review queue of change requests with the
//! difference each would make, FAQ entries and their revisions, unanswered queries, synonyms
//! and the import of reference files.

use maud::{Markup, html};

use crate::api::types::Phone;
use crate::session::User;
use crate::views::{format, layout};

/// The parts of the knowledge service's answers these screens read.
pub mod api_types {
    use serde::{Deserialize, Serialize};

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

    /// Opening hours as the service keeps them: weekly ranges (days 1 = Monday … 7 = Sunday)
    /// and a note.
    #[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Hours {
        #[serde(default)]
        pub weekly: Vec<WeeklyHours>,
        #[serde(default)]
        pub note: Option<String>,
    }

    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct WeeklyHours {
        pub days: Vec<u8>,
        pub ranges: Vec<(String, String)>,
    }

    /// A department as the list and `PATCH` answer it: every field the editor can change.
    #[derive(Debug, Clone, Deserialize)]
    pub struct DepartmentRecord {
        pub code: String,
        #[serde(default)]
        pub region: String,
        #[serde(default)]
        pub kind: String,
        pub name: String,
        #[serde(default)]
        pub aliases: Vec<String>,
        #[serde(default)]
        pub phones: Vec<Phone>,
        pub fax: Option<String>,
        pub address: Option<String>,
        pub directions: Option<String>,
        #[serde(default)]
        pub service_locations: Vec<String>,
        pub hours: Option<Hours>,
        #[serde(default)]
        pub status: String,
        #[serde(default)]
        pub successor: Option<String>,
    }

    /// `GET /departments/{code}`: the record with its region's name and its liaisons.
    #[derive(Debug, Clone, Deserialize)]
    pub struct DepartmentDetail {
        #[serde(flatten)]
        pub department: DepartmentRecord,
        #[serde(default)]
        pub region_name: Option<String>,
        #[serde(default)]
        pub liaisons: Vec<Liaison>,
    }

    #[derive(Debug, Clone, Deserialize)]
    pub struct Liaison {
        pub code: String,
        pub name: String,
        #[serde(default)]
        pub phone: String,
        #[serde(default)]
        pub mobile: String,
        #[serde(default)]
        pub email: String,
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
                    @match (&cr.department_code, is_new) {
                        (Some(code), false) => a.dept-name href={ "/knowledge/departments/" (code) } { (dept_name) },
                        _ => span.dept-name { (dept_name) },
                    }
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
            a.button href="/knowledge/departments" { "部门信息" }
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
                        td.code { a href={ "/knowledge/departments/" (f.department) } { (f.department) } }
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
pub fn faq_editor(
    user: &User,
    faq: &Faq,
    department: Option<&str>,
    revisions: &[Revision],
    saved: Option<&str>,
) -> Markup {
    let body = html! {
        @if let Some(msg) = saved { (layout::flash("ok", msg)) }
        p.crumbs { a href="/knowledge/faqs" { "知识条目" } " › " (faq.code) }
        div.faq-page {
            section.card.faq-edit {
                h1 { "编辑条目 " span.code { (faq.code) } " " span.badge.status #faq-status { (review_label(&faq.status)) } }
                p.faq-dept {
                    "所属部门："
                    a href={ "/knowledge/departments/" (faq.department) } { (department.unwrap_or(&faq.department)) }
                    @if department.is_some() { " " span.code.muted { (faq.department) } }
                }
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

// ---------------------------------------------------------------------------------------------
// Departments.

pub fn dept_status_label(status: &str) -> &'static str {
    match status {
        "active" => "正常",
        "merged" => "已撤并",
        _ => "未知",
    }
}

const DAY_NAMES: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

/// `[1,2,3,4,5]` → `周一至周五`; `[1,3]` → `周一、周三`: as the knowledge service says it, and as
/// [`parse_hours`] reads it back.
pub fn days_text(days: &[u8]) -> String {
    let mut sorted: Vec<u8> = days
        .iter()
        .copied()
        .filter(|d| (1..=7).contains(d))
        .collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut runs: Vec<(u8, u8)> = Vec::new();
    for d in sorted {
        match runs.last_mut() {
            Some((_, end)) if *end + 1 == d => *end = d,
            _ => runs.push((d, d)),
        }
    }
    let name = |d: u8| DAY_NAMES[usize::from(d) - 1];
    runs.iter()
        .map(|&(a, b)| match b - a {
            0 => name(a).to_string(),
            1 => format!("{}、{}", name(a), name(b)),
            _ => format!("{}至{}", name(a), name(b)),
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The weekly schedules as the form shows them, one a line: `周一至周五 09:00-12:00、13:30-17:00`.
pub fn hours_lines(hours: Option<&Hours>) -> String {
    hours
        .map(|h| {
            h.weekly
                .iter()
                .map(|w| {
                    let ranges: Vec<String> =
                        w.ranges.iter().map(|(a, b)| format!("{a}-{b}")).collect();
                    format!("{} {}", days_text(&w.days), ranges.join("、"))
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// The hours as read out (the service's `hours_text`): schedules joined by `；`, the note after.
pub fn hours_text(hours: Option<&Hours>) -> String {
    let Some(h) = hours else {
        return String::new();
    };
    let mut text = hours_lines(Some(h)).replace('\n', "；");
    if let Some(note) = h.note.as_deref().filter(|n| !n.trim().is_empty()) {
        text.push_str(&format!("（{note}）"));
    }
    text
}

fn parse_day(s: &str) -> Option<u8> {
    let s = s.trim();
    let s = s
        .strip_prefix("星期")
        .or_else(|| s.strip_prefix("周"))
        .unwrap_or(s);
    match s {
        "一" | "1" => Some(1),
        "二" | "2" => Some(2),
        "三" | "3" => Some(3),
        "四" | "4" => Some(4),
        "五" | "5" => Some(5),
        "六" | "6" => Some(6),
        "日" | "天" | "7" => Some(7),
        _ => None,
    }
}

fn parse_days(s: &str) -> Option<Vec<u8>> {
    let mut days = Vec::new();
    for part in s.split(['、', ',', '，']).filter(|p| !p.trim().is_empty()) {
        match part.split_once(['至', '-', '－', '~', '～']) {
            Some((a, b)) => {
                let (a, b) = (parse_day(a)?, parse_day(b)?);
                if a > b {
                    return None;
                }
                days.extend(a..=b);
            }
            None => days.push(parse_day(part)?),
        }
    }
    days.sort_unstable();
    days.dedup();
    (!days.is_empty()).then_some(days)
}

/// `9:00` → `09:00`; full-width colons are taken too.
fn parse_clock(s: &str) -> Option<String> {
    let s = s.trim().replace('：', ":");
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return None;
    }
    Some(format!("{h:02}:{m:02}"))
}

/// Reads the form's hours: one schedule a line (`周一至周五 09:00-12:00、13:30-17:00`; days may
/// also be written `1-5`), and the note. Both empty: no hours on record.
pub fn parse_hours(lines: &str, note: &str) -> Result<Option<Hours>, String> {
    let mut weekly = Vec::new();
    for (n, line) in lines.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let example = "应写成“星期 时间”，如：周一至周五 09:00-12:00、13:30-17:00";
        let Some((days, ranges)) = line.split_once(char::is_whitespace) else {
            return Err(format!("办公时间第 {} 行{example}", n + 1));
        };
        let days = parse_days(days)
            .ok_or_else(|| format!("办公时间第 {} 行的星期“{days}”无法识别，{example}", n + 1))?;
        let mut parsed = Vec::new();
        for r in ranges
            .split(|c: char| "、,，;；".contains(c) || c.is_whitespace())
            .filter(|r| !r.is_empty())
        {
            let pair = r
                .split_once(['-', '－', '~', '～', '至', '—'])
                .and_then(|(a, b)| Some((parse_clock(a)?, parse_clock(b)?)))
                .filter(|(a, b)| a < b);
            match pair {
                Some(p) => parsed.push(p),
                None => {
                    return Err(format!(
                        "办公时间第 {} 行的时段“{r}”无法识别，应写成 09:00-12:00（开始早于结束）",
                        n + 1
                    ));
                }
            }
        }
        if parsed.is_empty() {
            return Err(format!("办公时间第 {} 行缺少时段，{example}", n + 1));
        }
        weekly.push(WeeklyHours {
            days,
            ranges: parsed,
        });
    }
    let note = note.trim();
    if weekly.is_empty() && note.is_empty() {
        return Ok(None);
    }
    Ok(Some(Hours {
        weekly,
        note: (!note.is_empty()).then(|| note.to_string()),
    }))
}

/// Each changeable field of a department as the editor reads it, in the form's order.
pub fn department_fields(d: &DepartmentRecord) -> [(&'static str, String); 10] {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    [
        ("部门名称", d.name.clone()),
        ("别名", d.aliases.join("，")),
        ("电话", phones_text(&d.phones)),
        ("传真", opt(&d.fax)),
        ("地址", opt(&d.address)),
        ("乘车路线", opt(&d.directions)),
        ("服务窗口", d.service_locations.join("\n")),
        ("办公时间", hours_text(d.hours.as_ref())),
        ("状态", dept_status_label(&d.status).to_string()),
        ("承接部门", opt(&d.successor)),
    ]
}

/// What a save changed, field by field (unchanged fields left out).
pub fn department_changes(before: &DepartmentRecord, after: &DepartmentRecord) -> Vec<FieldChange> {
    department_fields(before)
        .into_iter()
        .zip(department_fields(after))
        .filter(|((_, old), (_, new))| old != new)
        .map(|((label, old), (_, new))| FieldChange {
            label,
            old: Some(old),
            new,
        })
        .collect()
}

pub struct DeptFilter {
    pub q: String,
    pub region: String,
    pub page: i64,
}

/// The department directory with a search box and a region choice; the results refresh as one
/// types.
pub fn department_list(
    user: &User,
    filter: &DeptFilter,
    regions: &[Region],
    items: &[DepartmentRecord],
    total: i64,
    per_page: i64,
) -> Markup {
    let live = "input changed delay:150ms, search";
    let body = html! {
        div.row.page-head {
            h1.grow { "部门信息" }
            a.button href="/knowledge/faqs" { "知识条目" }
        }
        form.card.filters.dept-filters method="get" action="/knowledge/departments" {
            div.row {
                div.grow {
                    label for="dq" { "名称、别名或编码" }
                    input #dq type="search" name="q" value=(filter.q) maxlength="100" autofocus
                        placeholder="如 人社局、530100-rsj" autocomplete="off"
                        hx-get="/knowledge/departments" hx-trigger=(live) hx-include="closest form"
                        hx-target="#dept-results" hx-swap="outerHTML" hx-push-url="true";
                }
                div {
                    label for="d-region" { "地区（含下辖）" }
                    select #d-region name="region" hx-get="/knowledge/departments" hx-trigger="change"
                        hx-include="closest form" hx-target="#dept-results" hx-swap="outerHTML"
                        hx-push-url="true" {
                        option value="" { "全部地区" }
                        @for r in regions {
                            option value=(r.code) selected[filter.region == r.code] { (r.name) }
                        }
                    }
                }
                div.filter-go { button type="submit" { "查找" } }
            }
        }
        (department_results(filter, regions, items, total, per_page))
    };
    layout::page(user, "部门信息", "/knowledge/faqs", body)
}

/// The results part of the directory (what the search box refreshes).
pub fn department_results(
    filter: &DeptFilter,
    regions: &[Region],
    items: &[DepartmentRecord],
    total: i64,
    per_page: i64,
) -> Markup {
    let region_name = |code: &str| {
        regions
            .iter()
            .find(|r| r.code == code)
            .map_or_else(|| code.to_string(), |r| r.name.clone())
    };
    html! {
        div #dept-results {
            p.muted { "共 " (total) " 个部门" }
            table.depts {
                thead { tr { th { "编码" } th { "名称" } th { "地区" } th { "电话" } th { "状态" } } }
                tbody {
                    @for d in items {
                        @let href = format!("/knowledge/departments/{}", d.code);
                        tr {
                            td.code { a href=(href) { (d.code) } }
                            td { a href=(href) { (d.name) } }
                            td { (region_name(&d.region)) }
                            td { (phones_text(&d.phones)) }
                            td {
                                @if d.status == "active" { span.badge.auth { (dept_status_label(&d.status)) } }
                                @else { span.badge.ref { (dept_status_label(&d.status)) } }
                            }
                        }
                    }
                }
            }
            @if items.is_empty() { p.muted { "没有符合条件的部门。" } }
            (pager("/knowledge/departments", &[("q", &filter.q), ("region", &filter.region)],
                filter.page, total, per_page))
        }
    }
}

/// What a save did: the message and the fields it changed.
pub struct DeptSaved {
    pub message: String,
    pub changes: Vec<FieldChange>,
}

/// The editor as a whole page (a first visit, or a save without htmx).
pub fn department_page(
    user: &User,
    detail: &DepartmentDetail,
    faqs: &[Faq],
    saved: Option<&DeptSaved>,
) -> Markup {
    let body = html! {
        @if let Some(s) = saved { (layout::flash("ok", &s.message)) }
        (department_editor(user, detail, faqs, saved))
    };
    layout::page(user, "编辑部门", "/knowledge/faqs", body)
}

/// The editor after an htmx save: the section, and the message in the page's message area.
pub fn department_saved(
    user: &User,
    detail: &DepartmentDetail,
    faqs: &[Faq],
    saved: &DeptSaved,
) -> Markup {
    with_flash(
        department_editor(user, detail, faqs, Some(saved)),
        "ok",
        &saved.message,
    )
}

fn phone_row(i: &str, p: Option<&Phone>) -> Markup {
    let (label, number) = p.map_or(("", ""), |p| (p.label.as_str(), p.number.as_str()));
    html! {
        div.phone-row {
            label.offscreen for={ "phone-label-" (i) } { "电话名称" }
            input.phone-label type="text" id={ "phone-label-" (i) } name="phone_label" value=(label)
                maxlength="40" placeholder="如 办公室";
            label.offscreen for={ "phone-number-" (i) } { "电话号码" }
            input.phone-number type="text" id={ "phone-number-" (i) } name="phone_number" value=(number)
                maxlength="40" placeholder="如 0871-63112345";
            button.remove-row type="button" data-remove-row title="删除这个电话" { "删除" }
        }
    }
}

/// The department's editor: the form on the left; its facts, liaisons and FAQ entries on the
/// right; after a save, what changed above both.
pub fn department_editor(
    user: &User,
    detail: &DepartmentDetail,
    faqs: &[Faq],
    saved: Option<&DeptSaved>,
) -> Markup {
    let d = &detail.department;
    let action = format!("/knowledge/departments/{}", d.code);
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    let note = d
        .hours
        .as_ref()
        .and_then(|h| h.note.clone())
        .unwrap_or_default();
    html! {
        section #dept-editor {
            p.crumbs { a href="/knowledge/departments" { "部门信息" } " › " (d.name) }
            @if let Some(s) = saved {
                section.card.dept-changes #dept-changes {
                    h2 { "本次修改" }
                    @if s.changes.is_empty() { p.muted { "内容与原来相同，没有改动。" } }
                    @else { (diff_table(&s.changes)) }
                }
            }
            div.dept-page {
                form.card.dept-edit method="post" action=(action) hx-post=(action)
                    hx-target="#dept-editor" hx-swap="outerHTML show:window:top" {
                    h1 {
                        (d.name) " " span.code { (d.code) } " "
                        @if d.status == "active" { span.badge.auth { (dept_status_label(&d.status)) } }
                        @else { span.badge.ref { (dept_status_label(&d.status)) } }
                    }
                    (layout::csrf_field(user))
                    div.two {
                        div {
                            label for="d-name" { "部门名称" }
                            input #d-name type="text" name="name" value=(d.name) required maxlength="100";
                        }
                        div {
                            label for="d-fax" { "传真" }
                            input #d-fax type="text" name="fax" value=(opt(&d.fax)) maxlength="40";
                        }
                    }
                    label for="d-aliases" { "别名（来电人的叫法，以逗号或顿号分隔）" }
                    input #d-aliases type="text" name="aliases" value=(d.aliases.join("，"));
                    fieldset.phones {
                        legend { "电话（名称 + 号码，可多个；清空一行即删除）" }
                        div #phone-rows {
                            @for (i, p) in d.phones.iter().enumerate() { (phone_row(&i.to_string(), Some(p))) }
                            (phone_row(&d.phones.len().to_string(), None))
                        }
                        template #phone-template { (phone_row("__N__", None)) }
                        button.add-row type="button" data-add-row="#phone-rows"
                            data-template="#phone-template" { "＋ 添加电话" }
                    }
                    label for="d-address" { "地址" }
                    input #d-address type="text" name="address" value=(opt(&d.address)) maxlength="300";
                    label for="d-directions" { "乘车路线" }
                    textarea #d-directions name="directions" rows="2" maxlength="1000" { (opt(&d.directions)) }
                    label for="d-locations" { "服务窗口（每行一个）" }
                    textarea #d-locations name="service_locations" rows="2" { (d.service_locations.join("\n")) }
                    div.two {
                        div {
                            label for="d-hours" { "办公时间（每行一段：星期 时段）" }
                            textarea #d-hours name="hours" rows="2" spellcheck="false"
                                placeholder="周一至周五 09:00-12:00、13:30-17:00" { (hours_lines(d.hours.as_ref())) }
                        }
                        div {
                            label for="d-hours-note" { "办公时间备注" }
                            input #d-hours-note type="text" name="hours_note" value=(note) maxlength="300"
                                placeholder="如 法定节假日除外";
                        }
                    }
                    div.two {
                        div {
                            label for="d-status" { "状态" }
                            select #d-status name="status" {
                                @for (v, l) in [("active", "正常"), ("merged", "已撤并")] {
                                    option value=(v) selected[d.status == v] { (l) }
                                }
                            }
                        }
                        div {
                            label for="d-successor" { "承接部门编码（已撤并时必填）" }
                            input #d-successor type="text" name="successor" value=(opt(&d.successor))
                                maxlength="64" placeholder="如 530100-zwj";
                        }
                    }
                    div.actions {
                        button.primary type="submit" { "保存修改" }
                        span.muted.hint { "知识库不保留部门信息的历史版本：保存即覆盖原内容，请核对后再保存。" }
                    }
                }
                aside.dept-side {
                    section.card {
                        h2 { "基本信息" }
                        dl.facts {
                            dt { "编码" } dd.code { (d.code) }
                            dt { "地区" } dd { (detail.region_name.as_deref().unwrap_or(&d.region)) span.muted { "（" (d.region) "）" } }
                            dt { "类别" } dd.code { (d.kind) }
                        }
                    }
                    section.card #dept-liaisons {
                        h2 { "联络员" span.muted { "（只读）" } }
                        @if detail.liaisons.is_empty() { p.muted { "暂无联络员。" } }
                        @else {
                            table.liaisons {
                                thead { tr { th { "姓名" } th { "电话" } th { "手机" } th { "邮箱" } } }
                                tbody {
                                    @for l in &detail.liaisons {
                                        tr { td { (l.name) } td { (l.phone) } td { (l.mobile) } td.email { (l.email) } }
                                    }
                                }
                            }
                        }
                    }
                    section.card #dept-faqs {
                        div.row {
                            h2.grow { "知识条目" span.muted { "（" (faqs.len()) "）" } }
                            a.button href={ "/knowledge/faqs/new?department=" (d.code) } { "新建条目" }
                        }
                        @if faqs.is_empty() { p.muted { "该部门暂无知识条目。" } }
                        ul.dept-faqs {
                            @for f in faqs {
                                li {
                                    a href={ "/knowledge/faqs/" (f.code) } { (f.question) }
                                    " " span.badge.status { (review_label(&f.status)) }
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
        assert!(html.contains("href=\"/knowledge/departments/530100-zfb\""));
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

    fn dept() -> DepartmentDetail {
        DepartmentDetail {
            department: DepartmentRecord {
                code: "530100-rsj".into(),
                region: "530100".into(),
                kind: "rsj".into(),
                name: "昆明市人力资源和社会保障局".into(),
                aliases: vec!["人社局".into(), "劳动局".into()],
                phones: vec![Phone {
                    label: "办公室".into(),
                    number: "0871-69266321".into(),
                }],
                fax: Some("0871-39829657".into()),
                address: Some("昆明市环城路307号<b>".into()),
                directions: None,
                service_locations: vec!["昆明市政务服务中心 2楼 34号窗口".into()],
                hours: Some(Hours {
                    weekly: vec![WeeklyHours {
                        days: vec![1, 2, 3, 4, 5],
                        ranges: vec![
                            ("09:00".into(), "12:00".into()),
                            ("14:30".into(), "18:00".into()),
                        ],
                    }],
                    note: Some("法定节假日除外".into()),
                }),
                status: "active".into(),
                successor: None,
            },
            region_name: Some("昆明市".into()),
            liaisons: vec![Liaison {
                code: "530100-rsj-L1".into(),
                name: "苏芳芳".into(),
                phone: "0871-27267468".into(),
                mobile: "13000007678".into(),
                email: "rsj.530100.1@example.org".into(),
            }],
        }
    }

    fn faq() -> Faq {
        Faq {
            code: "530100-rsj-1".into(),
            department: "530100-rsj".into(),
            question: "社保卡怎么补办？<i>".into(),
            answer: "带身份证到窗口。".into(),
            authorized: true,
            status: "published".into(),
            keywords: vec![],
        }
    }

    fn user() -> User {
        User {
            sid: "s".into(),
            username: "editor".into(),
            role: shared::auth::Role::KbEditor,
            department: None,
            token: "t".into(),
            csrf: "c".into(),
        }
    }

    /// Every form field has a label naming it.
    fn labelled(html: &str) {
        for part in html
            .split("<input")
            .skip(1)
            .chain(html.split("<textarea").skip(1))
            .chain(html.split("<select").skip(1))
        {
            let tag = part.split('>').next().unwrap_or_default();
            if tag.contains("type=\"hidden\"") {
                continue;
            }
            let id = tag
                .split("id=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_else(|| panic!("a field without id: {tag}"));
            assert!(html.contains(&format!("for=\"{id}\"")), "no label for {id}");
        }
    }

    #[test]
    fn hours_read_back_as_written() {
        let d = dept();
        let h = d.department.hours.as_ref();
        assert_eq!(hours_lines(h), "周一至周五 09:00-12:00、14:30-18:00");
        assert_eq!(
            hours_text(h),
            "周一至周五 09:00-12:00、14:30-18:00（法定节假日除外）"
        );
        let back = parse_hours(&hours_lines(h), "法定节假日除外").unwrap();
        assert_eq!(back.as_ref(), h);
        let two = parse_hours("1-5 9:00-12:00，13:30-17:00\n周六、周日 09:00－12:00", "")
            .unwrap()
            .unwrap();
        assert_eq!(two.weekly[0].days, vec![1, 2, 3, 4, 5]);
        assert_eq!(two.weekly[0].ranges[0], ("09:00".into(), "12:00".into()));
        assert_eq!(two.weekly[1].days, vec![6, 7]);
        assert_eq!(
            hours_lines(Some(&two)).lines().nth(1),
            Some("周六、周日 09:00-12:00")
        );
        assert_eq!(parse_hours("  \n", " ").unwrap(), None);
        let note_only = parse_hours("", "预约办理").unwrap().unwrap();
        assert!(note_only.weekly.is_empty());
        for bad in [
            "周一至周五",
            "周八 09:00-12:00",
            "周五至周一 09:00-12:00",
            "周一 12:00-09:00",
            "周一 9点-12点",
            "周一 09:0-12:00",
        ] {
            let e = parse_hours(bad, "").unwrap_err();
            assert!(e.contains("第 1 行"), "{bad}: {e}");
        }
    }

    #[test]
    fn department_changes_name_each_changed_field() {
        let before = dept().department;
        let mut after = before.clone();
        after.address = Some("昆明市环城南路1号".into());
        after.phones.push(Phone {
            label: "值班".into(),
            number: "0871-60000000".into(),
        });
        after.hours = parse_hours("周一至周五 09:00-12:00、14:00-18:00", "法定节假日除外").unwrap();
        let changes = department_changes(&before, &after);
        let labels: Vec<&str> = changes.iter().map(|c| c.label).collect();
        assert_eq!(labels, vec!["电话", "地址", "办公时间"]);
        assert_eq!(changes[1].old.as_deref(), Some("昆明市环城路307号<b>"));
        assert!(department_changes(&before, &before).is_empty());
    }

    #[test]
    fn the_department_list_links_each_editor() {
        let filter = DeptFilter {
            q: "人社\"<x>".into(),
            region: "530100".into(),
            page: 1,
        };
        let regions = vec![Region {
            code: "530100".into(),
            name: "昆明市".into(),
        }];
        let mut merged = dept().department;
        merged.code = "530100-old".into();
        merged.name = "昆明市劳动局<script>".into();
        merged.status = "merged".into();
        let items = vec![dept().department, merged];
        let html = department_list(&user(), &filter, &regions, &items, 120, 50).into_string();
        assert!(
            html.contains("href=\"/knowledge/departments/530100-rsj\""),
            "{html}"
        );
        assert!(html.contains("昆明市人力资源和社会保障局"));
        assert!(html.contains("办公室 0871-69266321"));
        assert!(html.contains("已撤并"));
        assert!(html.contains("&lt;script&gt;") && !html.contains("<script>"));
        assert!(html.contains("value=\"人社&quot;&lt;x&gt;\""), "{html}");
        assert!(
            html.contains("<option value=\"530100\" selected>昆明市</option>"),
            "{html}"
        );
        assert!(html.contains("hx-target=\"#dept-results\""));
        assert!(
            html.contains("/knowledge/departments?q=") && html.contains("page=2"),
            "pager"
        );
        assert!(!html.contains("style="));
        labelled(&html);
        let frag = department_results(&filter, &regions, &items, 2, 50).into_string();
        assert!(frag.starts_with("<div id=\"dept-results\">"));
    }

    #[test]
    fn the_department_editor_shows_fields_liaisons_and_entries() {
        let html = department_page(&user(), &dept(), &[faq()], None).into_string();
        assert!(
            html.contains("value=\"昆明市环城路307号&lt;b&gt;\""),
            "escaped"
        );
        assert!(html.contains("value=\"人社局，劳动局\""));
        assert!(html.contains("value=\"0871-69266321\""));
        assert!(html.contains("name=\"phone_label\""));
        assert!(html.contains("<template id=\"phone-template\">"));
        assert!(html.contains("周一至周五 09:00-12:00、14:30-18:00</textarea>"));
        assert!(html.contains("value=\"法定节假日除外\""));
        assert!(html.contains("<option value=\"active\" selected>"));
        assert!(html.contains("苏芳芳") && html.contains("13000007678"));
        assert!(html.contains("href=\"/knowledge/faqs/530100-rsj-1\""));
        assert!(html.contains("社保卡怎么补办？&lt;i&gt;"));
        assert!(html.contains("/knowledge/faqs/new?department=530100-rsj"));
        assert!(html.contains("hx-post=\"/knowledge/departments/530100-rsj\""));
        assert!(html.contains("name=\"csrf\""));
        assert!(html.contains("不保留部门信息的历史版本"));
        assert!(!html.contains("本次修改"));
        assert!(!html.contains("style="));
        // The template's ids are filled in by the script; the rows on the page are labelled.
        labelled(&html.replace(
            &html[html.find("<template").unwrap()..html.find("</template>").unwrap()],
            "",
        ));
    }

    #[test]
    fn a_save_shows_the_message_and_what_changed() {
        let before = dept();
        let mut after = before.clone();
        after.department.address = Some("昆明市环城南路1号".into());
        let saved = DeptSaved {
            message: "部门信息已保存，共修改 1 项。".into(),
            changes: department_changes(&before.department, &after.department),
        };
        let html = department_saved(&user(), &after, &[], &saved).into_string();
        assert!(html.contains("hx-swap-oob"), "{html}");
        assert!(html.contains("部门信息已保存"));
        assert!(html.contains("本次修改"));
        assert!(html.contains("<del>"), "{html}");
        assert!(html.contains("<ins>南</ins>"), "{html}");
        assert!(html.contains("&lt;b&gt;") && !html.contains("<b>"));
        assert!(html.contains("该部门暂无知识条目"));
        assert!(!html.contains("style="));
        let page = department_page(&user(), &after, &[], Some(&saved)).into_string();
        assert!(page.contains("flash-ok") && page.contains("本次修改"));
    }

    #[test]
    fn unanswered_links_to_a_prefilled_entry() {
        assert_eq!(
            new_faq_link("滇池 电话&x"),
            "/knowledge/faqs/new?question=%E6%BB%87%E6%B1%A0+%E7%94%B5%E8%AF%9D%26x"
        );
    }
}
