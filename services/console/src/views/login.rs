//! The sign-in form: what `/` shows to someone not signed in.

use maud::{Markup, html};

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
