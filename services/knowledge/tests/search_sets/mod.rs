//! The search quality sets and the reference index they are scored on, shared by the
//! quality tests (`tests/search_quality.rs`) and the diagnostics
//! (`examples/search_diagnostics.rs`). A set is a TSV file with a header line: query, region
//! filter (may be empty), expected codes (comma-separated), what the row tries.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use knowledge::search::{self, SearchIndex};

/// Figures of whole sets, for the tests (the diagnostics example has its own).
#[cfg(test)]
pub mod figures;

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The index of the reference data (`data/kb`), built once.
pub fn reference_index() -> Result<&'static SearchIndex, String> {
    static INDEX: OnceLock<Result<SearchIndex, String>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let data = search::load_jsonl_dir(&root().join("data/kb"))?;
            SearchIndex::build(data, 2).map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// A new index of the reference data after the department `code` was merged into
/// `successor`, as a knowledge change applies it. For tests: it panics when the index cannot
/// be built.
// The diagnostics example includes this module and does not use it.
#[allow(clippy::expect_used, dead_code)]
pub fn reference_index_merging(code: &str, successor: &str) -> SearchIndex {
    let data = search::load_jsonl_dir(&root().join("data/kb")).expect("the reference data");
    let mut merged = data
        .departments
        .iter()
        .find(|d| d.code == code)
        .cloned()
        .expect("the department");
    merged.status = "merged".into();
    merged.successor = Some(successor.into());
    // Its entries come with it, as the service gives them.
    let faqs = data
        .faqs
        .iter()
        .filter(|f| f.department == code)
        .cloned()
        .collect();
    let idx = SearchIndex::build(data, 2).expect("an index");
    let changes = search::Changes {
        departments: vec![merged],
        faqs,
        ..Default::default()
    };
    idx.apply(&changes).expect("the change applied");
    idx
}

/// The reference regions' short names of two characters or more (五华, 石林): what a
/// table that teaches every region alike must not name.
// The diagnostics example includes this module and does not use it.
#[allow(clippy::expect_used, dead_code)]
pub fn region_names() -> Vec<String> {
    let regions = std::fs::read_to_string(root().join("data/kb/regions.jsonl")).expect("regions");
    regions
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some(v["short_name"].as_str()?.to_string())
        })
        .filter(|n| n.chars().count() >= 2)
        .collect()
}

/// The codes of the first three hits of the reference index and whether the answer is
/// confident. For tests: it panics when the index cannot be built.
// The diagnostics example includes this module and does not use it.
#[allow(clippy::expect_used, dead_code)]
pub fn top3(q: &str, filter: Option<&str>) -> (Vec<String>, bool) {
    let idx = reference_index().expect("index");
    let (res, _) = idx.search(q, filter, 10).expect("search");
    let codes = res
        .items
        .iter()
        .take(3)
        .map(|i| i.code().to_string())
        .collect();
    (codes, res.confident)
}

/// Asserts that the reference index answers `q` (with `filter`) with `code` first; the
/// first three, and whether the answer is confident.
// The diagnostics example includes this module and does not use it.
#[allow(dead_code)]
pub fn assert_first(q: &str, filter: Option<&str>, code: &str) -> (Vec<String>, bool) {
    let (top, confident) = top3(q, filter);
    assert_eq!(top.first().map(String::as_str), Some(code), "{q}: {top:?}");
    (top, confident)
}

/// Asserts that the reference index answers `q` (with `filter`) with `code` first, and
/// confidently.
#[allow(dead_code)]
pub fn assert_first_confident(q: &str, filter: Option<&str>, code: &str) {
    let (top, confident) = assert_first(q, filter, code);
    assert!(confident, "{q}: {top:?} not confident");
}

/// Asserts that the reference index answers none of `queries` (without a filter)
/// confidently.
#[allow(dead_code)]
pub fn assert_not_confident(queries: &[&str]) {
    for q in queries {
        let (top, confident) = top3(q, None);
        assert!(!confident, "{q}: {top:?} confident");
    }
}

pub struct Row {
    pub query: String,
    pub region: Option<String>,
    pub expected: Vec<String>,
    pub what: String,
}

/// The rows of a quality set.
pub fn read_set(path: &Path) -> Result<Vec<Row>, String> {
    let body = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    body.lines()
        .enumerate()
        .skip(1)
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let cols: Vec<&str> = l.split('\t').collect();
            let [query, region, expected, ..] = cols[..] else {
                return Err(format!(
                    "{}:{}: fewer than 3 columns",
                    path.display(),
                    i + 1
                ));
            };
            Ok(Row {
                query: query.to_string(),
                region: Some(region.trim())
                    .filter(|r| !r.is_empty())
                    .map(str::to_string),
                expected: expected.split(',').map(|c| c.trim().to_string()).collect(),
                what: cols.get(3).unwrap_or(&"").to_string(),
            })
        })
        .collect()
}

/// Share of a set's rows with an expected code in the top 3 and a confident answer, those
/// rows, and all rows; prints every miss with what came back.
pub fn score_set(path: &Path) -> Result<(f64, usize, usize), String> {
    let idx = reference_index()?;
    let rows = read_set(path)?;
    let mut hits = 0;
    for r in &rows {
        let (res, analysis) = idx
            .search(&r.query, r.region.as_deref(), 10)
            .map_err(|e| e.to_string())?;
        let top: Vec<&str> = res.items.iter().take(3).map(|i| i.code()).collect();
        if res.confident && top.iter().any(|c| r.expected.iter().any(|e| e == c)) {
            hits += 1;
        } else {
            println!(
                "MISS {:?} region={:?} ({}) expected {:?} got {:?} confident={} analysis: regions={:?} variants={:?}",
                r.query,
                r.region,
                r.what,
                r.expected,
                res.items
                    .iter()
                    .take(5)
                    .map(|i| format!("{} {}", i.code(), i.score))
                    .collect::<Vec<_>>(),
                res.confident,
                analysis.regions.mentions,
                idx.explain(
                    &r.query,
                    r.region.is_some(),
                    res.items.first().map(|i| i.code()).unwrap_or("")
                ),
            );
        }
    }
    let n = rows.len();
    Ok((hits as f64 / n as f64, hits, n))
}
