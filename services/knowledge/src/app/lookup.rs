//! Reads that combine several records: a page of departments under a region, a department as
//! an operator reads it out, a script filled from a department.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::ApiError;
use shared::auth::AuthUser;
use shared::calendar::WorkCalendar;
use shared::codes::DepartmentCode;
use shared::db::DbConnection;
use shared::pagination::{Page, Paging};
use utoipa::ToSchema;

use super::found;
use crate::db::kb;
use crate::domain::{
    self, Department, Liaison, Phone, Script, ScriptAudience, ScriptStep, hours, review, scripts,
};
use crate::startup::AppState;

/// Departments in `region` (and the regions under it) whose name, alias or code holds `text`.
pub fn departments(
    conn: &mut DbConnection,
    region: Option<&str>,
    text: Option<&str>,
    fax: Option<&str>,
    paging: Paging,
) -> Result<Page<Department>, ApiError> {
    let codes = match fax {
        Some(number) => Some(with_fax(conn, number)?),
        None => None,
    };
    let regions = match region {
        Some(code) => {
            let all = kb::load_regions(conn)?;
            if !all.iter().any(|r| r.code == code) {
                return Err(ApiError::bad_request(format!("unknown region `{code}`")));
            }
            Some(domain::region_and_below(&all, code))
        }
        None => None,
    };
    let (items, total) = kb::list_departments(
        conn,
        regions.as_deref(),
        codes.as_deref(),
        text,
        paging.offset(),
        paging.per_page,
    )?;
    Ok(Page::new(items, total, paging))
}

/// The departments whose fax number, or a liaison's, is `number`. A received fax names its
/// sender's number in whatever form the gateway writes: numbers are compared in the one
/// canonical form.
fn with_fax(conn: &mut DbConnection, number: &str) -> Result<Vec<String>, ApiError> {
    let wanted = shared::values::normalize_phone(number);
    let mut codes: Vec<String> = Vec::new();
    for (code, fax) in kb::fax_numbers(conn)? {
        if shared::values::normalize_phone(&fax) == wanted && !codes.contains(&code) {
            codes.push(code);
        }
    }
    Ok(codes)
}

/// A department named by its successor record: enough to transfer a caller.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentRef {
    pub code: String,
    pub name: String,
    pub phones: Vec<Phone>,
    pub status: String,
}

/// Everything an operator reads out about a department.
#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentDetail {
    #[serde(flatten)]
    pub department: Department,
    pub region_name: Option<String>,
    /// The hours as read out: `周一至周五 09:00-12:00、13:30-17:00（法定节假日除外）`.
    pub hours_text: Option<String>,
    /// Open at this moment on the working-day calendar; null when no hours are on record.
    pub open_now: Option<bool>,
    pub liaisons: Vec<Liaison>,
    /// Codes of its published FAQ entries.
    pub faqs: Vec<String>,
    /// For a merged department: the one that took over.
    pub successor_department: Option<DepartmentRef>,
}

