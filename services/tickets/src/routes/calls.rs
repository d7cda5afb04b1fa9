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
use crate::domain::{CallVia, Classification, Outcome, Satisfaction, valid_department};
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
    /// Answered from the knowledge base: the entry read out (an FAQ code such as
    /// `530100-rsj-3`, or a department code for its directory facts).
    #[serde(default)]
    pub entry_code: Option<String>,
    /// Whether that entry's answer was an authorised one (with `entry_code`).
    #[serde(default)]
    pub entry_authorized: Option<bool>,
    /// A transfer (`outcome` `transferred`): whether the department picked up.
    #[serde(default)]
    pub transfer_connected: Option<bool>,
    /// 报号 (`outcome` `number_reported`): the number given to the caller.
    #[serde(default)]
    pub number_given: Option<String>,
    /// How the call came in: `hotline` (operators, the default), or for a liaison logging a
    /// call in their department, `transferred` (by the hotline, the default) or `direct`.
    #[serde(default)]
    pub via: Option<CallVia>,
}

impl CallInput {
    /// The record of this call by `user` at `now`, once its fields are checked: a liaison
    /// logs calls of their own department only.
    fn into_call(mut self, user: &AuthUser, now: i64) -> ApiResult<NewCall> {
        self.via = Some(self.via_for(user)?);
        self.check_outcome()?;
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
            operator: user.sub.clone(),
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
            entry_code: self.entry_code,
            entry_authorized: self.entry_authorized,
            transfer_connected: self.transfer_connected,
            number_given: self.number_given.map(|n| n.trim().to_string()),
            via: self.via.unwrap_or(CallVia::Hotline),
        })
    }

    /// How the call came in, as `user` may log it; a liaison's call is about their
    /// department.
    fn via_for(&mut self, user: &AuthUser) -> ApiResult<CallVia> {
        if !user.is(Role::Liaison) {
            return match self.via {
                None | Some(CallVia::Hotline) => Ok(CallVia::Hotline),
                Some(_) => Err(ApiError::bad_request(
                    "`via` transferred or direct is a liaison's call; the hotline's calls are `hotline`",
                )),
            };
        }
        let own = user.department.clone().unwrap_or_default();
        if self.department.as_ref().is_some_and(|d| *d != own) {
            return Err(ApiError::bad_request(
                "a liaison logs the calls of their own department",
            ));
        }
        self.department = Some(own);
        match self.via {
            None | Some(CallVia::Transferred) => Ok(CallVia::Transferred),
            Some(CallVia::Direct) => Ok(CallVia::Direct),
            Some(CallVia::Hotline) => Err(ApiError::bad_request(
                "a liaison's call came `transferred` by the hotline or `direct`",
            )),
        }
    }

    /// The outcome's details fit the outcome.
    fn check_outcome(&self) -> ApiResult<()> {
        if let Some(e) = &self.entry_code {
            check_len("entry_code", e, 64)?;
            if !e
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(ApiError::bad_request("`entry_code` is not an entry code"));
            }
        } else if self.entry_authorized.is_some() {
            return Err(ApiError::bad_request(
                "`entry_authorized` goes with `entry_code`",
            ));
        }
        if self.transfer_connected.is_some() && self.outcome != Outcome::Transferred {
            return Err(ApiError::bad_request(
                "`transfer_connected` is for a transferred call",
            ));
        }
        if let Some(n) = &self.number_given {
            if self.outcome != Outcome::NumberReported {
                return Err(ApiError::bad_request(
                    "`number_given` is for a call whose outcome is number_reported",
                ));
            }
            let fits = n
                .chars()
                .all(|c| c.is_ascii_digit() || " -+、,".contains(c));
            if n.trim().is_empty() || n.chars().count() > 64 || !fits {
                return Err(ApiError::bad_request(
                    "`number_given` is a phone number (or a few, separated by 、)",
                ));
            }
        }
        Ok(())
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
    pub entry_code: Option<String>,
    pub entry_authorized: Option<bool>,
    pub transfer_connected: Option<bool>,
    pub number_given: Option<String>,
    pub via: CallVia,
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
            entry_code: c.entry_code,
            entry_authorized: c.entry_authorized,
            transfer_connected: c.transfer_connected,
            number_given: c.number_given,
            via: c.via,
        }
    }
}

/// Records a call: an operator's or supervisor's on the hotline, or a liaison's in their own
/// department (transferred to them, or taken directly).
#[utoipa::path(tag = "calls", request_body = CallInput,
    responses((status = 201, body = Call), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[post("/calls")]
pub async fn create_call(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<CallInput>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Operator, Role::Supervisor, Role::Liaison])?;
    let call = body
        .into_inner()
        .into_call(&user, to_ms(state.clock.now()))?;
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

/// Lists calls, newest first; caller numbers masked. Supervisors see all, operators their own,
/// liaisons their department's.
#[utoipa::path(tag = "calls", params(CallQuery),
    responses((status = 200, body = Page<Call>), (status = 400, body = shared::error::Problem),
              (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/calls")]
pub async fn list_calls(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<CallQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Operator, Role::Supervisor, Role::Liaison])?;
    let q = query.into_inner();
    let paging = Paging::of(q.page, q.per_page)?;
    if let Some(o) = &q.operator {
        check_len("operator", o, 100)?;
    }
    let f = db::calls::Filter {
        operator: q.operator,
        classification: q.classification,
        logged_by_department: None,
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
