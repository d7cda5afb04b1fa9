//! Round 17 (issue 20, seventeenth round): the first three hits are three answers, not the
//! first answer again in the regions above its own; a query naming the discipline
//! commission (纪委, 监委) is never answered confidently, however the segmenter cut it.
//! Both were made after reading the twenty-third blind set's misses, which was written and
//! committed before the change and scored on the engine before it. Then the twenty-fourth
//! blind set, written after them, scored them unseen; a region's name right after another's
//! that names no region above or below it (建水古城) was made after reading its misses.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the figures and the top three.
#[allow(dead_code)]
mod search_sets;

use search_sets::figures::assert_blind_floors;
use search_sets::{assert_first, assert_not_confident, top3};

/// The twenty-third blind set: 80 answerable needs of the five kinds and 20
/// unanswerable ones. Scored on 21cc7f7's engine (before the change): top 3 77/80,
/// confident and in the top 3 73/80, unanswerable 1/20 confident (巍山县纪委监委). After
/// the change: 80/80, 74/80, 0/20. The floors are those figures.
#[test]
fn twenty_third_blind_set() {
    assert_blind_floors("search-blind23.tsv", 80, 74);
}

/// An old name and a need its successor answers without an FAQ entry (written for this
/// round; not a row of a set): the market regulation bureau of 宾川 among the first three.
/// Before, the words' first answer (占道经营, from 菜市场) came first, then the same question
/// of 大理州 and the county's 综合行政执法局: the bureau the caller named was fourth.
#[test]
fn the_first_answers_question_in_the_region_above_does_not_take_a_place_of_the_three() {
    let q = "宾川县质监局，菜市场的秤缺斤少两去哪点告";
    let (top, _) = top3(q, None);
    assert!(top.iter().any(|c| c == "532905-scj"), "{top:?}");
    assert!(!top.iter().any(|c| c == "532900-cgj-1"), "{top:?}");
}

/// The discipline commission, which no entry answers for: 弥渡县纪委监委 was cut as 纪 and
/// 委监委, and 监委 put right by sound as 卫健委, whose entry then answered confidently.
#[test]
fn the_discipline_commission_is_never_answered_confidently() {
    assert_not_confident(&[
        "弥渡县纪委监委的办公地址在哪里",
        "巍山县纪委监委的办公地址在哪里",
        "纪委举报电话",
    ]);
}

/// The twenty-fourth blind set, written after the two changes above and scored on them
/// (cb962bf): top 3 77/80, confident and in the top 3 72/80, unanswerable 0/20. After the old
/// towns (大理古城): 78/80, 73/80, 0/20. The floors are those figures.
#[test]
fn twenty_fourth_blind_set() {
    assert_blind_floors("search-blind24.tsv", 78, 73);
}

/// 建水古城 is 建水's old town (written for this round; not a row of a set): before, 古城 was
/// read as 丽江's 古城区, whose 占道经营 came first.
#[test]
fn an_old_town_is_its_countys_not_lijiangs_guchengqu() {
    let (top, _) = assert_first(
        "建水古城边上的小吃摊把路占了，找哪个管",
        None,
        "532507-cgj-1",
    );
    assert!(!top.iter().any(|c| c.starts_with("530702")), "{top:?}");
}
