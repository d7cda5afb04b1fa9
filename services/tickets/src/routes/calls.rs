//! Call records (一次一评): every call leaves one, with its classification, outcome and the
//! caller's rating.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::pagination::{Page, PageParams};
use shared::telemetry::mask_phone;
use shared::web::check_len;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use super::normalize_phone;
use crate::db;
use crate::db::calls::{CallRow, NewCall};
use crate::domain::{Classification, Outcome, Satisfaction, valid_department, valid_phone};
use crate::startup::AppState;
use shared::time::{from_ms, to_ms};

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallInput {
    pub caller_phone: String,
    pub classification: Classification,
    pub outcome: Outcome,
    /// The department the call was about or transferred to.
    #[serde(default)]
    pub department: Option<String>,
    /// Length of the call in seconds.
    pub duration_seconds: i32,
    /// The caller's rating, or none. 满意 / 基本满意 / 不满意 are accepted too.
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    #[serde(default)]
    pub ticket_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct Call {
    pub id: i64,
    pub operator: String,
    /// Always masked: `139****1234`.
    pub caller_phone: String,
    pub classification: Classification,
    pub outcome: Outcome,
    pub department: Option<String>,
    pub duration_seconds: i32,
    pub satisfaction: Option<Satisfaction>,
    pub ticket_id: Option<String>,
    pub note: Option<String>,
    pub created_at: DateTime<Utc>,
}

impl From<CallRow> for Call {
    fn from(r: CallRow) -> Call {
        Call {
            id: r.id,
            operator: r.operator,
            caller_phone: mask_phone(&r.caller_phone),
            classification: Classification::parse(&r.classification)
                .unwrap_or(Classification::BasicQuery),
            outcome: Outcome::parse(&r.outcome).unwrap_or(Outcome::Answered),
            department: r.department,
            duration_seconds: r.duration_seconds,
            satisfaction: r.satisfaction.as_deref().and_then(Satisfaction::parse),
            ticket_id: r.ticket_id,
            note: r.note,
            created_at: from_ms(r.created_at),
        }
    }
}

/// Records a call. Operator or supervisor.
#[utoipa::path(tag = "calls", request_body = CallInput,
    responses((status = 201, body = Call), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[post("/calls")]
pub async fn create_call(
    user: AuthUser,
    state: web::Data<AppState>,
    body: web::Json<CallInput>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Operator, Role::Supervisor])?;
    let b = body.into_inner();
    if !valid_phone(&b.caller_phone) {
        return Err(ApiError::bad_request(
            "`caller_phone` is not a phone number",
        ));
    }
    if let Some(d) = &b.department
        && !valid_department(d)
    {
        return Err(ApiError::bad_request(
            "`department` is not a department code",
        ));
    }
    if !(0..=86_400).contains(&b.duration_seconds) {
        return Err(ApiError::bad_request(
            "`duration_seconds` must be between 0 and 86400",
        ));
    }
    if let Some(t) = &b.ticket_id {
        check_len("ticket_id", t, 40)?;
    }
    if let Some(n) = &b.note {
        check_len("note", n, 2000)?;
    }
    let call = NewCall {
        operator: user.sub.clone(),
        caller_phone: normalize_phone(&b.caller_phone),
        classification: b.classification.as_str().into(),
        outcome: b.outcome.as_str().into(),
        department: b.department,
        duration_seconds: b.duration_seconds,
        satisfaction: b.satisfaction.map(|s| s.as_str().into()),
        ticket_id: b.ticket_id,
        note: b.note,
        created_at: to_ms(state.clock.now()),
    };
    let row = shared::db::run(&state.pool, move |c| db::calls::insert(c, &call)).await?;
    tracing::info!(call = row.id, caller = %mask_phone(&row.caller_phone), "call recorded");
    Ok(HttpResponse::Created().json(Call::from(row)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CallQuery {
    pub classification: Option<Classification>,
    /// Supervisors: one operator's calls.
    pub operator: Option<String>,
    /// First day (China time), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (China time), inclusive.
    pub to: Option<NaiveDate>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// The start of a China-time day in epoch milliseconds.
pub fn day_start(d: NaiveDate) -> i64 {
    use chrono::TimeZone;
    shared::calendar::cst()
        .from_local_datetime(&d.and_time(chrono::NaiveTime::MIN))
        .single()
        .map(|t| t.timestamp_millis())
        .unwrap_or(0)
}

/// Lists calls, newest first; caller numbers masked. Supervisors see all, operators their own.
#[utoipa::path(tag = "calls", params(CallQuery),
    responses((status = 200, body = Page<Call>), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/calls")]
pub async fn list_calls(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<CallQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Operator, Role::Supervisor])?;
    let q = query.into_inner();
    let paging = PageParams {
        page: q.page,
        per_page: q.per_page,
    }
    .paging()?;
    if let Some(o) = &q.operator {
        check_len("operator", o, 100)?;
    }
    let f = db::calls::Filter {
        operator: if user.is(Role::Supervisor) {
            q.operator
        } else {
            Some(user.sub.clone())
        },
        classification: q.classification.map(|c| c.as_str().into()),
        from: q.from.map(day_start),
        to: q.to.and_then(|d| d.succ_opt()).map(day_start),
    };
    let (rows, total) =
        shared::db::run(&state.pool, move |c| db::calls::list(c, &f, paging)).await?;
    let items: Vec<Call> = rows.into_iter().map(Call::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}
