//! The 工单 screens: the liaison's inbox at `/`, the ticket list at `/tickets`, one ticket at
//! `/tickets/{id}` with the actions its reader may take, and the department picker.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Value, json};
use shared::auth::Role;

use crate::api::knowledge::department_names;
use crate::api::types::{Event, Page, Ticket};
use crate::api::{Api, Service, path_code};
use crate::error::PageError;
use crate::routes::{html, is_htmx, see_other};
use crate::session::{CurrentUser, User};
use crate::views::layout;
use crate::views::tickets::api_types::{DepartmentName, ExtensionOf};
use crate::views::tickets::{self as view, ListFilter, RegionNames, TABS, TicketView};

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/tickets").route(web::get().to(list)))
        .service(web::resource("/tickets/{id}").route(web::get().to(ticket)))
        .service(web::resource("/tickets/{id}/{action}").route(web::post().to(act)));
}

#[derive(Deserialize)]
struct InboxQuery {
    #[serde(default)]
    tab: String,
}

/// The liaison's landing page: the department's inbox.
pub async fn landing(req: &HttpRequest, user: &User, api: &Api) -> Result<HttpResponse, PageError> {
    let tab = web::Query::<InboxQuery>::from_query(req.query_string())
        .map(|q| q.into_inner().tab)
        .unwrap_or_default();
    let current = TABS
        .iter()
        .find(|(k, _, _)| *k == tab)
        .map_or("dispatched", |(k, _, _)| *k);
    // Each tab's count comes from its own list; the chosen one brings its rows too.
    let calls = TABS.iter().map(|(key, _, query)| {
        let mut q: Vec<(&str, &str)> = query.to_vec();
        q.push(("per_page", if *key == current { "100" } else { "1" }));
        async move {
            api.get_query::<Page<Ticket>, _>(user, Service::Tickets, "/api/v1/tickets", &q)
                .await
        }
    });
    let department = user.department.as_deref().unwrap_or("");
    let name_path = format!("/api/v1/departments/{department}");
    let name_call = api.get::<DepartmentName>(user, Service::Knowledge, &name_path);
    let (pages, name, regions) = futures_util::join!(
        futures_util::future::join_all(calls),
        name_call,
        region_names(api, user)
    );
    let mut counts = Vec::with_capacity(pages.len());
    let mut items = Vec::new();
    for ((key, _, _), page) in TABS.iter().zip(pages) {
        let page = page?;
        counts.push(page.total);
        if *key == current {
            items = page.items;
        }
    }
    // The name is a nicety: the inbox stands without it.
    let name = name.ok().map(|n| n.name);
    Ok(html(layout::page(
        user,
        "部门工单",
        "/",
        view::inbox(
            department,
            name.as_deref(),
            &counts,
            current,
            &items,
            &regions,
            Utc::now(),
        ),
    )))
}

#[derive(Deserialize)]
struct Region {
    code: String,
    name: String,
}

/// Region names for the tables and the ticket header; a nicety, so none when knowledge cannot
/// say.
async fn region_names(api: &Api, user: &User) -> RegionNames {
    api.get_reference::<Vec<Region>>(user, Service::Knowledge, "/api/v1/regions")
        .await
        .map(|all| all.into_iter().map(|r| (r.code, r.name)).collect())
        .unwrap_or_default()
}

/// Where the ticket screens sit in the role's header.
fn nav_path(user: &User) -> &'static str {
    if user.role == Role::Liaison {
        "/"
    } else {
        "/tickets"
    }
}

