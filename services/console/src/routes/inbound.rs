//! 未匹配来信 (issue 18): the supervisor's queue of received e-mails notify could not match,
//! with attach-to-ticket and dismiss (`/inbound`).

use actix_web::{HttpResponse, web};
use maud::html;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::api::types::Page;
use crate::api::{Api, Service, path_code};
use crate::error::PageError;
use crate::routes::html;
use crate::session::CurrentUser;
use crate::views::inbound::{self as view, Inbound, InboundList};
use crate::views::layout;
use crate::views::supervisor::flash_oob;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/inbound").route(web::get().to(list)))
        .service(web::resource("/inbound/{id}/attach").route(web::post().to(attach)))
        .service(web::resource("/inbound/{id}/dismiss").route(web::post().to(dismiss)));
}

const PER_PAGE: i64 = 50;

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    page: Option<i64>,
}

async fn list(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let page = query.page.unwrap_or(1).max(1);
    let (p, per_page) = (page.to_string(), PER_PAGE.to_string());
    let found: Page<Inbound> = api
        .get_query(
            &user,
            Service::Notify,
            "/api/v1/inbound",
            &[
                ("status", "unmatched"),
                ("page", p.as_str()),
                ("per_page", per_page.as_str()),
            ],
        )
        .await?;
    let body = view::page(&InboundList {
        items: &found.items,
        total: found.total,
        page,
        per_page: PER_PAGE,
    });
    Ok(html(layout::page(&user, "未匹配来信", "/inbound", body)))
}

#[derive(Deserialize)]
struct AttachForm {
    #[serde(default)]
    ticket_id: String,
}

async fn attach(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
    form: web::Form<AttachForm>,
) -> Result<HttpResponse, PageError> {
    let ticket = form.ticket_id.trim().to_uppercase();
    if ticket.is_empty() {
        return Err(PageError::Invalid(
            "请输入工单号，如 T20261205-000123。".into(),
        ));
    }
    let path = format!("/api/v1/inbound/{}/attach", path_code(&id)?);
    let m: Inbound = api
        .send(
            &user,
            Method::POST,
            Service::Notify,
            &path,
            &json!({ "ticket_id": ticket }),
        )
        .await?;
    Ok(html(html! {
        (view::row(&m))
        (flash_oob("ok", &format!("来信「{}」{}。", m.subject, view::outcome_text(&m))))
    }))
}

async fn dismiss(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let path = format!("/api/v1/inbound/{}/dismiss", path_code(&id)?);
    let m: Inbound = api
        .send(&user, Method::POST, Service::Notify, &path, &json!({}))
        .await?;
    Ok(html(html! {
        (view::row(&m))
        (flash_oob("ok", &format!("已忽略来信「{}」。", m.subject)))
    }))
}
