//! Round 13 (issue 20, thirteenth round): a market price or a timetable is never an
//! entry's answer, however well its words name one (商品房 … 好多钱一平, 动车 … 最晚一班);
//! the everyday words of a village's irrigation ditch, a forest cut down, seeds that do not
//! come up and a factory's output asked for by the statistics bureau; the first answer's
//! department among the first three hits. Examples written for
//! this round, not rows of the blind sets; each was answered wrongly or confidently by the
//! engine before it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the index.
#[allow(dead_code)]
mod search_sets;

use search_sets::{assert_first_confident, assert_not_confident, top3};

/// A price by the unit of a market or a train's hour is not what the entry its words name
/// answers (the presale licence of 商品房, the vehicle inspection of 动车): not confident,
/// so it goes to the unanswered report. Before, each was confident. An office's hours stay
/// confident.
#[test]
fn a_market_price_or_a_timetable_is_not_confident() {
    assert_not_confident(&[
        "呈贡的商品房现在好多钱一平",
        "麒麟区二手房一平好多钱",
        "大理到丽江的动车最晚一班几点",
        "玉溪去昆明的动车几点开",
    ]);
    assert_first_confident("麒麟区车管所几点上班", None, "530302-cgs");
}

/// An irrigation ditch is the water bureau's, a forest cut down the forestry bureau's,
/// seeds the agriculture bureau's and a factory's output the statistics bureau's: each
/// department first. Before, none was among the first three.
#[test]
fn ditches_forests_seeds_and_output_find_their_departments() {
    for (q, code) in [
        ("村里的引水沟堵了水下不来", "530302-slj"),
        ("山上承包的林子遭人盗伐了", "530302-lcj"),
        ("我家林子里的树桩都是新砍的", "530302-lcj"),
        ("买的种子是假的 出不了苗", "530302-nyj"),
        ("有人打电话叫我报厂里的产量", "530302-tjj"),
    ] {
        let (top, _) = top3(q, Some("530302"));
        assert_eq!(top.first().map(String::as_str), Some(code), "{q}: {top:?}");
    }
}

/// The first answer's department is among the first three hits: the farm machinery station
/// (now the agriculture bureau) asked about a subsidy its one FAQ entry does not cover, and
/// the quality bureau (now market regulation) under a prefecture's filter, whose counties
/// share the FAQ entry. Before, the first three were that FAQ entry of three regions.
#[test]
fn the_first_answers_department_is_among_the_first_three() {
    for (q, region, dept) in [
        ("弥渡农机站,买旋耕机的补贴咋个申请", None, "532906-nyj"),
        (
            "质监局的,锅炉年检过期了没人管",
            Some("530300"),
            "530300-scj",
        ),
    ] {
        let (top, _) = top3(q, region);
        assert!(top.iter().any(|c| c == dept), "{q}: {top:?}");
    }
    // When it is among them already, the hits stay as they were. (Since round 15 the
    // department comes first: the topic classifier's class of its business beyond its
    // questions takes a farm machine's subsidy, which its FAQ entry, 耕地地力保护补贴, is not.)
    let (top, _) = top3("永平县农机站,买插秧机补贴找哪个", None);
    assert_eq!(top[..2], ["532909-nyj", "532909-nyj-1"], "{top:?}");
}

/// An answer's department merged into another region's is not shown under a region filter
/// that excludes that region: 麒麟区交通运输局 merged into 曲靖市交通运输局, searched within
/// 麒麟区, leaves the taxi FAQ alone. Before, 曲靖市's bureau followed it.
#[test]
fn a_successor_outside_the_filter_is_not_shown() {
    let idx = search_sets::reference_index_merging("530302-jtj", "530300-jtj");
    let (res, _) = idx
        .search("跑网约车要办哪样证", Some("530302"), 10)
        .unwrap();
    let codes: Vec<&str> = res.items.iter().map(|h| h.code()).collect();
    assert_eq!(codes, ["530302-jtj-1"]);
}
