//! Change requests: proposed by liaisons (own department), editors, admins and the tickets
//! service; applied or rejected by editors. The outcome of one that came from a ticket is
//! reported to tickets through the outbox, written in the same transaction.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use diesel::Connection;
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::db::DbConnection;
use shared::pagination::PageParams;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::{EDITORS, bad, json_body};
use crate::db::change_requests::{self as store, ChangeRequestRow, NewChangeRequest};
use crate::db::{changes, directory, kb, outbox};
use crate::domain::{self, Department, Faq, Phone, hours, review, validate};
use crate::startup::AppState;

const BODY_LIMIT: usize = 64 * 1024;
const PROPOSERS: &[Role] = &[Role::Liaison, Role::KbEditor, Role::Admin, Role::Service];
const STATES: [&str; 3] = ["pending", "applied", "rejected"];

/// A department that is not in the directory yet, as a liaison describes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartmentProposal {
    pub name: String,
    pub region: String,
    #[serde(default)]
    pub phones: Vec<Phone>,
    pub address: Option<String>,
    /// Free text, e.g. `09:00-12:00,13:30-17:00`.
    pub hours: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestInput {
    /// The ticket this came from; its outcome is reported back to it.
    pub ticket_id: Option<String>,
    pub region: Option<String>,
    /// The department concerned (a liaison's own when absent).
    pub department_code: Option<String>,
    pub new_department: Option<NewDepartmentProposal>,
    /// With `answer`: an FAQ entry to add.
    pub question: Option<String>,
    pub answer: Option<String>,
    pub note: String,
    pub submitted_by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequestView {
    pub id: i64,
    /// `pending`, `applied` or `rejected`.
    pub status: String,
    pub ticket_id: Option<String>,
    pub region: Option<String>,
    pub department_code: Option<String>,
    pub new_department: Option<NewDepartmentProposal>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub note: String,
    pub submitted_by: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The FAQ entry (or department) the request became.
    pub entry_code: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TryFrom<ChangeRequestRow> for ChangeRequestView {
    type Error = ApiError;
    fn try_from(r: ChangeRequestRow) -> ApiResult<Self> {
        Ok(ChangeRequestView {
            id: r.id,
            status: r.status,
            ticket_id: r.ticket_id,
            region: r.region,
            department_code: r.department_code,
            new_department: r
                .new_department
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            question: r.question,
            answer: r.answer,
            note: r.note,
            submitted_by: r.submitted_by,
            created_by: r.created_by,
            created_at: r.created_at.and_utc(),
            entry_code: r.entry_code,
            reason: r.reason,
            decided_by: r.decided_by,
            decided_at: r.decided_at.map(|t| t.and_utc()),
        })
    }
}

fn check_ticket_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("`ticket_id` must be 1-64 letters, digits, `-`, `_`, `.` or `:`".into())
    }
}

fn check_input(i: &ChangeRequestInput) -> Result<(), String> {
    if let Some(t) = &i.ticket_id {
        check_ticket_id(t)?;
    }
    if let Some(r) = &i.region {
        validate::code("region", r)?;
    }
    if let Some(d) = &i.department_code {
        validate::code("department_code", d)?;
    }
    if let Some(n) = &i.new_department {
        validate::text("new_department.name", &n.name, validate::MAX_NAME)?;
        validate::code("new_department.region", &n.region)?;
        if n.phones.len() > 20 {
            return Err("`new_department.phones` has more than 20 items".into());
        }
        for p in &n.phones {
            validate::optional_text(
                "new_department.phones.label",
                Some(&p.label),
                validate::MAX_SHORT,
            )?;
            validate::text(
                "new_department.phones.number",
                &p.number,
                validate::MAX_SHORT,
            )?;
        }
        validate::optional_text(
            "new_department.address",
            n.address.as_deref(),
            validate::MAX_ADDRESS,
        )?;
        validate::optional_text(
            "new_department.hours",
            n.hours.as_deref(),
            validate::MAX_ADDRESS,
        )?;
    }
    if i.department_code.is_none() && i.new_department.is_none() {
        return Err("name a `department_code` or describe a `new_department`".into());
    }
    match (&i.question, &i.answer) {
        (Some(q), Some(a)) => {
            validate::text("question", q, validate::MAX_QUESTION)?;
            validate::text("answer", a, validate::MAX_ANSWER)?;
        }
        (None, None) => {}
        _ => return Err("`question` and `answer` go together".into()),
    }
    validate::optional_text("note", Some(&i.note), validate::MAX_NOTE)?;
    validate::optional_text(
        "submitted_by",
        i.submitted_by.as_deref(),
        validate::MAX_NAME,
    )
}

