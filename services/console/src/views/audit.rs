//! The admin's audit log page (审计日志): who did what, when, from where, searched by account,
//! kind and dates. Read only: nothing here changes an entry.

use maud::{Markup, html};

use crate::session::User;
use crate::views::knowledge::pager;
use crate::views::{format, layout};

pub use shared::contract::audit::AuditEntry;

/// The kinds of event, as the API names them, with their names here.
pub const ACTIONS: [(&str, &str); 10] = [
    ("sign_in", "登录"),
    ("sign_in_failed", "登录失败"),
    ("sign_out", "退出登录"),
    ("account_created", "新建账号"),
    ("account_changed", "修改账号"),
    ("change_request_applied", "知识变更采纳"),
    ("change_request_rejected", "知识变更退回"),
    ("caller_number_read", "查看来电人完整号码"),
    ("export", "导出"),
    ("notification_retried", "重发通知"),
];

fn action_label(action: &str) -> &str {
    ACTIONS
        .iter()
        .find(|(a, _)| *a == action)
        .map_or(action, |(_, l)| l)
}

/// What the page was asked for: each part as typed (dates as `2026-12-05`).
#[derive(Debug, Default, Clone)]
pub struct AuditFilter {
    pub actor: String,
    pub action: String,
    pub from: String,
    pub to: String,
    pub page: i64,
}

/// The details as `key：value` pairs, for a table cell.
fn details_text(details: &serde_json::Value) -> String {
    match details.as_object() {
        Some(map) => map
            .iter()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}：{s}"),
                other => format!("{k}：{other}"),
            })
            .collect::<Vec<_>>()
            .join("；"),
        None => String::new(),
    }
}

pub fn audit_page(
    user: &User,
    filter: &AuditFilter,
    items: &[AuditEntry],
    total: i64,
    per_page: i64,
) -> Markup {
    let body = html! {
        h1 { "审计日志" }
        form.card.filters method="get" action="/admin/audit" {
            div.row {
                div.grow {
                    label for="au-actor" { "用户名" }
                    input #au-actor type="search" name="actor" value=(filter.actor) maxlength="64"
                        placeholder="完整用户名" autocomplete="off";
                }
                div {
                    label for="au-action" { "操作" }
                    select #au-action name="action" {
                        option value="" { "全部" }
                        @for (a, l) in ACTIONS {
                            option value=(a) selected[filter.action == a] { (l) }
                        }
                    }
                }
                div {
                    label for="au-from" { "起始日期" }
                    input #au-from type="date" name="from" value=(filter.from);
                }
                div {
                    label for="au-to" { "截止日期（含）" }
                    input #au-to type="date" name="to" value=(filter.to);
                }
                div.filter-go { button type="submit" { "查询" } }
            }
        }
        section.card {
            p.muted { "共 " (total) " 条记录，最新的在前。日志只增不改，保留至少 180 天。" }
            @if items.is_empty() {
                p.muted { "没有符合条件的记录。" }
            } @else {
                table.audit {
                    thead { tr {
                        th { "时间" } th { "用户" } th { "操作" } th { "对象" } th { "来源地址" }
                        th { "服务" } th { "详情" }
                    } }
                    tbody {
                        @for e in items {
                            tr.failed[e.action == "sign_in_failed"] {
                                td.nowrap { (format::time(&e.at.to_rfc3339())) }
                                td { (e.actor) @if !e.role.is_empty() { " " span.muted { (e.role) } } }
                                td { (action_label(&e.action)) }
                                td { (e.target) }
                                td { @if e.address.is_empty() { "—" } @else { (e.address) } }
                                td { (e.service) }
                                td.details { (details_text(&e.details)) }
                            }
                        }
                    }
                }
            }
            (pager("/admin/audit", &[("actor", &filter.actor), ("action", &filter.action),
                ("from", &filter.from), ("to", &filter.to)], filter.page, total, per_page))
        }
    };
    layout::page(user, "审计日志", "/admin/audit", body)
}

#[cfg(test)]
mod tests {
    use super::*;
    use shared::auth::Role;

    #[test]
    fn the_log_reads_in_chinese_and_escapes_what_it_shows() {
        let user = User {
            sid: "s".into(),
            username: "admin".into(),
            role: Role::Admin,
            department: None,
            token: "t".into(),
            csrf: "c".into(),
            address: String::new(),
            password_change: false,
        };
        let items = vec![AuditEntry {
            id: 1,
            at: "2026-12-05T01:00:00Z".parse().unwrap(),
            service: "knowledge".into(),
            actor: "op<b>".into(),
            role: "operator".into(),
            action: "sign_in_failed".into(),
            target: "op".into(),
            address: "10.0.0.9".into(),
            details: serde_json::json!({"reason": "<script>"}),
        }];
        let filter = AuditFilter {
            action: "sign_in_failed".into(),
            page: 1,
            ..AuditFilter::default()
        };
        let html = audit_page(&user, &filter, &items, 1, 50).into_string();
        assert!(html.contains("登录失败"));
        assert!(html.contains("2026-12-05 09:00"), "China time");
        assert!(html.contains("10.0.0.9"));
        assert!(html.contains("op&lt;b&gt;") && html.contains("&lt;script&gt;"));
        assert!(html.contains("<option value=\"sign_in_failed\" selected>"));
        assert!(!html.contains("style="));
    }
}
