//! The shift leader's (值班长) screens: the board at `/` with its inline actions, notification
//! delivery at `/notifications`, and the reports at `/reports`.

use std::collections::BTreeMap;

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{Days, NaiveDate, Utc};
use maud::html;
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::api::knowledge::department_names;
use crate::api::types::Page;
use crate::api::{Api, Service, path_code};
use crate::error::PageError;
use crate::routes::html;
use crate::session::{CurrentUser, User};
use crate::views::format;
use crate::views::layout;
use crate::views::reports::data::DepartmentReport;
use crate::views::reports_topics::data::TopicDigest;
use crate::views::supervisor::{self as view, Board, Queue, data};

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/board/tickets/{id}/dispatch").route(web::post().to(dispatch)))
        .service(
            web::resource("/board/tickets/{id}/extend/approve")
                .route(web::post().to(extend_approve)),
        )
        .service(
            web::resource("/board/tickets/{id}/extend/refuse").route(web::post().to(extend_refuse)),
        )
        .service(
            web::resource("/board/tickets/{id}/return/reject").route(web::post().to(return_reject)),
        )
        .service(web::resource("/board/tickets/{id}/callback").route(web::post().to(callback)))
        .service(web::resource("/notifications").route(web::get().to(notifications)))
        .service(web::resource("/notifications/{id}/retry").route(web::post().to(retry)))
        .service(web::resource("/reports").route(web::get().to(reports)))
        .service(web::resource("/board/month").route(web::get().to(month_charts)));
}

/// The landing page at `/` for this role: the board.
pub async fn landing(
    _req: &HttpRequest,
    user: &User,
    api: &Api,
) -> Result<HttpResponse, PageError> {
    let board = load_board(user, api).await?;
    Ok(html(layout::page(
        user,
        "值班看板",
        "/",
        view::board_page(&board),
    )))
}

/// One page of tickets matching `query`.
async fn tickets(
    api: &Api,
    user: &User,
    query: &[(&str, &str)],
) -> Result<Page<data::Ticket>, PageError> {
    api.get_query(user, Service::Tickets, "/api/v1/tickets", query)
        .await
}

fn queue(p: Page<data::Ticket>) -> Queue {
    Queue {
        total: p.total,
        items: p.items,
    }
}

/// This month's key charts and the rising topics for the board (asked for by the board once it
/// is shown, so an action on the board never waits for the reports).
async fn month_charts(user: CurrentUser, api: web::Data<Api>) -> Result<HttpResponse, PageError> {
    let (month, topics) = tokio::join!(
        api.get::<DepartmentReport>(&user, Service::Tickets, "/api/v1/reports/departments"),
        api.get::<TopicDigest>(&user, Service::Tickets, "/api/v1/reports/topics"),
    );
    let (month, topics) = (month.ok(), topics.ok());
    let codes = month.as_ref().map_or_else(Vec::new, |m| {
        view::busiest(&m.departments)
            .iter()
            .map(|d| d.code.clone())
            .collect()
    });
    let names = department_names(&api, &user, codes).await;
    Ok(html(view::month_charts(
        month.as_ref(),
        &names,
        topics.as_ref(),
    )))
}

/// Every queue of the board, read at once.
async fn load_board(user: &User, api: &Api) -> Result<Board, PageError> {
    let (new, reopened, overdue, near, dispatched, accepted, returned, replied, escalated) = tokio::try_join!(
        tickets(api, user, &[("status", "new"), ("per_page", "50")]),
        tickets(api, user, &[("status", "reopened"), ("per_page", "50")]),
        tickets(api, user, &[("overdue", "true"), ("per_page", "20")]),
        tickets(api, user, &[("due_within", "24h"), ("per_page", "20")]),
        tickets(api, user, &[("status", "dispatched"), ("per_page", "100")]),
        tickets(api, user, &[("status", "accepted"), ("per_page", "100")]),
        tickets(api, user, &[("status", "returned"), ("per_page", "50")]),
        tickets(api, user, &[("status", "replied"), ("per_page", "50")]),
        tickets(api, user, &[("escalated", "true"), ("per_page", "50")]),
    )?;
    // The charts are a help, not the work: the board stands without them.
    let (calls, replenishment) = tokio::join!(
        api.get::<data::CallsDaily>(user, Service::Tickets, "/api/v1/reports/calls/daily"),
        api.get::<data::Replenishment>(user, Service::Tickets, "/api/v1/reports/replenishment"),
    );
    let mut dispatch = queue(new);
    dispatch.total += reopened.total;
    dispatch.items.extend(reopened.items);
    view::dispatch_order(&mut dispatch.items);
    // The tickets service has no filter for a pending extension: it is read off the open ones.
    let extensions: Vec<data::Ticket> = dispatched
        .items
        .into_iter()
        .chain(accepted.items)
        .filter(|t| t.extension.is_some())
        .collect();
    // No-info tickets are answered into the knowledge base, not called back. Past the first
    // page the service's total stands (it counts those too: close enough to steer by).
    let listed = replied.items.len() as i64;
    let waiting: Vec<data::Ticket> = replied
        .items
        .into_iter()
        .filter(|t| t.kind != "no_info")
        .collect();
    let waiting_total = if replied.total > listed {
        replied.total
    } else {
        waiting.len() as i64
    };
    Ok(Board {
        now: Utc::now(),
        dispatch,
        overdue: queue(overdue),
        near_due: queue(near),
        extensions: Queue {
            total: extensions.len() as i64,
            items: extensions,
        },
        returned: queue(returned),
        escalated: queue(escalated),
        callbacks: Queue {
            total: waiting_total,
            items: waiting,
        },
        calls: calls.ok(),
        replenishment: replenishment.ok(),
    })
}

