//! `POST /api/v1/test/clock {advance_minutes}` (admin): moves a manual clock forward for
//! end-to-end tests. Debug builds only, and only when the service runs on a manual clock
//! (`HOTLINE_TEST_CLOCK`); otherwise it is not found like any unknown path. It runs the
//! escalation scan right away and answers `{now, escalated}`.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use shared::body::Json;

use crate::startup::AppState;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advance {
    pub advance_minutes: i64,
}

pub async fn advance(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<Advance>,
) -> ApiResult<HttpResponse> {
    if !state.clock.is_manual() {
        return Err(shared::ApiError::not_found("no such resource"));
    }
    user.require(&[Role::Admin])?;
    if !(0..=366 * 24 * 60).contains(&body.advance_minutes) {
        return Err(shared::ApiError::bad_request(
            "`advance_minutes` must be between 0 and a year",
        ));
    }
    state
        .clock
        .advance(chrono::Duration::minutes(body.advance_minutes));
    // Scan at once, so a test does not wait for the next escalation interval.
    let escalated = crate::jobs::escalation::run_once(&state).await?;
    Ok(HttpResponse::Ok()
        .json(serde_json::json!({ "now": state.clock.now(), "escalated": escalated })))
}
