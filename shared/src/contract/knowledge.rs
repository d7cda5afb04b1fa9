//! What the knowledge service accepts from the others, and the part of its department page
//! they read.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::codes::{DepartmentCode, RegionCode};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    pub label: String,
    pub number: String,
}

/// A department of the directory as stored and as the knowledge service lists it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Department {
    /// `<region>-<kind>`, e.g. `530100-rsj`.
    pub code: String,
    pub region: String,
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
    pub hours: Option<crate::hours::Hours>,
    /// `active` or `merged`.
    pub status: String,
    /// For a merged agency: the department that took over its work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

/// A department's information liaison (信息联络员).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Liaison {
    pub code: String,
    pub department: String,
    pub name: String,
    pub phone: String,
    pub mobile: String,
    pub email: String,
    pub fax: String,
}

/// An FAQ entry: a question with the department's answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Faq {
    pub code: String,
    pub department: String,
    pub question: String,
    pub answer: String,
    /// May be read out to callers (授权解答).
    pub authorized: bool,
    /// `draft`, `pending`, `published` or `retired`.
    pub status: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Who made the answer an authorised one (`import` for the reference data), and when;
    /// none while it is not authorised.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub authorized_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// One kept version of an FAQ entry (`GET /api/v1/faqs/{code}/revisions`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FaqRevision {
    pub revision: i32,
    pub department: String,
    pub question: String,
    pub answer: String,
    pub authorized: bool,
    pub status: String,
    pub keywords: Vec<String>,
    pub changed_by: String,
    /// UTC, RFC 3339.
    pub changed_at: chrono::DateTime<chrono::Utc>,
    pub note: Option<String>,
}

/// A department that is not in the directory yet, as a liaison describes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDepartmentProposal {
    pub name: String,
    #[schema(value_type = String)]
    pub region: RegionCode,
    #[serde(default)]
    pub phones: Vec<Phone>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Free text, e.g. `09:00-12:00,13:30-17:00`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hours: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRequestInput {
    /// The ticket this came from; its outcome is reported back to it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<String>,
    #[schema(value_type = Option<String>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<RegionCode>,
    /// The department concerned (a liaison's own when absent).
    #[schema(value_type = Option<String>)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department_code: Option<DepartmentCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_department: Option<NewDepartmentProposal>,
    /// With `answer`: an FAQ entry to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    pub note: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_by: Option<String>,
}

/// The part of knowledge's answer to `POST /api/v1/change-requests` a sender keeps.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct ChangeRequestAccepted {
    pub id: i64,
}

/// The part of `GET /api/v1/departments/{code}` the other services read: whether the
/// department still exists under this code, and how to reach its liaisons.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct DepartmentLookup {
    pub code: String,
    pub name: String,
    /// `active` or `merged`.
    pub status: String,
    /// For a merged agency: the department that took over its work.
    #[serde(default)]
    pub successor: Option<String>,
    #[serde(default)]
    pub liaisons: Vec<LiaisonContact>,
}

impl DepartmentLookup {
    pub fn is_merged(&self) -> bool {
        self.status == "merged"
    }
}

/// A liaison's addresses as the department page lists them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LiaisonContact {
    pub name: String,
    #[serde(default)]
    pub email: String,
    #[serde(default)]
    pub fax: String,
    #[serde(default)]
    pub mobile: String,
}

/// An account whose older tokens ended: tokens with a lower version are refused.
/// `GET /api/v1/auth/revocations?since=` (knowledge, for the other services).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Revocation {
    pub username: String,
    /// The version a token must carry at least.
    pub token_version: i64,
    /// Milliseconds since the epoch.
    pub changed_at: i64,
}

/// `POST /api/v1/auth/login`.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// `POST /api/v1/auth/password`: a person chooses their own password.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// 8 to 128 characters, not the current one.
    pub new_password: String,
}

/// A sign-in's (or a password change's) answer: a token valid at all three services.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct LoginResponse {
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    /// Seconds until the token expires.
    pub expires_in: i64,
    pub role: crate::auth::Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    /// The password was a one-time one: this token serves only `POST /api/v1/auth/password`
    /// (everything else answers 403) until the person chooses their own.
    #[serde(default)]
    pub password_change_required: bool,
}
