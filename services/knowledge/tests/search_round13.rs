//! Round 13 (issue 20, thirteenth round): a market price or a timetable is never an
//! entry's answer, however well its words name one (商品房 … 好多钱一平, 动车 … 最晚一班);
//! the everyday words of a village's irrigation ditch, a forest cut down, seeds that do not
//! come up and a factory's output asked for by the statistics bureau. Examples written for
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
