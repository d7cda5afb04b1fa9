//! The admin's pages: accounts (账号管理) at `/`, list, create, change role or department,
//! disable or enable, reset a password; and the audit log (审计日志).

use actix_web::{HttpRequest, HttpResponse, web};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::api::types::Page;
use crate::api::{Api, Service, page_query, path_code};
use crate::error::PageError;
use crate::routes::html;
use crate::session::{CurrentUser, User};
use crate::views::admin::{self as view, api_types::Account};
use crate::views::audit::{AuditEntry, AuditFilter, audit_page};
use crate::views::knowledge::with_flash;

const PER_PAGE: i64 = 50;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/admin/audit").route(web::get().to(audit)))
        .service(
            web::resource("/admin/accounts")
                .route(web::get().to(list))
                .route(web::post().to(create)),
        )
        .service(web::resource("/admin/accounts/{username}").route(web::post().to(change)));
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct AuditQuery {
    actor: String,
    action: String,
    /// `2026-12-05`, China time.
    from: String,
    to: String,
    page: Option<i64>,
}

/// A `2026-12-05` date's start in China time, `days` later, as RFC 3339; `""` stays unset.
fn day_start(date: &str, days: i64, field: &str) -> Result<Option<String>, PageError> {
    if date.is_empty() {
        return Ok(None);
    }
    let day = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .map_err(|_| PageError::Invalid(format!("{field}应为日期，如 2026-12-05。")))?;
    let start = format!("{} 00:00", day + chrono::Duration::days(days));
    let at = shared::time::parse_cst_minute(&start)
        .ok_or_else(|| PageError::Invalid(format!("{field}应为日期，如 2026-12-05。")))?;
    Ok(Some(at.to_rfc3339()))
}

/// The audit log (审计日志), searched by account, kind and dates.
async fn audit(
    user: CurrentUser,
    api: web::Data<Api>,
    q: web::Query<AuditQuery>,
) -> Result<HttpResponse, PageError> {
    let filter = AuditFilter {
        actor: q.actor.trim().to_string(),
        action: q.action.trim().to_string(),
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        page: q.page.unwrap_or(1).max(1),
    };
    let from = day_start(&filter.from, 0, "起始日期")?.unwrap_or_default();
    // The end date is included: up to the next day's start.
    let to = day_start(&filter.to, 1, "截止日期")?.unwrap_or_default();
    let params = page_query(
        filter.page,
        PER_PAGE,
        &[
            ("actor", &filter.actor),
            ("action", &filter.action),
            ("from", &from),
            ("to", &to),
        ],
    );
    let page: Page<AuditEntry> = api
        .get_query(&user, Service::Knowledge, "/api/v1/audit", &params)
        .await?;
    Ok(html(audit_page(
        &user,
        &filter,
        &page.items,
        page.total,
        PER_PAGE,
    )))
}

#[derive(Deserialize)]
struct PageQuery {
    #[serde(default)]
    page: Option<i64>,
}

/// The landing page at `/` for this role.
pub async fn landing(req: &HttpRequest, user: &User, api: &Api) -> Result<HttpResponse, PageError> {
    let page = web::Query::<PageQuery>::from_query(req.query_string())
        .ok()
        .and_then(|q| q.page)
        .unwrap_or(1)
        .max(1);
    let list = load(user, api, page, None).await?;
    Ok(html(view::accounts_page(user, list)))
}

/// A page of the list; `focus` (an account just created, changed or looked up) shows on top,
/// since among hundreds of liaisons it would otherwise be pages away.
async fn load(
    user: &User,
    api: &Api,
    page: i64,
    focus: Option<&str>,
) -> Result<maud::Markup, PageError> {
    let params = [
        ("page", page.to_string()),
        ("per_page", PER_PAGE.to_string()),
    ];
    let list =
        api.get_query::<Page<Account>, _>(user, Service::Knowledge, "/api/v1/accounts", &params);
    let (answer, focused) = match focus {
        Some(name) => {
            let path = format!("/api/v1/accounts/{}", path_code(name)?);
            let one = api.get::<Account>(user, Service::Knowledge, &path);
            let (a, f) = futures_util::future::join(list, one).await;
            (a?, Some(f?))
        }
        None => (list.await?, None),
    };
    Ok(view::accounts_list(
        &answer.items,
        focused.as_ref(),
        page,
        answer.total,
        PER_PAGE,
    ))
}

