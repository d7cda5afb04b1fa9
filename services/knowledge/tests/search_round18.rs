//! Round 18 (issue 20, eighteenth round): a thing named after a place (思茅松, 普洱茶) names
//! no region; 物价局 is today's market regulation bureau, and 菜市场 no longer stands for
//! 占道经营 (a seed row changed in place, and one removed, reach databases seeded before);
//! a region typed in pinyin gives its suffix back to the need (anningshiyedengji: 安宁 +
//! 失业登记). Made after reading the twenty-fifth blind set's misses, which was written and
//! committed before the change and scored on the engine before it; the twenty-sixth,
//! written before the change and not read until it was made, scored it unseen. Then, after
//! reading its misses: a region the caller came from (从昆明过来) comes after the one they
//! came to, an old town glued to a name the regions lack (独克宗古城) is not 丽江's 古城区,
//! and a border crossing (口岸), a visa (签证) and a party's or the Youth League's membership
//! (党组织, 团组织) are what the knowledge base lacks. The twenty-seventh blind set, written
//! and committed before those and not read until they were made, scored them unseen. After
//! reading its misses: an unconfident story shows the classifier's question within the
//! first three, pinyin that spells words is read apart from the characters it is typed
//! against (施甸xiaoxue), and banks, credit cards and check-up centres are organs the
//! knowledge base lacks, as typed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the figures and the top three.
#[allow(dead_code)]
mod search_sets;

use search_sets::figures::{assert_blind_floors, assert_blind_floors_but};
use search_sets::{assert_first, assert_first_confident, assert_not_confident, top3};

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
    assert_first(
        "我家在景谷，承包的山上种了一片思茅松，现在想砍一些卖，听说要先去办个证",
        None,
        "530806-lcj",
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
        assert_first(q, None, "530308-scj");
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

/// The twenty-sixth blind set, written before this round's changes and read only after
/// them: scored on 2edf417 (the first changes, unseen): top 3 78/80, confident and in the
/// top 3 72/80, unanswerable 3/20 confident (河口口岸, 去泰国的签证, 团组织关系), two
/// confident and wrong. After the second changes: 79/80, 73/80, 0/20. The floors are those
/// figures.
#[test]
fn twenty_sixth_blind_set() {
    assert_blind_floors("search-blind26.tsv", 79, 73);
}

/// A caller who came from 昆明 to 香格里拉 and took a taxi at 独克宗古城 (written for this
/// round; not a row of a set). Before, 昆明 came first (the later word wins between equal
/// namings) and 古城 was read as 丽江's 古城区: 昆明's taxi complaint first, then 古城区's.
#[test]
fn the_region_come_to_comes_before_the_one_come_from() {
    let (top, _) = assert_first(
        "我从昆明过来香格里拉出差，在独克宗古城坐出租车，司机不打表乱收钱，找哪个投诉",
        None,
        "533402-jtj-1",
    );
    assert!(!top.iter().any(|c| c.starts_with("530702")), "{top:?}");
}

/// What the knowledge base lacks (written for this round; not rows of a set): a border
/// crossing's hours, a foreign visa, a party's membership moved. Before, each was answered
/// confidently (the service centre's hours, the passport, the social insurance transfer).
#[test]
fn a_border_crossing_a_visa_and_a_partys_membership_are_not_answered_confidently() {
    assert_not_confident(&[
        "瑞丽口岸每天几点开关，要过缅甸那边",
        "去越南的签证在昆明哪里办",
        "党组织关系怎么转到新单位",
    ]);
}

/// The twenty-seventh blind set, written before the second changes and read only after
/// them: scored on 573abb1 (every change above, unseen): top 3 78/80, confident and in the
/// top 3 72/80, unanswerable 3/20 confident (信用社贷款, 中国银行信用卡, 县医院体检中心). After
/// the third changes: 80/80, 73/80, 1/20 (信用社贷款: 信用社 is a story's circumstance as
/// often as its need, and stays).
#[test]
fn twenty_seventh_blind_set() {
    assert_blind_floors_but(
        "search-blind27.tsv",
        80,
        73,
        &["信用社贷款要咋个贷，利息好多"],
    );
}

/// Pinyin typed against the region's characters, with words of its own (written for this
/// round; not a row of a set). Before, 宁洱xiaoxue was one word of neither, and 结婚登记
/// (带什么) came first.
#[test]
fn pinyin_that_spells_words_is_read_apart_from_the_characters_before_it() {
    assert_first_confident("宁洱xiaoxue baoming要带什么", None, "530803-jyj-1");
}

/// A bank's card and a check-up centre (written for this round; not rows of a set).
/// Before, the bank's credit card was answered confidently with the social security card.
#[test]
fn a_banks_card_and_a_check_up_centre_are_not_answered_confidently() {
    assert_not_confident(&["工商银行信用卡丢了怎么挂失", "体检中心早上几点开始抽血"]);
}