async fn list(
    user: CurrentUser,
    api: web::Data<Api>,
    filter: web::Query<ListFilter>,
) -> Result<HttpResponse, PageError> {
    let filter = filter.into_inner();
    let page: Page<Ticket> = api
        .get_query(
            &user,
            Service::Tickets,
            "/api/v1/tickets",
            &filter.api_query(user.role),
        )
        .await?;
    let title = if user.role == Role::Operator {
        "我的工单"
    } else {
        "工单查询"
    };
    Ok(html(layout::page(
        &user,
        title,
        nav_path(&user),
        view::list(
            &user,
            &filter,
            &page,
            &region_names(&api, &user).await,
            Utc::now(),
        ),
    )))
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct TicketQuery {
    done: Option<String>,
    /// The caller on the line (operators open other operators' tickets of that caller only).
    caller: Option<String>,
}

async fn ticket(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    query: web::Query<TicketQuery>,
) -> Result<HttpResponse, PageError> {
    let id = path_code(&path)?;
    let caller: Vec<(&str, &str)> = query
        .caller
        .as_deref()
        .map(|c| ("caller_phone", c))
        .into_iter()
        .collect();
    let raw: Value = api
        .get_query(
            &user,
            Service::Tickets,
            &format!("/api/v1/tickets/{id}"),
            &caller,
        )
        .await?;
    let events: Vec<Event> = api
        .get_query(
            &user,
            Service::Tickets,
            &format!("/api/v1/tickets/{id}/events"),
            &caller,
        )
        .await?;
    // The files are a nicety beside the ticket: the page stands without them.
    let attachments: Vec<crate::views::attachments::Attachment> = api
        .get(
            &user,
            Service::Tickets,
            &format!("/api/v1/tickets/{id}/attachments"),
        )
        .await
        .unwrap_or_default();
    let unexpected = |_| PageError::Unavailable(Service::Tickets.label().into());
    let extension: ExtensionOf = serde_json::from_value(raw.clone()).unwrap_or_default();
    let t: Ticket = serde_json::from_value(raw).map_err(unexpected)?;
    // The department's name is a nicety: the page stands without it.
    let department = match &t.department {
        Some(code) => api
            .get::<DepartmentName>(
                &user,
                Service::Knowledge,
                &format!("/api/v1/departments/{code}"),
            )
            .await
            .ok(),
        None => None,
    };
    let regions = region_names(&api, &user).await;
    let mut codes = view::event_departments(&events);
    codes.extend(t.cohandlers.iter().map(|c| c.department.clone()));
    codes.sort();
    codes.dedup();
    let names = department_names(&api, &user, codes).await;
    let v = TicketView {
        department_names: &names,
        ticket: &t,
        events: &events,
        department: department.as_ref(),
        extension: extension.extension.as_ref(),
        regions: &regions,
        done: query.done.as_deref(),
        now: Utc::now(),
        attachments: &attachments,
    };
    Ok(html(layout::page(
        &user,
        &format!("工单 {}", t.id),
        nav_path(&user),
        view::ticket_page(&v, &user),
    )))
}

/// A form's fields, by name (`""` when absent).
struct Fields(Vec<(String, String)>);

impl Fields {
    fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.trim())
    }

    /// Whether the form has the field at all (filled or not).
    fn has(&self, name: &str) -> bool {
        self.0.iter().any(|(k, _)| k == name)
    }

    fn required(&self, name: &str, what: &str) -> Result<String, PageError> {
        match self.get(name) {
            "" => Err(PageError::Invalid(format!("请填写{what}。"))),
            v => Ok(v.to_string()),
        }
    }

    /// An optional text: absent or blank is JSON null.
    fn optional(&self, name: &str) -> Value {
        match self.get(name) {
            "" => Value::Null,
            v => json!(v),
        }
    }
}

