//! Received e-mail (issue 18): the list (the unmatched queue and the dead letters among the
//! rest) and a supervisor's decisions on an unmatched message.

use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, Paging};
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use crate::app::inbound::{self as app, InboundView, STATUSES};
use crate::startup::AppState;

const DECIDERS: [Role; 2] = [Role::Supervisor, Role::Admin];

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `new`, `matched`, `unmatched`, `attached`, `dismissed` or `dead`.
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// Received messages, newest first: `?status=unmatched` is the queue the centre attaches by
/// hand, `?status=dead` the refused ones with the reason.
#[utoipa::path(
    tag = "inbound",
    operation_id = "list_inbound",
    params(ListQuery),
    responses(
        (status = 200, body = Page<InboundView>),
        (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
    )
)]
#[get("/inbound")]
pub async fn list(
    user: AuthUser,
    query: web::Query<ListQuery>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&DECIDERS)?;
    let q = query.into_inner();
    let paging = Paging::of(q.page, q.per_page)?;
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) if STATUSES.contains(&s) => Some(s.to_string()),
        Some(_) => {
            return Err(ApiError::bad_request(
                "`status` must be new, matched, unmatched, attached, dismissed or dead",
            ));
        }
    };
    let (rows, total) = app::list(&state.pool, status, paging).await?;
    let items: Vec<InboundView> = rows.iter().map(app::view).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"ticket_id": "T20261205-000002"}))]
#[serde(deny_unknown_fields)]
pub struct AttachBody {
    /// The ticket number (`T20261205-000123`).
    pub ticket_id: String,
}

/// Attaches an unmatched message to a ticket: recorded there as the liaison's reply (when it
/// is from one of the department's liaisons and the state takes a reply) or as a note.
#[utoipa::path(
    tag = "inbound",
    operation_id = "attach_inbound",
    params(("id" = String, Path, description = "Received message id, as `GET /api/v1/inbound` lists it", example = "7d0e6c5b4a3f2e1d0c9b8a7f6e5d4c3b")),
    request_body = AttachBody,
    responses(
        (status = 200, body = InboundView),
        (status = 400, body = shared::error::Problem, description = "No such ticket, or the ticket service refused it"),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem, description = "Not unmatched"),
        (status = 503, body = shared::error::Problem),
    )
)]
#[post("/inbound/{id}/attach")]
pub async fn attach(
    user: AuthUser,
    id: web::Path<String>,
    body: web::Bytes,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&DECIDERS)?;
    let b: AttachBody = super::parse_body(&body)?;
    let ticket = b.ticket_id.trim().to_string();
    if crate::domain::inbound::ticket_numbers(&ticket) != [ticket.clone()] {
        return Err(ApiError::bad_request(
            "`ticket_id` must be a ticket number such as T20261205-000123",
        ));
    }
    let id = id.into_inner();
    shared::web::check_len("id", &id, 64)?;
    let row = app::attach(&state.pool, &state.tickets, &state.fax, id, ticket, &user).await?;
    Ok(HttpResponse::Ok().json(app::view(&row)))
}

/// Dismisses an unmatched message (nothing for any ticket); it stays listed as `dismissed`.
#[utoipa::path(
    tag = "inbound",
    operation_id = "dismiss_inbound",
    params(("id" = String, Path, description = "Received message id, as `GET /api/v1/inbound` lists it", example = "7d0e6c5b4a3f2e1d0c9b8a7f6e5d4c3b")),
    responses(
        (status = 200, body = InboundView),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem, description = "Not unmatched"),
    )
)]
#[post("/inbound/{id}/dismiss")]
pub async fn dismiss(
    user: AuthUser,
    id: web::Path<String>,
    state: web::Data<AppState>,
) -> ApiResult<HttpResponse> {
    user.require(&DECIDERS)?;
    let id = id.into_inner();
    shared::web::check_len("id", &id, 64)?;
    let row = app::dismiss(&state.pool, id, &user).await?;
    Ok(HttpResponse::Ok().json(app::view(&row)))
}
