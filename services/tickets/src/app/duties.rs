//! The service guide's duties around a ticket that are not steps of its lifecycle: asking for
//! a supervisor (投诉升级), co-handling departments (主办 / 协办) and merging repeat
//! complaints (重复件), each an action of the lifecycle, written by [`act_with`] with what
//! else it changes in the same transaction; and the no-info routing rules (政府办或由政府办
//! 指定的职能部门) that the supervisors keep.

use serde::Deserialize;
use serde_json::json;
use shared::auth::{AuthUser, Role};
use shared::time::from_ms;
use shared::values::looks_like_markup;
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use super::actions::{Acted, act_with, check_department};
use crate::db;
use crate::db::events::NewEvent;
use crate::domain::access::TICKET_READERS;
use crate::domain::action::ActionInput;
use crate::domain::lifecycle::Action;
use crate::domain::routing::{self, NoInfoRoute};
use crate::startup::AppState;

/// Adds `department` as a co-handler of ticket `id`: checked with the knowledge service
/// first, as a dispatch is; its liaisons are told as when a ticket is dispatched to them.
pub async fn add_cohandler(
    state: &AppState,
    user: &AuthUser,
    id: String,
    department: String,
    request_id: Option<&str>,
) -> ApiResult<Acted> {
    user.require(TICKET_READERS)?;
    user.require(Action::AddCohandler.roles())?;
    if !crate::domain::valid_department(&department) {
        return Err(ApiError::bad_request(
            "`department` is not a department code",
        ));
    }
    check_department(state, &department, request_id).await?;
    let (by, added) = (user.sub.clone(), department.clone());
    let build = move |_: &mut shared::db::DbConnection,
                      cur: &crate::domain::record::TicketRecord| {
        if cur.cohandlers.contains(&department) {
            return Err(ApiError::conflict(format!(
                "{department} co-handles the ticket already"
            )));
        }
        Ok(ActionInput::AddCohandler { department })
    };
    act_with(
        state,
        user,
        id,
        Action::AddCohandler,
        build,
        move |c, change, at| {
            Ok(db::cohandlers::insert(
                c,
                &change.record.id,
                &added,
                &by,
                at,
            )?)
        },
    )
    .await
}

/// A co-handling department's liaison gives its part of the reply (a later part replaces an
/// earlier one); the lead department's reply completes the ticket.
pub async fn cohandler_reply(
    state: &AppState,
    user: &AuthUser,
    id: String,
    body: String,
) -> ApiResult<Acted> {
    let department = user.department.clone().unwrap_or_default();
    let (by, part, dep) = (user.sub.clone(), body.clone(), department.clone());
    let build = move |_: &mut shared::db::DbConnection,
                      cur: &crate::domain::record::TicketRecord| {
        if !cur.cohandlers.contains(&department) {
            return Err(ApiError::forbidden(
                "only a co-handling department replies its part here; the lead department replies with /reply",
            ));
        }
        Ok(ActionInput::CohandlerReply { department, body })
    };
    act_with(
        state,
        user,
        id,
        Action::CohandlerReply,
        build,
        move |c, change, at| {
            Ok(db::cohandlers::set_reply(
                c,
                &change.record.id,
                &dep,
                &part,
                &by,
                at,
            )?)
        },
    )
    .await
}

