//! The working-day calendar (owned here; knowledge reads it) and deadline look-ups.

use actix_web::{HttpResponse, get, put, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use shared::body::Json;
use utoipa::IntoParams;

use crate::app;
use crate::domain::TicketType;
use crate::domain::calendar::{CalendarAnswer, CalendarYearInput, CalendarYearOut};
use crate::domain::deadlines::DeadlineAnswer;
use crate::startup::AppState;

const ANY_ROLE: &[Role] = Role::ALL;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CalendarQuery {
    /// Only this year.
    pub year: Option<i32>,
}

/// Public holidays and make-up workdays (调休) per year, and the working hours. Any signed-in
/// role, including other services.
#[utoipa::path(tag = "calendar", params(CalendarQuery),
    responses((status = 200, body = CalendarAnswer), (status = 401, body = shared::error::Problem)))]
#[get("/calendar")]
pub async fn get_calendar(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<CalendarQuery>,
) -> ApiResult<HttpResponse> {
    user.require(ANY_ROLE)?;
    Ok(HttpResponse::Ok().json(app::calendar::answer(&state, query.year)))
}

/// Stores (adds or replaces) one year of the calendar, in the shape of `calendar-2026.json`.
/// Admin. Deadlines computed from now on use it.
#[utoipa::path(tag = "calendar", params(("year" = i32, Path, description = "The year the body describes", example = 2027)), request_body = CalendarYearInput,
    responses((status = 200, body = CalendarYearOut), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[put("/calendar/{year}")]
pub async fn put_calendar(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<i32>,
    body: Json<CalendarYearInput>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Admin])?;
    let year = body.into_inner().validate(path.into_inner())?;
    app::calendar::store_year(&state, &user, &year).await?;
    Ok(HttpResponse::Ok().json(CalendarYearOut::from(year)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DeadlineQuery {
    #[serde(rename = "type")]
    #[param(rename = "type")]
    #[param(example = "complaint")]
    pub ticket_type: TicketType,
    #[serde(default)]
    pub urgent: Option<bool>,
    /// RFC 3339; default now.
    pub from: Option<DateTime<Utc>>,
}

/// The deadlines of a ticket taken at `from` (default now), so the operator can tell the
/// caller the reply deadline at intake.
#[utoipa::path(tag = "calendar", params(DeadlineQuery),
    responses((status = 200, body = DeadlineAnswer), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem)))]
#[get("/deadlines")]
pub async fn deadlines(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<DeadlineQuery>,
) -> ApiResult<HttpResponse> {
    user.require(ANY_ROLE)?;
    let q = query.into_inner();
    let from = q.from.unwrap_or_else(|| state.clock.now());
    let urgent = q.urgent.unwrap_or(false);
    let answer = app::calendar::deadlines(&state, q.ticket_type, urgent, from)?;
    Ok(HttpResponse::Ok().json(answer))
}
