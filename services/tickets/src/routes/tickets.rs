//! Creating, listing and reading tickets.

use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, PageParams};
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::{TICKET_READERS, full_contact, normalize_phone, ticket_not_found, visible};
use crate::db;
use crate::domain::notifications;
use crate::domain::ticket::{NewTicket, Ticket, TicketRecord, new_record};
use crate::domain::{Status, TicketType, ticket_id};
use crate::startup::AppState;
use shared::time::{cst_day, from_ms, to_ms};

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
    body: web::Json<NewTicket>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Operator, Role::Supervisor])?;
    let mut input = body.into_inner();
    input.validate()?;
    input.caller.phone = normalize_phone(&input.caller.phone);
    let key = idempotency_key(&req, &user)?;
    let canonical = serde_json::to_string(&input)?;
    let now = state.clock.now();
    let cal = state.calendar();
    let rules = state.rules.clone();
    let creator = user.sub.clone();
    let role = user.role;
    let (record, created) = shared::db::run(&state.pool, move |conn| {
        let mut attempt = 0;
        let day = cst_day(now);
        loop {
            attempt += 1;
            // PostgreSQL: the day's number is drawn in its own short transaction, so the
            // counter row is not locked for the whole creation (creations would queue behind
            // it). A creation that fails after this leaves a gap; numbers stay unique.
            // SQLite writes one at a time anyway, so it draws inside the transaction.
            let early_seq = if conn.is_sqlite() {
                None
            } else {
                let replay = match &key {
                    Some(k) => db::tickets::find_idempotent(conn, k)?,
                    None => None,
                };
                match replay {
                    Some(_) => None,
                    None => match db::tickets::next_seq_unsynced(conn, &day) {
                        Ok(n) => Some(n),
                        Err(ApiError::Conflict(m))
                            if m.starts_with("already exists") && attempt < 5 =>
                        {
                            continue;
                        }
                        Err(e) => return Err(e),
                    },
                }
            };
            let result = db::write_tx(conn, |c| {
                if let Some(k) = &key
                    && let Some((id, stored)) = db::tickets::find_idempotent(c, k)?
                {
                    if stored != canonical {
                        return Err(ApiError::conflict(
                            "this Idempotency-Key was used with a different body",
                        ));
                    }
                    let t = db::tickets::find(c, &id)?.ok_or_else(|| ticket_not_found(&id))?;
                    return Ok((t, false));
                }
                let seq = match early_seq {
                    Some(n) => n,
                    None => db::tickets::next_seq(c, &day)?,
                };
                let rec = new_record(ticket_id(&day, seq), &input, &creator, now, &cal, &rules);
                db::tickets::insert(c, &rec)?;
                if let Some(k) = &key {
                    db::tickets::insert_idempotent(c, k, &canonical, &rec.id, rec.created_at)?;
                }
                db::events::insert(
                    c,
                    &db::events::NewEvent {
                        ticket_id: &rec.id,
                        at: rec.created_at,
                        actor: &creator,
                        role: role.as_str(),
                        action: "created",
                        from_status: None,
                        to_status: Some(&rec.status),
                        data: serde_json::json!({
                            "type": rec.ticket_type,
                            "urgent": rec.urgent,
                            "department": rec.department,
                            "due_at": from_ms(rec.due_at),
                        })
                        .to_string(),
                        dedup_key: None,
                    },
                )?;
                if rec.status == Status::Dispatched.as_str() {
                    for n in notifications::on_dispatch(&rec) {
                        let payload = serde_json::to_string(&n)?;
                        db::outbox::insert(c, Some(&rec.id), "notify", &payload, rec.created_at)?;
                    }
                }
                Ok((rec, true))
            });
            match result {
                // PostgreSQL: two first tickets of a day, or two requests with one key, raced
                // on a unique index; the retry sees the winner's row.
                Err(ApiError::Conflict(m)) if m.starts_with("already exists") && attempt < 5 => {
                    continue;
                }
                other => return other,
            }
        }
    })
    .await?;
    tracing::info!(
        ticket = %record.id,
        caller = %shared::telemetry::mask_phone(&record.caller_phone),
        created,
        "ticket taken"
    );
    let mut res = HttpResponse::Created();
    res.insert_header(("location", format!("/api/v1/tickets/{}", record.id)));
    if !created {
        res.insert_header(("idempotent-replayed", "true"));
    }
    Ok(res.json(Ticket::from_record(record, now, full_contact(&user))))
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
    let paging = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .paging()?;
    let now = state.clock.now();
    let mut f = db::tickets::Filter {
        status: q.status.map(|s| s.as_str().to_string()),
        ticket_type: q.ticket_type.map(|t| t.as_str().to_string()),
        department: q.department.clone(),
        region: q.region.clone(),
        caller_phone: q.caller_phone.as_deref().map(normalize_phone),
        overdue: q.overdue,
        now: to_ms(now),
        ..Default::default()
    };
    for (name, v) in [("department", &q.department), ("region", &q.region)] {
        if let Some(v) = v {
            shared::web::check_len(name, v, 64)?;
        }
    }
    if let Some(p) = &q.caller_phone {
        shared::web::check_len("caller_phone", p, 32)?;
    }
    if let Some(w) = &q.due_within {
        let ms = parse_within(w).ok_or_else(|| {
            ApiError::bad_request("`due_within` must be like 4h, 90m or 2d (at most 31 days)")
        })?;
        f.due_before = Some(f.now + ms);
    }
    match user.role {
        Role::Liaison => {
            // A liaison could otherwise confirm a caller's full number against a masked one.
            if q.caller_phone.is_some() {
                return Err(ApiError::forbidden(
                    "liaisons cannot search tickets by caller phone",
                ));
            }
            let own = user.department.clone();
            if q.department.is_some() && q.department != own {
                return Ok(HttpResponse::Ok().json(Page::<Ticket>::new(Vec::new(), 0, paging)));
            }
            f.department = own;
        }
        Role::Operator => {
            if f.caller_phone.is_none() || q.mine == Some(true) {
                f.created_by = Some(user.sub.clone());
            }
        }
        _ => {
            if q.mine == Some(true) {
                f.created_by = Some(user.sub.clone());
            }
        }
    }
    let (rows, total) =
        shared::db::run(&state.pool, move |c| db::tickets::list(c, &f, paging)).await?;
    let items = rows
        .into_iter()
        .map(|r| Ticket::from_record(r, now, false))
        .collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