/// One department with its liaisons, hours, whether it is open `now`, and its FAQ codes.
pub fn department(
    conn: &mut DbConnection,
    code: &DepartmentCode,
    calendar: &WorkCalendar,
    now: DateTime<Utc>,
) -> Result<DepartmentDetail, ApiError> {
    let d = found(
        kb::department(conn, code.as_str())?,
        "department",
        code.as_str(),
    )?;
    let successor_department = match &d.successor {
        Some(s) => kb::department(conn, s)?.map(|s| DepartmentRef {
            code: s.code,
            name: s.name,
            phones: s.phones,
            status: s.status,
        }),
        None => None,
    };
    Ok(DepartmentDetail {
        region_name: kb::region(conn, &d.region)?.map(|r| r.name),
        hours_text: d
            .hours
            .as_ref()
            .map(hours::hours_text)
            .filter(|t| !t.is_empty()),
        open_now: hours::open_at(d.hours.as_ref(), calendar, now),
        liaisons: kb::liaisons_of(conn, &d.code)?,
        faqs: kb::faq_codes_of(conn, &d.code, review::PUBLISHED)?,
        successor_department,
        department: d,
    })
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScriptView {
    pub key: String,
    pub title: String,
    /// The text to read out, with the placeholders the department knows filled in.
    pub text: String,
    /// The script as stored.
    pub template: String,
    /// Placeholders still in `text`.
    pub unfilled: Vec<String>,
    pub audience: ScriptAudience,
    pub step: ScriptStep,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// What a script may be filled from, besides the signed-in account (`{agent_id}`).
#[derive(Debug, Default)]
pub struct ScriptFill {
    /// The department the reader speaks for or has open (`{department}`).
    pub department: Option<DepartmentCode>,
    /// The department the caller needs (`{target_department}`, `{phone}`, …).
    pub target: Option<DepartmentCode>,
    /// A ticket's reply deadline (`{deadline}`), as the tickets service gave it.
    pub deadline: Option<DateTime<Utc>>,
    /// The expected wait (`{minutes}`).
    pub minutes: Option<u32>,
    /// How to address the caller (`{title}`: 王先生).
    pub title: Option<String>,
}

/// Which scripts a list holds: for one audience, one step, or all.
#[derive(Debug, Default)]
pub struct ScriptFilter {
    pub audience: Option<ScriptAudience>,
    pub step: Option<ScriptStep>,
}

/// A script read, as the API takes it: what to fill from, the ticket whose deadline to read,
/// and which scripts a list holds.
#[derive(Debug, Default)]
pub struct ScriptRequest {
    pub fill: ScriptFill,
    pub ticket: Option<String>,
    pub filter: ScriptFilter,
}

/// Script `key` (one, or 404), or the list `request.filter` selects, filled; a ticket's
/// deadline is asked of the tickets service first.
pub async fn read_scripts(
    state: &AppState,
    user: &AuthUser,
    key: Option<String>,
    mut request: ScriptRequest,
) -> Result<Vec<ScriptView>, ApiError> {
    if let Some(id) = &request.ticket {
        request.fill.deadline = Some(ticket_deadline(state, user, id).await?);
    }
    let agent = user.sub.clone();
    shared::db::run(&state.pool, move |conn| match key {
        Some(key) => script(conn, &key, &request.fill, &agent).map(|s| vec![s]),
        None => scripts(conn, &request.filter, &request.fill, &agent),
    })
    .await
}

/// The reply deadline of ticket `id`, if `user` may see the ticket (else 404, as tickets
/// would answer them).
async fn ticket_deadline(
    state: &AppState,
    user: &AuthUser,
    id: &str,
) -> Result<DateTime<Utc>, ApiError> {
    let not_found = || {
        ApiError::not_found(format!(
            "no ticket `{}`",
            id.chars().take(32).collect::<String>()
        ))
    };
    if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') || id.len() > 32 {
        return Err(not_found());
    }
    match state.tickets.ticket_due(id).await {
        Ok(t) if scripts::may_read_ticket(user, t.department.as_deref(), &t.created_by) => {
            Ok(t.due_at)
        }
        Ok(_) => Err(not_found()),
        Err(e) if e.is_refusal() => Err(not_found()),
        Err(e) => Err(ApiError::ServiceUnavailable(format!(
            "the ticket's deadline cannot be read now: {e}"
        ))),
    }
}

/// Script `key`, its placeholders filled from what `fill` names.
pub fn script(
    conn: &mut DbConnection,
    key: &str,
    fill: &ScriptFill,
    agent_id: &str,
) -> Result<ScriptView, ApiError> {
    let s = found(kb::script(conn, key)?, "script", key)?;
    let values = fill_values(conn, fill, agent_id)?;
    Ok(filled(s, &values))
}

/// The scripts `filter` selects, in the order of a call's steps, each filled as [`script`].
pub fn scripts(
    conn: &mut DbConnection,
    filter: &ScriptFilter,
    fill: &ScriptFill,
    agent_id: &str,
) -> Result<Vec<ScriptView>, ApiError> {
    let values = fill_values(conn, fill, agent_id)?;
    let mut list: Vec<Script> = kb::load_scripts(conn)?
        .into_iter()
        .filter(|s| filter.audience.is_none_or(|a| s.audience.includes(a)))
        .filter(|s| filter.step.is_none_or(|st| s.step == st))
        .collect();
    list.sort_by(|a, b| a.step.cmp(&b.step).then_with(|| a.key.cmp(&b.key)));
    Ok(list.into_iter().map(|s| filled(s, &values)).collect())
}

fn fill_values(
    conn: &mut DbConnection,
    fill: &ScriptFill,
    agent_id: &str,
) -> Result<Vec<(&'static str, String)>, ApiError> {
    let mut load = |code: &DepartmentCode| -> Result<_, ApiError> {
        found(
            kb::department(conn, code.as_str())?,
            "department",
            code.as_str(),
        )
    };
    let here = fill.department.as_ref().map(&mut load).transpose()?;
    let there = fill.target.as_ref().map(&mut load).transpose()?;
    let mut values = scripts::values(here.as_ref(), there.as_ref());
    values.push(("agent_id", agent_id.to_string()));
    if let Some(d) = fill.deadline {
        values.push(("deadline", scripts::deadline_text(d)));
    }
    if let Some(m) = fill.minutes {
        values.push(("minutes", m.to_string()));
    }
    if let Some(t) = &fill.title {
        values.push(("title", t.clone()));
    }
    Ok(values)
}

fn filled(s: Script, values: &[(&str, String)]) -> ScriptView {
    let text = scripts::fill(&s.text, values);
    ScriptView {
        unfilled: scripts::placeholders(&text),
        key: s.key,
        title: s.title,
        text,
        template: s.text,
        audience: s.audience,
        step: s.step,
        note: s.note,
    }
}
