//! Reports for supervisors: calls per day, and the replenishment loop per region.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::calls::day_start;
use crate::db;
use crate::domain::reports::median;
use crate::domain::{Classification, Satisfaction};
use crate::startup::AppState;
use shared::time::{CST_OFFSET_MS, DAY_MS, day_number_to_date};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// First day (China time), inclusive; default 6 days before `to` (30 for replenishment).
    pub from: Option<NaiveDate>,
    /// Last day (China time), inclusive; default today.
    pub to: Option<NaiveDate>,
}

fn range(state: &AppState, q: &RangeQuery, default_days: u64) -> ApiResult<(NaiveDate, NaiveDate)> {
    let today = state
        .clock
        .now()
        .with_timezone(&shared::calendar::cst())
        .date_naive();
    let to = q.to.unwrap_or(today);
    let from = match q.from {
        Some(f) => f,
        None => to.checked_sub_days(Days::new(default_days)).unwrap_or(to),
    };
    if from > to {
        return Err(ApiError::bad_request("`from` is after `to`"));
    }
    if (to - from).num_days() > 366 {
        return Err(ApiError::bad_request("the range is at most 366 days"));
    }
    Ok((from, to))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CallDay {
    /// China-time date.
    pub date: NaiveDate,
    pub total: i64,
    /// Counts per classification (`basic_query`, `consultation`, `complaint`, `suggestion`).
    pub classification: BTreeMap<String, i64>,
    /// Counts per rating (`satisfied`, `basically_satisfied`, `dissatisfied`, `none`).
    pub satisfaction: BTreeMap<String, i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct CallsDaily {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<CallDay>,
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
    let (from, to) = range(&state, &query, 6)?;
    let start = day_start(from);
    let end = to.succ_opt().map(day_start).unwrap_or(i64::MAX);
    let rows = shared::db::run(&state.pool, move |c| db::calls::between(c, start, end)).await?;
    let mut days: BTreeMap<NaiveDate, CallDay> = BTreeMap::new();
    let mut d = from;
    while d <= to {
        days.insert(
            d,
            CallDay {
                date: d,
                total: 0,
                classification: Classification::ALL
                    .iter()
                    .map(|c| (c.as_str().to_string(), 0))
                    .collect(),
                satisfaction: Satisfaction::ALL
                    .iter()
                    .map(|s| s.as_str().to_string())
                    .chain(["none".to_string()])
                    .map(|s| (s, 0))
                    .collect(),
            },
        );
        d = match d.succ_opt() {
            Some(n) => n,
            None => break,
        };
    }
    for (at, class, sat) in rows {
        let date = day_number_to_date((at + CST_OFFSET_MS).div_euclid(DAY_MS));
        if let Some(day) = days.get_mut(&date) {
            day.total += 1;
            *day.classification.entry(class).or_default() += 1;
            *day.satisfaction
                .entry(sat.unwrap_or_else(|| "none".into()))
                .or_default() += 1;
        }
    }
    Ok(HttpResponse::Ok().json(CallsDaily {
        from,
        to,
        days: days.into_values().collect(),
    }))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RegionReplenishment {
    pub region: String,
    /// No-info tickets opened in the range.
    pub opened: i64,
    /// Of those, closed.
    pub closed: i64,
    /// Of those, answered by an applied knowledge change.
    pub answered: i64,
    /// Median time from ticket to applied answer, in seconds.
    pub median_seconds_to_answer: Option<i64>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct ReplenishmentReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub regions: Vec<RegionReplenishment>,
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
    let (from, to) = range(&state, &query, 30)?;
    let start = day_start(from);
    let end = to.succ_opt().map(day_start).unwrap_or(i64::MAX);
    let rows = shared::db::run(&state.pool, move |c| {
        db::tickets::no_info_between(c, start, end)
    })
    .await?;
    let mut per: BTreeMap<String, (i64, i64, Vec<i64>)> = BTreeMap::new();
    for (region, created, status, answered) in rows {
        let e = per.entry(region).or_default();
        e.0 += 1;
        if status == "closed" {
            e.1 += 1;
        }
        if let Some(a) = answered {
            e.2.push((a - created) / 1000);
        }
    }
    let regions = per
        .into_iter()
        .map(|(region, (opened, closed, times))| RegionReplenishment {
            region,
            opened,
            closed,
            answered: times.len() as i64,
            median_seconds_to_answer: median(times),
        })
        .collect();
    Ok(HttpResponse::Ok().json(ReplenishmentReport { from, to, regions }))
}
