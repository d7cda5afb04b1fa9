//! Round 18 (issue 20, eighteenth round): a thing named after a place (思茅松, 普洱茶) names
//! no region; 物价局 is today's market regulation bureau, and 菜市场 no longer stands for
//! 占道经营 (a seed row changed in place, and one removed, reach databases seeded before);
//! a region typed in pinyin gives its suffix back to the need (anningshiyedengji: 安宁 +
//! 失业登记). Made after reading the twenty-fifth blind set's misses, which was written and
//! committed before the change and scored on the engine before it; the twenty-sixth,
//! written before the change and not read until it was made, scores it unseen.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the figures and the top three.
#[allow(dead_code)]
mod search_sets;

use search_sets::figures::assert_blind_floors;
use search_sets::top3;

/// The twenty-fifth blind set: 80 answerable needs of the five kinds and 20
/// unanswerable ones. Scored on dd8be86's engine (before the change): top 3 78/80,
/// confident and in the top 3 74/80, unanswerable 0/20, one confident and wrong (元江物价局
/// … 米线 answered with 发改). After the change: 80/80, 74/80, 0/20. The floors are those
/// figures.
#[test]
fn twenty_fifth_blind_set() {
    assert_blind_floors("search-blind25.tsv", 80, 74);
}

/// A tree named after 思茅 (written for this round; not a row of a set): the caller lives
/// in 景谷. Before, 思茅松 named 思茅区, whose forestry bureau came first.
#[test]
fn a_thing_named_after_a_place_does_not_move_the_need_there() {
    let (top, _) = top3(
        "我家在景谷，承包的山上种了一片思茅松，现在想砍一些卖，听说要先去办个证",
        None,
    );
    assert_eq!(
        top.first().map(String::as_str),
        Some("530806-lcj"),
        "{top:?}"
    );
    let (top, _) = top3(
        "勐海的茶农，家里炒普洱茶的小作坊想办个食品生产的证，找哪个",
        None,
    );
    assert!(top.iter().all(|c| c.starts_with("532803")), "{top:?}");
}

/// 物价局 with a price complaint is the market regulation bureau's, and 菜市场 is where
/// prices go up, not a stall in the road (written for this round; not rows of a set).
/// Before: 占道经营 first, confidently, then the bureau.
#[test]
fn the_price_bureau_is_market_regulation() {
    for q in [
        "富源县物价局电话，菜市场的菜乱涨价想反映",
        "富源县市场监管局电话，菜市场的菜乱涨价想反映",
    ] {
        let (top, _) = top3(q, None);
        assert_eq!(
            top.first().map(String::as_str),
            Some("530308-scj"),
            "{q}: {top:?}"
        );
    }
}

/// A region typed in pinyin whose suffix (shi, 市) is the need's first syllable (written
/// for this round, after blind20's anningshiyedengji): 安宁 + 失业登记, not 安宁市 + 也登记
/// (婚姻登记处 first, confidently).
#[test]
fn a_region_in_pinyin_gives_its_suffix_back_to_the_need() {
    for (q, want) in [
        ("anningshiyedengji", "530115-rsj-2"),
        ("kunmingshiyedengji", "530100-rsj-2"),
        ("mileshigongjijin", "532505-gjj"),
    ] {
        let (top, _) = top3(q, None);
        assert!(top.iter().any(|c| c == want), "{q}: {top:?}");
    }
}
