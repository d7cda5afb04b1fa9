//! What the search answers with, and what it is built from.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::domain::{Department, Faq, Phone, Region};

/// A department as a hit shows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct DepartmentSummary {
    pub code: String,
    pub name: String,
    pub phones: Vec<Phone>,
    /// `active` or `merged`.
    pub status: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SearchHit {
    /// `department` or `faq`.
    pub kind: String,
    pub code: String,
    /// The department's name, or the FAQ question.
    pub title: String,
    /// HTML-escaped text with the matched words wrapped in `<em>…</em>`: the FAQ answer, or
    /// the department's aliases, phones and address.
    pub snippet: String,
    /// May be read out to the caller (授权解答); always true for a department's directory
    /// entry.
    pub authorized: bool,
    #[schema(value_type = DepartmentSummary)]
    pub department: SharedSummary,
    pub score: f32,
}

/// A department summary shared by the entries (and hits) of one department: a hit points
/// at it instead of copying its name and phones, and writes the JSON made once when the
/// index was built (every answer carries ten of them).
#[derive(Debug, Clone)]
pub struct SharedSummary(pub std::sync::Arc<PreparedSummary>);

#[derive(Debug)]
pub struct PreparedSummary {
    pub summary: DepartmentSummary,
    json: Box<serde_json::value::RawValue>,
}

impl SharedSummary {
    pub fn new(summary: DepartmentSummary) -> SharedSummary {
        // A struct of strings always serialises; the fallback (null) is never expected.
        let json = serde_json::value::to_raw_value(&summary).unwrap_or_default();
        SharedSummary(std::sync::Arc::new(PreparedSummary { summary, json }))
    }
}

impl PartialEq for SharedSummary {
    fn eq(&self, other: &SharedSummary) -> bool {
        self.0.summary == other.0.summary
    }
}

impl std::ops::Deref for SharedSummary {
    type Target = DepartmentSummary;
    fn deref(&self) -> &DepartmentSummary {
        &self.0.summary
    }
}

impl Serialize for SharedSummary {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.json.serialize(s)
    }
}

impl<'de> Deserialize<'de> for SharedSummary {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        DepartmentSummary::deserialize(d).map(SharedSummary::new)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SearchResponse {
    pub items: Vec<SearchHit>,
    pub took_ms: f64,
    /// False when no hit matches the query's key terms (a region name alone is not a
    /// match); such queries are recorded for the unanswered report.
    pub confident: bool,
}

/// An everyday word and the word the knowledge base uses for it (驾照 → 驾驶证).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Synonym {
    pub id: i64,
    pub term: String,
    pub replacement: String,
}

/// Everything the index is built from.
#[derive(Debug, Clone, Default)]
pub struct KbData {
    pub regions: Vec<Region>,
    pub departments: Vec<Department>,
    pub faqs: Vec<Faq>,
    pub synonyms: Vec<Synonym>,
}

/// Changed records to bring the index up to date with.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub departments: Vec<Department>,
    pub removed_departments: Vec<String>,
    pub faqs: Vec<Faq>,
    pub removed_faqs: Vec<String>,
    /// The whole synonym table, when it changed.
    pub synonyms: Option<Vec<Synonym>>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.departments.is_empty()
            && self.removed_departments.is_empty()
            && self.faqs.is_empty()
            && self.removed_faqs.is_empty()
            && self.synonyms.is_none()
    }
}
