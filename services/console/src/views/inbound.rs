//! 未匹配来信 (issue 18): the e-mails notify received and could not put on a ticket by itself
//! (unknown sender, no ticket number, more than one ticket). A supervisor attaches each to the
//! ticket it belongs to, or dismisses it.

use maud::{Markup, html};
use serde::Deserialize;

use crate::views::format;

/// A received message as notify lists it (`GET /api/v1/inbound`).
#[derive(Debug, Clone, Deserialize)]
pub struct Inbound {
    pub id: String,
    pub status: String,
    pub sender: String,
    #[serde(default)]
    pub sender_name: Option<String>,
    pub subject: String,
    pub excerpt: String,
    pub received_at: String,
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub recorded_as: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Attachment {
    pub filename: String,
    pub size: i64,
}

pub struct InboundList<'a> {
    pub items: &'a [Inbound],
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// How a decided message reads in its row.
pub fn outcome_text(m: &Inbound) -> String {
    match (m.status.as_str(), &m.ticket_id) {
        ("attached", Some(t)) => match m.recorded_as.as_deref() {
            Some("reply") => format!("已作为联络员回复记入工单 {t}"),
            Some("fax") => format!("已作为待确认传真记入工单 {t}"),
            _ => format!("已作为备注记入工单 {t}"),
        },
        ("dismissed", _) => "已忽略".into(),
        _ => String::new(),
    }
}

fn sender(m: &Inbound) -> Markup {
    html! {
        @if let Some(n) = &m.sender_name { (n) br; }
        span.muted { (m.sender) }
    }
}

/// One message: its sender, subject, time and first lines, with attach and dismiss while it
/// is unmatched, or what was done with it.
pub fn row(m: &Inbound) -> Markup {
    html! {
        tr id={ "m-" (m.id) } {
            td.nowrap { (sender(m)) }
            td.subject title=(m.subject) {
                @if m.subject.is_empty() { span.muted { "（无主题）" } } @else { (m.subject) }
                @if !m.attachments.is_empty() {
                    br;
                    span.muted {
                        "附件："
                        @for (i, a) in m.attachments.iter().enumerate() {
                            @if i > 0 { "、" }
                            (a.filename) "（" (size(a.size)) "）"
                        }
                    }
                }
            }
            td.nowrap { (format::time(&m.received_at)) }
            td.excerpt {
                (m.excerpt)
                @if let Some(r) = &m.reason { br; span.muted { "未匹配原因：" (r) } }
            }
            td {
                @if m.status == "unmatched" {
                    div.inbound-actions {
                        form.inline-form hx-post={ "/inbound/" (m.id) "/attach" } hx-target="closest tr" hx-swap="outerHTML" {
                            input name="ticket_id" type="text" required aria-label="工单号"
                                placeholder="工单号 T20261205-000123" size="20" autocomplete="off";
                            button.primary type="submit" { "记入工单" }
                        }
                        button type="button" hx-post={ "/inbound/" (m.id) "/dismiss" }
                            hx-target="closest tr" hx-swap="outerHTML" { "忽略" }
                    }
                } @else {
                    span.muted { (outcome_text(m)) }
                }
            }
        }
    }
}

fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// `/inbound`: the unmatched queue.
pub fn page(l: &InboundList) -> Markup {
    let pages = ((l.total + l.per_page - 1) / l.per_page.max(1)).max(1);
    html! {
        section #inbound {
            h1 { "未匹配来信 " b { (l.total) } }
            p.muted {
                "系统无法自动对应到工单的来信：发件人不是承办部门联络员、主题中没有工单号，或对应多张工单。"
                "请输入工单号记入工单，或忽略。"
            }
            @if l.items.is_empty() {
                p.card.muted { "没有未匹配的来信。" }
            } @else {
                table.inbound {
                    thead { tr {
                        th { "发件人" } th { "主题" } th { "收到时间" } th { "内容摘要" } th { "处理" }
                    } }
                    tbody { @for m in l.items { (row(m)) } }
                }
                @if pages > 1 {
                    div.pager {
                        @if l.page > 1 { a href={ "/inbound?page=" (l.page - 1) } { "上一页" } }
                        span { "第 " (l.page) " / " (pages) " 页，共 " (l.total) " 条" }
                        @if l.page < pages { a href={ "/inbound?page=" (l.page + 1) } { "下一页" } }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn message(status: &str) -> Inbound {
        Inbound {
            id: "abc".into(),
            status: status.into(),
            sender: "stranger@example.org".into(),
            sender_name: Some("王五".into()),
            subject: "关于停水".into(),
            excerpt: "请问何时恢复供水".into(),
            received_at: "2026-12-05T02:00:00Z".into(),
            ticket_id: Some("T20261205-000001".into()),
            recorded_as: Some("note".into()),
            reason: Some("未找到工单号".into()),
            attachments: vec![Attachment {
                filename: "扫描件.pdf".into(),
                size: 2048,
            }],
        }
    }

    #[test]
    fn an_unmatched_row_offers_attach_and_dismiss() {
        let html = row(&message("unmatched")).into_string();
        assert!(html.contains("记入工单") && html.contains("忽略"), "{html}");
        assert!(
            html.contains("王五") && html.contains("扫描件.pdf（2 KB）"),
            "{html}"
        );
        assert!(html.contains("2026-12-05 10:00"), "{html}");
        assert!(html.contains("未找到工单号"), "{html}");
    }

    #[test]
    fn a_decided_row_says_what_was_done() {
        let html = row(&message("attached")).into_string();
        assert!(!html.contains("hx-post"), "{html}");
        assert!(
            html.contains("已作为备注记入工单 T20261205-000001"),
            "{html}"
        );
        assert_eq!(outcome_text(&message("dismissed")), "已忽略");
    }
}
