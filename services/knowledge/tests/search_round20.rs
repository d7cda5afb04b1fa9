//! Round 20 (issue 20, twentieth round). Three blind sets (36–38) were written from the
//! knowledge base alone, committed unread, scored once on the round's starting engine and
//! read; three more (39–41) were written while the changes were made and first scored on
//! the round's end. After reading 36–38 the answers the engine already had right became
//! confident more often:
//! - a question the classifier is sure of outweighs the class of needs no entry answers;
//! - 这段时间 names no one (段 is a measure word there, not a surname);
//! - a caller's family from or working in another province (她是四川人, 男人在浙江打工), or
//!   treated there (在贵州那边住院了), does not make a filtered need another province's;
//! - a short need the classifier is very sure of is answered confidently;
//! - the segmenter's cuts (上回办的, 想回县城, 卖烟花) are no organs or counties;
//! - a region typed first by its sound (普耳, 寻店) is put right;
//! - roads are the transport bureau's; the way there by bus is a department's address;
//! - a department named (物价局 as 市场监管局) with its phone asked for is the answer.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the figures and the top three.
#[allow(dead_code)]
mod search_sets;

use search_sets::figures::{assert_blind_floors, assert_blind_floors_but};
use search_sets::{assert_first_confident, top3};

/// The thirty-sixth to thirty-eighth blind sets, first scored on 115f474's engine (top 3,
/// confident and in the top 3, unanswerable confident): 77/80, 70/80, 1/20; 74/80, 64/80,
/// 0/20; 76/80, 72/80, 1/20. The floors are the round's end. One unanswerable row is still
/// answered confidently: a temple's hours asked as 那个寺 (one character, no name).
#[test]
fn thirty_sixth_to_thirty_eighth_blind_sets() {
    assert_blind_floors("search-blind36.tsv", 78, 75);
    assert_blind_floors("search-blind37.tsv", 77, 70);
    assert_blind_floors_but(
        "search-blind38.tsv",
        77,
        74,
        &["官渡古镇里面那个寺初一十五要不要门票，几点开门"],
    );
}

/// Stories the classifier is sure of, whose words sound like needs no entry answers or
/// whose callers name another province for who they are (written for this round; not rows
/// of a set). Before, each had the right entry first but not confidently.
#[test]
fn a_story_the_classifier_is_sure_of_is_answered_confidently() {
    assert_first_confident(
        "我家在景谷，这段时间野猪天天晚上下来拱我家的包谷地，一大片都遭糟蹋了，听说野生动物整坏的庄稼可以赔，要找哪个单位报",
        None,
        "530806-lcj",
    );
    assert_first_confident(
        "她是四川人，我们下个月想去把结婚证领了，两个人要带哪样",
        Some("532802"),
        "532802-hydj-1",
    );
    assert_first_confident(
        "男人在浙江打工，我一个人在家带娃娃，想把户口迁到县城来，要带哪样",
        Some("530305"),
        "530305-gaj-2",
    );
    assert_first_confident(
        "我老公在贵州那边出车祸住院了，医保是在这边交的，要先办啥子才能在那边直接报",
        Some("530402"),
        "530402-ybj-1",
    );
    assert_first_confident(
        "我家老倌要去上海的大医院做手术，走之前要先办个啥子手续",
        Some("530502"),
        "530502-ybj-1",
    );
}

/// A road washed away is the transport bureau's, not the water bureau's (written for this
/// round). Before, it came second, after the vehicle inspection.
#[test]
fn a_road_is_the_transport_bureaus() {
    assert_first_confident(
        "下了几场大雨，我们村去镇上的那段公路垮了一半，车子都过不去，一个多月了没人来修",
        Some("530609"),
        "530609-jtj",
    );
}

/// Short needs (written for this round): a region typed first by its sound, the way to a
/// department by bus, a need the classifier is very sure of. Before, the first two were
/// answered confidently with the province's entries, the others not confidently.
#[test]
fn short_needs() {
    assert_first_confident("普耳 社保卡补办", None, "530800-sbzx-1");
    assert_first_confident("临仓 医保电子凭证咋激活", None, "530900-ybj-2");
    assert_first_confident("车管所坐几路公交去", Some("530102"), "530102-cgs");
    assert_first_confident("弥勒娃娃打疫苗去哪点打", None, "532505-wjw-2");
    // Which pet clinic is no entry's, whatever the vaccination's words match.
    let (top, confident) = top3("附近哪家宠物医院能给猫打疫苗", Some("530102"));
    assert!(!confident, "{top:?} confident");
    assert_first_confident("寻店 身份证丢了咋补", None, "530114-gaj-1");
}

/// A department named by its old name with a contact asked for is the answer, whatever the
/// rest of the need sounds like (written for this round). Before, each had the department
/// first but not confidently.
#[test]
fn a_department_named_and_asked_for_is_the_answer() {
    assert_first_confident(
        "物价局电话多少，馆子吃饭结账乱要钱",
        Some("530305"),
        "530305-scj",
    );
    assert_first_confident("蒙自物价局电话多少，停车场乱收钱", None, "532504-scj");
}
