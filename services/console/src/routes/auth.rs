//! Sign-in and sign-out.

use std::time::Duration;

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::api::Api;
use crate::error::PageError;
use crate::routes::see_other;
use crate::session::{self, CurrentUser, PASSWORD_PAGE, SessionStore, session_id};
use crate::settings::ConsoleSettings;
use crate::views;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/login")
            .route(web::post().to(login))
            .route(web::get().to(|| async { see_other("/") })),
    )
    .service(web::resource("/logout").route(web::post().to(logout)))
    .service(
        web::resource(PASSWORD_PAGE)
            .route(web::get().to(password_form))
            .route(web::post().to(change_password)),
    );
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Only a path on this console: never another site (no open redirect).
pub fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') {
        next
    } else {
        "/"
    }
}

async fn login(
    req: HttpRequest,
    form: web::Form<LoginForm>,
    api: web::Data<Api>,
    sessions: web::Data<SessionStore>,
    settings: web::Data<ConsoleSettings>,
) -> Result<HttpResponse, PageError> {
    // No session yet, so no CSRF token: a sign-in posted from another site is refused by origin.
    if let Some(origin) = req.headers().get("origin").and_then(|o| o.to_str().ok()) {
        let host = req.connection_info().host().to_string();
        let same = origin
            .split_once("://")
            .is_some_and(|(_, rest)| rest == host);
        if !same && origin != "null" {
            return Err(PageError::Csrf);
        }
    }
    let form = form.into_inner();
    let next = safe_next(&form.next).to_string();
    let username = form.username.trim();
    if username.is_empty() || form.password.is_empty() {
        return Ok(login_again(&next, username, "请输入用户名和密码。"));
    }
    // Behind the TLS proxy the peer is the proxy: the browser is what it says it forwarded.
    let peer = shared::web::request_client_address(&req, &settings.trusted_proxies)
        .map(|ip| ip.to_string());
    let answer = match api.login(username, &form.password, peer.as_deref()).await {
        Ok(a) => a,
        Err(e @ (PageError::Invalid(_) | PageError::TooMany)) => {
            return Ok(login_again(&next, username, &e.message()));
        }
        Err(e) => return Err(e),
    };
    let claims = shared::auth::unverified_claims(&answer.access_token);
    let subject = claims
        .as_ref()
        .map(|c| c.sub.clone())
        .unwrap_or_else(|| username.to_string());
    let department = claims.and_then(|c| c.department);
    let person = session::SignedIn {
        username: subject.clone(),
        role: answer.role,
        department,
        token: answer.access_token,
        address: peer.clone().unwrap_or_default(),
        password_change: answer.password_change_required,
    };
    let id = sessions.create(person, Duration::from_secs(answer.expires_in.max(0) as u64));
    tracing::info!(user = %subject, role = answer.role.as_str(), "signed in to the console");
    // With a one-time password, choosing one's own comes first.
    let target = if answer.password_change_required {
        PASSWORD_PAGE
    } else {
        &next
    };
    let mut res = see_other(target);
    res.add_cookie(&session::cookie(&id, settings.secure_cookie))
        .map_err(|_| PageError::Unavailable("工作平台".into()))?;
    Ok(res)
}

fn login_again(next: &str, username: &str, message: &str) -> HttpResponse {
    HttpResponse::Unauthorized()
        .content_type("text/html; charset=utf-8")
        .body(views::login::page(next, username, Some(message)).into_string())
}

/// Signing out here signs out at the services too: the session's token (and every other of
/// the person's) ends there, so a copy of it is worth nothing.
async fn logout(
    req: HttpRequest,
    api: web::Data<Api>,
    sessions: web::Data<SessionStore>,
    settings: web::Data<ConsoleSettings>,
) -> HttpResponse {
    if let Some(id) = session_id(&req) {
        if let Some(user) = sessions.get(&id) {
            let ended: Result<serde_json::Value, PageError> = api
                .send(
                    &user,
                    reqwest::Method::POST,
                    crate::api::Service::Knowledge,
                    "/api/v1/auth/logout",
                    &serde_json::json!({}),
                )
                .await;
            if let Err(e) = ended {
                tracing::warn!(error = ?e, "signing out at the services failed; the token runs out by itself");
            }
        }
        sessions.remove(&id);
    }
    let mut res = see_other("/");
    let _ = res.add_removal_cookie(&session::removal_cookie(settings.secure_cookie));
    res
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    again: String,
}

async fn password_form(user: CurrentUser) -> HttpResponse {
    crate::routes::html(views::login::password_page(&user, None))
}

/// Choosing one's own password: the services end every older token and give a new one, which
/// the session carries on with.
async fn change_password(
    user: CurrentUser,
    form: web::Form<PasswordForm>,
    api: web::Data<Api>,
    sessions: web::Data<SessionStore>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let again = |message: &str| {
        let page = views::login::password_page(&user, Some(message));
        HttpResponse::BadRequest()
            .content_type("text/html; charset=utf-8")
            .body(page.into_string())
    };
    if form.new != form.again {
        return Ok(again("两次输入的新密码不一致。"));
    }
    let answer = match api.change_password(&user, &form.current, &form.new).await {
        Ok(a) => a,
        Err(PageError::Invalid(detail)) => {
            let message = if detail.contains("current_password") {
                "当前密码不正确。"
            } else if detail.contains("differ") {
                "新密码不能与当前密码相同。"
            } else {
                "新密码须为 8 至 128 个字符。"
            };
            return Ok(again(message));
        }
        Err(e) => return Err(e),
    };
    sessions.renew(
        &user.sid,
        answer.access_token,
        Duration::from_secs(answer.expires_in.max(0) as u64),
    );
    Ok(see_other("/"))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_the_console() {
        assert_eq!(safe_next("/call?phone=138"), "/call?phone=138");
        assert_eq!(safe_next("//evil.example/"), "/");
        assert_eq!(safe_next("https://evil.example/"), "/");
        assert_eq!(safe_next("/\\evil"), "/");
        assert_eq!(safe_next(""), "/");
    }
}