/// Proposes a change (liaison for their own department, kb_editor, admin, service). With an
/// `Idempotency-Key` the same key answers the same change request (200 instead of 201).
#[utoipa::path(tag = "change-requests", request_body = ChangeRequestInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Same key, same change request")),
    responses((status = 201, body = ChangeRequestView), (status = 200, body = ChangeRequestView, description = "Already made with this key"),
        (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[post("/change-requests")]
pub async fn create_change_request(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(PROPOSERS)?;
    // Keys are per caller: another caller's key never answers with their request.
    let key = shared::web::idempotency_key(&req)?.map(|k| format!("{}\n{k}", user.sub));
    let mut input: ChangeRequestInput = json_body(&req, body, BODY_LIMIT).await?;
    if user.is(Role::Liaison) {
        // A liaison proposes for their own department only.
        let own = user.department.clone().unwrap_or_default();
        if input.new_department.is_some() {
            return Err(ApiError::forbidden(
                "a liaison proposes changes to their own department only",
            ));
        }
        match &input.department_code {
            Some(d) if *d != own => {
                return Err(ApiError::forbidden(
                    "a liaison proposes changes to their own department only",
                ));
            }
            Some(_) => {}
            None => input.department_code = Some(own),
        }
    }
    check_input(&input).map_err(bad)?;
    let created_by = user.sub.clone();
    let (row, created) = shared::db::run(&state.pool, move |conn| {
        if let Some(k) = &key
            && let Some(existing) = store::by_key(conn, k)?
        {
            return Ok((existing, false));
        }
        let result = conn.transaction(|conn| {
            for r in [
                input.region.as_deref(),
                input.new_department.as_ref().map(|n| n.region.as_str()),
            ]
            .into_iter()
            .flatten()
            {
                if kb::region(conn, r)?.is_none() {
                    return Err(ApiError::bad_request(format!("unknown region `{r}`")));
                }
            }
            if let Some(d) = &input.department_code
                && kb::department(conn, d)?.is_none()
            {
                return Err(ApiError::bad_request(format!("unknown department `{d}`")));
            }
            let new = NewChangeRequest {
                idempotency_key: key.clone(),
                ticket_id: input.ticket_id.clone(),
                region: input.region.clone(),
                department_code: input.department_code.clone(),
                new_department: input
                    .new_department
                    .as_ref()
                    .map(serde_json::to_string)
                    .transpose()?,
                question: input.question.clone(),
                answer: input.answer.clone(),
                note: input.note.clone(),
                submitted_by: input
                    .submitted_by
                    .clone()
                    .unwrap_or_else(|| created_by.clone()),
                status: "pending".into(),
                created_by: created_by.clone(),
                created_at: chrono::Utc::now().naive_utc(),
            };
            let id = store::insert(conn, &new)?;
            store::get(conn, id)?.ok_or_else(|| ApiError::internal("change request vanished"))
        });
        match (result, &key) {
            (Ok(row), _) => Ok((row, true)),
            // Two requests with the same key at once: the loser answers with the winner's.
            (Err(ApiError::Conflict(_)), Some(k)) => store::by_key(conn, k)?
                .map(|r| (r, false))
                .ok_or_else(|| ApiError::conflict("idempotency key in use")),
            (Err(e), _) => Err(e),
        }
    })
    .await?;
    let view = ChangeRequestView::try_from(row)?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChangeRequestQuery {
    /// `pending`, `applied` or `rejected`.
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequestPage {
    pub items: Vec<ChangeRequestView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// Change requests, oldest first, by state (kb_editor, admin).
#[utoipa::path(tag = "change-requests", params(ChangeRequestQuery),
    responses((status = 200, body = ChangeRequestPage), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/change-requests")]
pub async fn list_change_requests(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<ChangeRequestQuery>,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let q = query.into_inner();
    let paging = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .paging()?;
    let status = q.status.filter(|s| !s.is_empty());
    if let Some(s) = &status
        && !STATES.contains(&s.as_str())
    {
        return Err(ApiError::bad_request(
            "`status` must be pending, applied or rejected",
        ));
    }
    let (rows, total) = shared::db::run(&state.pool, move |conn| {
        store::list(conn, status.as_deref(), paging.offset(), paging.per_page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(ChangeRequestPage {
        items: rows
            .into_iter()
            .map(ChangeRequestView::try_from)
            .collect::<ApiResult<_>>()?,
        total,
        page: paging.page,
        per_page: paging.per_page,
    }))
}

fn parse_id(raw: &str) -> ApiResult<i64> {
    raw.parse::<i64>().ok().filter(|n| *n > 0).ok_or_else(|| {
        ApiError::not_found(format!(
            "no change request `{}`",
            raw.chars().take(32).collect::<String>()
        ))
    })
}

/// One change request (kb_editor, admin, service; a liaison for their own department).
#[utoipa::path(tag = "change-requests", params(("id" = i64, Path, description = "Change request id")),
    responses((status = 200, body = ChangeRequestView), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/change-requests/{id}")]
pub async fn get_change_request(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::KbEditor, Role::Admin, Role::Service, Role::Liaison])?;
    let id = parse_id(&path)?;
    let row = shared::db::run(&state.pool, move |conn| store::get(conn, id)).await?;
    let row = row
        .filter(|r| !user.is(Role::Liaison) || r.department_code == user.department)
        .ok_or_else(|| ApiError::not_found(format!("no change request {id}")))?;
    Ok(HttpResponse::Ok().json(ChangeRequestView::try_from(row)?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionView {
    pub id: i64,
    /// `applied` or `rejected`.
    pub status: String,
    /// The FAQ entry created (or the department, when the request had no FAQ).
    pub entry_code: Option<String>,
    pub reason: Option<String>,
}

/// The outcome message for the ticket the request came from, if any.
fn report_to_ticket(
    conn: &mut DbConnection,
    cr: &ChangeRequestRow,
    outcome: &str,
    entry_code: Option<&str>,
    reason: Option<&str>,
) -> ApiResult<()> {
    let Some(ticket) = &cr.ticket_id else {
        return Ok(());
    };
    let mut body = serde_json::json!({"change_request_id": cr.id, "outcome": outcome});
    if let Some(c) = entry_code {
        body["entry_code"] = c.into();
    }
    if let Some(r) = reason {
        body["reason"] = r.into();
    }
    outbox::push(
        conn,
        "tickets",
        &format!("/api/v1/tickets/{ticket}/knowledge-result"),
        &format!("cr-{}", cr.id),
        &body,
    )
}

fn pending(conn: &mut DbConnection, id: i64) -> ApiResult<ChangeRequestRow> {
    let cr = store::get(conn, id)?
        .ok_or_else(|| ApiError::not_found(format!("no change request {id}")))?;
    if cr.status != "pending" {
        return Err(ApiError::InvalidTransition(format!(
            "change request {id} is already {}",
            cr.status
        )));
    }
    Ok(cr)
}

/// Makes the directory and FAQ changes a request asks for; returns the entry code.
fn apply(conn: &mut DbConnection, cr: &ChangeRequestRow, by: &str) -> ApiResult<String> {
    let proposal: Option<NewDepartmentProposal> = cr
        .new_department
        .as_deref()
        .map(serde_json::from_str)
        .transpose()?;
    let department = match (&cr.department_code, proposal) {
        (Some(code), proposal) => {
            let mut d = kb::department(conn, code)?.ok_or_else(|| {
                ApiError::InvalidTransition(format!("department `{code}` no longer exists"))
            })?;
            if let Some(p) = proposal {
                let before = d.clone();
                d.name = p.name;
                if !p.phones.is_empty() {
                    d.phones = p.phones;
                }
                if p.address.is_some() {
                    d.address = p.address;
                }
                if let Some(h) = p.hours {
                    d.hours = Some(hours::from_text(&h));
                }
                validate::department(&d).map_err(bad)?;
                if d != before {
                    directory::update_department(conn, &d)?;
                    changes::record(conn, changes::DEPARTMENT, &d.code)?;
                }
            }
            d
        }
        (None, Some(p)) => {
            let d = Department {
                code: format!("{}-cr{}", p.region, cr.id),
                region: p.region,
                kind: "cr".into(),
                name: p.name,
                aliases: Vec::new(),
                phones: p.phones,
                fax: None,
                address: p.address,
                directions: None,
                service_locations: Vec::new(),
                hours: p.hours.as_deref().map(hours::from_text),
                status: "active".into(),
                successor: None,
            };
            validate::department(&d).map_err(bad)?;
            if kb::region(conn, &d.region)?.is_none() {
                return Err(ApiError::InvalidTransition(format!(
                    "region `{}` no longer exists",
                    d.region
                )));
            }
            directory::insert_departments(conn, std::slice::from_ref(&d))?;
            changes::record(conn, changes::DEPARTMENT, &d.code)?;
            d
        }
        (None, None) => {
            return Err(ApiError::InvalidTransition(
                "the request names no department".into(),
            ));
        }
    };
    match (&cr.question, &cr.answer) {
        (Some(q), Some(a)) => {
            let existing = directory::faq_codes_with_prefix(conn, &department.code)?;
            let faq = Faq {
                code: domain::next_faq_code(&department.code, &existing),
                department: department.code.clone(),
                question: q.clone(),
                answer: a.clone(),
                // Reviewed by an editor and supplied by the department: may be read out.
                authorized: true,
                status: review::PUBLISHED.into(),
                keywords: Vec::new(),
            };
            validate::faq(&faq).map_err(bad)?;
            let note = format!("change request {}", cr.id);
            directory::insert_faqs(conn, std::slice::from_ref(&faq), by, Some(&note))?;
            changes::record(conn, changes::FAQ, &faq.code)?;
            Ok(faq.code)
        }
        _ => Ok(department.code),
    }
}

/// Applies a pending change request (kb_editor, admin): creates or changes the department and
/// FAQ entry, and reports `applied` to the ticket it came from.
#[utoipa::path(tag = "change-requests", params(("id" = i64, Path, description = "Change request id")),
    responses((status = 200, body = DecisionView), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/change-requests/{id}/apply")]
pub async fn apply_change_request(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let id = parse_id(&path)?;
    let by = user.sub.clone();
    let entry_code = shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let cr = pending(conn, id)?;
            let entry = apply(conn, &cr, &by)?;
            if !store::decide(conn, id, "applied", Some(&entry), None, &by)? {
                return Err(ApiError::InvalidTransition(format!(
                    "change request {id} was decided meanwhile"
                )));
            }
            report_to_ticket(conn, &cr, "applied", Some(&entry), None)?;
            Ok(entry)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(DecisionView {
        id,
        status: "applied".into(),
        entry_code: Some(entry_code),
        reason: None,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectInput {
    pub reason: String,
}

/// Rejects a pending change request with a reason (kb_editor, admin), reported to its ticket.
#[utoipa::path(tag = "change-requests", request_body = RejectInput, params(("id" = i64, Path, description = "Change request id")),
    responses((status = 200, body = DecisionView), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/change-requests/{id}/reject")]
pub async fn reject_change_request(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let id = parse_id(&path)?;
    let input: RejectInput = json_body(&req, body, BODY_LIMIT).await?;
    validate::text("reason", &input.reason, validate::MAX_NOTE).map_err(bad)?;
    let by = user.sub.clone();
    let reason = input.reason;
    let r2 = reason.clone();
    shared::db::run(&state.pool, move |conn| {
        conn.transaction(|conn| {
            let cr = pending(conn, id)?;
            if !store::decide(conn, id, "rejected", None, Some(&r2), &by)? {
                return Err(ApiError::InvalidTransition(format!(
                    "change request {id} was decided meanwhile"
                )));
            }
            report_to_ticket(conn, &cr, "rejected", None, Some(&r2))
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(DecisionView {
        id,
        status: "rejected".into(),
        entry_code: None,
        reason: Some(reason),
    }))
}
