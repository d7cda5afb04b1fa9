//! Creating, listing and reading tickets.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::body::Json;
use shared::pagination::{Page, Paging};
use shared::time::{from_ms, to_ms};
use shared::values::normalize_phone;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use crate::app;
use crate::db;
use crate::db::events::EventRow;
use crate::domain::access::{TICKET_READERS, full_contact};
use crate::domain::intake::NewTicket;
use crate::domain::view::Ticket;
use crate::domain::{AttitudeOf, Cause, Status, TicketType};
use crate::startup::AppState;

fn idempotency_key(req: &HttpRequest, user: &AuthUser) -> ApiResult<Option<String>> {
    // Keys are per user: two operators cannot collide.
    Ok(shared::web::idempotency_key(req)?.map(|key| format!("{}:{key}", user.sub)))
}

/// Creates a ticket. A no-info ticket is dispatched at once to its region's government
/// office (`<region>-zfb`). With an `Idempotency-Key`, the same key and body give the same
/// ticket; the same key with another body is a 409. Never calls another service.
#[utoipa::path(
    tag = "tickets",
    request_body = NewTicket,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retried creation return the same ticket")),
    responses(
        (status = 201, body = Ticket, description = "Created (or the same ticket again for a repeated Idempotency-Key)"),
        (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem, description = "Idempotency-Key reused with another body"),
        (status = 413, body = shared::error::Problem),
    )
)]
#[post("/tickets")]
pub async fn create_ticket(
    req: HttpRequest,
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<NewTicket>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Operator, Role::Supervisor])?;
    let mut input = body.into_inner();
    input.validate()?;
    let key = idempotency_key(&req, &user)?;
    let taken = app::intake::take_ticket(&state, &user, input, key).await?;
    let mut res = HttpResponse::Created();
    res.insert_header(("location", format!("/api/v1/tickets/{}", taken.record.id)));
    if !taken.created {
        res.insert_header(("idempotent-replayed", "true"));
    }
    Ok(res.json(Ticket::from_record(
        taken.record,
        taken.now,
        full_contact(&user),
    )))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TicketQuery {
    pub status: Option<Status>,
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub ticket_type: Option<TicketType>,
    pub department: Option<String>,
    pub region: Option<String>,
    /// Any ticket of this caller (operators find tickets of a caller who rings back).
    pub caller_phone: Option<String>,
    /// Complaints of this cause: `policy` (A 不在政策允许范围内), `handling` (B 业务承接能力不到位
    /// 或解释有误), `attitude` (C 态度生硬).
    pub cause: Option<Cause>,
    /// Cause-C complaints about this person: `operator:<account>` or `liaison:<department>`.
    pub attitude_of: Option<String>,
    /// The supervisors' queue: tickets whose operator or liaison asked for a supervisor (投诉
    /// 升级) and that no supervisor has supervised since (true), or the others (false).
    pub escalated: Option<bool>,
    /// Only tickets past (true) or not past (false) their running deadline.
    pub overdue: Option<bool>,
    /// Near due: running deadline within this time from now, `4h`, `90m`, `2d` (or hours).
    pub due_within: Option<String>,
    /// Only the tickets I created (operators always get these unless searching by phone).
    pub mine: Option<bool>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

impl TicketQuery {
    /// The list filter this query asks for, at `now` (epoch milliseconds); who may see what
    /// is the use case's to add.
    fn filter(&self, now: i64) -> ApiResult<db::tickets::Filter> {
        for (name, v) in [("department", &self.department), ("region", &self.region)] {
            if let Some(v) = v {
                shared::web::check_len(name, v, 64)?;
            }
        }
        if let Some(p) = &self.caller_phone {
            shared::web::check_len("caller_phone", p, 32)?;
        }
        let due_before = match &self.due_within {
            Some(w) => Some(
                now + parse_within(w).ok_or_else(|| {
                    ApiError::bad_request(
                        "`due_within` must be like 4h, 90m or 2d (at most 31 days)",
                    )
                })?,
            ),
            None => None,
        };
        Ok(db::tickets::Filter {
            status: self.status,
            ticket_type: self.ticket_type,
            department: self.department.clone(),
            region: self.region.clone(),
            caller_phone: self.caller_phone.as_deref().map(normalize_phone),
            cause: self.cause,
            attitude_of: match &self.attitude_of {
                Some(a) => Some(
                    AttitudeOf::parse(a)
                        .ok_or_else(|| {
                            ApiError::bad_request(
                                "`attitude_of` is `operator:<account>` or `liaison:<department code>`",
                            )
                        })?
                        .to_string(),
                ),
                None => None,
            },
            escalated: self.escalated,
            overdue: self.overdue,
            due_before,
            now,
            ..Default::default()
        })
    }
}

/// `4h`, `90m`, `2d`, or a number of hours, as milliseconds (at most 31 days).
pub fn parse_within(text: &str) -> Option<i64> {
    let t = text.trim();
    let (num, unit) = match t.char_indices().last()? {
        (i, 'h') => (&t[..i], 3_600_000),
        (i, 'm') => (&t[..i], 60_000),
        (i, 'd') => (&t[..i], 86_400_000),
        _ => (t, 3_600_000),
    };
    let n: i64 = num.parse().ok()?;
    let ms = n.checked_mul(unit)?;
    (0..=31 * 86_400_000).contains(&ms).then_some(ms)
}

/// Lists tickets. Liaisons get their department's; operators the tickets they created, or
/// any caller's tickets with `caller_phone`; supervisors all. Phones are masked in lists.
#[utoipa::path(
    tag = "tickets",
    params(TicketQuery),
    responses(
        (status = 200, body = Page<Ticket>),
        (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
    )
)]
#[get("/tickets")]
pub async fn list_tickets(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<TicketQuery>,
) -> ApiResult<HttpResponse> {
    user.require(TICKET_READERS)?;
    let q = query.into_inner();
    let paging = Paging::of(q.page, q.per_page)?;
    let now = state.clock.now();
    let filter = q.filter(to_ms(now))?;
    let mine = q.mine == Some(true);
    let (rows, total) = app::tickets::list(&state, &user, filter, mine, paging).await?;
    let items = rows
        .into_iter()
        .map(|r| Ticket::from_record(r, now, false))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

/// The caller on the line, for opening one ticket.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallerQuery {
    /// The caller's full number: an operator opens the tickets of the caller on the line, as
    /// the list by `caller_phone` finds them; without it, only the tickets they created.
    pub caller_phone: Option<String>,
}

