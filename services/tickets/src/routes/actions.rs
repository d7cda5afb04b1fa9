//! Lifecycle actions, each `POST /api/v1/tickets/{id}/<action>`: 200 with the updated ticket,
//! 409 `invalid_transition` when the state does not allow it, 404 for a liaison on another
//! department's ticket (whatever the action), 403 for a role that may never take it.

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::auth::{AuthUser, Role};
use shared::db::DbConnection;
use shared::http::ClientError;
use shared::web::{check_len, check_required};
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use super::{TICKET_READERS, full_contact, refusal, request_id, ticket_not_found, visible};
use crate::db;
use crate::domain::lifecycle::{self, Action};
use crate::domain::ticket::{
    ActionInput, Change, MAX_NOTE, MAX_TEXT, OutboxItem, Ticket, TicketRecord, apply,
};
use crate::domain::{ReplyChannel, Satisfaction, valid_department, valid_phone, valid_region};
use crate::startup::AppState;

/// Writes an allowed change: the record (if nobody changed it meanwhile), its event, and its
/// outbox rows, in the caller's transaction.
pub fn persist(
    c: &mut DbConnection,
    before: &TicketRecord,
    change: &Change,
    actor: &str,
    role: Role,
    at: i64,
    dedup_key: Option<String>,
) -> ApiResult<()> {
    if !db::tickets::update_if_version(c, &change.record, before.version)? {
        return Err(ApiError::conflict(
            "the ticket was changed at the same time; load it and try again",
        ));
    }
    db::events::insert(
        c,
        &db::events::NewEvent {
            ticket_id: &change.record.id,
            at,
            actor,
            role: role.as_str(),
            action: change.action,
            from_status: Some(change.from.as_str()),
            to_status: Some(change.to.as_str()),
            data: change.data.to_string(),
            dedup_key,
        },
    )?;
    for item in &change.outbox {
        let (kind, payload) = match item {
            OutboxItem::Notify(n) => ("notify", serde_json::to_string(n)?),
            OutboxItem::ChangeRequest(v) => ("change_request", v.to_string()),
        };
        db::outbox::insert(c, Some(&change.record.id), kind, &payload, at)?;
    }
    Ok(())
}

/// Loads the ticket (404 unless visible), checks the action's roles (403), builds the input
/// from the body (400), applies the lifecycle (409) and writes, all in one transaction.
async fn act<F>(
    state: &AppState,
    user: AuthUser,
    id: String,
    roles: &'static [Role],
    build: F,
) -> ApiResult<HttpResponse>
where
    F: FnOnce(&TicketRecord) -> ApiResult<ActionInput> + Send + 'static,
{
    user.require(TICKET_READERS)?;
    let now = state.clock.now();
    let cal = state.calendar();
    let rules = state.rules.clone();
    let u = user.clone();
    let record = shared::db::run(&state.pool, move |conn| {
        db::write_tx(conn, |c| {
            let cur = db::tickets::find(c, &id)?
                .filter(|t| visible(&u, t))
                .ok_or_else(|| ticket_not_found(&id))?;
            u.require(roles)?;
            let input = build(&cur)?;
            let change = apply(&cur, &input, u.role, now, &cal, &rules).map_err(refusal)?;
            persist(c, &cur, &change, &u.sub, u.role, now.timestamp_millis(), None)?;
            tracing::info!(ticket = %cur.id, action = change.action, to = %change.to, "ticket changed");
            Ok(change.record)
        })
    })
    .await?;
    Ok(HttpResponse::Ok().json(Ticket::from_record(record, now, full_contact(&user))))
}

/// Bodies that may be empty or `{}` (clients differ in whether they send one).
fn optional_body<T: for<'de> Deserialize<'de> + Default>(bytes: &[u8]) -> ApiResult<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON body: {e}")))
}

fn reason(field: &str, text: &str) -> ApiResult<String> {
    check_required(field, text, MAX_NOTE)?;
    Ok(text.trim().to_string())
}

fn note(text: &Option<String>) -> ApiResult<Option<String>> {
    if let Some(n) = text {
        check_len("note", n, MAX_NOTE)?;
    }
    Ok(text.clone().filter(|n| !n.trim().is_empty()))
}