/// Merges repeat ticket `id` into an earlier ticket of the same caller (重复件): this one is
/// closed, the earlier one gets an event with what this one said, and both keep their
/// histories.
pub async fn merge(
    state: &AppState,
    user: &AuthUser,
    id: String,
    input: ActionInput,
) -> ApiResult<Acted> {
    let (actor, role) = (user.sub.clone(), user.role);
    act_with(
        state,
        user,
        id,
        Action::Merge,
        move |_, _| Ok(input),
        move |c, change, at| {
            let t = &change.record;
            let into = change.data["into"].as_str().unwrap_or_default().to_string();
            let earlier = db::tickets::find(c, &into)?
                .ok_or_else(|| ApiError::bad_request(format!("there is no ticket {into}")))?;
            if let Some(other) = db::events::merged_into(c, &into)? {
                return Err(ApiError::bad_request(format!(
                    "{into} was itself merged into {other}; merge into that one"
                )));
            }
            let before = (earlier.created_at, &earlier.id) < (t.created_at, &t.id);
            if earlier.caller_phone != t.caller_phone || !before {
                return Err(ApiError::bad_request(format!(
                    "{into} is not an earlier ticket of the same caller"
                )));
            }
            let data = json!({ "ticket": t.id, "summary": t.summary, "details": t.details });
            db::events::insert(
                c,
                &NewEvent {
                    ticket_id: &into,
                    at,
                    actor: &actor,
                    role: role.as_str(),
                    action: "merged_in",
                    from_status: Some(earlier.status.as_str()),
                    to_status: Some(earlier.status.as_str()),
                    data: data.to_string(),
                    dedup_key: None,
                },
            )?;
            Ok(())
        },
    )
    .await
}

/// The no-info routing rules, for anyone who reads tickets.
pub async fn routes(state: &AppState, user: &AuthUser) -> ApiResult<Vec<NoInfoRoute>> {
    user.require(TICKET_READERS)?;
    shared::db::run(&state.pool, |c| Ok(db::noinfo_routes::list(c)?)).await
}

/// Adds a routing rule (supervisors): the department must be one knowledge knows.
pub async fn add_route(
    state: &AppState,
    user: &AuthUser,
    rule: NewRoute,
    request_id: Option<&str>,
) -> ApiResult<NoInfoRoute> {
    user.require(&[Role::Supervisor])?;
    let words = rule.check()?;
    check_department(state, &rule.department, request_id).await?;
    let by = user.sub.clone();
    let at = state.clock.now().timestamp_millis();
    shared::db::run(&state.pool, move |c| {
        let id = db::noinfo_routes::insert(c, &rule.region, &words, &rule.department, &by, at)?;
        Ok(NoInfoRoute {
            id,
            region: rule.region,
            words,
            department: rule.department,
            created_by: by,
            created_at: from_ms(at),
        })
    })
    .await
}

/// Removes a routing rule (supervisors); 404 when there is none.
pub async fn delete_route(state: &AppState, user: &AuthUser, id: i64) -> ApiResult<()> {
    user.require(&[Role::Supervisor])?;
    let gone = shared::db::run(&state.pool, move |c| Ok(db::noinfo_routes::delete(c, id)?)).await?;
    if gone {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("no routing rule {id}")))
    }
}

/// `POST /api/v1/no-info-routes`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRoute {
    /// Region code (`530100`): the rule holds there and in the regions below it.
    pub region: String,
    /// Topic words; a word is at most 20 characters, a rule has 1 to 20 of them.
    pub words: Vec<String>,
    /// Department code (`530100-ybj`).
    pub department: String,
}

impl NewRoute {
    /// The words as the rule keeps them (split, trimmed, each once).
    fn check(&self) -> ApiResult<Vec<String>> {
        if !crate::domain::valid_region(&self.region) {
            return Err(ApiError::bad_request(
                "`region` must be a six-digit region code such as 530100",
            ));
        }
        if !crate::domain::valid_department(&self.department) {
            return Err(ApiError::bad_request(
                "`department` is not a department code",
            ));
        }
        let words = routing::parse_words(&self.words.join(" "));
        if words.is_empty() || words.len() > 20 {
            return Err(ApiError::bad_request("`words` holds 1 to 20 topic words"));
        }
        if words
            .iter()
            .any(|w| w.chars().count() > 20 || looks_like_markup(w))
        {
            return Err(ApiError::bad_request(
                "each of `words` is plain text of at most 20 characters",
            ));
        }
        Ok(words)
    }
}