/// The API path and body of an action taken from the ticket page.
async fn action_call(
    api: &Api,
    user: &User,
    id: &str,
    action: &str,
    f: &Fields,
) -> Result<(&'static str, Value), PageError> {
    Ok(match action {
        "accept" => ("accept", json!({})),
        "return" => (
            "return",
            json!({ "reason": f.required("reason", "退单原因")? }),
        ),
        "reply" => {
            let channel = match f.get("channel") {
                "" => "system",
                c => c,
            };
            (
                "reply",
                json!({ "body": f.required("body", "答复内容")?, "channel": channel }),
            )
        }
        "extend" => {
            let days: i64 = f
                .get("days")
                .parse()
                .ok()
                .filter(|d| (1..=30).contains(d))
                .ok_or_else(|| PageError::Invalid("延长天数应为 1 到 30 天。".into()))?;
            let reason = f.required("reason", "延期原因")?;
            let t: Ticket = api
                .get(user, Service::Tickets, &format!("/api/v1/tickets/{id}"))
                .await?;
            let due = DateTime::parse_from_rfc3339(&t.due_at)
                .map_err(|_| PageError::Unavailable(Service::Tickets.label().into()))?;
            let until = due.with_timezone(&Utc) + Duration::days(days);
            (
                "extend",
                json!({ "until": until.to_rfc3339(), "reason": reason }),
            )
        }
        "replenish" => ("replenish", replenish_body(f)?),
        "dispatch" => {
            let department = f.get("department");
            if department.is_empty() {
                return Err(PageError::Invalid("请先查找并选择承办部门。".into()));
            }
            ("dispatch", json!({ "department": department }))
        }
        "return-reject" => (
            "return/reject",
            json!({ "reason": f.required("reason", "驳回理由")? }),
        ),
        "extend-approve" => ("extend/approve", json!({ "note": f.optional("note") })),
        "extend-refuse" => (
            "extend/refuse",
            json!({ "reason": f.required("reason", "拒绝理由")? }),
        ),
        "supervise" => (
            "supervise",
            json!({ "note": f.required("note", "督办意见")? }),
        ),
        "callback" => {
            let satisfaction = f.required("satisfaction", "来电人评价")?;
            let cause = f.optional("cause");
            if satisfaction != "dissatisfied" && cause.is_null() && f.has("cause") {
                return Err(PageError::Invalid(
                    "满意或基本满意即办结：请选择投诉原因。".into(),
                ));
            }
            // Dissatisfied reopens the ticket: whose attitude may wait until it closes.
            let who = if satisfaction == "dissatisfied" {
                attitude_of(f).unwrap_or(Value::Null)
            } else {
                attitude_of(f)?
            };
            (
                "callback",
                json!({ "satisfaction": satisfaction, "note": f.optional("note"), "cause": cause, "attitude_of": who }),
            )
        }
        "reopen" => (
            "reopen",
            json!({ "reason": f.required("reason", "重办原因")? }),
        ),
        "close" => (
            "close",
            json!({ "note": f.required("note", "办结说明")?, "cause": f.optional("cause"), "attitude_of": attitude_of(f)? }),
        ),
        "escalate" => (
            "escalate",
            json!({ "reason": f.required("reason", "升级原因")? }),
        ),
        "cohandlers" => {
            let department = f.get("department");
            if department.is_empty() {
                return Err(PageError::Invalid("请先查找并选择协办部门。".into()));
            }
            ("cohandlers", json!({ "department": department }))
        }
        "cohandler-reply" => (
            "cohandler-reply",
            json!({ "body": f.required("body", "协办意见")? }),
        ),
        "merge" => (
            "merge",
            json!({ "into": f.required("into", "合并到的工单")?, "note": f.optional("note") }),
        ),
        "reply-on-behalf" => (
            "reply-on-behalf",
            json!({
                "channel": f.required("channel", "答复方式")?,
                "replied_by": f.required("replied_by", "答复人")?,
                "body": f.required("body", "答复内容")?,
            }),
        ),
        "cause" => (
            "cause",
            json!({ "cause": f.required("cause", "投诉原因")?, "note": f.optional("note"), "attitude_of": attitude_of(f)? }),
        ),
        _ => return Err(PageError::NotFound),
    })
}

/// Whose attitude a cause-C complaint was about, when the form chose C: required then.
fn attitude_of(f: &Fields) -> Result<Value, PageError> {
    if f.get("cause") != "attitude" {
        return Ok(Value::Null);
    }
    match f.get("attitude_of") {
        "" => Err(PageError::Invalid(
            "态度生硬（C 类）的投诉须注明是谁的态度。".into(),
        )),
        who => Ok(json!(who)),
    }
}

