//! Round 9 (issue 20, ninth round): pinyin typed for the whole need, an agency typed in
//! characters that sound like it, a story whose circumstances name another department than
//! the one it asks, an organ of another province's city named beside one of our regions,
//! and a department's hours asked at length. Examples written for this round,
//! not rows of the blind sets.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the index.
#[allow(dead_code)]
mod search_sets;

use search_sets::{assert_first_confident, assert_not_confident, top3};

fn first_is(q: &str, code: &str) {
    assert_first_confident(q, None, code);
}

/// Pinyin typed without spaces for the need itself, after the region, is read as the words
/// it spells (办护照要带什么), so it is answered as if typed in characters.
#[test]
fn pinyin_typed_for_the_need_is_read_as_its_words() {
    first_is("lijiangbanhuzhaoyaodaishenme", "530700-crj-1");
    first_is("qujingshebaokabubanyaodaishenme", "530300-sbzx-1");
    first_is("dalijiehundengjiyaodaishenme", "532900-hydj-1");
}

/// An agency's name typed with a character of the same sound (人设局 for 人社局) is that
/// agency; a name the dictionary knows is not put right (水务局 is no typo of 税务局).
#[test]
fn an_agency_typed_in_characters_that_sound_like_it_is_found() {
    first_is("石林县人设局电话", "530111-rsj");
    first_is("麒麟区信仿局在哪", "530302-xfj");
    let (top, _) = top3("水务局电话", Some("530607"));
    assert_eq!(
        top.first().map(String::as_str),
        Some("530607-slj"),
        "{top:?}"
    );
}

/// A story that mentions doing business (做生意) while it asks where to register the
/// mortgage the bank wants: the words named the business licence, the topic classifier the
/// mortgage registration, and round 9 made the answer unsure with the registration among the
/// first three. Since round 10 the synonym seed reads 房子去银行 as the mortgage
/// registration, which answers it first and confidently; the disputed rule is tested by
/// `search_round10`'s trader's story.
#[test]
fn a_mortgage_story_that_mentions_doing_business_is_the_registrations() {
    let q = "我想拿自己住的房子去银行贷点款做生意 银行说要先去登记一下才能放款 这个登记要去哪里办";
    assert_first_confident(q, Some("530402"), "530402-bdc-4");
}

/// An organ of another province's city, named beside one of our regions, and services only
/// organs the knowledge base lacks give (征兵, a telecom shop), keep the answer unconfident.
#[test]
fn what_the_knowledge_base_lacks_stays_unconfident_beside_our_regions() {
    assert_not_confident(&[
        "我家在昭阳区 人在贵阳上班 贵阳劳动局电话多少",
        "移动营业厅几点开门",
        "征兵报名是什么时候",
    ]);
}

/// When a department named in the need closes at noon and opens again: its own entry
/// (which shows its hours) answers, not the service centre's 几点上班, which the topic
/// classifier takes every such need for.
#[test]
fn a_departments_hours_asked_at_length_are_that_departments() {
    first_is("宾川县车管所中午休不休息 下午几点开门", "532905-cgs");
    first_is("石屏县出入境中午要休息吗 下午几点开始办", "532508-crj");
    first_is("陆良县不动产登记中心中午休息吗，下午几点上班", "530305-bdc");
}
