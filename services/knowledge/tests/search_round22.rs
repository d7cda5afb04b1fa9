//! Round 22 (issue 20, twenty-second round). Six blind sets (48–53) were written from the
//! knowledge base alone and committed unread; 48–50 were scored on the round's starting
//! engine and read, 51–53 were not read; the earlier round's unread 45–47 were read too.
//! What they showed:
//! - places inside our regions that are no region (六库, 普者黑, 黑井, 双廊, 下关) say where
//!   the caller is: a maintained table (`data/places.tsv`) names their regions;
//! - a city of elsewhere with its office after it (深圳公积金中心, 六盘水那个派出所) is where
//!   the need is, even when the caller lives in one of our regions now;
//! - joining the army (想去当兵 … 报名) is the armed forces department's, which the
//!   knowledge base lacks;
//! - a person's credit report (个人征信) is the central bank's, no office's;
//! - letters nothing reads (嵩明sbk丢了) leave the need unknown; the common ones (sbk, sfz,
//!   hkb, jsz) are in the synonym table;
//! - a region typed as Yunnan speech says it before its ending (富明县 for 富民县).

#![allow(clippy::unwrap_used, clippy::expect_used)]

// Shared with the other quality tests; this one uses only the figures and the top three.
#[allow(dead_code)]
mod search_sets;

use knowledge::search::regions::PLACES;
use search_sets::figures::assert_blind_floors;
use search_sets::{assert_first_confident, assert_not_confident, reference_index};

/// The forty-eighth to fiftieth blind sets, first scored on 4f5a433's engine (top 3,
/// confident and in the top 3, unanswerable confident): 79/80, 76/80, 1/20; 80/80, 79/80,
/// 1/20; 80/80, 74/80, 2/20. The floors are the round's end.
#[test]
fn forty_eighth_to_fiftieth_blind_sets() {
    assert_blind_floors("search-blind48.tsv", 80, 77);
    assert_blind_floors("search-blind49.tsv", 80, 79);
    assert_blind_floors("search-blind50.tsv", 80, 74);
}

/// The earlier round's unread sets, read this round: their floors at this round's end.
#[test]
fn forty_fifth_to_forty_seventh_blind_sets() {
    assert_blind_floors("search-blind45.tsv", 80, 73);
    assert_blind_floors("search-blind46.tsv", 79, 76);
    assert_blind_floors("search-blind47.tsv", 80, 79);
}

/// Every place of the table lies in a region of the reference knowledge base, and none is
/// a region's own name.
#[test]
fn the_places_table_names_our_regions() {
    let kb = std::fs::read_to_string(search_sets::root().join("data/kb/regions.jsonl")).unwrap();
    let regions: Vec<serde_json::Value> = kb
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<&str> = regions.iter().filter_map(|r| r["code"].as_str()).collect();
    let names: Vec<&str> = regions
        .iter()
        .flat_map(|r| [r["name"].as_str(), r["short_name"].as_str()])
        .flatten()
        .collect();
    let mut n = 0;
    for line in PLACES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 4, "{line}");
        assert!(codes.contains(&cols[1]), "{line}: no such region");
        assert!(!names.contains(&cols[0]), "{line}: a region's own name");
        n += 1;
    }
    assert!(n >= 100, "{n} places");
}

/// Places inside a county (written for this round; not rows of a set). Before, the
/// province's entry came first (六库, 黑井) or the province's school enrolment (双廊).
#[test]
fn a_place_inside_a_county_names_it() {
    assert_first_confident(
        "我们在六库住，娃娃耳朵听不见想办个残疾证",
        None,
        "533302-cl-1",
    );
    assert_first_confident("黑井镇的，老人想办个残疾证", None, "532303-cl-1");
    assert_first_confident(
        "双廊开客栈的，娃娃读书要办居住证咋个办",
        None,
        "532902-jyj-1",
    );
    // 下关 inside 一下关于 is no place.
    let idx = reference_index().unwrap();
    let (res, analysis) = idx.search("想问一下关于低保的事", None, 10).unwrap();
    assert!(
        analysis.regions.mentions.is_empty(),
        "{:?}",
        analysis.regions
    );
    assert!(
        res.items
            .iter()
            .take(3)
            .any(|i| i.code().ends_with("-mzj-1"))
    );
    // Nor 姐告 inside 我姐告诉, nor 江那 inside 浙江那边.
    assert_first_confident("我姐告诉我去五华办居住证", None, "530102-gaj-3");
    let (_, analysis) = idx
        .search("浙江那边的亲戚想来砚山办个居住证", None, 10)
        .unwrap();
    let codes: Vec<&str> = analysis
        .regions
        .mentions
        .iter()
        .map(|m| m.code.as_str())
        .collect();
    assert_eq!(codes, ["532603"]);
}

/// A city of elsewhere with its office, joining the army, a person's credit report and
/// letters nothing reads (written for this round). Before, each was answered confidently:
/// 昆明's housing fund and hukou, the province's entrance exam, the income tax, a lost
/// marriage certificate.
#[test]
fn what_the_knowledge_base_lacks_is_not_answered_confidently() {
    assert_not_confident(&[
        "我在深圳干了几年，现在回云南了，深圳公积金中心电话多少",
        "我们一家在昆明上班，爹的户口还在六盘水老家，想问六盘水那个派出所的电话",
        "娃娃高中毕业想去当兵，啥时候报名",
        "个人征信去哪个银行打印",
        "嵩明xyz丢了咋补",
    ]);
    // A bank the social security card is replaced at is still the card's question.
    assert_first_confident("社保卡丢了去哪个银行补", None, "530100-sbzx-1");
}

/// Document initials in the synonym table and a county typed as it is said (written for
/// this round). Before: a lost marriage certificate, 昆明's licence renewal.
#[test]
fn initials_and_sounds_typed_in_a_hurry() {
    assert_first_confident("嵩明sbk丢了咋补", None, "530112-sbzx-1");
    assert_first_confident("富明县驾照到期换证", None, "530109-cgs-1");
}
