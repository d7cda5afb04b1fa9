//! The admin's accounts page (账号管理): who can sign in, in which role and department.

use maud::{Markup, html};
use shared::auth::Role;

use crate::session::{User, role_label};
use crate::views::{format, layout};

pub mod api_types {
    use serde::Deserialize;

    #[derive(Debug, Clone, Deserialize)]
    pub struct Account {
        pub username: String,
        pub role: String,
        pub department: Option<String>,
        pub disabled: bool,
        pub updated_at: String,
    }
}

use api_types::Account;

/// The roles an admin hands out (not `service`, which is for the services themselves).
pub const ROLES: [Role; 5] = [
    Role::Operator,
    Role::Liaison,
    Role::KbEditor,
    Role::Supervisor,
    Role::Admin,
];

fn label_of(role: &str) -> &str {
    role.parse::<Role>().map(role_label).unwrap_or(role)
}

fn role_options(selected: &str) -> Markup {
    html! {
        @for r in ROLES {
            option value=(r.as_str()) selected[r.as_str() == selected] { (role_label(r)) }
        }
    }
}

pub fn accounts_page(user: &User, list: Markup) -> Markup {
    let body = html! {
        h1 { "账号管理" }
        div.admin-layout {
            (list)
            section.card.new-account {
                h2 { "新建账号" }
                form #new-account hx-post="/admin/accounts" hx-target="#accounts" hx-swap="outerHTML"
                    data-reset-on-success {
                    label for="new-username" { "用户名" }
                    input #new-username type="text" name="username" required maxlength="64"
                        autocomplete="off" placeholder="如 liaison-530100-xxx";
                    label for="new-role" { "角色" }
                    select #new-role name="role" { (role_options("operator")) }
                    label for="new-department" { "所属部门编码（信息联络员必填）" }
                    input #new-department type="text" name="department" maxlength="64"
                        placeholder="如 530100-rsj";
                    label for="new-password" { "初始密码（8 位以上，首次登录时须修改）" }
                    input #new-password type="password" name="password" required minlength="8"
                        maxlength="128" autocomplete="new-password";
                    div.actions { button.primary type="submit" { "创建账号" } }
                }
                p.muted.hint { "账号没有单独的姓名字段：用户名即登录名。" }
            }
        }
    };
    layout::page(user, "账号管理", "/", body)
}

/// The list, a page at a time; each row's changes swap the whole list.
pub fn accounts_list(
    accounts: &[Account],
    focus: Option<&Account>,
    page: i64,
    total: i64,
    per_page: i64,
) -> Markup {
    let pages = ((total + per_page.max(1) - 1) / per_page.max(1)).max(1);
    let focus_name = focus.map(|f| f.username.as_str());
    html! {
        section #accounts.card {
            div.row.accounts-head {
                p.muted.grow { "共 " (total) " 个账号，按用户名排序" }
                form.row.lookup hx-get="/admin/accounts" hx-target="#accounts" hx-swap="outerHTML" {
                    label for="lookup" { "查找账号" }
                    input #lookup type="search" name="username" required placeholder="完整用户名";
                    button type="submit" { "查找" }
                }
            }
            table.accounts {
                thead { tr { th { "用户名" } th { "角色" } th { "所属部门" } th { "状态" } th { "操作" } } }
                @if let Some(f) = focus {
                    tbody.focus { (account_row(f)) }
                }
                tbody {
                    @for a in accounts.iter().filter(|a| Some(a.username.as_str()) != focus_name) {
                        (account_row(a))
                    }
                }
            }
            @if pages > 1 {
                nav.pager {
                    @if page > 1 { a href={ "/?page=" (page - 1) } { "上一页" } }
                    span.muted { "第 " (page) " / " (pages) " 页" }
                    @if page < pages { a href={ "/?page=" (page + 1) } { "下一页" } }
                }
            }
        }
    }
}

fn account_row(a: &Account) -> Markup {
    let id = a
        .username
        .replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let action = format!("/admin/accounts/{}", format::url_segment(&a.username));
    html! {
        tr.disabled[a.disabled] data-username=(a.username) {
            td.username { (a.username) }
            td { (label_of(&a.role)) }
            td { (a.department.as_deref().unwrap_or("—")) }
            td.state {
                @if a.disabled { span.badge.urgent { "已停用" } } @else { span.badge.auth { "正常" } }
            }
            td.ops {
                div.row {
                    @if a.disabled {
                        button type="button" hx-post=(action) hx-vals=r#"{"op":"enable"}"#
                            hx-target="#accounts" hx-swap="outerHTML" { "启用" }
                    } @else {
                        button.danger type="button" hx-post=(action) hx-vals=r#"{"op":"disable"}"#
                            hx-target="#accounts" hx-swap="outerHTML"
                            hx-confirm={ "停用账号 " (a.username) "？停用后无法登录。" } { "停用" }
                    }
                    details.edit {
                        summary { "修改…" }
                        form.row hx-post=(action) hx-target="#accounts" hx-swap="outerHTML" {
                            input type="hidden" name="op" value="role";
                            label for={ "role-" (id) } { "角色" }
                            select id={ "role-" (id) } name="role" { (role_options(&a.role)) }
                            label for={ "dept-" (id) } { "部门" }
                            input id={ "dept-" (id) } type="text" name="department"
                                value=(a.department.as_deref().unwrap_or("")) maxlength="64";
                            button type="submit" { "保存" }
                        }
                        form.row hx-post=(action) hx-target="#accounts" hx-swap="outerHTML" {
                            input type="hidden" name="op" value="password";
                            label for={ "pw-" (id) } { "新的初始密码" }
                            input id={ "pw-" (id) } type="password" name="password" required
                                minlength="8" maxlength="128" autocomplete="new-password";
                            button type="submit" { "重置密码" }
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

    #[test]
    fn the_list_shows_roles_and_states() {
        let list = vec![
            Account {
                username: "liaison-530100-zfb".into(),
                role: "liaison".into(),
                department: Some("530100-zfb".into()),
                disabled: false,
                updated_at: "2026-12-04T09:30:00Z".into(),
            },
            Account {
                username: "<x>".into(),
                role: "operator".into(),
                department: None,
                disabled: true,
                updated_at: "2026-12-04T09:30:00Z".into(),
            },
        ];
        let html = accounts_list(&list, Some(&list[0]), 1, 2, 50).into_string();
        assert_eq!(
            html.matches("data-username=\"liaison-530100-zfb\"").count(),
            1
        );
        assert!(html.contains("id=\"accounts\""));
        assert!(html.contains("信息联络员") && html.contains("话务员"));
        assert!(html.contains("530100-zfb"));
        assert!(html.contains("已停用") && html.contains("启用"));
        assert!(html.contains("&lt;x&gt;") && !html.contains("<x>"));
        assert!(html.contains("/admin/accounts/%3Cx%3E"));
        assert!(!html.contains("style="));
    }
}
