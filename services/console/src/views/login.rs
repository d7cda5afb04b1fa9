//! The sign-in form: what `/` shows to someone not signed in.

use maud::{Markup, html};

use crate::session::{PASSWORD_PAGE, User};
use crate::views::layout;

pub fn page(next: &str, username: &str, error: Option<&str>) -> Markup {
    layout::bare(
        "登录",
        html! {
            section.card.login {
                h1 { "热线工作平台" }
                p.sub { "政务信息查询专线 · 后台工作平台" }
                @if let Some(e) = error { div.flash.flash-error role="alert" { (e) } }
                form method="post" action="/login" {
                    input type="hidden" name="next" value=(next);
                    label for="username" { "用户名" }
                    input #username name="username" type="text" value=(username) autocomplete="username" required autofocus;
                    label for="password" { "密码" }
                    input #password name="password" type="password" autocomplete="current-password" required;
                    button.primary type="submit" { "登录" }
                }
            }
        },
    )
}

/// Choosing one's own password: after a one-time one (nothing else opens until then), or at
/// any time from the header's link.
pub fn password_page(user: &User, error: Option<&str>) -> Markup {
    let body = html! {
        section.card.login.password-change {
            h1 { "修改密码" }
            @if user.password_change {
                p.sub { "您使用的是初始密码（一次性密码）。请先设置您自己的密码，再开始工作。" }
            } @else {
                p.sub { "修改后，您在其他地方的登录将全部失效。" }
            }
            @if let Some(e) = error { div.flash.flash-error role="alert" { (e) } }
            form method="post" action=(PASSWORD_PAGE) {
                (layout::csrf_field(user))
                label for="current" { "当前密码" }
                input #current name="current" type="password" autocomplete="current-password" required autofocus;
                label for="new" { "新密码（8 至 128 个字符）" }
                input #new name="new" type="password" autocomplete="new-password" minlength="8" maxlength="128" required;
                label for="again" { "再次输入新密码" }
                input #again name="again" type="password" autocomplete="new-password" minlength="8" maxlength="128" required;
                button.primary type="submit" { "保存新密码" }
            }
        }
    };
    layout::page(user, "修改密码", PASSWORD_PAGE, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_has_username_then_password_and_escapes_what_it_echoes() {
        let html = page("/call?phone=1", "<b>x</b>", Some("用户名或密码不正确")).into_string();
        let u = html.find("name=\"username\"").unwrap();
        let p = html.find("name=\"password\"").unwrap();
        assert!(u < p);
        assert!(html.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(html.contains("用户名或密码不正确"));
        assert!(!html.contains("style="), "the CSP forbids inline styles");
    }
}
