//! The search quality sets: `data/queries.tsv` (public, at the workspace root) must score at
//! least 95 % top-3; `services/knowledge/data/search-holdout.tsv` (written before tuning,
//! never tuned on) is reported. Three more sets in `services/knowledge/data/`, each written
//! by a separate session that read only the reference data, never the engine:
//! - `search-everyday.tsv`: 150 queries, most in callers' own words; the confidence rules
//!   were tuned while looking at its misses;
//! - `search-blind.tsv`: 120 queries of the same kinds, only ever scored (to choose between
//!   variants of the confidence rules), never looked into;
//! - `search-colloquial.tsv`: 100 more, with longer colloquial needs; scored once blind
//!   (55 → 61 confident in the top 3, 82 → 82 in the top 3 against the engine before these
//!   sets), then its misses were read (the pinyin region words, and examples in the brief of
//!   the synonym table's second pass, came from them);
//! - `search-unanswerable.tsv`: 80 queries the knowledge base has no answer for, which must
//!   not be confident (they feed the unanswered report).
//!
//! The index is built once from the reference data. Diagnostics over these sets (scoring
//! any set, timing, probing queries, dumping every answer) are an example:
//! `cargo run --release -p knowledge --example search_diagnostics -- help`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one scores sets its own way.
#[allow(dead_code)]
mod search_sets;

use std::path::Path;

use knowledge::search::{self, SearchIndex};
use search_sets::figures::data;
use search_sets::{Row, root};

fn index() -> &'static SearchIndex {
    search_sets::reference_index().expect("index")
}

fn rows(path: &Path) -> Vec<Row> {
    search_sets::read_set(path).expect("quality set")
}

fn score(path: &Path) -> (f64, usize, usize) {
    search_sets::score_set(path).expect("scored")
}

/// A set's rows with an expected code in the top 3, and of those the confident ones.
struct Scores {
    top3: usize,
    confident: usize,
    n: usize,
}

impl Scores {
    fn of(path: &Path) -> Scores {
        let idx = index();
        let rows = rows(path);
        let mut s = Scores {
            top3: 0,
            confident: 0,
            n: rows.len(),
        };
        for r in &rows {
            let (res, _) = idx
                .search(&r.query, r.region.as_deref(), 10)
                .expect("search");
            if res
                .items
                .iter()
                .take(3)
                .any(|i| r.expected.iter().any(|e| e == i.code()))
            {
                s.top3 += 1;
                s.confident += usize::from(res.confident);
            }
        }
        println!(
            "{}: top 3 {}/{} = {:.1}%, and confident {}/{} = {:.1}%",
            path.display(),
            s.top3,
            s.n,
            s.share(s.top3),
            s.confident,
            s.n,
            s.share(s.confident)
        );
        s
    }

    fn share(&self, k: usize) -> f64 {
        100.0 * k as f64 / self.n.max(1) as f64
    }
}

/// Callers' own words (狗咬了要打疫苗, 公司改名): the right entry among the first three for
/// nearly all of them, and a confident answer for most. Floors a little under what the
/// engine scores now (round 5, top 3: 149/150, 119/120 and 97/100; confident: 141/150,
/// 112/120 and 89/100), so that a change that loses ground fails.
#[test]
fn everyday_and_blind_sets_find_the_entry() {
    let everyday = Scores::of(&data("search-everyday.tsv"));
    assert!(everyday.share(everyday.top3) >= 98.0);
    assert!(everyday.share(everyday.confident) >= 92.0);
    let blind = Scores::of(&data("search-blind.tsv"));
    assert!(blind.share(blind.top3) >= 98.0);
    assert!(blind.share(blind.confident) >= 90.0);
    let colloquial = Scores::of(&data("search-colloquial.tsv"));
    assert!(colloquial.share(colloquial.top3) >= 96.0);
    assert!(colloquial.share(colloquial.confident) >= 86.0);
}

/// A region and a department typed as pinyin words: the region is found as if typed in
/// characters, and the words of one name are one name.
#[test]
fn pinyin_words_name_the_region_and_the_department() {
    let idx = index();
    for (q, code) in [
        ("yuxi gongjijin", "530400-gjj"),
        ("qujing renshe ju", "530300-rsj"),
        ("lijiang gong an ju", "530700-gaj"),
    ] {
        let (res, _) = idx.search(q, None, 10).expect("search");
        assert_eq!(res.items.first().map(|i| i.code()), Some(code), "{q}");
        assert!(res.confident, "{q} should be confident");
    }
}