/// The board again after an action, with what happened in the message area.
/// Takes a lifecycle action on ticket `id` (`POST /tickets/{id}/{action}`) and answers with the
/// board again and `done(id)` as its message.
async fn act_then_board(
    user: &User,
    api: &Api,
    id: &str,
    action: &str,
    body: serde_json::Value,
    done: impl FnOnce(&str) -> String,
) -> Result<HttpResponse, PageError> {
    let id = path_code(id)?;
    let path = format!("/api/v1/tickets/{id}/{action}");
    let _: serde_json::Value = api
        .send(user, Method::POST, Service::Tickets, &path, &body)
        .await?;
    board_after(user, api, &done(id)).await
}

async fn board_after(user: &User, api: &Api, message: &str) -> Result<HttpResponse, PageError> {
    let board = load_board(user, api).await?;
    Ok(html(html! {
        (view::board(&board))
        (view::flash_oob("ok", message))
    }))
}

#[derive(Deserialize)]
struct DispatchForm {
    #[serde(default)]
    department: String,
}

async fn dispatch(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
    form: web::Form<DispatchForm>,
) -> Result<HttpResponse, PageError> {
    let department = form.department.trim();
    if department.is_empty() {
        return Err(PageError::Invalid(
            "请先在列表中选择承办部门，再派单。".into(),
        ));
    }
    let body = json!({ "department": department });
    act_then_board(&user, &api, &id, "dispatch", body, |id| {
        format!("工单 {id} 已派至 {department}。")
    })
    .await
}

async fn extend_approve(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    act_then_board(&user, &api, &id, "extend/approve", json!({}), |id| {
        format!("已批准工单 {id} 的延期申请。")
    })
    .await
}

#[derive(Deserialize)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

fn reason(form: &ReasonForm, what: &str) -> Result<String, PageError> {
    let r = form.reason.trim();
    if r.is_empty() {
        return Err(PageError::Invalid(format!("请填写{what}。")));
    }
    Ok(r.to_string())
}

