//! What goes wrong on a page, told in Chinese.
//!
//! A full page gets an error page; an htmx request gets a short message swapped into the page's
//! message area (`#flash`), so the form the person typed into stays as it was. A request without
//! a live session goes to the sign-in form (htmx: `HX-Redirect`).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};

use crate::api::Service;
use crate::views::layout;

#[derive(Debug, Clone)]
pub enum PageError {
    /// No session, an idle one, or a token the services no longer take.
    SignedOut,
    /// Signed in with a one-time password, not yet changed.
    PasswordChange,
    /// The form's CSRF token is missing or not this session's.
    Csrf,
    NotFound,
    /// The address exists, but not for this method (a form posted to a page, say).
    WrongMethod,
    Forbidden,
    /// The input was refused; the message says why.
    Invalid(String),
    /// The action does not fit the record's current state.
    Conflict(String),
    TooMany,
    /// A service could not be reached or answered nonsense; names which.
    Unavailable(String),
}

impl PageError {
    /// The error for a service's non-2xx answer, with the service's own `detail`.
    pub fn from_status(status: u16, detail: String, service: Service) -> PageError {
        match status {
            401 => PageError::SignedOut,
            403 => PageError::Forbidden,
            404 => PageError::NotFound,
            409 => PageError::Conflict(detail),
            429 => PageError::TooMany,
            400..=499 => PageError::Invalid(detail),
            _ => PageError::Unavailable(service.label().into()),
        }
    }

    /// What the person reads.
    pub fn message(&self) -> String {
        match self {
            PageError::SignedOut => "登录已过期，请重新登录。".into(),
            PageError::PasswordChange => "请先修改初始密码，再开始工作。".into(),
            PageError::Csrf => "页面已过期，请刷新页面后重试。".into(),
            PageError::NotFound => "未找到该记录，或您无权查看。".into(),
            PageError::WrongMethod => "此地址不支持这种请求方式，请从工作台的页面进入。".into(),
            PageError::Forbidden => "您的账号无权执行此操作。".into(),
            PageError::Invalid(d) if d.is_empty() => "输入有误，请检查后重试。".into(),
            PageError::Invalid(d) => format!("输入有误：{d}"),
            PageError::Conflict(d) if d.is_empty() => "当前状态下不能执行此操作。".into(),
            PageError::Conflict(d) => format!("当前状态下不能执行此操作：{d}"),
            PageError::TooMany => "操作过于频繁，请稍后再试。".into(),
            PageError::Unavailable(s) => format!("{s}暂时无法访问，请稍后重试。"),
        }
    }
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        match self {
            PageError::SignedOut => StatusCode::UNAUTHORIZED,
            PageError::Csrf | PageError::Forbidden | PageError::PasswordChange => {
                StatusCode::FORBIDDEN
            }
            PageError::NotFound => StatusCode::NOT_FOUND,
            PageError::WrongMethod => StatusCode::METHOD_NOT_ALLOWED,
            PageError::Invalid(_) => StatusCode::BAD_REQUEST,
            PageError::Conflict(_) => StatusCode::CONFLICT,
            PageError::TooMany => StatusCode::TOO_MANY_REQUESTS,
            PageError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        }
    }

    fn error_response(&self) -> HttpResponse {
        // A whole page; `middleware::pages` turns it into a fragment or a redirect when the
        // request calls for one (it sees the request, this does not).
        HttpResponse::build(self.status_code())
            .content_type("text/html; charset=utf-8")
            .body(layout::error_page(self).into_string())
    }
}
