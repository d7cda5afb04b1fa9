//! Round 8 (issue 20, eighth round): a region typed in pinyin against the need in
//! characters, cities of other provinces and organs the knowledge base lacks named in the
//! need, and the topic classifier's class of needs no entry answers
//! (`data/search-beyond.tsv`). Examples written for this round, not rows of the blind sets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the index.
#[allow(dead_code)]
mod search_sets;

use knowledge::search::seed_beyond;
use search_sets::{assert_first_confident, assert_not_confident, region_names};

fn first_is(q: &str, code: &str) {
    assert_first_confident(q, None, code);
}

/// A region in pinyin or its initials typed straight against the need in characters is
/// the need's region. Each of these answered with 昆明's entry.
#[test]
fn a_region_typed_in_pinyin_against_characters_is_found() {
    first_is("jianshui结婚登记要带什么", "532507-hydj-1");
    first_is("dali公积金提取要带什么", "532900-gjj-1");
    first_is("lj护照怎么办", "530700-crj-1");
    // Letters that start no region stay with their characters.
    first_is("社保ic卡丢了补办", "530100-sbzx-1");
}

/// A city of another province, or an organ the knowledge base lists none of, keeps the
/// answer unconfident; a need the classifier takes for one no entry answers does too.
/// Each of these was answered confidently.
#[test]
fn what_the_knowledge_base_lacks_stays_unconfident() {
    assert_not_confident(&[
        "我在成都上班 成都的公积金怎么取",
        "法院起诉要带什么材料",
        "武装部征兵报名在哪里",
        "我家老人走了 想在公墓买块地 殡仪馆那边咋个收费",
        "我姑娘在外地读大学 想申请助学贷款 要去哪里办",
    ]);
}

/// The table of needs no entry answers: many rows, each labelled `beyond`, none naming a
/// region (it teaches what the knowledge base lacks everywhere alike).
#[test]
fn the_table_of_needs_no_entry_answers_names_no_region() {
    let rows = seed_beyond();
    assert!(rows.len() >= 200, "{} rows", rows.len());
    let names = region_names();
    for (label, need) in rows {
        assert_eq!(label, "beyond", "{need}");
        if let Some(n) = names.iter().find(|n| need.contains(n.as_str())) {
            panic!("{need}: names the region {n}");
        }
    }
}
