//! Plain types and functions of the knowledge base. The record types read the reference
//! JSONL files (`data/kb/*.jsonl`) as they are, and are what the API answers with.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Region {
    pub code: String,
    pub name: String,
    pub short_name: String,
    /// Nicknames and former names (版纳, 中甸县).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// `province`, `prefecture` or `county`.
    pub level: String,
    pub parent: Option<String>,
    pub area_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Phone {
    pub label: String,
    pub number: String,
}

/// Opening hours: weekly ranges (`days` 1 = Monday … 7 = Sunday) and a note.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Hours {
    #[serde(default)]
    pub weekly: Vec<WeeklyHours>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct WeeklyHours {
    pub days: Vec<u8>,
    /// `[["09:00","12:00"], ["13:30","17:00"]]`
    pub ranges: Vec<(String, String)>,
}

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
    pub hours: Option<Hours>,
    /// `active` or `merged`.
    pub status: String,
    /// For a merged agency: the department that took over its work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub successor: Option<String>,
}

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
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub key: String,
    pub title: String,
    /// With `{placeholders}` such as `{department}`, `{phone}`, `{hours}`.
    pub text: String,
}
