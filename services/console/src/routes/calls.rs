//! 来电登记 (issue 17): a liaison's log of the calls of their department (`/calls`).

use actix_web::{HttpResponse, web};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::api::types::Page;
use crate::api::{Api, Service};
use crate::error::PageError;
use crate::routes::{html, see_other};
use crate::session::CurrentUser;
use crate::views::calls::{self as view, Call, Script};
use crate::views::layout;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/calls")
            .route(web::get().to(page))
            .route(web::post().to(log)),
    );
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
    let department = user.department.clone().unwrap_or_default();
    let scripts_path = format!("/api/v1/scripts?audience=liaison&department={department}");
    let (calls, scripts) = futures_util::join!(
        api.get_query::<Page<Call>, _>(
            &user,
            Service::Tickets,
            "/api/v1/calls",
            &[("per_page", "50")]
        ),
        api.get::<Vec<Script>>(&user, Service::Knowledge, &scripts_path),
    );
    let calls = calls?;
    // The scripts are a help: the log stands without them.
    let scripts = scripts.unwrap_or_default();
    let body = view::page(
        &user,
        &calls.items,
        calls.total,
        &scripts,
        query.done.is_some(),
    );
    Ok(html(layout::page(&user, "来电登记", "/calls", body)))
}

#[derive(Deserialize)]
struct LogForm {
    #[serde(default)]
    caller_phone: String,
    #[serde(default)]
    via: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    note: String,
}

async fn log(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<LogForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    if f.caller_phone.trim().is_empty() {
        return Err(PageError::Invalid("请填写来电号码。".into()));
    }
    let minutes: i32 = f.minutes.trim().parse().unwrap_or(0);
    if !(0..=600).contains(&minutes) {
        return Err(PageError::Invalid("通话时长应为 0 到 600 分钟。".into()));
    }
    let note = f.note.trim();
    let body = json!({
        "caller_phone": f.caller_phone.trim(),
        "via": f.via.trim(),
        "classification": f.classification.trim(),
        "outcome": f.outcome.trim(),
        "duration_seconds": minutes * 60,
        "note": (!note.is_empty()).then_some(note),
    });
    let _: serde_json::Value = api
        .send(
            &user,
            Method::POST,
            Service::Tickets,
            "/api/v1/calls",
            &body,
        )
        .await?;
    Ok(see_other("/calls?done=1"))
}
