//! Plain types and functions of the knowledge base. The record types read the reference
//! JSONL files (`data/kb/*.jsonl`) as they are, and are what the API answers with.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub mod accounts;
pub mod contacts;
pub mod hours;
pub mod ratelimit;
pub mod review;
pub mod scripts;
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
    /// With `{placeholders}` such as `{department}`, `{phone}`, `{hours}`.
    pub text: String,
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
