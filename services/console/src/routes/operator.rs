//! The operator's desk (坐席工作台): search as you type, a department's details with the
//! scripts filled from it, the caller's history, the call's wrap-up, and the no-info and
//! complaint ticket forms. `/call?phone=…` is the desk opened by a softphone's screen-pop.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::Utc;
use futures_util::future::try_join;
use maud::{Markup, html};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::api::types::{Page, Ticket};
use crate::api::{Api, Service, path_code};
use crate::error::PageError;
use crate::routes::html;
use crate::session::{CurrentUser, User, random_token};
use crate::views::layout;
use crate::views::operator::{self as view, InView};
use view::api_types::{Call, Deadline, Department, Faq, Region, Script, SearchAnswer};

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/call").route(web::get().to(call_page)))
        .service(web::resource("/operator/search").route(web::get().to(search)))
        .service(web::resource("/operator/department/{code}").route(web::get().to(department)))
        .service(web::resource("/operator/faq/{code}").route(web::get().to(faq)))
        .service(web::resource("/operator/caller").route(web::get().to(caller)))
        .service(web::resource("/operator/wrapup").route(web::post().to(record_wrapup)))
        .service(
            web::resource("/operator/no-info")
                .route(web::get().to(no_info_form))
                .route(web::post().to(create_no_info)),
        )
        .service(
            web::resource("/operator/complaint")
                .route(web::get().to(complaint_form))
                .route(web::post().to(create_complaint)),
        )
        .service(web::resource("/operator/deadline").route(web::get().to(deadline)))
        .service(web::resource("/operator/pick").route(web::get().to(pick)))
        .service(web::resource("/operator/picked").route(web::get().to(picked)));
}

/// The landing page at `/` for this role.
pub async fn landing(
    _req: &HttpRequest,
    user: &User,
    api: &Api,
) -> Result<HttpResponse, PageError> {
    desk(user, api, "", "/").await
}

#[derive(Deserialize)]
struct PhoneQuery {
    #[serde(default)]
    phone: String,
}

/// `/call?phone=…`: the desk with the caller's history already shown.
async fn call_page(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<PhoneQuery>,
) -> Result<HttpResponse, PageError> {
    desk(&user, &api, query.phone.trim(), "/call").await
}

async fn desk(user: &User, api: &Api, phone: &str, path: &str) -> Result<HttpResponse, PageError> {
    let (regions, scripts) = try_join(
        api.get_reference::<Vec<Region>>(user, Service::Knowledge, "/api/v1/regions"),
        api.get::<Vec<Script>>(user, Service::Knowledge, OPERATOR_SCRIPTS),
    )
    .await?;
    let history = if phone.is_empty() {
        None
    } else {
        Some(history(user, api, phone).await?)
    };
    let body = view::desk(&view::Desk {
        regions: &regions,
        scripts: &scripts,
        phone,
        history,
        started: Utc::now().timestamp(),
    });
    let title = if path == "/call" {
        "来电查询"
    } else {
        "坐席工作台"
    };
    Ok(html(layout::page(user, title, path, body)))
}

/// Digits (and a leading `+`) of a number as typed or pasted: `138 0000-1111` → `13800001111`.
fn digits(phone: &str) -> String {
    phone
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect()
}

async fn history(user: &User, api: &Api, phone: &str) -> Result<Markup, PageError> {
    let phone = digits(phone);
    if phone.len() < 7 {
        return Ok(html! { p.muted { "输入完整号码后显示该来电人的历史工单。" } });
    }
    let (tickets, calls) = try_join(
        api.get_query::<Page<Ticket>, _>(
            user,
            Service::Tickets,
            "/api/v1/tickets",
            &[("caller_phone", phone.as_str()), ("per_page", "20")],
        ),
        // The calls list has no number filter and masks numbers: this operator's recent calls,
        // matched on the masked number.
        api.get_query::<Page<Call>, _>(
            user,
            Service::Tickets,
            "/api/v1/calls",
            &[("per_page", "100")],
        ),
    )
    .await?;
    let masked = crate::views::format::mask_phone(&phone);
    let calls: Vec<Call> = calls
        .items
        .into_iter()
        .filter(|c| c.caller_phone == masked)
        .take(10)
        .collect();
    Ok(view::caller_history(
        &phone,
        &tickets.items,
        &calls,
        Utc::now(),
    ))
}

