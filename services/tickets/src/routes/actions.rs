//! Lifecycle actions, each `POST /api/v1/tickets/{id}/<action>`: 200 with the updated ticket,
//! 409 `invalid_transition` when the state does not allow it, 404 for a liaison on another
//! department's ticket (whatever the action), 403 for a role that may never take it. Every
//! handler takes the one path of [`app::actions::act`]; the bodies are in `action_bodies`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use shared::ApiResult;
use shared::auth::AuthUser;
use shared::body::Json;

use super::action_bodies::*;
use super::request_id;
use crate::app;
use crate::app::actions::Acted;
use crate::domain::access::full_contact;
use crate::domain::action::ActionInput;
use crate::domain::lifecycle::Action;
use crate::domain::view::Ticket;
use crate::startup::AppState;

type State = web::Data<AppState>;
type Id = web::Path<String>;

/// Takes `action` on the ticket, with the input `build` makes from the body once the ticket
/// and the role are checked, and answers the ticket as it is now.
pub(super) async fn take<F>(
    state: &AppState,
    user: &AuthUser,
    path: Id,
    action: Action,
    build: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce() -> ApiResult<ActionInput> + Send + 'static,
{
    let acted = app::actions::act(state, user, path.into_inner(), action, build).await?;
    render(user, acted)
}

pub(super) fn render(user: &AuthUser, acted: Acted) -> ApiResult<HttpResponse> {
    let ticket = Ticket::from_record(acted.record, acted.now, full_contact(user));
    Ok(HttpResponse::Ok().json(ticket))
}

/// Dispatches (or re-dispatches) to a department's liaison. The department is checked with the
/// knowledge service first: unknown is a 400, knowledge unreachable a 503, and nothing changes.
#[utoipa::path(
    tag = "actions",
    params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")),
    request_body(content = DispatchBody, example = json!({"department": "530100-gaj"})),
    responses(
        (status = 200, body = Ticket), (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem), (status = 503, body = shared::error::Problem),
    )
)]
#[post("/tickets/{id}/dispatch")]
pub async fn dispatch(
    req: HttpRequest,
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<DispatchBody>,
) -> ApiResult<HttpResponse> {
    let rid = request_id(&req);
    let department = body.department();
    let acted =
        app::actions::dispatch(&state, &user, path.into_inner(), department, rid.as_deref());
    render(&user, acted.await?)
}

/// Accepts (签收) a dispatched ticket. Liaison of the ticket's department.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body(content = EmptyBody, description = "`{}` or no body", example = json!({})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/accept")]
pub async fn accept(
    user: AuthUser,
    state: State,
    path: Id,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Accept, move || {
        let _: EmptyBody = optional_body(&body)?;
        Ok(ActionInput::Accept)
    })
    .await
}

/// Returns (退单) a mis-dispatched ticket, with a reason; a supervisor re-dispatches it or
/// rejects the return. Liaison.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000002")), request_body(content = ReasonBody, example = json!({"reason": "不属于本单位职责，应由市人社局办理"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/return")]
pub async fn return_ticket(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Return, move || {
        Ok(ActionInput::Return {
            reason: body.reason()?,
        })
    })
    .await
}

/// Rejects a return: the ticket goes back to the same department, in the state it was
/// returned from. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000002")), request_body(content = ReasonBody, example = json!({"reason": "经核实属于该单位职责，请继续办理"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/return/reject")]
pub async fn return_reject(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::ReturnReject, move || {
        Ok(ActionInput::ReturnReject {
            reason: body.reason()?,
        })
    })
    .await
}

/// Replies to an accepted ticket (not no-info: those are answered with `replenish`). Liaison.
/// An urgent complaint's reply goes to the hotline centre by fax; a caller who left an
/// e-mail address gets it by e-mail.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body = ReplyBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem), (status = 413, body = shared::error::Problem)))]
#[post("/tickets/{id}/reply")]
pub async fn reply(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReplyBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Reply, move || {
        body.into_inner().input()
    })
    .await
}