/// The facts of a no-info ticket: a department the knowledge base has, or a new one.
fn replenish_body(f: &Fields) -> Result<Value, PageError> {
    let code = f.get("department_code");
    let name = f.get("nd_name");
    let mut body = json!({
        "question": f.optional("question"),
        "answer": f.optional("answer"),
        "note": f.required("note", "说明")?,
    });
    // The knowledge base takes a question only with its answer (and refuses the change for
    // good otherwise, long after this form is gone).
    if body["question"].is_null() != body["answer"].is_null() {
        return Err(PageError::Invalid(
            "来电问题和答复需同时填写（或都不填）。".into(),
        ));
    }
    match (code.is_empty(), name.is_empty()) {
        (false, false) => {
            return Err(PageError::Invalid(
                "已选择已有部门，又填写了新部门：请只保留一种。".into(),
            ));
        }
        (true, true) => {
            return Err(PageError::Invalid(
                "请选择知识库已有的部门，或填写新部门的名称、电话和地址。".into(),
            ));
        }
        (false, true) => body["department_code"] = json!(code),
        (true, false) => {
            let phones: Vec<Value> = [
                ("nd_phone_label", "nd_phone"),
                ("nd_phone2_label", "nd_phone2"),
            ]
            .iter()
            .filter(|(_, n)| !f.get(n).is_empty())
            .map(|(l, n)| json!({ "label": f.get(l), "number": f.get(n) }))
            .collect();
            if phones.is_empty() {
                return Err(PageError::Invalid("请填写新部门的电话号码。".into()));
            }
            let mut dep = json!({
                "name": name,
                "region": f.required("nd_region", "新部门的区域代码")?,
                "phones": phones,
                "address": f.required("nd_address", "新部门的地址")?,
            });
            if !f.get("nd_hours").is_empty() {
                dep["hours"] = json!(f.get("nd_hours"));
            }
            body["new_department"] = dep;
        }
    }
    // Absent rather than null: the service checks what is there.
    if let Some(o) = body.as_object_mut() {
        o.retain(|_, v| !v.is_null());
    }
    Ok(body)
}

/// Takes an action on a ticket, then back to its page with a short success message.
async fn act(
    req: HttpRequest,
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<(String, String)>,
    form: web::Form<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    let (id, action) = path.into_inner();
    let id = path_code(&id)?;
    let fields = Fields(form.into_inner());
    let (api_path, mut body) = action_call(&api, &user, id, &action, &fields).await?;
    if let Some(o) = body.as_object_mut() {
        o.retain(|_, v| !v.is_null());
    }
    let _: Value = api
        .send(
            &user,
            Method::POST,
            Service::Tickets,
            &format!("/api/v1/tickets/{id}/{api_path}"),
            &body,
        )
        .await?;
    let back = format!("/tickets/{id}?done={action}");
    if is_htmx(&req) {
        Ok(HttpResponse::Ok()
            .insert_header(("hx-redirect", back))
            .finish())
    } else {
        Ok(see_other(&back))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(
            pairs
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )
    }

    #[test]
    fn replenish_takes_either_a_known_department_or_a_new_one() {
        let b = replenish_body(&fields(&[
            ("department_code", "530100-rsj"),
            ("note", "社保归人社局"),
            ("answer", ""),
        ]))
        .unwrap();
        assert!(
            replenish_body(&fields(&[
                ("department_code", "530100-rsj"),
                ("question", "社保卡在哪补办"),
                ("note", "x"),
            ]))
            .is_err(),
            "a question needs its answer"
        );
        assert_eq!(b["department_code"], "530100-rsj");
        assert!(b.get("answer").is_none() && b.get("new_department").is_none());

        let b = replenish_body(&fields(&[
            ("nd_name", "昆明市滇池管理局"),
            ("nd_region", "530100"),
            ("nd_phone_label", "办公室"),
            ("nd_phone", "0871-6311234"),
            ("nd_address", "滇池路1号"),
            ("question", "滇池管理局电话"),
            ("answer", "0871-6311234"),
            ("note", "滇池归其管理"),
        ]))
        .unwrap();
        assert_eq!(b["new_department"]["phones"][0]["number"], "0871-6311234");
        assert!(b["new_department"].get("hours").is_none());

        assert!(replenish_body(&fields(&[("note", "x")])).is_err());
        assert!(
            replenish_body(&fields(&[
                ("note", "x"),
                ("department_code", "530100-rsj"),
                ("nd_name", "y")
            ]))
            .is_err()
        );
    }
}
