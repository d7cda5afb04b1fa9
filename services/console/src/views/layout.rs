//! The page shell every screen shares: header with the role's places, the message area, the
//! keyboard help, and the assets (one stylesheet, htmx, our own small script).

use maud::{DOCTYPE, Markup, html};
use shared::auth::Role;

use crate::error::PageError;
use crate::session::User;

/// Bumped when an asset changes, so browsers fetch the new one (assets are cached a day).
pub const ASSET_VERSION: &str = "4";

/// htmx settings: no inline indicator style (the CSP forbids it), no eval, and error answers
/// swapped too (they carry the message, aimed at `#flash`).
const HTMX_CONFIG: &str = r#"{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,"defaultSettleDelay":0,"responseHandling":[{"code":"204","swap":false},{"code":"...","swap":true}]}"#;

/// The places each role works in, in the order of the header.
pub fn nav(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::Operator => &[
            ("/", "坐席工作台"),
            ("/call", "来电查询"),
            ("/tickets", "我的工单"),
        ],
        Role::Liaison => &[("/", "部门工单"), ("/calls", "来电登记")],
        Role::KbEditor => &[
            ("/", "审核队列"),
            ("/knowledge/faqs", "知识条目"),
            ("/knowledge/unanswered", "未解答查询"),
            ("/knowledge/synonyms", "同义词"),
            ("/knowledge/phrasings", "来电问法"),
            ("/knowledge/import", "导入"),
        ],
        Role::Supervisor => &[
            ("/", "值班看板"),
            ("/tickets", "工单查询"),
            ("/notifications", "通知投递"),
            ("/inbound", "未匹配来信"),
            ("/routing", "分派规则"),
            ("/faxes", "待确认传真"),
            ("/reports", "报表"),
            ("/reports/departments", "考核报表"),
            ("/reports/operators", "话务员考核"),
            ("/reports/kb-health", "知识库健康度"),
            ("/reports/topics", "社情民意"),
        ],
        Role::Admin => &[("/", "账号管理"), ("/admin/audit", "审计日志")],
        Role::Service => &[],
    }
}

fn head(title: &str) -> Markup {
    html! {
        head {
            meta charset="utf-8";
            meta name="viewport" content="width=device-width, initial-scale=1";
            meta name="htmx-config" content=(HTMX_CONFIG);
            title { (title) " · 热线工作平台" }
            link rel="stylesheet" href={ "/assets/console.css?v=" (ASSET_VERSION) };
            script src={ "/assets/htmx.min.js?v=" (ASSET_VERSION) } defer {}
            script src={ "/assets/console.js?v=" (ASSET_VERSION) } defer {}
        }
    }
}

/// A signed-in page: `path` marks the current place in the header.
pub fn page(user: &User, title: &str, path: &str, body: Markup) -> Markup {
    let csrf_header = format!(r#"{{"X-CSRF-Token":"{}"}}"#, user.csrf);
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title))
            body hx-headers=(csrf_header) data-role=(user.role.as_str()) {
                header.top {
                    a.brand href="/" { "热线工作平台" }
                    nav {
                        @for (href, label) in nav(user.role) {
                            @if *href == path {
                                a.active href=(href) aria-current="page" { (label) }
                            } @else {
                                a href=(href) { (label) }
                            }
                        }
                    }
                    div.who {
                        span.user { (user.username) }
                        span.role { (user.role_label()) }
                        @if let Some(d) = &user.department { span.dept { (d) } }
                        a.password href=(crate::session::PASSWORD_PAGE) { "修改密码" }
                        form method="post" action="/logout" {
                            (csrf_field(user))
                            button.link type="submit" { "退出" }
                        }
                    }
                }
                div #flash role="alert" aria-live="polite" {}
                main { (body) }
                (keys_dialog(user.role))
            }
        }
    }
}

/// The hidden field every state-changing form carries.
pub fn csrf_field(user: &User) -> Markup {
    html! { input type="hidden" name="csrf" value=(user.csrf); }
}

/// A page without the header: sign-in and errors when signed out.
pub fn bare(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="zh-CN" {
            (head(title))
            body.bare {
                div #flash role="alert" aria-live="polite" {}
                main.narrow { (body) }
            }
        }
    }
}

/// A short message for the message area (after an action, or an error of a partial update).
pub fn flash(kind: &str, text: &str) -> Markup {
    html! { div class={ "flash flash-" (kind) } { (text) } }
}

/// The page for an error when a whole page was asked for.
pub fn error_page(error: &PageError) -> Markup {
    let title = match error {
        PageError::NotFound => "未找到",
        PageError::WrongMethod => "请求方式不对",
        PageError::Forbidden | PageError::Csrf => "无法完成",
        PageError::Unavailable(_) => "服务暂不可用",
        _ => "无法完成",
    };
    bare(
        title,
        html! {
            section.card.error-page {
                h1 { (title) }
                p { (error.message()) }
                p { a href="/" { "返回工作台" } }
            }
        },
    )
}

/// `?` opens it: the keys of the role's screens.
fn keys_dialog(role: Role) -> Markup {
    let common: &[(&str, &str)] = &[
        ("?", "显示本帮助"),
        ("Esc", "关闭窗口 / 清空搜索"),
        ("↑ ↓ Enter", "在部门选择列表中移动并选定"),
    ];
    let operator: &[(&str, &str)] = &[
        ("/", "定位到搜索框"),
        ("↑ ↓", "在搜索结果中移动"),
        ("Enter", "打开选中的结果"),
        ("Alt+1…6", "复制对应话术"),
        ("Alt+A", "结束通话：已解答"),
        ("Alt+T", "结束通话：已转接"),
        ("Alt+N", "结束通话：已报号"),
        ("Alt+Q", "登记查无信息工单"),
        ("Alt+C", "登记投诉"),
    ];
    let liaison: &[(&str, &str)] = &[("Alt+S", "签收工单（在工单页）")];
    let keys: Vec<&(&str, &str)> = match role {
        Role::Operator => operator.iter().chain(common).collect(),
        Role::Liaison => liaison.iter().chain(common).collect(),
        _ => common.iter().collect(),
    };
    html! {
        dialog #keys {
            h2 { "快捷键" }
            table.keys {
                @for (key, what) in keys {
                    tr { td { kbd { (key) } } td { (what) } }
                }
            }
            form method="dialog" { button type="submit" { "关闭（Esc）" } }
        }
    }
}
