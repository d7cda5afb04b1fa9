//! Call records (一次一评): every call leaves one, with its classification, outcome and the
//! caller's rating.

use actix_web::{HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::body::Json;
use shared::pagination::{Page, Paging};
use shared::time::{from_ms, to_ms};
use shared::values::{Phone, mask_phone};
use shared::web::check_len;
use shared::{ApiError, ApiResult};
use utoipa::{IntoParams, ToSchema};

use crate::app;
use crate::db;
use crate::db::calls::{CallKey, CallRow, NewCall};
use crate::domain::reports::day_start;
use crate::domain::{Classification, Outcome, Satisfaction, valid_department};
use crate::startup::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[schema(example = json!({
    "caller_phone": "13800001111", "classification": "complaint", "outcome": "ticket_created",
    "department": "530100-gaj", "duration_seconds": 185, "ticket_id": "T20261205-000001",
    "call_ref": "PBX-20261205-0931"
}))]
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
    /// The phone system's own reference of the call (at most 64 characters), by which it may
    /// post the caller's rating: `POST /api/v1/calls/ref:{call_ref}/rating`.
    #[serde(default)]
    pub call_ref: Option<String>,
}

impl CallInput {
    /// The record of this call by `operator` at `now`, once its fields are checked.
    fn into_call(self, operator: String, now: i64) -> ApiResult<NewCall> {
        let Some(phone) = Phone::parse(&self.caller_phone) else {
            return Err(ApiError::bad_request(
                "`caller_phone` is not a phone number",
            ));
        };
        if let Some(d) = &self.department
            && !valid_department(d)
        {
            return Err(ApiError::bad_request(
                "`department` is not a department code",
            ));
        }
        if !(0..=86_400).contains(&self.duration_seconds) {
            return Err(ApiError::bad_request(
                "`duration_seconds` must be between 0 and 86400",
            ));
        }
        if let Some(t) = &self.ticket_id {
            check_len("ticket_id", t, 40)?;
        }
        if let Some(n) = &self.note {
            check_len("note", n, 2000)?;
        }
        if let Some(r) = &self.call_ref {
            check_call_ref(r)?;
        }
        Ok(NewCall {
            operator,
            caller_phone: phone.into_string(),
            classification: self.classification,
            outcome: self.outcome,
            department: self.department,
            duration_seconds: self.duration_seconds,
            satisfaction: self.satisfaction.map(|s| s.as_str().into()),
            ticket_id: self.ticket_id,
            note: self.note,
            created_at: now,
            call_ref: self.call_ref,
            rated_at: None,
        })
    }
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
    pub call_ref: Option<String>,
    /// When the phone system reported the caller's rating.
    pub rated_at: Option<DateTime<Utc>>,
}

impl From<CallRow> for Call {
    fn from(r: CallRow) -> Call {
        let c = r.call;
        Call {
            id: r.id,
            operator: c.operator,
            caller_phone: mask_phone(&c.caller_phone),
            classification: c.classification,
            outcome: c.outcome,
            department: c.department,
            duration_seconds: c.duration_seconds,
            satisfaction: c.satisfaction.as_deref().and_then(Satisfaction::parse),
            ticket_id: c.ticket_id,
            note: c.note,
            created_at: from_ms(c.created_at),
            call_ref: c.call_ref,
            rated_at: c.rated_at.map(from_ms),
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
    body: Json<CallInput>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Operator, Role::Supervisor])?;
    let call = body
        .into_inner()
        .into_call(user.sub.clone(), to_ms(state.clock.now()))?;
    let row = app::calls::record(&state, call).await?;
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
    let paging = Paging::of(q.page, q.per_page)?;
    if let Some(o) = &q.operator {
        check_len("operator", o, 100)?;
    }
    let f = db::calls::Filter {
        operator: q.operator,
        classification: q.classification,
        from: q.from.map(day_start),
        to: q.to.and_then(|d| d.succ_opt()).map(day_start),
    };
    let (rows, total) = app::calls::list(&state, &user, f, paging).await?;
    let items: Vec<Call> = rows.into_iter().map(Call::from).collect();
    Ok(HttpResponse::Ok().json(Page::new(items, total, paging)))
}

/// A phone system's call reference: 1 to 64 letters, digits, `-`, `_`, `.` or `:`.
fn check_call_ref(r: &str) -> ApiResult<()> {
    let ok = (1..=64).contains(&r.len())
        && r.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "`call_ref` must be 1 to 64 letters, digits, `-`, `_`, `.` or `:`",
        ))
    }
}

/// The caller's rating: the key pressed after the tone, or the level it stands for.
#[derive(Debug, Deserialize, ToSchema)]
#[schema(example = json!({"key": 1}))]
#[serde(deny_unknown_fields)]
pub struct RatingInput {
    /// The key the caller pressed after the tone: 1, 2, … on the configured scale (by default
    /// 1 满意, 2 基本满意, 3 不满意).
    #[serde(default)]
    pub key: Option<u8>,
    /// Or the rating itself (`satisfied`, `basically_satisfied`, `dissatisfied`, or the
    /// Chinese words).
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
}

impl RatingInput {
    fn rating(self) -> ApiResult<app::calls::Rating> {
        match (self.key, self.satisfaction) {
            (Some(k), None) => Ok(app::calls::Rating::Key(k)),
            (None, Some(s)) => Ok(app::calls::Rating::Level(s)),
            _ => Err(ApiError::bad_request("give either `key` or `satisfaction`")),
        }
    }
}

/// Records the caller's rating of a call, as the phone system reports it after the tone
/// (service role), by the call's number or by the phone system's own reference
/// (`ref:PBX-2026-0001`). Taken within the configured window after the call (default 30
/// minutes); the same rating again changes nothing, another one is 409.
#[utoipa::path(tag = "calls", request_body = RatingInput,
    params(("call" = String, Path, example = "ref:PBX-20261205-0931",
        description = "The call's number (e.g. `1`), or `ref:` and the phone system's reference given when the call was recorded (`call_ref`)")),
    responses((status = 200, body = Call), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/calls/{call}/rating")]
pub async fn rate_call(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Json<RatingInput>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    let key = call_key(&path).ok_or_else(|| ApiError::not_found("no such call"))?;
    let rating = body.into_inner().rating()?;
    let row = app::calls::rate(&state, key, rating).await?;
    Ok(HttpResponse::Ok().json(Call::from(row)))
}

/// `123` or `ref:PBX-2026-0001`; `None` for what can name no call.
fn call_key(text: &str) -> Option<CallKey> {
    match text.strip_prefix("ref:") {
        Some(r) => check_call_ref(r).ok().map(|()| CallKey::Ref(r.to_string())),
        None => text.parse().ok().filter(|id| *id > 0).map(CallKey::Id),
    }
}
