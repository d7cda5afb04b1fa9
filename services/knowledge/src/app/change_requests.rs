//! Change requests: proposed by liaisons (own department), editors, admins and the tickets
//! service; applied or rejected by editors. The outcome of one that came from a ticket is
//! reported to tickets through the outbox, written in the same transaction.

use serde::Serialize;
use shared::ApiError;
use shared::auth::{AuthUser, Role};
use shared::codes::DepartmentCode;
use shared::contract::tickets::{KnowledgeOutcome, KnowledgeResult};
use shared::db::DbConnection;
use shared::pagination::{Page, Paging};
use shared::time::{from_ms, now_ms};
use utoipa::ToSchema;

use super::audit::{self, Actor};
use super::{Failure, faqs, transaction};
use crate::db::change_requests::{self as store, ChangeRequestRow};
use crate::db::{changes, directory, kb, outbox};
use crate::domain::{Department, Faq, hours, review, validate};
use shared::contract::audit::action;

pub const PENDING: &str = "pending";
pub const APPLIED: &str = "applied";
pub const REJECTED: &str = "rejected";
pub const STATES: [&str; 3] = [PENDING, APPLIED, REJECTED];

pub use shared::contract::knowledge::{ChangeRequestInput, NewDepartmentProposal};

/// A liaison proposes changes to their own department only (`own`), which is the one
/// concerned when the request names none, and signs as themselves (`me`). Facts for a ticket
/// go through the ticket (`POST /api/v1/tickets/{id}/replenish`), where tickets checks that it is
/// a no-info ticket of the liaison's department waiting for them; tickets then files them here.
pub fn restrict_to(input: &mut ChangeRequestInput, own: &str, me: &str) -> Result<(), ApiError> {
    if input.ticket_id.is_some() {
        return Err(ApiError::forbidden(
            "facts for a ticket are given on the ticket: POST /api/v1/tickets/{id}/replenish",
        ));
    }
    input.submitted_by = Some(me.to_string());
    let other = input.new_department.is_some()
        || input
            .department_code
            .as_ref()
            .is_some_and(|d| d.as_str() != own);
    if other {
        return Err(ApiError::forbidden(
            "a liaison proposes changes to their own department only",
        ));
    }
    if input.department_code.is_none() {
        input.department_code =
            Some(DepartmentCode::parse("department", own).map_err(ApiError::forbidden)?);
    }
    Ok(())
}

fn check(input: &ChangeRequestInput) -> Result<(), String> {
    if let Some(t) = &input.ticket_id {
        check_ticket_id(t)?;
    }
    if let Some(n) = &input.new_department {
        validate::text("new_department.name", &n.name, validate::MAX_NAME)?;
        if n.phones.len() > 20 {
            return Err("`new_department.phones` has more than 20 items".into());
        }
        for p in &n.phones {
            validate::optional_text(
                "new_department.phones.label",
                Some(&p.label),
                validate::MAX_SHORT,
            )?;
            validate::text(
                "new_department.phones.number",
                &p.number,
                validate::MAX_SHORT,
            )?;
        }
        validate::optional_text(
            "new_department.address",
            n.address.as_deref(),
            validate::MAX_ADDRESS,
        )?;
        validate::optional_text(
            "new_department.hours",
            n.hours.as_deref(),
            validate::MAX_ADDRESS,
        )?;
    }
    if input.department_code.is_none() && input.new_department.is_none() {
        return Err("name a `department_code` or describe a `new_department`".into());
    }
    match (&input.question, &input.answer) {
        (Some(q), Some(a)) => {
            validate::text("question", q, validate::MAX_QUESTION)?;
            validate::text("answer", a, validate::MAX_ANSWER)?;
        }
        (None, None) => {}
        _ => return Err("`question` and `answer` go together".into()),
    }
    validate::optional_text("note", Some(&input.note), validate::MAX_NOTE)?;
    validate::optional_text(
        "submitted_by",
        input.submitted_by.as_deref(),
        validate::MAX_NAME,
    )
}

fn check_ticket_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("`ticket_id` must be 1-64 letters, digits, `-`, `_`, `.` or `:`".into())
    }
}

/// Records a proposal by `created_by`. With an idempotency `key` (already made per caller),
/// the same key answers the same request: the second value says whether it is new.
pub fn submit(
    conn: &mut DbConnection,
    mut input: ChangeRequestInput,
    proposer: &AuthUser,
    key: Option<String>,
) -> Result<(ChangeRequestView, bool), ApiError> {
    if proposer.is(Role::Liaison) {
        let own = proposer.department.as_deref().unwrap_or_default();
        restrict_to(&mut input, own, &proposer.sub)?;
    }
    let (row, created) = store_new(conn, input, &proposer.sub, key)?;
    Ok((ChangeRequestView::try_from(row)?, created))
}