async fn extend_refuse(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, PageError> {
    let reason = reason(&form, "拒绝理由")?;
    let body = json!({ "reason": reason });
    act_then_board(&user, &api, &id, "extend/refuse", body, |id| {
        format!("已拒绝工单 {id} 的延期申请。")
    })
    .await
}

async fn return_reject(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
    form: web::Form<ReasonForm>,
) -> Result<HttpResponse, PageError> {
    let reason = reason(&form, "驳回理由")?;
    let body = json!({ "reason": reason });
    act_then_board(&user, &api, &id, "return/reject", body, |id| {
        format!("已驳回工单 {id} 的退单，退回原部门继续办理。")
    })
    .await
}

#[derive(Deserialize)]
struct CallbackForm {
    #[serde(default)]
    satisfaction: String,
    /// A complaint's cause, when it has none yet.
    #[serde(default)]
    cause: String,
}

async fn callback(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
    form: web::Form<CallbackForm>,
) -> Result<HttpResponse, PageError> {
    let s = form.satisfaction.as_str();
    if !matches!(s, "satisfied" | "basically_satisfied" | "dissatisfied") {
        return Err(PageError::Invalid("请选择回访结果。".into()));
    }
    let outcome = if s == "dissatisfied" {
        "工单已重办，请重新派单"
    } else {
        "工单已办结"
    };
    let label = format::satisfaction_label(s);
    let mut body = json!({ "satisfaction": s });
    if !form.cause.is_empty() {
        body["cause"] = json!(form.cause);
    }
    act_then_board(&user, &api, &id, "callback", body, |id| {
        format!("工单 {id} 回访结果：{label}，{outcome}。")
    })
    .await
    .map_err(|e| match e {
        PageError::Invalid(d) if d.contains("cause") => {
            PageError::Invalid("满意或基本满意即办结：投诉须先选择投诉原因（A/B/C）。".into())
        }
        other => other,
    })
}

#[derive(Deserialize)]
struct NotificationQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

const PER_PAGE: i64 = 50;

async fn notification_page(
    api: &Api,
    user: &User,
    status: &str,
    page: i64,
    per_page: i64,
) -> Result<Page<data::Notification>, PageError> {
    let (page, per_page) = (page.to_string(), per_page.to_string());
    api.get_query(
        user,
        Service::Notify,
        "/api/v1/notifications",
        &[
            ("status", status),
            ("page", page.as_str()),
            ("per_page", per_page.as_str()),
        ],
    )
    .await
}

/// `/notifications`: one status at a time, dead ones first, with every tab's count.
async fn notifications(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<NotificationQuery>,
) -> Result<HttpResponse, PageError> {
    let status = query.status.as_deref().unwrap_or("dead");
    let Some(&(status, _)) = view::NOTIFICATION_TABS.iter().find(|(s, _)| *s == status) else {
        return Err(PageError::NotFound);
    };
    let page = query.page.unwrap_or(1).max(1);
    let [a, b, c, d] = view::NOTIFICATION_TABS.map(|(s, _)| s);
    let (list, ca, cb, cc, cd) = tokio::try_join!(
        notification_page(&api, &user, status, page, PER_PAGE),
        notification_page(&api, &user, a, 1, 1),
        notification_page(&api, &user, b, 1, 1),
        notification_page(&api, &user, c, 1, 1),
        notification_page(&api, &user, d, 1, 1),
    )?;
    let body = view::notifications(&view::NotificationList {
        status,
        counts: [ca.total, cb.total, cc.total, cd.total],
        items: &list.items,
        total: list.total,
        page,
        per_page: PER_PAGE,
    });
    Ok(html(layout::page(
        &user,
        "通知投递",
        "/notifications",
        body,
    )))
}

/// Puts a dead notification back in the queue; the row shows its new state.
async fn retry(
    user: CurrentUser,
    api: web::Data<Api>,
    id: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let path = format!("/api/v1/notifications/{}/retry", path_code(&id)?);
    let n: data::Notification = api
        .send(&user, Method::POST, Service::Notify, &path, &json!({}))
        .await?;
    Ok(html(html! {
        (view::notification_row(&n))
        (view::flash_oob("ok", &format!("已重新发送：{}（{}）。", n.to, view::channel_label(&n.channel))))
    }))
}

#[derive(Deserialize)]
struct RangeQuery {
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
}

fn date(text: Option<&str>, what: &str) -> Result<Option<NaiveDate>, PageError> {
    match text.map(str::trim).filter(|t| !t.is_empty()) {
        None => Ok(None),
        Some(t) => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| PageError::Invalid(format!("{what}应为日期，如 2026-12-04。"))),
    }
}

/// `/reports`: the calls and the replenishment loop over a range of days (China time).
async fn reports(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<RangeQuery>,
) -> Result<HttpResponse, PageError> {
    let today = Utc::now().with_timezone(&format::shanghai()).date_naive();
    let to = date(query.to.as_deref(), "截止日期")?.unwrap_or(today);
    let from = date(query.from.as_deref(), "起始日期")?
        .unwrap_or_else(|| to.checked_sub_days(Days::new(6)).unwrap_or(to));
    if from > to {
        return Err(PageError::Invalid("起始日期不能晚于截止日期。".into()));
    }
    let (from, to) = (from.to_string(), to.to_string());
    let range = [("from", from.as_str()), ("to", to.as_str())];
    let (calls, replenishment) = tokio::try_join!(
        api.get_query::<data::CallsDaily, _>(
            &user,
            Service::Tickets,
            "/api/v1/reports/calls/daily",
            &range
        ),
        api.get_query::<data::Replenishment, _>(
            &user,
            Service::Tickets,
            "/api/v1/reports/replenishment",
            &range
        ),
    )?;
    // Names and the unanswered list come from the knowledge service: without them the
    // report still reads (codes instead of names).
    let (regions, unanswered, contacts) = tokio::join!(
        api.get_reference::<Vec<data::Region>>(&user, Service::Knowledge, "/api/v1/regions"),
        api.get::<Page<data::Unanswered>>(
            &user,
            Service::Knowledge,
            "/api/v1/reports/unanswered?per_page=10"
        ),
        api.get::<Vec<data::ContactProblem>>(&user, Service::Knowledge, "/api/v1/reports/contacts"),
    );
    let names: BTreeMap<String, String> = regions
        .unwrap_or_default()
        .into_iter()
        .map(|r| (r.code, r.name))
        .collect();
    let unanswered = unanswered.ok().map(|p| p.items);
    let body = view::reports(&view::Reports {
        from: &from,
        to: &to,
        calls: &calls,
        replenishment: &replenishment,
        region_names: &names,
        unanswered: unanswered.as_deref(),
        contacts: contacts.ok().as_deref(),
    });
    Ok(html(layout::page(&user, "报表", "/reports", body)))
}