async fn caller(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<PhoneQuery>,
) -> Result<HttpResponse, PageError> {
    Ok(html(history(&user, &api, &query.phone).await?))
}

#[derive(Deserialize)]
struct SearchQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    region: String,
}

async fn search(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, PageError> {
    let q = query.q.trim();
    if q.is_empty() {
        return Ok(html(view::hint()));
    }
    let answer = search_kb(&user, &api, q, query.region.trim()).await?;
    Ok(html(view::results(&answer, q, query.region.trim())))
}

async fn search_kb(
    user: &User,
    api: &Api,
    q: &str,
    region: &str,
) -> Result<SearchAnswer, PageError> {
    let mut params = vec![("q", q), ("limit", "10")];
    if !region.is_empty() {
        params.push(("region", region));
    }
    api.get_query(user, Service::Knowledge, "/api/v1/search", &params)
        .await
}

async fn get_department(user: &User, api: &Api, code: &str) -> Result<Department, PageError> {
    let code = path_code(code)?;
    api.get(
        user,
        Service::Knowledge,
        &format!("/api/v1/departments/{code}"),
    )
    .await
}

/// The scripts operators say (with those for everyone), in the order of a call's steps.
const OPERATOR_SCRIPTS: &str = "/api/v1/scripts?audience=operator";

/// The operator's scripts filled from a department (none when knowledge cannot answer: the
/// panel says so).
async fn filled_scripts(user: &User, api: &Api, code: &str) -> Vec<Script> {
    let path = format!("{OPERATOR_SCRIPTS}&department={code}");
    api.get::<Vec<Script>>(user, Service::Knowledge, &path)
        .await
        .unwrap_or_default()
}

/// A department's detail, with the script panel and the wrap-up's department following it.
async fn detail(
    user: &User,
    api: &Api,
    d: &Department,
    faq: Option<&Faq>,
) -> Result<HttpResponse, PageError> {
    let scripts = filled_scripts(user, api, &d.code).await;
    let in_view = InView {
        code: &d.code,
        name: &d.name,
    };
    let answered = view::Answered {
        entry: faq.map_or(d.code.as_str(), |f| f.code.as_str()),
        authorized: faq.map(|f| f.authorized),
        phones: d
            .phones
            .iter()
            .map(|p| p.number.as_str())
            .collect::<Vec<_>>()
            .join("、"),
    };
    Ok(html(html! {
        (view::department_detail(d, faq))
        (view::scripts_panel(&scripts, Some(&d.name), true))
        (view::wrap_department(Some(&in_view), true))
        (view::wrap_answer(Some(&answered), true))
    }))
}

async fn department(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let d = get_department(&user, &api, &path).await?;
    detail(&user, &api, &d, None).await
}

async fn faq(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let code = path_code(&path)?;
    let f: Faq = api
        .get(&user, Service::Knowledge, &format!("/api/v1/faqs/{code}"))
        .await?;
    let d = get_department(&user, &api, &f.department).await?;
    detail(&user, &api, &d, Some(&f)).await
}

/// The wrap-up form. Every field is optional here so a bad form is told in `#flash` rather
/// than by the framework.
#[derive(Deserialize)]
struct WrapupForm {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    started: String,
    #[serde(default)]
    classification: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    ticket_id: String,
    #[serde(default)]
    entry_code: String,
    #[serde(default)]
    entry_authorized: String,
    #[serde(default)]
    number_given: String,
    #[serde(default)]
    transfer_connected: String,
}

impl WrapupForm {
    /// The outcome's details the call record keeps: the entry read out, and what the
    /// outcome needs (the number of a 报号, whether a transfer connected).
    fn details(&self) -> serde_json::Value {
        let outcome = self.outcome.trim();
        let answered = matches!(outcome, "answered" | "number_reported");
        json!({
            "entry_code": some(&self.entry_code).filter(|_| answered),
            "entry_authorized": match self.entry_authorized.as_str() {
                "true" if answered && some(&self.entry_code).is_some() => Some(true),
                "false" if answered && some(&self.entry_code).is_some() => Some(false),
                _ => None,
            },
            "number_given": some(&self.number_given).filter(|_| outcome == "number_reported"),
            "transfer_connected": (outcome == "transferred").then_some(self.transfer_connected == "true"),
        })
    }
}

fn some(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

async fn record_wrapup(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<WrapupForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let phone = digits(&f.phone);
    if phone.is_empty() {
        return Err(PageError::Invalid(
            "请先在“来电号码”中填写来电人的号码。".into(),
        ));
    }
    if some(&f.outcome).is_none() {
        return Err(PageError::Invalid("请选择通话结果。".into()));
    }
    let now = Utc::now().timestamp();
    let seconds = f
        .started
        .trim()
        .parse::<i64>()
        .map(|s| (now - s).clamp(0, 86_400))
        .unwrap_or(0);
    let mut body = f.details();
    let call = json!({
        "caller_phone": phone,
        "classification": some(&f.classification).unwrap_or("basic_query"),
        "outcome": f.outcome.trim(),
        "department": some(&f.department),
        "duration_seconds": seconds,
        "satisfaction": some(&f.satisfaction),
        "ticket_id": some(&f.ticket_id),
        "note": some(&f.note),
    });
    if let (Some(o), Some(c)) = (body.as_object_mut(), call.as_object()) {
        o.extend(c.clone());
        o.retain(|_, v| !v.is_null());
    }
    let _: serde_json::Value = api
        .send(
            &user,
            Method::POST,
            Service::Tickets,
            "/api/v1/calls",
            &body,
        )
        .await?;
    // The next call starts with an empty caller panel.
    Ok(html(html! {
        (view::wrapup_recorded(now, f.outcome.trim(), seconds))
        (view::caller_panel("", None, true))
    }))
}

#[derive(Deserialize)]
struct NoInfoQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    phone: String,
}

async fn no_info_form(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<NoInfoQuery>,
) -> Result<HttpResponse, PageError> {
    let regions: Vec<Region> = api
        .get_reference(&user, Service::Knowledge, "/api/v1/regions")
        .await?;
    Ok(html(view::no_info_form(
        query.q.trim(),
        query.region.trim(),
        &digits(&query.phone),
        &regions,
        &random_token(),
    )))
}

#[derive(Deserialize)]
struct NoInfoForm {
    #[serde(default)]
    key: String,
    #[serde(default)]
    query: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    caller_name: String,
    #[serde(default)]
    caller_phone: String,
}

/// Files a ticket and shows what was made. The form's key makes a double submit one ticket;
/// a form without one still makes its ticket.
async fn file_ticket(
    user: &User,
    api: &Api,
    body: &serde_json::Value,
    key: &str,
) -> Result<HttpResponse, PageError> {
    let key = some(key).map(str::to_string).unwrap_or_else(random_token);
    let t: Ticket = api
        .post_once(user, Service::Tickets, "/api/v1/tickets", body, &key)
        .await?;
    Ok(html(view::ticket_created(&t)))
}

async fn create_no_info(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<NoInfoForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let (Some(query), Some(summary), Some(phone)) =
        (some(&f.query), some(&f.summary), some(&f.caller_phone))
    else {
        return Err(PageError::Invalid(
            "请填写来电人所问、摘要和联系电话。".into(),
        ));
    };
    let body = json!({
        "type": "no_info",
        "summary": summary,
        "query": query,
        "region": some(&f.region).unwrap_or("530000"),
        "caller": { "name": some(&f.caller_name), "phone": phone },
    });
    file_ticket(&user, &api, &body, &f.key).await
}

#[derive(Deserialize)]
struct ComplaintQuery {
    #[serde(default)]
    phone: String,
    #[serde(default)]
    department: String,
    /// The search's region filter: the caller's region when no department is known yet.
    #[serde(default)]
    region: String,
}

async fn complaint_form(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<ComplaintQuery>,
) -> Result<HttpResponse, PageError> {
    // The department in view is the likely one; its name comes from the directory.
    let d = match some(&query.department) {
        Some(code) => Some(get_department(&user, &api, code).await?),
        None => None,
    };
    let in_view = d.as_ref().map(|d| InView {
        code: &d.code,
        name: &d.name,
    });
    let regions: Vec<Region> = api
        .get_reference(&user, Service::Knowledge, "/api/v1/regions")
        .await?;
    Ok(html(view::complaint_form(
        &digits(&query.phone),
        in_view.as_ref(),
        &regions,
        query.region.trim(),
        &random_token(),
    )))
}

#[derive(Deserialize)]
struct ComplaintForm {
    #[serde(default)]
    key: String,
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    urgency: String,
    #[serde(default)]
    cause: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    details: String,
    #[serde(default)]
    caller_name: String,
    #[serde(default)]
    caller_phone: String,
}

async fn create_complaint(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<ComplaintForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let kind = f.kind.trim();
    if !["complaint", "consultation", "suggestion"].contains(&kind) {
        return Err(PageError::Invalid("请选择工单类型。".into()));
    }
    // Without a department the ticket waits, new, for the supervisor to dispatch (派单).
    let department = match some(&f.department) {
        Some(d) => Some(
            path_code(d).map_err(|_| PageError::Invalid("承办部门有误，请重新选择。".into()))?,
        ),
        None => None,
    };
    let (Some(summary), Some(phone)) = (some(&f.summary), some(&f.caller_phone)) else {
        return Err(PageError::Invalid("请填写摘要和联系电话。".into()));
    };
    // A department's code starts with its region's: `530100-rsj`.
    let region = match department {
        Some(d) => d.split('-').next().unwrap_or(d),
        None => some(&f.region).ok_or_else(|| {
            PageError::Invalid("请选择承办部门，或选择来电人所在地区由值班长派单。".into())
        })?,
    };
    let cause = some(&f.cause).filter(|_| kind == "complaint");
    let body = json!({
        "type": kind,
        "urgent": f.urgency == "urgent",
        "cause": cause,
        "summary": summary,
        "details": f.details.trim(),
        "region": region,
        "department": department,
        "caller": { "name": some(&f.caller_name), "phone": phone },
    });
    file_ticket(&user, &api, &body, &f.key).await
}

#[derive(Deserialize)]
struct DeadlineQuery {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    urgency: String,
}

async fn deadline(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<DeadlineQuery>,
) -> Result<HttpResponse, PageError> {
    let kind = some(&query.kind).unwrap_or("complaint");
    let urgent = if query.urgency == "urgent" {
        "true"
    } else {
        "false"
    };
    let d: Deadline = api
        .get_query(
            &user,
            Service::Tickets,
            "/api/v1/deadlines",
            &[("type", kind), ("urgent", urgent)],
        )
        .await?;
    Ok(html(view::deadline_preview(&d)))
}

#[derive(Deserialize)]
struct PickQuery {
    #[serde(default)]
    dq: String,
}

async fn pick(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<PickQuery>,
) -> Result<HttpResponse, PageError> {
    let q = query.dq.trim();
    if q.is_empty() {
        return Ok(html(html! {}));
    }
    let answer = search_kb(&user, &api, q, "").await?;
    Ok(html(view::pick_choices(&answer.items)))
}

#[derive(Deserialize)]
struct PickedQuery {
    #[serde(default)]
    code: String,
    #[serde(default)]
    name: String,
}

async fn picked(
    _user: CurrentUser,
    query: web::Query<PickedQuery>,
) -> Result<HttpResponse, PageError> {
    let code = path_code(query.code.trim())?;
    Ok(html(view::picked_answer(&InView {
        code,
        name: query.name.trim(),
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_their_digits() {
        assert_eq!(digits(" 138 0000-1111 "), "13800001111");
    }
}
