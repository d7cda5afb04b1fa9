//! The knowledge service's answers as the editor's screens read them.

use serde::Deserialize;

use crate::api::types::{DepartmentRef, Phone};

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
/// editor's queue).
#[derive(Debug, Clone, Deserialize)]
pub struct Department {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub region_name: Option<String>,
    #[serde(default)]
    pub phones: Vec<Phone>,
    #[serde(default)]
    pub fax: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
    #[serde(default)]
    pub directions: Option<String>,
    #[serde(default)]
    pub hours_text: Option<String>,
    #[serde(default)]
    pub open_now: Option<bool>,
    #[serde(default)]
    pub service_locations: Vec<String>,
    #[serde(default)]
    pub liaisons: Vec<Liaison>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub successor_department: Option<DepartmentRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Faq {
    pub code: String,
    pub department: String,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
    pub status: String,
    #[serde(default)]
    pub keywords: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Revision {
    pub revision: i64,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
    pub status: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub note: Option<String>,
    pub changed_by: String,
    pub changed_at: String,
}

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

pub use shared::hours::{Hours, WeeklyHours};

/// A department as the list and `PATCH` answer it: every field the editor can change.
#[derive(Debug, Clone, Deserialize)]
pub struct DepartmentRecord {
    pub code: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub kind: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub phones: Vec<Phone>,
    pub fax: Option<String>,
    pub address: Option<String>,
    pub directions: Option<String>,
    #[serde(default)]
    pub service_locations: Vec<String>,
    pub hours: Option<Hours>,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub successor: Option<String>,
}

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

#[derive(Debug, Clone, Deserialize)]
pub struct Liaison {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub phone: String,
    #[serde(default)]
    pub mobile: String,
    #[serde(default)]
    pub email: String,
}
