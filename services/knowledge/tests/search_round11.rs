//! Round 11 (issue 20, eleventh round): a prefecture's initials (qj, dq) that a county
//! shares are the prefecture's, a county or city of elsewhere (仁怀市, 会理市) keeps the
//! answer unconfident, and the everyday words for the water bureau's rivers, the forestry
//! bureau's trees, the tax hall and the disability certificate (河道挖沙, 杉木, 办税,
//! 残证). Examples written for this round, not rows of the blind sets; each was answered
//! wrongly or unconfidently by the engine before it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the index.
#[allow(dead_code)]
mod search_sets;

use search_sets::{assert_first_confident, assert_not_confident, top3};

/// qj is 曲靖's and 巧家县's initials, dq 迪庆's and 德钦县's: typed before the need, they
/// are the prefecture's (before, they named no region and Kunming's office answered,
/// confidently).
#[test]
fn a_prefectures_initials_are_the_prefectures() {
    assert_first_confident("dq车管所电话", None, "533400-cgs");
    assert_first_confident("qj公积金中心电话", None, "530300-gjj");
}

/// A county or city the knowledge base does not have (Guizhou's 仁怀市, Sichuan's 会理市,
/// which the segmenter cuts 会理 / 市) is elsewhere: answered with Kunming's office, but
/// not confidently.
#[test]
fn a_county_or_city_of_elsewhere_is_not_answered_confidently() {
    assert_not_confident(&["仁怀市不动产登记中心在哪里", "会理市公积金中心电话"]);
}

/// Sand dug from a river and its banks are the water bureau's (among the first three: the
/// pollution report comes first, and before, the bureau was not among them); a family's own
/// trees cut to sell are the forestry bureau's (neither has a FAQ entry: the department
/// answers).
#[test]
fn rivers_and_trees_find_their_bureaus() {
    let q = "村子后面河道里天天有人开挖机挖沙,河堤都要垮了";
    let (top, _) = top3(q, Some("530908"));
    assert!(top.iter().any(|c| c == "530908-slj"), "{q}: {top:?}");
    assert_first_confident("我家山上的杉木想砍了卖", Some("530704"), "530704-lcj");
}

/// 残证 is the disability certificate, 办税 the tax bureau's hall.
#[test]
fn short_words_for_a_certificate_and_a_hall() {
    assert_first_confident("残证在哪里办", Some("532603"), "532603-cl-1");
    assert_first_confident("在哪里办税,地址发我一下", Some("530604"), "530604-swju");
}

/// An entry's name typed in pinyin with the region before it (baoshanhunyindengjichu) is
/// read in words like other pinyin, so the need after it counts with it (before, only
/// 周末上班 was read as words and the answer was not confident). Two agencies' names that
/// sound alike (shuiwuju: 水务局 or 税务局) are not spelt as either.
#[test]
fn an_entrys_name_in_pinyin_is_read_in_words() {
    assert_first_confident(
        "baoshanhunyindengjichu zhoumo shangbanma",
        None,
        "530500-hydj-2",
    );
    assert_first_confident("yuxigongjijinzhongxin tiqu", None, "530400-gjj-1");
    assert_not_confident(&["wenshanshuiwuju"]);
}