pub async fn load_visible(
    state: &AppState,
    user: &AuthUser,
    id: String,
) -> ApiResult<TicketRecord> {
    let lookup = id.clone();
    let found = shared::db::run(&state.pool, move |c| db::tickets::find(c, &lookup)).await?;
    found
        .filter(|t| visible(user, t))
        .ok_or_else(|| ticket_not_found(&id))
}

/// One ticket with its progress and the department's reply. Liaisons: their department's only.
#[utoipa::path(
    tag = "tickets",
    params(("id" = String, Path, description = "Ticket number, e.g. T20261127-000123")),
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
) -> ApiResult<HttpResponse> {
    user.require(TICKET_READERS)?;
    let t = load_visible(&state, &user, path.into_inner()).await?;
    Ok(HttpResponse::Ok().json(Ticket::from_record(
        t,
        state.clock.now(),
        full_contact(&user),
    )))
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
    params(("id" = String, Path, description = "Ticket number")),
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
) -> ApiResult<HttpResponse> {
    user.require(TICKET_READERS)?;
    let t = load_visible(&state, &user, path.into_inner()).await?;
    let rows = shared::db::run(&state.pool, move |c| db::events::for_ticket(c, &t.id)).await?;
    let liaison = user.is(Role::Liaison);
    let items: Vec<Event> = rows
        .into_iter()
        .map(|e| Event {
            data: {
                let mut data = serde_json::from_str(&e.data).unwrap_or(serde_json::Value::Null);
                // Deliveries name their recipient, which may be the caller's own address:
                // liaisons see callers' contacts masked.
                if liaison && e.action == "delivery" {
                    data["to"] = serde_json::json!("***");
                }
                data
            },
            id: e.id,
            ticket_id: e.ticket_id,
            at: from_ms(e.at),
            actor: e.actor,
            role: e.role,
            action: e.action,
            from_status: e.from_status,
            to_status: e.to_status,
        })
        .collect();
    Ok(HttpResponse::Ok().json(items))
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
