//! Reports: the queries the search could not answer (the start of the replenishment loop), and
//! the contacts that will not work.

use actix_web::{HttpResponse, get, web};
use serde::Deserialize;
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, Paging};
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use crate::db;
use crate::db::unanswered::{Status, Unanswered};
use crate::domain::contacts::{ContactProblem, unusable};
use crate::startup::AppState;
use shared::contract::tickets::KbHealthNow;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnansweredParams {
    /// `open` (default: not answered since), `answered`, or `all`.
    pub status: Option<String>,
    pub page: Option<i64>,
    pub per_page: Option<i64>,
}

impl UnansweredParams {
    fn status(&self) -> ApiResult<Status> {
        Ok(match self.status.as_deref().unwrap_or("open") {
            "open" => Status::Open,
            "answered" => Status::Answered,
            "all" => Status::All,
            other => {
                return Err(ApiError::bad_request(format!(
                    "`status` must be open, answered or all, not `{}`",
                    other.chars().take(20).collect::<String>()
                )));
            }
        })
    }
}

/// Queries with no confident hit, most frequent first, with first and last time asked.
#[utoipa::path(
    tag = "reports",
    params(UnansweredParams),
    responses(
        (status = 200, body = Page<Unanswered>),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)
    )
)]
#[get("/reports/unanswered")]
pub async fn unanswered(
    user: AuthUser,
    state: web::Data<AppState>,
    params: web::Query<UnansweredParams>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor, Role::KbEditor, Role::Admin])?;
    let paging = Paging::of(params.page, params.per_page)?;
    let status = params.status()?;
    let (items, total) = super::query(&state.pool, move |conn| {
        db::unanswered::list(conn, status, paging.offset(), paging.per_page)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

/// Fax numbers and e-mail addresses of active departments and their liaisons that will not
/// work (notify would refuse them), and departments none of whose liaisons has a usable fax or
/// e-mail: to be put right before an urgent complaint needs them.
#[utoipa::path(
    tag = "reports",
    responses(
        (status = 200, body = [ContactProblem]),
        (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)
    )
)]
#[get("/reports/contacts")]
pub async fn contacts(user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor, Role::KbEditor, Role::Admin])?;
    let problems = super::query(&state.pool, |conn| {
        let departments = db::kb::load_departments(conn)?;
        let liaisons = db::kb::load_liaisons(conn)?;
        Ok(unusable(&departments, &liaisons))
    })
    .await?;
    Ok(HttpResponse::Ok().json(problems))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HealthParams {
    /// Entries last changed this many months ago or earlier count as not reviewed (1-60,
    /// default 12).
    #[param(example = 12)]
    pub months: Option<u32>,
    /// A region code: its sub-regions included.
    #[param(example = "530100")]
    pub region: Option<String>,
    /// A department code: its entries only.
    pub department: Option<String>,
}

/// The knowledge base's health now, for the health report (issue 19; tickets serves the
/// report and asks this when it is read): open unanswered queries last asked in the region,
/// and published entries of the region's (or the department's) departments last changed
/// `months` or more months ago. Supervisor, or a service.
#[utoipa::path(
    tag = "reports",
    params(HealthParams),
    responses(
        (status = 200, body = KbHealthNow),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)
    )
)]
#[get("/reports/kb-health-now")]
pub async fn kb_health_now(
    user: AuthUser,
    state: web::Data<AppState>,
    params: web::Query<HealthParams>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor, Role::KbEditor, Role::Admin, Role::Service])?;
    let months = params.months.unwrap_or(12);
    if !(1..=60).contains(&months) {
        return Err(ApiError::bad_request("`months` must be between 1 and 60"));
    }
    for (field, v) in [
        ("region", &params.region),
        ("department", &params.department),
    ] {
        if v.as_deref().is_some_and(|v| !shared::codes::is_code(v)) {
            return Err(ApiError::bad_request(shared::codes::code_error(field)));
        }
    }
    let prefix = params
        .region
        .as_deref()
        .map(shared::codes::region_prefix)
        .unwrap_or("")
        .to_string();
    let cutoff = state
        .clock
        .now()
        .checked_sub_months(chrono::Months::new(months))
        .map_or(0, |t| t.timestamp_millis());
    let department = params.department.clone();
    let (open_unanswered, stale_entries) = super::query(&state.pool, move |conn| {
        let open = db::health::open_unanswered(conn, &prefix)?;
        let stale = db::health::stale_entries(conn, cutoff, &prefix, department.as_deref())?;
        Ok((open, stale))
    })
    .await?;
    Ok(HttpResponse::Ok().json(KbHealthNow {
        open_unanswered,
        stale_entries,
        months,
    }))
}
