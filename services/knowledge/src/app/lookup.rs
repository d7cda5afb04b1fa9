//! Reads that combine several records: a page of departments under a region, a department as
//! an operator reads it out, a script filled from a department.

use chrono::{DateTime, Utc};
use serde::Serialize;
use shared::ApiError;
use shared::calendar::WorkCalendar;
use shared::codes::DepartmentCode;
use shared::db::DbConnection;
use shared::pagination::{Page, Paging};
use utoipa::ToSchema;

use super::found;
use crate::db::kb;
use crate::domain::{self, Department, Liaison, Phone, hours, review, scripts};

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
}

/// Script `key`, its placeholders filled from `department` when one is named.
pub fn script(
    conn: &mut DbConnection,
    key: &str,
    department: Option<&DepartmentCode>,
    target: Option<&DepartmentCode>,
    agent_id: &str,
) -> Result<ScriptView, ApiError> {
    let s = found(kb::script(conn, key)?, "script", key)?;
    let mut load = |code: &DepartmentCode| -> Result<_, ApiError> {
        found(
            kb::department(conn, code.as_str())?,
            "department",
            code.as_str(),
        )
    };
    let here = department.map(&mut load).transpose()?;
    let there = target.map(&mut load).transpose()?;
    let mut values = scripts::values(here.as_ref(), there.as_ref());
    values.push(("agent_id", agent_id.to_string()));
    let text = scripts::fill(&s.text, &values);
    Ok(ScriptView {
        unfilled: scripts::placeholders(&text),
        key: s.key,
        title: s.title,
        text,
        template: s.text,
    })
}
