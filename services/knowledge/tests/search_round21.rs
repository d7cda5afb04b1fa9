//! Round 21 (issue 20, twenty-first round). Six blind sets (42–47) were written from the
//! knowledge base alone and committed unread; 42–44 were scored on the round's starting
//! engine and read, 45–47 were not read. What 42–44 (and the earlier round's 39–41, read
//! now) showed:
//! - a train's or a plane's tickets (动车还有票没得, 12306 退票) and an insurer's claims
//!   (车险出险) are no entry's business, however well 动车 matches 机动车;
//! - a sight's admission (门票好多钱) is no office's fee;
//! - a place of another province asked about as "over there" (郑州那边的妇联, 遵义那边的手续)
//!   is where the need is, whoever's family comes from it;
//! - a mine's shaft (井下, 矿上), blasting (放炮), livestock (牲口) and black smoke (黑烟) name
//!   the departments that take them;
//! - initials a few regions share (ll: 陆良, 龙陵) offer each region's entry, unconfidently;
//! - a bank asked about (哪家银行) and a price forecast (明年会涨价) are no office's.

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the figures and the top three.
#[allow(dead_code)]
mod search_sets;

use search_sets::figures::{assert_blind_floors, assert_blind_floors_but};
use search_sets::{assert_first_confident, assert_not_confident, top3};

/// The forty-second to forty-fourth blind sets, first scored on 0d52161's engine (top 3,
/// confident and in the top 3, unanswerable confident): 79/80, 72/80, 5/20; 78/80, 72/80,
/// 3/20; 78/80, 74/80, 3/20. The floors are the round's end; the unanswerable row still
/// answered confidently is named.
#[test]
fn forty_second_to_forty_fourth_blind_sets() {
    assert_blind_floors("search-blind42.tsv", 80, 73);
    assert_blind_floors_but(
        "search-blind43.tsv",
        80,
        74,
        &["今晚聂耳广场有没得跳广场舞的"],
    );
    assert_blind_floors("search-blind44.tsv", 79, 74);
}

/// The earlier round's unread sets, read this round: their floors at this round's end.
#[test]
fn thirty_ninth_to_forty_first_blind_sets() {
    assert_blind_floors("search-blind39.tsv", 79, 73);
    assert_blind_floors("search-blind40.tsv", 79, 69);
    assert_blind_floors("search-blind41.tsv", 77, 71);
}

/// Tickets, insurers and sights (written for this round; not rows of a set). Before, each
/// was answered confidently: 动车 as 机动车, 车险 as 车船税, 门票 with the service centre's
/// hours.
#[test]
fn tickets_insurers_and_sights_are_not_ours() {
    assert_not_confident(&[
        "后天昆明去大理的动车还有票没得",
        "平安车险出险了要咋个报案",
        "大观楼门票好多钱，几点开门",
    ]);
}

/// Initials a few regions share, typed before the need (written for this round): each
/// region's entry comes up, and the answer is not confident. Before, 昆明's entries came
/// first, confidently.
#[test]
fn initials_of_a_few_regions_offer_each() {
    for (q, codes) in [
        ("ll社保卡补办", ["530504-sbzx-1", "530305-sbzx-1"]),
        ("lp驾驶证到期换证去哪", ["530307-cgs-1", "533305-cgs-1"]),
    ] {
        let (top, confident) = top3(q, None);
        assert!(!confident, "{q}: {top:?}");
        assert!(
            codes.iter().all(|c| top.iter().any(|t| t == c)),
            "{q}: {top:?}"
        );
    }
}

/// A bank asked about (written for this round). Before, the marriage registry's weekend
/// hours, confidently.
#[test]
fn a_bank_asked_about_is_not_ours() {
    assert_not_confident(&["这附近哪家银行星期天上班"]);
}

/// A place of another province pointed at as "over there", with its organ or its procedure
/// (written for this round). Before, both were answered confidently with our entries: the
/// women's federation of the filter's county, the prefecture's homestead approval.
#[test]
fn a_need_over_there_is_not_ours() {
    let (top, confident) = top3(
        "我是贡山的，姑娘嫁到河南郑州去了，在那边受婆家的气，想找郑州那边的妇联帮她说句话",
        Some("533304"),
    );
    assert!(!confident, "{top:?}");
    assert_not_confident(&[
        "我在大理打工，老家是贵州遵义的，父母想在老房子的地基上重新盖，遵义那边的手续要咋个办，找哪个部门",
    ]);
    // Treated over there is still our medical insurance's business.
    assert_first_confident(
        "我老公在贵州那边出车祸住院了，医保是在这边交的，要先办啥子才能在那边直接报",
        Some("530402"),
        "530402-ybj-1",
    );
}

/// A mine, blasting, livestock and smoke (written for this round). Before, the mine's
/// safety report was first but not confident; the others were the water bureau's, the
/// property service's and the real-estate registry's.
#[test]
fn mines_livestock_and_smoke() {
    assert_first_confident(
        "我在个旧一个矿上干活，井下的风机坏了一个月，老板还让我们下去",
        None,
        "532502-yjj-1",
    );
    assert_first_confident(
        "兰坪山上有人夜里放炮挖洞子，石头滚下来砸到房子",
        None,
        "533305-yjj-1",
    );
    assert_first_confident("巍山我家的牲口病了好几头，找哪个来看", None, "532908-nyj");
    // Felling one's own trees is the forestry bureau's (round 3 and 6's example of a need
    // the words left unsure, until 砍几棵 was in the synonym table).
    assert_first_confident("香格里拉市 自家承包山上的树想砍几棵", None, "533402-lcj");
    assert_first_confident(
        "弥渡我们村头那个砖瓦窑一烧起来到处是黑烟，娃娃天天咳",
        None,
        "532906-sthjj-1",
    );
}
