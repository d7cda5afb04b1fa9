//! Operator search: Chinese segmentation, pinyin, region words, synonyms, and ranking over
//! an in-process tantivy index kept fresh from the database's change sequence.
//!
//! The tables a query looks up many times (region forms and synonyms at every character
//! position, word lists for every word, decoded posting lists) hash with FxHash
//! (`rustc-hash`), not the standard library's keyed hash, which cost more than the lookups
//! themselves. Their keys are the knowledge base's and ours, or (the posting lists kept per
//! thread) words of signed-in operators' queries, at most a bounded number: the flooding a
//! keyed hash guards against is not a risk here. Nothing hashed is stored or compared
//! between processes.

pub mod engine;
pub mod model;
pub mod regions;
pub mod service;
pub mod synonyms;
pub mod text;

use std::path::Path;

pub use engine::{Analysis, SearchError, SearchIndex};
pub use model::{Answer, Changes, Hit, KbData, Phrasing, SearchHit, SearchResponse, Synonym};
pub use service::SearchService;

/// The synonym table's seed (`data/search-synonyms.tsv`), merged into the database at every
/// start (each row offered once); editors change the table through the API.
pub const SEED_SYNONYMS: &str = include_str!("../../data/search-synonyms.tsv");

/// How callers voice each of the knowledge base's questions (`data/search-phrasings.tsv`:
/// a question's label, `scj-5`, and a sentence), which the topic classifier learns from.
pub const SEED_PHRASINGS: &str = include_str!("../../data/search-phrasings.tsv");

/// The phrasings table's (label, phrasing) rows, read once.
pub fn seed_phrasings() -> &'static [(String, String)] {
    static ROWS: std::sync::LazyLock<Vec<(String, String)>> =
        std::sync::LazyLock::new(|| parse_pairs(SEED_PHRASINGS));
    &ROWS
}

/// Needs the knowledge base does not answer, as callers voice them
/// (`data/search-beyond.tsv`: `beyond` and a sentence): the topic classifier's class of
/// what it does not know.
pub const SEED_BEYOND: &str = include_str!("../../data/search-beyond.tsv");

/// The rows of [`SEED_BEYOND`], read once.
pub fn seed_beyond() -> &'static [(String, String)] {
    static ROWS: std::sync::LazyLock<Vec<(String, String)>> =
        std::sync::LazyLock::new(|| parse_pairs(SEED_BEYOND));
    &ROWS
}

/// The seed's line after which come the rows added since databases were first seeded under
/// one name ([`crate::db::search::FIRST_SEED`]).
const AFTER_FIRST_SEED: &str = "#@ after seed-1";

/// The seed's pairs, and how many of them come before [`AFTER_FIRST_SEED`].
pub fn seed_pairs() -> (Vec<(String, String)>, usize) {
    let at = SEED_SYNONYMS
        .find(&format!("\n{AFTER_FIRST_SEED}\n"))
        .unwrap_or(SEED_SYNONYMS.len());
    let (before, after) = SEED_SYNONYMS.split_at(at);
    let mut pairs = parse_pairs(before);
    let first = pairs.len();
    pairs.extend(parse_pairs(after));
    (pairs, first)
}

/// The seed's rows changed in place or removed (`#@ was TAB term TAB old`): each term, its
/// old replacement and the seed's replacement now (`None`: the seed no longer has the term).
pub fn seed_corrections() -> Vec<SeedCorrection> {
    let pairs = parse_pairs(SEED_SYNONYMS);
    SEED_SYNONYMS
        .lines()
        .filter_map(|l| l.strip_prefix("#@ was\t"))
        .filter_map(|l| {
            let (term, was) = l.split_once('\t')?;
            let (term, was) = (term.trim(), was.trim());
            let now = pairs
                .iter()
                .find(|(t, _)| t == term)
                .map(|(_, r)| r.clone());
            (now.as_deref() != Some(was)).then(|| SeedCorrection {
                term: term.to_string(),
                was: was.to_string(),
                now,
            })
        })
        .collect()
}

/// A seed row changed in place or removed ([`seed_corrections`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedCorrection {
    pub term: String,
    pub was: String,
    pub now: Option<String>,
}

/// The pairs of a two-column TSV (a synonym's term and replacement, a phrasing's label and
/// text); comments and malformed lines are skipped.
pub fn parse_pairs(tsv: &str) -> Vec<(String, String)> {
    tsv.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let (t, r) = l.split_once('\t')?;
            let (t, r) = (t.trim(), r.trim());
            (!t.is_empty() && !r.is_empty()).then(|| (t.to_string(), r.to_string()))
        })
        .collect()
}

/// The seed synonyms as records (ids by line), for building an index without a database.
pub fn seed_synonyms() -> Vec<Synonym> {
    parse_pairs(SEED_SYNONYMS)
        .into_iter()
        .enumerate()
        .map(|(i, (term, replacement))| Synonym {
            id: i as i64 + 1,
            term,
            replacement,
        })
        .collect()
}

fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, String> {
    let body = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    body.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| format!("{}:{}: {e}", path.display(), i + 1))
        })
        .collect()
}

/// Reads the reference JSONL files of a `kb/` folder (tests, benchmarks), with the seed
/// synonyms.
pub fn load_jsonl_dir(dir: &Path) -> Result<KbData, String> {
    Ok(KbData {
        regions: read_jsonl(&dir.join("regions.jsonl"))?,
        departments: read_jsonl(&dir.join("departments.jsonl"))?,
        faqs: read_jsonl(&dir.join("faqs.jsonl"))?,
        synonyms: seed_synonyms(),
        phrasings: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The database holds each term once: a term the seed lists twice fails the first start.
    #[test]
    fn the_seed_lists_each_term_once() {
        let mut seen = std::collections::HashSet::new();
        for (term, _) in parse_pairs(SEED_SYNONYMS) {
            assert!(seen.insert(term.clone()), "{term} twice in the seed");
        }
    }

    /// A row changed in place names its old replacement, and the seed holds the new one.
    #[test]
    fn a_row_changed_in_place_says_what_it_was() {
        let corrections = seed_corrections();
        let lines = SEED_SYNONYMS
            .lines()
            .filter(|l| l.starts_with("#@ was"))
            .count();
        assert_eq!(corrections.len(), lines, "{corrections:?}");
        let of = |term: &str| corrections.iter().find(|c| c.term == term).cloned();
        assert_eq!(
            of("物价局"),
            Some(SeedCorrection {
                term: "物价局".into(),
                was: "发改委".into(),
                now: Some("市场监管局".into()),
            })
        );
        assert_eq!(of("菜市场").and_then(|c| c.now), None);
        assert!(of("菜市场").is_some());
    }

    /// Databases seeded under one name before each term was recorded were offered the rows
    /// before the marker: without it they would be offered all again.
    #[test]
    fn the_seed_marks_the_rows_added_after_the_first_seed() {
        let (pairs, first) = seed_pairs();
        assert_eq!(pairs.len(), parse_pairs(SEED_SYNONYMS).len());
        assert!(
            first > 900 && first < pairs.len(),
            "{first} of {}",
            pairs.len()
        );
        assert!(pairs[first..].iter().any(|(t, _)| t == "劳动就业局"));
        assert!(pairs[..first].iter().any(|(t, _)| t == "驾照"));
    }
}
