//! Plain types and functions of the knowledge base. The record types read the reference
//! JSONL files (`data/kb/*.jsonl`) as they are, and are what the API answers with.

use serde::{Deserialize, Serialize};
use shared::text_enum;
use utoipa::ToSchema;

pub mod accounts;
pub mod contacts;
pub mod hours;
pub mod ratelimit;
pub mod review;
pub mod scripts;
pub mod topics;
pub mod validate;

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

pub use shared::contract::knowledge::{Department, Faq, Liaison, Phone};

pub use shared::hours::{Hours, WeeklyHours};

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Script {
    pub key: String,
    pub title: String,
    /// With `{placeholders}` such as `{department}`, `{phone}`, `{hours}`; its punctuation
    /// full-width whatever was written (`scripts::full_width`).
    #[serde(deserialize_with = "full_width_text")]
    pub text: String,
    /// Who says it: `operator`, `liaison` or `both` (default `operator`).
    #[serde(default)]
    pub audience: ScriptAudience,
    /// The moment of the call it is for (default `answer`).
    #[serde(default)]
    pub step: ScriptStep,
    /// How to use it, for the reader, not to be read out (转接错误: explain patiently).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

fn full_width_text<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    String::deserialize(d).map(|t| scripts::full_width(&t))
}

text_enum!(
    /// Who says a script.
    #[derive(Default)]
    ScriptAudience {
        #[default]
        Operator = "operator",
        Liaison = "liaison",
        Both = "both",
    }
);

impl ScriptAudience {
    /// Whether someone of `who` (operator or liaison) says a script meant for `self`.
    pub fn includes(self, who: ScriptAudience) -> bool {
        self == who || self == Self::Both || who == Self::Both
    }
}

text_enum!(
    /// The moment of a call a script is for, in the order a call goes.
    #[derive(Default, PartialOrd, Ord)]
    ScriptStep {
        /// Greeting and taking the question (接听).
        #[default]
        Answer = "answer",
        /// Keeping the caller while looking it up (等待).
        Wait = "wait",
        /// Transfer, reporting a number, no information (转接).
        Transfer = "transfer",
        /// Complaints, criticism and suggestions (投诉建议).
        Complaint = "complaint",
        /// A caller who insists on someone higher (升级).
        Escalation = "escalation",
        /// Ending the call (结束).
        Close = "close",
    }
);

/// Keeps who authorised an FAQ answer and when: `by` at `now` when `after` becomes
/// authorised, what `before` said while it stays so, nothing once it is not.
pub fn authorization(
    before: Option<&Faq>,
    after: &mut Faq,
    by: &str,
    now: chrono::DateTime<chrono::Utc>,
) {
    match before {
        _ if !after.authorized => {
            after.authorized_by = None;
            after.authorized_at = None;
        }
        Some(b) if b.authorized && b.authorized_by.is_some() => {
            after.authorized_by = b.authorized_by.clone();
            after.authorized_at = b.authorized_at;
        }
        _ => {
            after.authorized_by = Some(by.to_string());
            after.authorized_at = Some(now);
        }
    }
}

/// Sets `field` to the value a PATCH body gave for it, if it gave one.
pub fn patch<T: Clone>(field: &mut T, value: &Option<T>) {
    if let Some(v) = value {
        *field = v.clone();
    }
}

/// The next free FAQ code of a department: `<department>-<n>` after the highest `n` in use.
pub fn next_faq_code(department: &str, existing: &[String]) -> String {
    let prefix = format!("{department}-");
    let max = existing
        .iter()
        .filter_map(|c| c.strip_prefix(&prefix))
        .filter_map(|n| n.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", max + 1)
}

/// The regions a filter on `code` covers: the region and every region under it.
pub fn region_and_below(regions: &[Region], code: &str) -> Vec<String> {
    let mut out = vec![code.to_string()];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i].clone();
        out.extend(
            regions
                .iter()
                .filter(|r| r.parent.as_deref() == Some(parent.as_str()))
                .map(|r| r.code.clone()),
        );
        i += 1;
        if out.len() > regions.len() + 1 {
            break; // a cycle in the data; stop rather than loop
        }
    }
    out
}

/// A department for the domain's unit tests: active, in 530100, with what they set.
#[cfg(test)]
pub(crate) fn sample_department(name: &str, fax: Option<&str>, phones: &[&str]) -> Department {
    Department {
        code: format!("530100-{}", name.len()),
        region: "530100".into(),
        kind: "x".into(),
        name: name.into(),
        aliases: vec![],
        phones: phones
            .iter()
            .map(|n| Phone {
                label: "办公室".into(),
                number: n.to_string(),
            })
            .collect(),
        fax: fax.map(String::from),
        address: None,
        directions: None,
        service_locations: vec![],
        hours: None,
        status: "active".into(),
        successor: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faq_codes_count_up() {
        let existing = vec![
            "530100-rsj-2".to_string(),
            "530100-rsj-10".to_string(),
            "530100-rsjx-99".to_string(),
        ];
        assert_eq!(next_faq_code("530100-rsj", &existing), "530100-rsj-11");
        assert_eq!(next_faq_code("530200-rsj", &existing), "530200-rsj-1");
    }

    #[test]
    fn patches_set_given_fields_only() {
        let mut name = "a".to_string();
        patch(&mut name, &None);
        assert_eq!(name, "a");
        patch(&mut name, &Some("b".to_string()));
        assert_eq!(name, "b");
    }

    #[test]
    fn region_filter_covers_children() {
        let r = |code: &str, parent: Option<&str>| Region {
            code: code.into(),
            name: code.into(),
            short_name: code.into(),
            aliases: vec![],
            level: "county".into(),
            parent: parent.map(str::to_string),
            area_code: String::new(),
        };
        let all = vec![
            r("53", None),
            r("5301", Some("53")),
            r("530102", Some("5301")),
            r("5302", Some("53")),
        ];
        assert_eq!(region_and_below(&all, "5301"), vec!["5301", "530102"]);
        assert_eq!(region_and_below(&all, "53").len(), 4);
    }
}
