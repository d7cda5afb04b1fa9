//! Round 7 (issue 20, seventh round): the topic classifier learns how callers voice each
//! question (`data/search-phrasings.tsv`), and a story it is sure of is answered by that
//! question. Examples written for this round, not rows of the blind sets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the index.
#[allow(dead_code)]
mod search_sets;

use std::collections::{HashMap, HashSet};

use knowledge::search::seed_phrasings;
use search_sets::{assert_first_confident, assert_not_confident, region_names, root};

/// A story in words no entry has (修车铺, 关门, 退掉) is answered, confidently, by the
/// question callers voice that way: closing down a business licence. It came first, but
/// unconfident: the entry covers a fifth of the story's words.
#[test]
fn a_story_in_the_callers_own_words_is_answered_confidently() {
    assert_first_confident(
        "我在石林守了二十年的修车铺今年关门了那个执照要去哪里退掉",
        None,
        "530111-scj-5",
    );
    // The same with the operator's filter instead of a region named: the entry covered
    // nothing of 车买了六年 … 检一下, or of 腌菜 … 牌子 … 别人学.
    assert_first_confident(
        "我这个车买了六年了今年要拿去检一下去哪点检",
        Some("530305"),
        "530305-cgs-2",
    );
    assert_first_confident(
        "我做的腌菜卖得好想给它弄个牌子防止别人学",
        Some("530305"),
        "530305-scj-7",
    );
}

/// A story whose words name another question better than the one it asks (证明 … 上户口
/// names the newborn's registration, which came first and confident; the caller lost the
/// birth certificate the hospital gave) is answered by the question the classifier is sure
/// of.
#[test]
fn a_sure_question_outranks_the_words_of_the_story() {
    assert_first_confident(
        "我外孙在陆良生的医院开的那张证明找不到了现在上户口要用",
        None,
        "530305-wjw-1",
    );
}

/// Needs the knowledge base has no answer for stay unconfident, however sure of a word or
/// two the classifier is.
#[test]
fn what_no_question_answers_stays_unconfident() {
    assert_not_confident(&[
        "我家的狗走丢了三天了到处都找不到咋个办",
        "手机掉进河里了里面的照片还能不能弄回来",
        "娃娃想去当飞行员体检要去哪里做",
    ]);
}

/// The phrasings table: every label is a question the reference knowledge base asks or a
/// department kind (round 15: the department's business), every question and every kind
/// the table names has at least ten phrasings, and no phrasing names a region (they teach
/// the question in every region alike).
#[test]
fn the_phrasings_table_covers_every_question_without_region_names() {
    let faqs = std::fs::read_to_string(root().join("data/kb/faqs.jsonl")).expect("faqs");
    let asked: HashSet<String> = faqs
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            let code = v["code"].as_str()?;
            let (_, label) = code.split_once('-')?;
            Some(label.to_string())
        })
        .collect();
    let depts = std::fs::read_to_string(root().join("data/kb/departments.jsonl")).expect("depts");
    let kinds: HashSet<String> = depts
        .lines()
        .filter_map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            Some(v["kind"].as_str()?.to_string())
        })
        .collect();
    let names = region_names();
    let mut per_label: HashMap<&str, usize> = HashMap::new();
    let rows = seed_phrasings();
    for (label, phrasing) in rows {
        assert!(
            asked.contains(label) || kinds.contains(label),
            "{label}: no question or department kind of the knowledge base"
        );
        *per_label.entry(label.as_str()).or_default() += 1;
        if let Some(n) = names.iter().find(|n| phrasing.contains(n.as_str())) {
            panic!("{label} {phrasing}: names the region {n}");
        }
    }
    // Every question, and every kind the table names.
    for label in asked
        .iter()
        .map(String::as_str)
        .chain(per_label.keys().copied())
    {
        let n = per_label.get(label).copied().unwrap_or(0);
        assert!(n >= 10, "{label}: {n} phrasings");
    }
}