type Id = web::Path<String>;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DispatchBody {
    /// Department code, e.g. `530100-rsj`; checked with the knowledge service.
    pub department: String,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmptyBody {}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    pub reason: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// Plain text, at most 4000 characters.
    pub body: String,
    #[serde(default)]
    pub channel: Option<ReplyChannel>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtendBody {
    /// The deadline asked for; after the current one.
    pub until: DateTime<Utc>,
    pub reason: String,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OptionalNote {
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteBody {
    pub note: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackBody {
    /// `satisfied` | `basically_satisfied` close the ticket, `dissatisfied` reopens it.
    /// The Chinese 满意 / 基本满意 / 不满意 are accepted too.
    pub satisfaction: Satisfaction,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PhoneIn {
    pub label: String,
    pub number: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartment {
    pub name: String,
    pub region: String,
    pub phones: Vec<PhoneIn>,
    pub address: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

/// The liaison's facts for a no-info ticket: a department the knowledge base has
/// (`department_code`) or a new one (`new_department`), the question and answer, a note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplenishBody {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_department: Option<NewDepartment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    pub note: String,
}

impl ReplenishBody {
    fn validate(&self) -> ApiResult<()> {
        match (&self.department_code, &self.new_department) {
            (Some(_), Some(_)) | (None, None) => {
                return Err(ApiError::bad_request(
                    "give either `department_code` or `new_department`",
                ));
            }
            (Some(code), None) if !valid_department(code) => {
                return Err(ApiError::bad_request(
                    "`department_code` is not a department code",
                ));
            }
            _ => {}
        }
        if let Some(d) = &self.new_department {
            check_required("new_department.name", &d.name, 100)?;
            check_required("new_department.address", &d.address, 200)?;
            if !valid_region(&d.region) {
                return Err(ApiError::bad_request(
                    "`new_department.region` is not a region code",
                ));
            }
            if d.phones.is_empty() || d.phones.len() > 10 {
                return Err(ApiError::bad_request(
                    "`new_department.phones` needs 1 to 10 numbers",
                ));
            }
            for p in &d.phones {
                check_len("phones.label", &p.label, 50)?;
                if !valid_phone(&p.number) {
                    return Err(ApiError::bad_request(format!(
                        "`{}` is not a phone number",
                        p.number
                    )));
                }
            }
            if let Some(h) = &d.hours {
                check_len("new_department.hours", h, 200)?;
            }
        }
        // The knowledge service takes a question only with its answer (a change request it
        // refused for that would leave the ticket replied and never closed); an answer alone
        // answers the caller's own question, the ticket's query.
        if let Some(q) = &self.question {
            check_required("question", q, 500)?;
            if self.answer.is_none() {
                return Err(ApiError::bad_request(
                    "`question` needs its `answer`: give both, or the answer alone",
                ));
            }
        }
        if let Some(a) = &self.answer {
            check_required("answer", a, MAX_TEXT)?;
        }
        check_required("note", &self.note, MAX_NOTE)?;
        Ok(())
    }
}

/// Whether the knowledge service knows an active department by this code.
async fn check_department(state: &AppState, code: &str, rid: Option<&str>) -> ApiResult<()> {
    match state
        .knowledge
        .get(&format!("/api/v1/departments/{code}"), rid)
        .await
    {
        Ok(dep) => {
            if dep["status"].as_str() == Some("merged") {
                let successor = dep["successor"].as_str().unwrap_or("its successor");
                return Err(ApiError::bad_request(format!(
                    "department {code} was merged into {successor}; dispatch to that one"
                )));
            }
            Ok(())
        }
        Err(ClientError::Status { status: 404, .. }) => Err(ApiError::bad_request(format!(
            "there is no department {code}"
        ))),
        Err(e) => {
            tracing::warn!(error = %e, "cannot check a department with the knowledge service");
            Err(ApiError::ServiceUnavailable(
                "the knowledge service cannot confirm the department now; try again shortly".into(),
            ))
        }
    }
}

/// Dispatches (or re-dispatches) to a department's liaison. The department is checked with the
/// knowledge service first: unknown is a 400, knowledge unreachable a 503, and nothing changes.
#[utoipa::path(
    tag = "actions",
    params(("id" = String, Path, description = "Ticket number")),
    request_body = DispatchBody,
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
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<DispatchBody>,
) -> ApiResult<HttpResponse> {
    user.require(TICKET_READERS)?;
    let id = path.into_inner();
    // Everything that can be refused without asking knowledge is refused first.
    let cur = super::tickets::load_visible(&state, &user, id.clone()).await?;
    user.require(Action::Dispatch.roles())?;
    let department = body.into_inner().department.trim().to_string();
    if !valid_department(&department) {
        return Err(ApiError::bad_request(
            "`department` is not a department code",
        ));
    }
    lifecycle::check(&cur.facts(state.clock.now()), Action::Dispatch, user.role)
        .map_err(refusal)?;
    check_department(&state, &department, request_id(&req).as_deref()).await?;
    act(&state, user, id, Action::Dispatch.roles(), move |_| {
        Ok(ActionInput::Dispatch { department })
    })
    .await
}

/// Accepts (签收) a dispatched ticket. Liaison of the ticket's department.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body(content = EmptyBody, description = "`{}` or no body"),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/accept")]
pub async fn accept(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    act(
        &state,
        user,
        path.into_inner(),
        Action::Accept.roles(),
        move |_| {
            let _: EmptyBody = optional_body(&body)?;
            Ok(ActionInput::Accept)
        },
    )
    .await
}

/// Returns (退单) a mis-dispatched ticket, with a reason; a supervisor re-dispatches it or
/// rejects the return. Liaison.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/return")]
pub async fn return_ticket(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::Return.roles(),
        move |_| {
            Ok(ActionInput::Return {
                reason: reason("reason", &b.reason)?,
            })
        },
    )
    .await
}

/// Rejects a return: the ticket goes back to the same department, in the state it was
/// returned from. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/return/reject")]
pub async fn return_reject(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::ReturnReject.roles(),
        move |_| {
            Ok(ActionInput::ReturnReject {
                reason: reason("reason", &b.reason)?,
            })
        },
    )
    .await
}

/// Replies to an accepted ticket (not no-info: those are answered with `replenish`). Liaison.
/// An urgent complaint's reply goes to the hotline centre by fax; a caller who left an
/// e-mail address gets it by e-mail.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = ReplyBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem), (status = 413, body = shared::error::Problem)))]
#[post("/tickets/{id}/reply")]
pub async fn reply(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<ReplyBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::Reply.roles(),
        move |_| {
            check_required("body", &b.body, MAX_TEXT)?;
            Ok(ActionInput::Reply {
                body: b.body.trim().to_string(),
                channel: b.channel.unwrap_or(ReplyChannel::System),
            })
        },
    )
    .await
}

/// Requests an extension (延期) before the deadline. Liaison.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = ExtendBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/extend")]
pub async fn extend(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<ExtendBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::Extend.roles(),
        move |_| {
            Ok(ActionInput::Extend {
                until: b.until,
                reason: reason("reason", &b.reason)?,
            })
        },
    )
    .await
}

/// Approves the waiting extension: the deadline moves. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body(content = OptionalNote, description = "optional"),
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/extend/approve")]
pub async fn extend_approve(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Bytes,
) -> ApiResult<HttpResponse> {
    act(
        &state,
        user,
        path.into_inner(),
        Action::ExtendApprove.roles(),
        move |_| {
            let b: OptionalNote = optional_body(&body)?;
            Ok(ActionInput::ExtendApprove {
                note: note(&b.note)?,
            })
        },
    )
    .await
}

/// Refuses the waiting extension, with a reason. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/extend/refuse")]
pub async fn extend_refuse(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::ExtendRefuse.roles(),
        move |_| {
            Ok(ActionInput::ExtendRefuse {
                reason: reason("reason", &b.reason)?,
            })
        },
    )
    .await
}

