//! Reports for supervisors: calls per day, and the replenishment loop per region.

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use utoipa::IntoParams;

use crate::app;
use crate::domain::reports::{self, CallsDaily, ReplenishmentReport};
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// First day (China time), inclusive; default 6 days before `to` (30 for replenishment).
    pub from: Option<NaiveDate>,
    /// Last day (China time), inclusive; default today.
    pub to: Option<NaiveDate>,
}

impl RangeQuery {
    /// The days asked for, `default_days` before `to` unless `from` is given.
    fn days(&self, state: &AppState, default_days: u64) -> ApiResult<(NaiveDate, NaiveDate)> {
        let today = state
            .clock
            .now()
            .with_timezone(&shared::calendar::cst())
            .date_naive();
        reports::range(today, self.from, self.to, default_days)
    }
}

/// Calls per day, by classification and satisfaction (every day of the range, zeros included).
/// Supervisor.
#[utoipa::path(tag = "reports", params(RangeQuery),
    responses((status = 200, body = CallsDaily), (status = 400, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/reports/calls/daily")]
pub async fn calls_daily(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let (from, to) = query.days(&state, 6)?;
    let report = app::reports::calls_daily(&state, from, to).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The replenishment loop per region: no-info tickets opened and closed, and the median time
/// from ticket to applied answer. Supervisor.
#[utoipa::path(tag = "reports", params(RangeQuery),
    responses((status = 200, body = ReplenishmentReport), (status = 400, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/reports/replenishment")]
pub async fn replenishment(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let (from, to) = query.days(&state, 30)?;
    let report = app::reports::replenishment(&state, from, to).await?;
    Ok(HttpResponse::Ok().json(report))
}
