//! What the search answers with, and what it is built from.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::engine::DocData;
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

// A hit as it goes over the wire (the contract; clients read answers into it). The engine
// answers with `Answer`, which writes this shape. (Plain comments: a doc comment here would
// become the schema's description.)
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
    /// The department's kind (`rsj`), its FAQ topic; not on the wire. Shared by the
    /// departments of a kind, so a search notes its topic without allocating.
    pub kind: std::sync::Arc<str>,
    /// Whether it is a government service centre (政务服务中心), whose questions (几点上班,
    /// 在哪里) callers ask of every department too; not on the wire.
    pub service_centre: bool,
}

impl SharedSummary {
    /// A summary whose kind is not known (one read back from the wire).
    pub fn new(summary: DepartmentSummary) -> SharedSummary {
        SharedSummary::of_kind(summary, std::sync::Arc::from(""), false)
    }

    pub fn of_kind(
        summary: DepartmentSummary,
        kind: std::sync::Arc<str>,
        service_centre: bool,
    ) -> SharedSummary {
        // A struct of strings always serialises; the fallback (null) is never expected.
        let json = serde_json::value::to_raw_value(&summary).unwrap_or_default();
        SharedSummary(std::sync::Arc::new(PreparedSummary {
            summary,
            json,
            kind,
            service_centre,
        }))
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

// A search answer as it goes over the wire (see `SearchHit`).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct SearchResponse {
    pub items: Vec<SearchHit>,
    pub took_ms: f64,
    /// False when no hit matches the query's key terms (a region name alone is not a
    /// match); such queries are recorded for the unanswered report.
    pub confident: bool,
}

/// What the engine answers: hits that point at their indexed entries instead of copying
/// them. [`Answer::write_json`] writes the [`SearchResponse`] shape from what each entry
/// prepared when it was indexed, so a query copies a few blocks of JSON per hit and escapes
/// only its snippets.
#[derive(Debug, Clone)]
pub struct Answer {
    pub items: Vec<Hit>,
    pub took_ms: f64,
    pub confident: bool,
}

#[derive(Debug, Clone)]
pub struct Hit {
    pub entry: std::sync::Arc<DocData>,
    /// HTML-escaped, matched words in `<em>…</em>`.
    pub snippet: String,
    /// Nothing in the snippet needs escaping in a JSON string either (it is written as is).
    pub plain: bool,
    pub score: f32,
}

impl Hit {
    pub fn code(&self) -> &str {
        &self.entry.code
    }

    pub fn title(&self) -> &str {
        &self.entry.title
    }

    pub fn kind(&self) -> &'static str {
        self.entry.kind.as_str()
    }

    pub fn authorized(&self) -> bool {
        self.entry.authorized
    }

    /// Its department's kind: the FAQ topic a search answered by it is counted under.
    pub fn topic(&self) -> &std::sync::Arc<str> {
        &self.entry.department.0.kind
    }
}

/// Writes the start of an entry's hit as JSON, up to its department: `{"kind":…,"code":…,
/// "title":…,"authorized":…,"department":`. Written for each hit rather than kept with
/// every entry (at scale 20 a copy per entry was 35 MB); the department's JSON, which its
/// entries share, follows it.
fn write_hit_head(entry: &DocData, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
    out.extend_from_slice(b"{\"kind\":\"");
    out.extend_from_slice(entry.kind.as_str().as_bytes());
    out.extend_from_slice(b"\",\"code\":");
    serde_json::to_writer(&mut *out, &entry.code)?;
    out.extend_from_slice(b",\"title\":");
    serde_json::to_writer(&mut *out, &*entry.title)?;
    out.extend_from_slice(if entry.authorized {
        b",\"authorized\":true,\"department\":"
    } else {
        b",\"authorized\":false,\"department\":"
    });
    Ok(())
}

impl Answer {
    /// Appends the answer as JSON, in the [`SearchResponse`] shape.
    pub fn write_json(&self, out: &mut Vec<u8>) -> Result<(), serde_json::Error> {
        out.extend_from_slice(b"{\"items\":[");
        for (i, hit) in self.items.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_hit_head(&hit.entry, out)?;
            out.extend_from_slice(hit.entry.department.0.json.get().as_bytes());
            out.push(b',');
            out.extend_from_slice(b"\"snippet\":");
            if hit.plain {
                out.push(b'"');
                out.extend_from_slice(hit.snippet.as_bytes());
                out.push(b'"');
            } else {
                serde_json::to_writer(&mut *out, &hit.snippet)?;
            }
            out.extend_from_slice(b",\"score\":");
            serde_json::to_writer(&mut *out, &hit.score)?;
            out.push(b'}');
        }
        out.extend_from_slice(b"],\"took_ms\":");
        serde_json::to_writer(&mut *out, &self.took_ms)?;
        out.extend_from_slice(if self.confident {
            b",\"confident\":true}"
        } else {
            b",\"confident\":false}"
        });
        Ok(())
    }

    /// The same answer as owned wire records.
    pub fn to_response(&self) -> SearchResponse {
        SearchResponse {
            items: self
                .items
                .iter()
                .map(|h| SearchHit {
                    kind: h.kind().to_string(),
                    code: h.code().to_string(),
                    title: h.title().to_string(),
                    snippet: h.snippet.clone(),
                    authorized: h.authorized(),
                    department: h.entry.department.clone(),
                    score: h.score,
                })
                .collect(),
            took_ms: self.took_ms,
            confident: self.confident,
        }
    }
}

/// An everyday word and the word the knowledge base uses for it (驾照 → 驾驶证).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Synonym {
    pub id: i64,
    pub term: String,
    pub replacement: String,
}

/// How a caller voices a question of the knowledge base, added by an editor (`label` is the
/// question as asked in every region, `scj-5`); the built-in ones are in
/// `data/search-phrasings.tsv`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Phrasing {
    pub id: i64,
    /// The question's label, `scj-5`.
    #[schema(example = "scj-5")]
    pub label: String,
    #[schema(example = "开的小卖部不想干了那个证要去哪里退")]
    pub phrasing: String,
}

/// Everything the index is built from.
#[derive(Debug, Clone, Default)]
pub struct KbData {
    pub regions: Vec<Region>,
    pub departments: Vec<Department>,
    pub faqs: Vec<Faq>,
    pub synonyms: Vec<Synonym>,
    /// The editors' phrasings (the built-in table is always learnt too).
    pub phrasings: Vec<Phrasing>,
}

/// Changed records to bring the index up to date with.
#[derive(Debug, Clone, Default)]
pub struct Changes {
    pub departments: Vec<Department>,
    pub removed_departments: Vec<String>,
    /// The changed FAQ entries, and every FAQ entry of a changed department (they show its
    /// name and phones; the index keeps no copy of what they are made of, and writes again
    /// those given here).
    pub faqs: Vec<Faq>,
    pub removed_faqs: Vec<String>,
    /// The whole synonym table, when it changed.
    pub synonyms: Option<Vec<Synonym>>,
    /// The editors' whole phrasings table, when it changed.
    pub phrasings: Option<Vec<Phrasing>>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        !self.touches_entries() && self.synonyms.is_none() && self.phrasings.is_none()
    }

    /// Whether a department or FAQ entry changed (not only the synonyms or phrasings).
    pub fn touches_entries(&self) -> bool {
        !(self.departments.is_empty()
            && self.removed_departments.is_empty()
            && self.faqs.is_empty()
            && self.removed_faqs.is_empty())
    }
}