impl CallerQuery {
    fn caller(&self) -> ApiResult<Option<String>> {
        match &self.caller_phone {
            Some(p) => {
                shared::web::check_len("caller_phone", p, 32)?;
                Ok(Some(normalize_phone(p)))
            }
            None => Ok(None),
        }
    }
}

/// One ticket with its progress and the department's reply. Liaisons: their department's only;
/// operators: those they created, or the caller's named by `caller_phone`.
#[utoipa::path(
    tag = "tickets",
    params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001"), CallerQuery),
    responses(
        (status = 200, body = Ticket),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
    )
)]
#[get("/tickets/{id}")]
pub async fn get_ticket(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<CallerQuery>,
) -> ApiResult<HttpResponse> {
    user.require(TICKET_READERS)?;
    let caller = query.caller()?;
    let view = app::tickets::detail(&state, &user, path.into_inner(), caller.as_deref()).await?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Event {
    pub id: i64,
    pub ticket_id: String,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub role: String,
    /// `created`, `dispatch`, `accept`, `return`, `return_rejected`, `reply`, `replenish`,
    /// `extend_requested`, `extend_approved`, `extend_refused`, `supervise`, `callback`,
    /// `reopen`, `close`, `escalated`, `change_request_created`, `knowledge_applied`,
    /// `knowledge_rejected`, `delivery`, ...
    pub action: String,
    pub from_status: Option<String>,
    pub to_status: Option<String>,
    pub data: serde_json::Value,
}

/// The ticket's events, oldest first: who did what, when, with what.
#[utoipa::path(
    tag = "tickets",
    params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001"), CallerQuery),
    responses(
        (status = 200, body = [Event]),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
    )
)]
#[get("/tickets/{id}/events")]
pub async fn ticket_events(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    query: web::Query<CallerQuery>,
) -> ApiResult<HttpResponse> {
    user.require(TICKET_READERS)?;
    let caller = query.caller()?;
    let rows = app::tickets::events(&state, &user, path.into_inner(), caller.as_deref()).await?;
    let items: Vec<Event> = rows.into_iter().map(Event::from).collect();
    Ok(HttpResponse::Ok().json(items))
}

impl From<EventRow> for Event {
    fn from(e: EventRow) -> Event {
        Event {
            data: serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null),
            id: e.id,
            ticket_id: e.ticket_id,
            at: from_ms(e.at),
            actor: e.actor,
            role: e.role,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn within_parses_units() {
        assert_eq!(parse_within("4h"), Some(4 * 3_600_000));
        assert_eq!(parse_within("4"), Some(4 * 3_600_000));
        assert_eq!(parse_within("90m"), Some(90 * 60_000));
        assert_eq!(parse_within("2d"), Some(2 * 86_400_000));
        assert_eq!(parse_within("100d"), None);
        assert_eq!(parse_within("x"), None);
        assert_eq!(parse_within(""), None);
    }
}