/// The page number the person is looking at (the list's own link, or the first page).
fn current_page(req: &HttpRequest) -> i64 {
    req.headers()
        .get("hx-current-url")
        .and_then(|v| v.to_str().ok())
        .and_then(|u| u.split_once("?page="))
        .and_then(|(_, p)| p.split('&').next()?.parse().ok())
        .unwrap_or(1)
}

#[derive(Deserialize)]
struct Lookup {
    #[serde(default)]
    username: String,
}

/// The list again, with one account looked up by its exact username on top.
async fn list(
    req: HttpRequest,
    user: CurrentUser,
    api: web::Data<Api>,
    q: web::Query<Lookup>,
) -> Result<HttpResponse, PageError> {
    let name = q.username.trim();
    let focus = (!name.is_empty()).then_some(name);
    match load(&user, &api, current_page(&req), focus).await {
        Err(PageError::NotFound) => {
            Err(PageError::Invalid(format!("没有用户名为 {name} 的账号。")))
        }
        other => Ok(html(other?)),
    }
}

#[derive(Deserialize)]
struct NewAccount {
    username: String,
    role: String,
    #[serde(default)]
    department: String,
    password: String,
}

async fn create(
    req: HttpRequest,
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<NewAccount>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let username = f.username.trim();
    let department = f.department.trim();
    let body = json!({
        "username": username,
        "role": f.role,
        "password": f.password,
        // The admin hands the password over: its owner chooses their own at the first sign-in.
        "one_time": true,
        // Only a liaison has a department; the service refuses one for other roles.
        "department": (f.role == "liaison" && !department.is_empty()).then_some(department),
    });
    let _: Account = api
        .send(
            &user,
            Method::POST,
            Service::Knowledge,
            "/api/v1/accounts",
            &body,
        )
        .await?;
    let list = load(&user, &api, current_page(&req), Some(username)).await?;
    Ok(html(with_flash(
        list,
        "ok",
        &format!("账号 {username} 已创建。"),
    )))
}

#[derive(Deserialize)]
struct Change {
    op: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    password: String,
}

async fn change(
    req: HttpRequest,
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    form: web::Form<Change>,
) -> Result<HttpResponse, PageError> {
    let username = path.into_inner();
    let f = form.into_inner();
    let (body, done) = match f.op.as_str() {
        "disable" => (json!({ "disabled": true }), "已停用"),
        "enable" => (json!({ "disabled": false }), "已启用"),
        "password" => {
            if f.password.chars().count() < 8 {
                return Err(PageError::Invalid("新密码至少 8 位。".into()));
            }
            (
                json!({ "password": f.password, "one_time": true }),
                "密码已重置（下次登录时须修改）",
            )
        }
        "role" => {
            let department = f.department.trim();
            let department = (f.role == "liaison" && !department.is_empty()).then_some(department);
            (
                json!({ "role": f.role, "department": department }),
                "角色和部门已更新",
            )
        }
        _ => return Err(PageError::Invalid("未知的操作".into())),
    };
    let _: Account = api
        .send(
            &user,
            Method::PATCH,
            Service::Knowledge,
            &format!("/api/v1/accounts/{}", path_code(&username)?),
            &body,
        )
        .await?;
    let list = load(&user, &api, current_page(&req), Some(&username)).await?;
    Ok(html(with_flash(
        list,
        "ok",
        &format!("账号 {username} {done}。"),
    )))
}
