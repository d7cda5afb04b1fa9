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
