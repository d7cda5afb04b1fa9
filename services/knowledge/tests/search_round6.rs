//! Round 6 (issue 20, sixth round): the kinds of round 5's misses, each by a general means,
//! with examples written for this round (not rows of the blind sets).

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the index.
#[allow(dead_code)]
mod search_sets;

use std::path::Path;

use search_sets::{read_set, reference_index, top3};

/// 在哪层楼 is cut 层楼: it asks which floor, like 几楼, so the department answers (it was
/// an unknown word that kept the answer unconfident, and a FAQ entry first).
#[test]
fn which_floor_said_as_na_ceng_lou() {
    let (top, confident) = top3("楚雄市车管所在哪层楼", None);
    assert_eq!(
        top.first().map(String::as_str),
        Some("532302-cgs"),
        "{top:?}"
    );
    assert!(confident);
}

/// 政府 in a story told at length is whoever pays (政府对老人每个月有钱发), not the
/// government's office, which came first.
#[test]
fn government_in_a_long_story_is_not_the_government_office() {
    let (top, _) = top3("我爸在宣威今年八十八了听说政府对老人每个月有钱发", None);
    assert_eq!(
        top.first().map(String::as_str),
        Some("530310-mzj-2"),
        "{top:?}"
    );
    // Named as an office, it still is one.
    let (top, confident) = top3("宣威市政府办公室电话", None);
    assert_eq!(
        top.first().map(String::as_str),
        Some("530310-zfb"),
        "{top:?}"
    );
    assert!(confident);
}

/// Two of our regions in one story: the one the caller returns to is where the need is,
/// not the one they were in before (the higher level came first).
#[test]
fn the_region_returned_to_comes_before_the_one_left() {
    let (top, _) = top3("我以前在玉溪上班交的养老保险现在回到施甸了想转过来", None);
    assert!(
        top.first().is_some_and(|c| c.starts_with("530503-")),
        "{top:?}"
    );
}

/// With the operator's filter set, a province the caller says they came from is where
/// they came from, not what the need is about: the answer may be confident. Named as the
/// subject, it still keeps the answer unconfident.
#[test]
fn a_province_the_caller_came_from_beside_a_filter() {
    let (top, confident) = top3("我们从四川搬过来了想给娃娃在这边落户", Some("530102"));
    assert_eq!(
        top.first().map(String::as_str),
        Some("530102-gaj-2"),
        "{top:?}"
    );
    assert!(confident);
    let (_, confident) = top3("四川的户口迁入需要哪些材料", Some("530102"));
    assert!(!confident);
}

/// Region initials of three or four letters (xsbn) followed by a need of two syllables.
#[test]
fn long_region_initials_before_two_syllables() {
    for (q, code) in [
        ("xsbnhuzhao", "532800-crj"),
        ("xsbngongjijin", "532800-gjj"),
    ] {
        let (top, confident) = top3(q, None);
        assert!(
            top.first().is_some_and(|c| c.starts_with(code)),
            "{q}: {top:?}"
        );
        assert!(confident, "{q}");
    }
}

/// A region named with words that match nothing lists that region's own departments first,
/// in code order (by address, which departments came first depended on how the indexing
/// threads filled the segments: 迪庆州's, above it, in some builds). Since round 15 the
/// forestry bureau, whose business the need is (the topic classifier's class of it), comes
/// before them. (Until round 21 the need was 自家承包山上的树想砍几棵, which is now read as
/// the forestry bureau's, confidently.)
#[test]
fn a_browse_lists_the_named_regions_own_departments_first() {
    let idx = reference_index().expect("index");
    let (res, _) = idx
        .search("香格里拉市 自家承包山上的树长得不好", None, 10)
        .expect("search");
    assert!(!res.confident);
    let codes: Vec<&str> = res.items.iter().map(|i| i.code()).collect();
    assert!(codes.len() >= 3, "{codes:?}");
    assert!(
        codes.iter().take(3).all(|c| c.starts_with("533402-")),
        "{codes:?}"
    );
    assert_eq!(codes[0], "533402-lcj", "{codes:?}");
    let mut own: Vec<&str> = codes
        .iter()
        .skip(1)
        .copied()
        .filter(|c| c.starts_with("533402-"))
        .collect();
    let listed = own.clone();
    own.sort_unstable();
    assert_eq!(own, listed);
}

/// A paying verb before 的 says what was paid before (交的养老保险), not what is asked:
/// it no longer counts as 缴纳 / 缴费, and the transfer the caller asks for comes up.
#[test]
fn what_was_paid_before_is_not_the_need() {
    let (top, _) = top3("我以前在玉溪上班交的养老保险现在回到施甸了想转过来", None);
    assert!(top.iter().any(|c| c == "530503-sbzx-4"), "{top:?}");
    // Asked as the need, paying still is paying.
    let (top, confident) = top3("施甸县养老保险在哪交", None);
    assert_eq!(
        top.first().map(String::as_str),
        Some("530503-sbzx-2"),
        "{top:?}"
    );
    assert!(confident);
}

/// A region named outside the operator's filter is where the caller was: the need is
/// browsed (or its question's entry added) in the filter's region, never an empty list
/// (the named region's entries were all filtered out). Added after `search-blind7` was
/// scored, where one story came back empty.
#[test]
fn a_region_named_outside_the_filter_never_empties_the_answer() {
    let idx = reference_index().expect("index");
    let (res, _) = idx
        .search("在大理住了几年现在回来了", Some("530102"), 10)
        .expect("search");
    assert!(!res.confident);
    let codes: Vec<&str> = res.items.iter().map(|i| i.code()).collect();
    assert!(!codes.is_empty());
    assert!(codes.iter().all(|c| c.starts_with("530102-")), "{codes:?}");
}

/// The seventh blind set (round 6), written from the reference data before the engine was
/// run on it (committed alone first): 58 answerable needs of the five kinds and 15
/// unanswerable ones. Scored once with the engine as it was: top 3 50/58, confident and in
/// the top 3 42/58, unanswerable 0/15 confident. After round 6's changes, made without
/// running it: 50/58, 43/58 and 0/15; then, after its misses were read, a region named
/// outside the filter no longer empties the answer: 51/58. The floors are those figures.
#[test]
fn seventh_blind_set() {
    let idx = reference_index().expect("index");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/search-blind7.tsv");
    let (mut answerable, mut top3, mut confident) = (0, 0, 0);
    let (mut unanswerable, mut wrongly_sure) = (0, Vec::new());
    for row in read_set(&path).expect("set") {
        let (res, _) = idx
            .search(&row.query, row.region.as_deref(), 10)
            .expect("search");
        if row.expected.iter().all(|e| e.is_empty()) {
            unanswerable += 1;
            if res.confident {
                wrongly_sure.push(row.query);
            }
            continue;
        }
        answerable += 1;
        let found = res
            .items
            .iter()
            .take(3)
            .any(|i| row.expected.iter().any(|e| e == i.code()));
        top3 += usize::from(found);
        confident += usize::from(found && res.confident);
    }
    println!("search-blind7: top 3 {top3}/{answerable}, confident {confident}/{answerable}");
    assert_eq!((answerable, unanswerable), (58, 15));
    assert!(top3 >= 51, "top 3 {top3}");
    assert!(confident >= 43, "confident {confident}");
    assert!(wrongly_sure.is_empty(), "confident: {wrongly_sure:?}");
}
