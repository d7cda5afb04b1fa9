//! The knowledge service's answers as the editor's screens read them.

use std::collections::BTreeMap;

use futures_util::stream::{self, StreamExt};
use serde::Deserialize;

use crate::api::types::{DepartmentRef, Phone};
use crate::api::{Api, Service, path_code};
use crate::session::User;

/// A department that is not in the directory yet, as a liaison described it.
#[derive(Debug, Clone, Deserialize)]
pub struct NewDepartment {
    pub name: String,
    pub region: String,
    #[serde(default)]
    pub phones: Vec<Phone>,
    pub address: Option<String>,
    pub hours: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ChangeRequest {
    pub id: i64,
    pub ticket_id: Option<String>,
    pub region: Option<String>,
    pub department_code: Option<String>,
    pub new_department: Option<NewDepartment>,
    pub question: Option<String>,
    pub answer: Option<String>,
    #[serde(default)]
    pub note: String,
    pub submitted_by: String,
    pub created_at: String,
}

/// A department as `GET /departments/{code}` answers it (the operator's detail panel, the
/// editor's queue); fields the answer leaves out read as empty.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct Department {
    pub code: String,
    pub name: String,
    pub region: String,
    pub region_name: Option<String>,
    pub phones: Vec<Phone>,
    pub fax: Option<String>,
    pub address: Option<String>,
    pub directions: Option<String>,
    pub hours_text: Option<String>,
    pub open_now: Option<bool>,
    pub service_locations: Vec<String>,
    pub liaisons: Vec<Liaison>,
    pub status: String,
    pub successor_department: Option<DepartmentRef>,
}

/// One kept version of an FAQ entry.
pub use shared::contract::knowledge::FaqRevision as Revision;

#[derive(Debug, Clone, Deserialize)]
pub struct Unanswered {
    pub query: String,
    pub times: i64,
    pub last_asked_at: String,
    pub region: Option<String>,
    pub answered_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Region {
    pub code: String,
    pub name: String,
    /// `province`, `prefecture` or `county`.
    #[serde(default)]
    pub level: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Synonym {
    pub id: i64,
    pub term: String,
    pub replacement: String,
}

/// A question of the knowledge base with how callers voice it (`GET /api/v1/search/phrasings`).
#[derive(Debug, Clone, Deserialize)]
pub struct QuestionPhrasings {
    pub label: String,
    pub question: String,
    pub phrasings: Vec<PhrasingItem>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PhrasingItem {
    /// An editor's row; none for a built-in one.
    pub id: Option<i64>,
    pub phrasing: String,
    pub built_in: bool,
}

/// An editor's phrasing as added.
#[derive(Debug, Clone, Deserialize)]
pub struct Phrasing {
    pub id: i64,
    pub label: String,
    pub phrasing: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ImportReport {
    pub files: Vec<FileReport>,
    #[serde(default)]
    pub took_ms: i64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct FileReport {
    pub file: String,
    pub created: i64,
    pub updated: i64,
    pub unchanged: i64,
    pub rejected: Vec<RejectedLine>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RejectedLine {
    pub line: i64,
    pub code: Option<String>,
    pub error: String,
}

pub use shared::contract::knowledge::{Faq, Liaison};
pub use shared::hours::{Hours, WeeklyHours};

/// A department as the list and `PATCH` answer it: every field the editor can change.
pub use shared::contract::knowledge::Department as DepartmentRecord;

/// `GET /departments/{code}`: the record with its region's name and its liaisons.
#[derive(Debug, Clone, Deserialize)]
pub struct DepartmentDetail {
    #[serde(flatten)]
    pub department: DepartmentRecord,
    #[serde(default)]
    pub region_name: Option<String>,
    #[serde(default)]
    pub liaisons: Vec<Liaison>,
}

/// The departments a picker's text finds: eight at most, by name, alias or code; none for an
/// empty text.
pub async fn find_departments<T: serde::de::DeserializeOwned>(
    api: &crate::api::Api,
    user: &crate::session::User,
    q: &str,
) -> Result<Vec<T>, crate::error::PageError> {
    if q.is_empty() {
        return Ok(Vec::new());
    }
    let page: crate::api::types::Page<T> = api
        .get_query(
            user,
            crate::api::Service::Knowledge,
            "/api/v1/departments",
            &[("q", q), ("per_page", "8")],
        )
        .await?;
    Ok(page.items)
}

/// How many department names are asked of the knowledge service at once.
const NAME_LOOKUPS: usize = 8;

/// The departments' names, from the knowledge service (cached a minute); a code it cannot name
/// stays a code.
pub async fn department_names(
    api: &Api,
    user: &User,
    codes: Vec<String>,
) -> BTreeMap<String, String> {
    #[derive(Deserialize)]
    struct Named {
        code: String,
        name: String,
    }
    stream::iter(codes)
        .map(|code| async move {
            let path = format!("/api/v1/departments/{}", path_code(&code).ok()?);
            let d: Named = api
                .get_reference(user, Service::Knowledge, &path)
                .await
                .ok()?;
            Some((d.code, d.name))
        })
        .buffer_unordered(NAME_LOOKUPS)
        .filter_map(|x| async move { x })
        .collect()
        .await
}