/// A page of the requests in `status` (all without one).
pub fn list(
    conn: &mut DbConnection,
    status: Option<String>,
    paging: Paging,
) -> Result<Page<ChangeRequestView>, ApiError> {
    if let Some(s) = &status
        && !STATES.contains(&s.as_str())
    {
        return Err(ApiError::bad_request(
            "`status` must be pending, applied or rejected",
        ));
    }
    let (rows, total) = store::list(conn, status.as_deref(), paging.offset(), paging.per_page)?;
    let items = rows
        .into_iter()
        .map(ChangeRequestView::try_from)
        .collect::<Result<_, _>>()?;
    Ok(Page::new(items, total, paging))
}

/// One request, as `reader` may see it: a liaison only their own department's.
pub fn get(
    conn: &mut DbConnection,
    id: i64,
    reader: &AuthUser,
) -> Result<ChangeRequestView, ApiError> {
    store::get(conn, id)?
        .filter(|r| !reader.is(Role::Liaison) || r.department_code == reader.department)
        .ok_or_else(|| ApiError::not_found(format!("no change request {id}")))
        .and_then(ChangeRequestView::try_from)
}

/// Stores a checked proposal, once per idempotency key.
fn store_new(
    conn: &mut DbConnection,
    input: ChangeRequestInput,
    created_by: &str,
    key: Option<String>,
) -> Result<(ChangeRequestRow, bool), ApiError> {
    check(&input).map_err(ApiError::BadRequest)?;
    let new = ChangeRequestRow {
        id: 0,
        idempotency_key: key.clone(),
        ticket_id: input.ticket_id.clone(),
        region: input.region.clone().map(String::from),
        department_code: input.department_code.clone().map(String::from),
        new_department: input
            .new_department
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(ApiError::internal)?,
        question: input.question.clone(),
        answer: input.answer.clone(),
        note: input.note.clone(),
        submitted_by: input
            .submitted_by
            .clone()
            .unwrap_or_else(|| created_by.to_string()),
        status: PENDING.into(),
        entry_code: None,
        reason: None,
        created_by: created_by.to_string(),
        created_at: now_ms(),
        decided_by: None,
        decided_at: None,
    };
    // A lost race on the key is tried again (see `transaction`) and then finds the winner's.
    transaction(conn, |conn| {
        if let Some(k) = &key
            && let Some(existing) = store::by_key(conn, k)?
        {
            return Ok((existing, false));
        }
        let regions = [
            input.region.as_ref(),
            input.new_department.as_ref().map(|n| &n.region),
        ];
        for r in regions.into_iter().flatten() {
            if kb::region(conn, r.as_str())?.is_none() {
                return Err(ApiError::bad_request(format!("unknown region `{r}`")).into());
            }
        }
        if let Some(d) = &input.department_code
            && kb::department(conn, d.as_str())?.is_none()
        {
            return Err(ApiError::bad_request(format!("unknown department `{d}`")).into());
        }
        let id = store::insert(conn, &new)?;
        let row =
            store::get(conn, id)?.ok_or_else(|| ApiError::internal("change request vanished"))?;
        Ok((row, true))
    })
}

/// Applies a pending request: creates or changes the department and FAQ entry, and reports
/// `applied` to the ticket it came from. Returns the entry's code.
pub fn apply(conn: &mut DbConnection, id: i64, by: &Actor) -> Result<String, ApiError> {
    transaction(conn, |conn| {
        let cr = pending(conn, id)?;
        let entry = make_changes(conn, &cr, &by.name)?;
        decide(conn, &cr, APPLIED, Some(&entry), None, &by.name)?;
        let details = serde_json::json!({ "entry_code": entry, "ticket_id": cr.ticket_id });
        audit::record(conn, by, action::CHANGE_APPLIED, &id.to_string(), details)?;
        Ok(entry)
    })
}

/// Rejects a pending request with a reason, reported to its ticket.
pub fn reject(conn: &mut DbConnection, id: i64, reason: &str, by: &Actor) -> Result<(), ApiError> {
    validate::text("reason", reason, validate::MAX_NOTE).map_err(ApiError::BadRequest)?;
    transaction(conn, |conn| {
        let cr = pending(conn, id)?;
        decide(conn, &cr, REJECTED, None, Some(reason), &by.name)?;
        let details = serde_json::json!({ "reason": reason, "ticket_id": cr.ticket_id });
        audit::record(conn, by, action::CHANGE_REJECTED, &id.to_string(), details)?;
        Ok(())
    })
}

fn pending(conn: &mut DbConnection, id: i64) -> Result<ChangeRequestRow, Failure> {
    let cr = store::get(conn, id)?
        .ok_or_else(|| ApiError::not_found(format!("no change request {id}")))?;
    if cr.status != PENDING {
        return Err(ApiError::InvalidTransition(format!(
            "change request {id} is already {}",
            cr.status
        ))
        .into());
    }
    Ok(cr)
}

