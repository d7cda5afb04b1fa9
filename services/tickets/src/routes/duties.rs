//! The service guide's duties beside the lifecycle: 投诉升级 (an operator or liaison asks for
//! a supervisor), 协办 (co-handling departments and their parts), 重复件 (merging a repeat
//! into the earlier ticket), and the no-info routing rules. The actions answer the ticket as
//! the lifecycle actions do.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use shared::ApiResult;
use shared::auth::AuthUser;
use shared::body::Json;

use super::action_bodies::{CohandlerBody, CohandlerReplyBody, MergeBody, ReasonBody};
use super::actions::{render, take};
use super::request_id;
use crate::app::duties::{self, NewRoute};
use crate::domain::action::ActionInput;
use crate::domain::lifecycle::Action;
use crate::domain::routing::NoInfoRoute;
use crate::domain::view::Ticket;
use crate::startup::AppState;

type State = web::Data<AppState>;
type Id = web::Path<String>;

/// Asks for a supervisor (投诉升级): operator or liaison, in any state but closed. The ticket
/// is on the supervisors' queue (`GET /tickets?escalated=true`) until one supervises it.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")),
    request_body(content = ReasonBody, example = json!({"reason": "来电人第三次来电，要求领导处理"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/escalate")]
pub async fn escalate(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Escalate, move || {
        Ok(ActionInput::Escalate {
            reason: body.reason()?,
        })
    })
    .await
}

/// Adds a co-handling department (协办) beside the lead one, before the lead replies.
/// Supervisor. Checked with the knowledge service like a dispatch; its liaisons are told.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")),
    request_body(content = CohandlerBody, example = json!({"department": "530100-rsj"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem), (status = 503, body = shared::error::Problem)))]
#[post("/tickets/{id}/cohandlers")]
pub async fn add_cohandler(
    req: HttpRequest,
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<CohandlerBody>,
) -> ApiResult<HttpResponse> {
    let (rid, department) = (request_id(&req), body.department.trim().to_string());
    let acted = duties::add_cohandler(&state, &user, path.into_inner(), department, rid.as_deref());
    render(&user, acted.await?)
}

/// A co-handling department's part of the reply (liaison of that department), before the
/// lead department replies; the lead's reply completes the ticket.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")),
    request_body(content = CohandlerReplyBody, example = json!({"body": "社保相关部分：已为来电人办理社保关系转移。"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/cohandler-reply")]
pub async fn cohandler_reply(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<CohandlerReplyBody>,
) -> ApiResult<HttpResponse> {
    let text = body.body()?;
    let acted = duties::cohandler_reply(&state, &user, path.into_inner(), text).await?;
    render(&user, acted)
}

/// Merges this repeat ticket (重复件) into an earlier ticket of the same caller: it is closed,
/// the earlier one records what it said (`merged_in`), both keep their histories. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number of the repeat: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000004")),
    request_body(content = MergeBody, example = json!({"into": "T20261205-000001", "note": "同一来电人就同一事项再次来电"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/merge")]
pub async fn merge(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<MergeBody>,
) -> ApiResult<HttpResponse> {
    let input = body.into_inner().input()?;
    let acted = duties::merge(&state, &user, path.into_inner(), input).await?;
    render(&user, acted)
}

/// The no-info routing rules: where a no-info ticket goes instead of the region's government
/// office (政府办或由政府办指定的职能部门).
#[utoipa::path(tag = "routing", responses((status = 200, body = [NoInfoRoute]), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/no-info-routes")]
pub async fn list_routes(user: AuthUser, state: State) -> ApiResult<HttpResponse> {
    Ok(HttpResponse::Ok().json(duties::routes(&state, &user).await?))
}

/// Adds a routing rule (supervisor): in `region` and below, a no-info ticket whose question
/// holds one of `words` goes to `department`; applied to tickets taken from now on.
#[utoipa::path(tag = "routing",
    request_body(content = NewRoute, example = json!({"region": "530100", "words": ["社保", "医保"], "department": "530100-rsj"})),
    responses((status = 201, body = NoInfoRoute), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
              (status = 403, body = shared::error::Problem), (status = 503, body = shared::error::Problem)))]
#[post("/no-info-routes")]
pub async fn add_route(
    req: HttpRequest,
    user: AuthUser,
    state: State,
    body: Json<NewRoute>,
) -> ApiResult<HttpResponse> {
    let rid = request_id(&req);
    let rule = duties::add_route(&state, &user, body.into_inner(), rid.as_deref()).await?;
    Ok(HttpResponse::Created().json(rule))
}

/// Removes a routing rule (supervisor).
#[utoipa::path(tag = "routing", params(("id" = i64, Path, description = "Rule id, as its creation or the list answered it", example = 1)),
    responses((status = 204), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[delete("/no-info-routes/{id}")]
pub async fn delete_route(
    user: AuthUser,
    state: State,
    path: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    duties::delete_route(&state, &user, path.into_inner()).await?;
    Ok(HttpResponse::NoContent().finish())
}
