//! FAQ entries (authorised answers), their review states and revisions.

use maud::{Markup, html};

use crate::api::knowledge::*;
use crate::session::User;
use crate::views::{format, layout};

#[allow(unused_imports)]
use super::*;

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
                        span.muted { (format::time(&r.changed_at.to_rfc3339())) }
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
