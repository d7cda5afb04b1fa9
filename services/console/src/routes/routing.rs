//! 查无信息分派规则 (issue 17): where a no-info ticket goes instead of its region's government
//! office — the rules the supervisors keep (`/routing`).

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::json;

use crate::api::{Api, Service};
use crate::error::PageError;
use crate::routes::{html, see_other};
use crate::session::CurrentUser;
use crate::views::layout;
use crate::views::routing::{self as view, Region, Route};

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/routing")
            .route(web::get().to(page))
            .route(web::post().to(add)),
    )
    .service(web::resource("/routing/{id}/delete").route(web::post().to(delete)));
}

#[derive(Deserialize)]
struct PageQuery {
    #[serde(default)]
    done: Option<String>,
}

async fn page(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, PageError> {
    let (rules, regions) = futures_util::try_join!(
        api.get::<Vec<Route>>(&user, Service::Tickets, "/api/v1/no-info-routes"),
        api.get_reference::<Vec<Region>>(&user, Service::Knowledge, "/api/v1/regions"),
    )?;
    let body = view::page(&user, &rules, &regions, query.done.as_deref());
    Ok(html(layout::page(&user, "查无信息分派", "/routing", body)))
}

#[derive(Deserialize)]
struct RuleForm {
    #[serde(default)]
    region: String,
    #[serde(default)]
    words: String,
    #[serde(default)]
    department: String,
}

async fn add(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<RuleForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    if f.region.trim().is_empty() || f.words.trim().is_empty() || f.department.trim().is_empty() {
        return Err(PageError::Invalid(
            "请选择地区，填写关键词，并查找选择承办部门。".into(),
        ));
    }
    let words: Vec<&str> = f.words.split_whitespace().collect();
    let body =
        json!({ "region": f.region.trim(), "words": words, "department": f.department.trim() });
    let _: serde_json::Value = api
        .send(
            &user,
            reqwest::Method::POST,
            Service::Tickets,
            "/api/v1/no-info-routes",
            &body,
        )
        .await?;
    Ok(see_other("/routing?done=added"))
}

async fn delete(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let path = format!("/api/v1/no-info-routes/{}", id.into_inner());
    api.delete(&user, Service::Tickets, &path).await?;
    Ok(see_other("/routing?done=deleted"))
}