/// What the knowledge base has no answer for (an agency it does not list, a topic no entry
/// covers, a made-up detail, a vague word) is not confident, so that it reaches the
/// unanswered report.
#[test]
fn unanswerable_set_is_not_confident() {
    let body = std::fs::read_to_string(data("search-unanswerable.tsv")).expect("set");
    let idx = index();
    let mut confident = Vec::new();
    let mut n = 0;
    for line in body.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let region = cols.get(1).map(|r| r.trim()).filter(|r| !r.is_empty());
        let (res, _) = idx.search(cols[0], region, 10).expect("search");
        n += 1;
        if res.confident {
            confident.push(cols[0].to_string());
        }
    }
    println!(
        "unanswerable set: {}/{n} confident: {confident:?}",
        confident.len()
    );
    assert!(n >= 80, "{n} rows");
    assert!(confident.len() <= 1, "confident: {confident:?}");
}

#[test]
fn public_quality_set_scores_at_least_95_percent_top3() {
    let (share, hits, n) = score(&root().join("data/queries.tsv"));
    println!(
        "public quality set: {hits}/{n} = {:.1}% confident with an expected code in the top 3",
        share * 100.0
    );
    assert!(share >= 0.95, "public quality set {hits}/{n} below 95%");
}

#[test]
fn holdout_set_is_reported() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/search-holdout.tsv");
    let (share, hits, n) = score(&path);
    println!(
        "held-out set: {hits}/{n} = {:.1}% confident with an expected code in the top 3",
        share * 100.0
    );
    // Reported, and guarded against collapse; the public set is the gate.
    assert!(share >= 0.80, "held-out set {hits}/{n}");
}

/// The answer the service sends is written by hand from JSON prepared at index time; it
/// must read back as the documented `SearchResponse`, field for field, with nothing extra
/// (quality sets, a merged agency answered by its successor, filters, escaping, no hits).
#[test]
fn written_answers_are_the_documented_shape() {
    let idx = index();
    let mut queries: Vec<(String, Option<String>)> = rows(&root().join("data/queries.tsv"))
        .into_iter()
        .map(|r| (r.query, r.region))
        .collect();
    for q in [
        "昆明市工商行政管理局",
        "公安局",
        "\"引号\"\\与<尖括号>&",
        "量子",
    ] {
        queries.push((q.to_string(), None));
    }
    queries.push(("gaj".to_string(), Some("530102".to_string())));
    let mut merged = 0;
    for (q, region) in &queries {
        let (answer, _) = idx.search(q, region.as_deref(), 10).expect("search");
        let mut body = Vec::new();
        answer.write_json(&mut body).expect("write");
        let wire: search::SearchResponse = serde_json::from_slice(&body).expect("reads back");
        assert_eq!(wire, answer.to_response(), "{q}");
        let written: serde_json::Value = serde_json::from_slice(&body).expect("json");
        let derived: serde_json::Value =
            serde_json::from_slice(&serde_json::to_vec(&answer.to_response()).expect("derive"))
                .expect("json");
        assert_eq!(written, derived, "{q}");
        merged += wire
            .items
            .iter()
            .filter(|h| h.snippet.starts_with("原"))
            .count();
    }
    assert!(merged > 0, "a merged agency's successor was among the hits");
}

#[test]
fn confident_only_when_key_terms_match() {
    let idx = index();
    for q in [
        "昆明市",
        "大理州",
        "比特币怎么挖矿",
        "昆明市 量子计算机",
        // Generic words (管理局, 电话) and a place only addresses name (滇池路) are no match.
        "昆明市滇池管理局电话",
        "滇池管理局",
        "昆明市滇池管理局",
        "玉溪市抚仙湖管理局地址",
        "昆明市量子科技局电话",
    ] {
        let (res, _) = idx.search(q, None, 10).expect("search");
        assert!(
            !res.confident,
            "{q} should not be confident: {:?}",
            res.items.first()
        );
    }
    for q in ["昆明市人社局", "安宁市身份证丢了怎么补办", "kmsrsj"] {
        let (res, _) = idx.search(q, None, 10).expect("search");
        assert!(res.confident, "{q} should be confident");
    }
}
