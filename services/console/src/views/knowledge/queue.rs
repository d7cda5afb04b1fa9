//! The review queue: pending change requests with the difference each would make.

use maud::{Markup, html};

use crate::api::knowledge::*;
use crate::views::{format, layout};

#[allow(unused_imports)]
use super::*;

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