/// Records a reply the department gave by fax, phone, paper or e-mail, on its behalf (代回复),
/// with the ticket's attachments that carry it (a scan uploaded first, or a received fax, which
/// this confirms). Supervisor (operators where `HOTLINE_TICKETS_OPERATORS_REPLY_ON_BEHALF`).
/// The ticket is replied as if the liaison had answered in the system (the centre
/// and the caller hear of it the same way); the event names who recorded it and who replied.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000002")), request_body = ReplyOnBehalfBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/reply-on-behalf")]
pub async fn reply_on_behalf(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReplyOnBehalfBody>,
) -> ApiResult<HttpResponse> {
    let now = state.clock.now();
    let build = move || body.into_inner().input(now);
    let acted = app::attachments::reply_on_behalf(&state, &user, path.into_inner(), build);
    render(&user, acted.await?)
}

/// Requests an extension (延期) before the deadline. Liaison.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body = ExtendBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/extend")]
pub async fn extend(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ExtendBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Extend, move || {
        body.into_inner().input()
    })
    .await
}

/// Approves the waiting extension: the deadline moves. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body(content = OptionalNote, description = "optional", example = json!({"note": "同意延期"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/extend/approve")]
pub async fn extend_approve(
    user: AuthUser,
    state: State,
    path: Id,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::ExtendApprove, move || {
        let b: OptionalNote = optional_body(&body)?;
        Ok(ActionInput::ExtendApprove { note: b.note()? })
    })
    .await
}

/// Refuses the waiting extension, with a reason. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000002")), request_body(content = ReasonBody, example = json!({"reason": "期限内可以办结，不予延期"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/extend/refuse")]
pub async fn extend_refuse(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::ExtendRefuse, move || {
        Ok(ActionInput::ExtendRefuse {
            reason: body.reason()?,
        })
    })
    .await
}

/// Supervises (督办) an open ticket: a note on its record. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body = NoteBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/supervise")]
pub async fn supervise(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<NoteBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Supervise, move || {
        Ok(ActionInput::Supervise { note: body.note()? })
    })
    .await
}

/// Records the callback (回访): satisfied or basically satisfied closes the ticket,
/// dissatisfied reopens it (重办). Operator or supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body = CallbackBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/callback")]
pub async fn callback(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<CallbackBody>,
) -> ApiResult<HttpResponse> {
    // The roles are checked before the body is read, so any rating stands for the action.
    let action = Action::Callback(body.satisfaction);
    take(&state, &user, path, action, move || {
        body.into_inner().input()
    })
    .await
}

/// Reopens (重办) a replied or closed ticket, with a reason; a supervisor then dispatches it.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body(content = ReasonBody, example = json!({"reason": "来电人反映问题仍未解决"})),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/reopen")]
pub async fn reopen(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Reopen, move || {
        Ok(ActionInput::Reopen {
            reason: body.reason()?,
        })
    })
    .await
}

/// Closes (办结) a new or replied ticket. Supervisor. A complaint is closed with its cause.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000002")), request_body = CloseBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/close")]
pub async fn close(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<CloseBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::Close, move || {
        body.into_inner().input()
    })
    .await
}

/// Sets or corrects a complaint's cause (A policy, B handling, C attitude), in any state.
/// Supervisor. The event keeps the old and the new cause.
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000001")), request_body = CauseBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/cause")]
pub async fn set_cause(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<CauseBody>,
) -> ApiResult<HttpResponse> {
    take(&state, &user, path, Action::SetCause, move || {
        body.into_inner().input()
    })
    .await
}

/// The government-office liaison supplies the facts of an accepted no-info ticket; they go to
/// the knowledge service as a change request (through the outbox, so nothing is lost), and the
/// ticket waits in `replied` for the change to be applied (closes) or rejected (back to
/// `accepted`).
#[utoipa::path(tag = "actions", params(("id" = String, Path, description = "Ticket number: `T`, the day it was taken (China time, `YYYYMMDD`), `-` and a six-digit sequence", example = "T20261205-000003")), request_body = ReplenishBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/replenish")]
pub async fn replenish(
    user: AuthUser,
    state: State,
    path: Id,
    body: Json<ReplenishBody>,
) -> ApiResult<HttpResponse> {
    let submitted_by = user.sub.clone();
    take(&state, &user, path, Action::Replenish, move || {
        body.into_inner().input(submitted_by)
    })
    .await
}