/// Supervises (督办) an open ticket: a note on its record. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = NoteBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/supervise")]
pub async fn supervise(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<NoteBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::Supervise.roles(),
        move |_| {
            Ok(ActionInput::Supervise {
                note: reason("note", &b.note)?,
            })
        },
    )
    .await
}

/// Records the callback (回访): satisfied or basically satisfied closes the ticket,
/// dissatisfied reopens it (重办). Operator or supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = CallbackBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/callback")]
pub async fn callback(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<CallbackBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        &[Role::Operator, Role::Supervisor],
        move |_| {
            Ok(ActionInput::Callback {
                satisfaction: b.satisfaction,
                note: note(&b.note)?,
            })
        },
    )
    .await
}

/// Reopens (重办) a replied or closed ticket, with a reason; a supervisor then dispatches it.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = ReasonBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/reopen")]
pub async fn reopen(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<ReasonBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::Reopen.roles(),
        move |_| {
            Ok(ActionInput::Reopen {
                reason: reason("reason", &b.reason)?,
            })
        },
    )
    .await
}

/// Closes (办结) a new or replied ticket. Supervisor.
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = NoteBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/close")]
pub async fn close(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<NoteBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    act(
        &state,
        user,
        path.into_inner(),
        Action::Close.roles(),
        move |_| {
            Ok(ActionInput::Close {
                note: reason("note", &b.note)?,
            })
        },
    )
    .await
}

/// The government-office liaison supplies the facts of an accepted no-info ticket; they go to
/// the knowledge service as a change request (through the outbox, so nothing is lost), and the
/// ticket waits in `replied` for the change to be applied (closes) or rejected (back to
/// `accepted`).
#[utoipa::path(tag = "actions", params(("id" = String, Path)), request_body = ReplenishBody,
    responses((status = 200, body = Ticket), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem), (status = 403, body = shared::error::Problem),
              (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/tickets/{id}/replenish")]
pub async fn replenish(
    user: AuthUser,
    state: web::Data<AppState>,
    path: Id,
    body: web::Json<ReplenishBody>,
) -> ApiResult<HttpResponse> {
    let b = body.into_inner();
    let submitted_by = user.sub.clone();
    act(
        &state,
        user,
        path.into_inner(),
        Action::Replenish.roles(),
        move |_| {
            b.validate()?;
            let mut request = serde_json::to_value(&b)?;
            if let Some(o) = request.as_object_mut() {
                o.insert("submitted_by".into(), serde_json::json!(submitted_by));
            }
            Ok(ActionInput::Replenish { request })
        },
    )
    .await
}