/// Records the decision and, for a request from a ticket, the message that reports it.
fn decide(
    conn: &mut DbConnection,
    cr: &ChangeRequestRow,
    outcome: &str,
    entry_code: Option<&str>,
    reason: Option<&str>,
    by: &str,
) -> Result<(), Failure> {
    if !store::decide(conn, cr.id, outcome, entry_code, reason, by)? {
        return Err(ApiError::InvalidTransition(format!(
            "change request {} was decided meanwhile",
            cr.id
        ))
        .into());
    }
    let Some(ticket) = &cr.ticket_id else {
        return Ok(());
    };
    let result = KnowledgeResult {
        change_request_id: cr.id,
        outcome: match outcome {
            APPLIED => KnowledgeOutcome::Applied,
            _ => KnowledgeOutcome::Rejected,
        },
        entry_code: entry_code.map(str::to_string),
        reason: reason.map(str::to_string),
    };
    outbox::push(
        conn,
        "tickets",
        &KnowledgeResult::path(ticket),
        &format!("cr-{}", cr.id),
        &result,
    )?;
    Ok(())
}

/// The proposal stored with a request.
pub fn proposal(cr: &ChangeRequestRow) -> Result<Option<NewDepartmentProposal>, ApiError> {
    cr.new_department
        .as_deref()
        .map(serde_json::from_str)
        .transpose()
        .map_err(ApiError::internal)
}

fn no_longer(what: String) -> Failure {
    ApiError::InvalidTransition(what).into()
}

/// Makes the directory and FAQ changes a request asks for; returns the entry code.
fn make_changes(
    conn: &mut DbConnection,
    cr: &ChangeRequestRow,
    by: &str,
) -> Result<String, Failure> {
    let department = match (&cr.department_code, proposal(cr)?) {
        (Some(code), proposal) => {
            let mut d = kb::department(conn, code)?
                .ok_or_else(|| no_longer(format!("department `{code}` no longer exists")))?;
            if let Some(p) = proposal {
                let before = d.clone();
                d.name = p.name;
                if !p.phones.is_empty() {
                    d.phones = p.phones;
                }
                if p.address.is_some() {
                    d.address = p.address;
                }
                if let Some(h) = p.hours {
                    d.hours = Some(hours::from_text(&h));
                }
                validate::department(&d).map_err(ApiError::BadRequest)?;
                if d != before {
                    directory::update_department(conn, &d)?;
                    changes::record(conn, changes::DEPARTMENT, &d.code)?;
                }
            }
            d
        }
        (None, Some(p)) => {
            let d = Department {
                code: format!("{}-cr{}", p.region, cr.id),
                region: p.region.into(),
                kind: "cr".into(),
                name: p.name,
                aliases: Vec::new(),
                phones: p.phones,
                fax: None,
                address: p.address,
                directions: None,
                service_locations: Vec::new(),
                hours: p.hours.as_deref().map(hours::from_text),
                status: "active".into(),
                successor: None,
            };
            validate::department(&d).map_err(ApiError::BadRequest)?;
            if kb::region(conn, &d.region)?.is_none() {
                return Err(no_longer(format!("region `{}` no longer exists", d.region)));
            }
            directory::insert_departments(conn, std::slice::from_ref(&d))?;
            changes::record(conn, changes::DEPARTMENT, &d.code)?;
            d
        }
        (None, None) => return Err(no_longer("the request names no department".into())),
    };
    let (Some(question), Some(answer)) = (&cr.question, &cr.answer) else {
        return Ok(department.code);
    };
    directory::lock_department(conn, &department.code)?;
    let faq = Faq {
        code: faqs::next_code(conn, &department.code)?,
        department: department.code,
        question: question.clone(),
        answer: answer.clone(),
        // Reviewed by an editor and supplied by the department: may be read out.
        authorized: true,
        status: review::PUBLISHED.into(),
        keywords: Vec::new(),
        authorized_by: None,
        authorized_at: None,
    };
    validate::faq(&faq).map_err(ApiError::BadRequest)?;
    faqs::insert(conn, &faq, by, Some(&format!("change request {}", cr.id)))?;
    Ok(faq.code)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChangeRequestView {
    pub id: i64,
    /// `pending`, `applied` or `rejected`.
    pub status: String,
    pub ticket_id: Option<String>,
    pub region: Option<String>,
    pub department_code: Option<String>,
    pub new_department: Option<NewDepartmentProposal>,
    pub question: Option<String>,
    pub answer: Option<String>,
    pub note: String,
    pub submitted_by: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The FAQ entry (or department) the request became.
    pub entry_code: Option<String>,
    pub reason: Option<String>,
    pub decided_by: Option<String>,
    pub decided_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl TryFrom<ChangeRequestRow> for ChangeRequestView {
    type Error = ApiError;
    fn try_from(r: ChangeRequestRow) -> Result<Self, ApiError> {
        Ok(ChangeRequestView {
            new_department: proposal(&r)?,
            id: r.id,
            status: r.status,
            ticket_id: r.ticket_id,
            region: r.region,
            department_code: r.department_code,
            question: r.question,
            answer: r.answer,
            note: r.note,
            submitted_by: r.submitted_by,
            created_by: r.created_by,
            created_at: from_ms(r.created_at),
            entry_code: r.entry_code,
            reason: r.reason,
            decided_by: r.decided_by,
            decided_at: r.decided_at.map(from_ms),
        })
    }
}
