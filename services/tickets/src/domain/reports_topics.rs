//! The 社情民意 digest (issue 19): the topics callers raise, per week, with the change against
//! the weeks just before, the rising ones first, each with a few example tickets.
//!
//! A topic is one of the knowledge base's FAQ topics: a kind of department (`ybj`, 医疗保障,
//! in every region), named by the words the knowledge service finds in that kind's FAQs and
//! sends over (`TopicWords`). A ticket is filed under the topic whose words its summary holds
//! most of (the longest words weigh most), else under its department's kind, else under none
//! (`""`, 未归类), once, when it is taken; knowledge's searches are filed under the topic of
//! their best answer. Both add to the weekly roll-up `report_topic_weeks` (weeks run Monday to
//! Sunday, China time), which is all the report reads, with the tickets' `topic` for the
//! examples.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use shared::contract::tickets::SearchTopicCount;
use shared::time::{CST_OFFSET_MS, DAY_MS, day_number_to_date};
use utoipa::ToSchema;

use super::record::TicketRecord;
use super::reports::{Cell, csv_line};

/// The longest topic word looked for, in characters (the contract's bound).
pub const MAX_WORD: usize = 8;
/// How much of a summary is read for topic words, in characters.
const READ_CHARS: usize = 120;
/// Topics with example tickets, and examples each.
pub const TOPICS_WITH_EXAMPLES: usize = 10;
pub const EXAMPLES: i64 = 3;

/// The Monday of `day`'s week.
pub fn week_of_day(day: NaiveDate) -> NaiveDate {
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// The Monday (China time) of the week of an instant in epoch milliseconds.
pub fn week_of(at_ms: i64) -> NaiveDate {
    week_of_day(day_number_to_date(
        (at_ms + CST_OFFSET_MS).div_euclid(DAY_MS),
    ))
}

/// Every run of two to [`MAX_WORD`] letters, digits or Chinese characters in the start of
/// `text`: the words a topic word could be, looked up all at once.
pub fn candidate_words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().take(READ_CHARS).collect();
    let mut out: Vec<String> = Vec::new();
    for run in chars.split(|c| !c.is_alphanumeric()) {
        for start in 0..run.len() {
            for len in 2..=MAX_WORD.min(run.len() - start) {
                out.push(run[start..start + len].iter().collect());
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// A topic's code: 1 to 40 ASCII letters, digits and `-` (a department kind).
pub fn valid_topic(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// The kind of department a code names (`530100-rsj` → `rsj`), if it has one.
pub fn department_kind(code: &str) -> Option<&str> {
    code.split_once('-').map(|(_, kind)| kind)
}

/// The topic a ticket may fall back to when its summary names none: its department's kind,
/// unless that is the government office's, which takes every kind of question. The caller
/// keeps it only if it is a topic.
pub fn fallback_kind(department: Option<&str>) -> Option<&str> {
    department.and_then(department_kind).filter(|k| *k != "zfb")
}

/// The topic a ticket is filed under: the topic whose words (`found`: word, topic) in its
/// summary add up to the most characters (ties to the first by code); failing that,
/// `fallback` (a [`fallback_kind`] that is a topic); else none (`""`).
pub fn classify(found: &[(String, String)], fallback: Option<&str>) -> String {
    let mut weight: BTreeMap<&str, usize> = BTreeMap::new();
    for (word, topic) in found {
        *weight.entry(topic.as_str()).or_default() += word.chars().count();
    }
    weight
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(t, _)| *t)
        .or(fallback)
        .unwrap_or_default()
        .to_string()
}

/// The topics and their words as knowledge last sent them, held in memory so that a ticket is
/// classified as it is taken without asking the database for a word list (every creation does
/// this, and the summary's candidate words run to hundreds).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Vocabulary {
    /// Word → topic.
    words: HashMap<String, String>,
    topics: HashSet<String>,
}

impl Vocabulary {
    pub fn new(
        topics: impl IntoIterator<Item = String>,
        words: impl IntoIterator<Item = (String, String)>,
    ) -> Vocabulary {
        Vocabulary {
            words: words.into_iter().collect(),
            topics: topics.into_iter().collect(),
        }
    }

    /// The topic a ticket with this summary, for this department, is filed under
    /// ([`classify`] over the summary's words, the department's kind when none is found).
    pub fn topic_of(&self, summary: &str, department: Option<&str>) -> String {
        let found: Vec<(String, String)> = candidate_words(summary)
            .into_iter()
            .filter_map(|w| self.words.get(&w).cloned().map(|t| (w, t)))
            .collect();
        let fallback =
            fallback_kind(department).filter(|k| found.is_empty() && self.topics.contains(*k));
        classify(&found, fallback)
    }
}

/// What one ticket or day's searches add to a row of `report_topic_weeks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicTally {
    /// The week's Monday, `YYYY-MM-DD`.
    pub week: String,
    pub region: String,
    pub department: String,
    pub topic: String,
    pub tickets: i64,
    pub searches: i64,
    /// Which of the row's [`SLOTS`] it adds to (the report sums them).
    pub slot: i64,
}

/// How many rows one week, region, department and topic is split into: every ticket adds to
/// its topic's row in the transaction that takes it, and a row stays locked until the commit,
/// so one row per topic would queue a department's concurrent creations behind each other.
pub const SLOTS: i64 = 8;

/// A ticket's slot: its number's sequence (`T20261205-000123` → 123) modulo [`SLOTS`], so
/// tickets taken one after another add to different rows.
pub fn slot_of(ticket_id: &str) -> i64 {
    let seq = ticket_id
        .rsplit('-')
        .next()
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(0);
    seq.rem_euclid(SLOTS)
}

/// What a ticket just taken adds under `topic`.
pub fn ticket_taken(rec: &TicketRecord, topic: &str) -> TopicTally {
    TopicTally {
        week: week_of(rec.created_at).to_string(),
        region: rec.region.clone(),
        department: rec.department.clone().unwrap_or_default(),
        topic: topic.to_string(),
        tickets: 1,
        searches: 0,
        slot: slot_of(&rec.id),
    }
}

/// What a day's searches of one topic add (searches carry no department).
pub fn searched(c: &SearchTopicCount) -> TopicTally {
    TopicTally {
        week: week_of_day(c.day).to_string(),
        region: c.region.clone(),
        department: String::new(),
        topic: c.topic.clone(),
        tickets: 0,
        searches: c.searches,
        slot: 0,
    }
}

/// The weeks a report covers and the same number just before: (first Monday, last Monday,
/// the previous period's first Monday).
pub fn weeks(from: NaiveDate, to: NaiveDate) -> (NaiveDate, NaiveDate, NaiveDate) {
    let first = week_of_day(from);
    let last = week_of_day(to.max(from));
    let n = (last - first).num_days() / 7 + 1;
    (first, last, first - Duration::days(7 * n))
}

/// One week of one topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TopicWeek {
    /// The week's Monday (China time).
    pub week: NaiveDate,
    /// 工单: tickets taken that week whose summary raised the topic.
    pub tickets: i64,
    /// 搜索: searches at the knowledge service answered from the topic.
    pub searches: i64,
}

/// A ticket that raised a topic, the latest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TopicExample {
    #[schema(example = "T20261205-000001")]
    pub id: String,
    pub summary: String,
    pub region: String,
    /// Epoch milliseconds.
    pub created_at: i64,
}

/// One topic of the digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TopicRow {
    /// The kind of department the topic is (`ybj`).
    pub topic: String,
    /// Its name (医疗保障局), or the code when the knowledge service has not named it.
    pub name: String,
    pub tickets: i64,
    pub searches: i64,
    /// 提及: tickets and searches.
    pub mentions: i64,
    pub previous_tickets: i64,
    pub previous_searches: i64,
    pub previous_mentions: i64,
    /// 变化: mentions against the previous period's, as a fraction (0.25 is 25 % more);
    /// `null` when the previous period had none.
    pub change: Option<f64>,
    /// Each week of the period, zeros included.
    pub weeks: Vec<TopicWeek>,
    /// The latest tickets of the topic in the period (for the first topics only).
    pub examples: Vec<TopicExample>,
}

/// What no topic word named and no department's kind told (未归类).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Unfiled {
    pub tickets: i64,
    pub previous_tickets: i64,
}

/// The 社情民意 digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TopicDigest {
    /// The days asked for (default: this month up to today).
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The weeks they touch, Monday of the first to Sunday of the last: what is counted.
    pub week_from: NaiveDate,
    pub week_to: NaiveDate,
    /// The as many weeks just before, compared against.
    pub previous_from: NaiveDate,
    pub previous_to: NaiveDate,
    pub region: Option<String>,
    /// The department filter, if any: searches carry no department, so it leaves them out.
    pub department: Option<String>,
    /// The topics raised in either period, the most risen first (mentions now less mentions
    /// before, then mentions now, then code).
    pub topics: Vec<TopicRow>,
    pub unfiled: Unfiled,
}

/// What the digest reads: the roll-ups of both periods summed per (week `YYYY-MM-DD`, topic),
/// filtered; the topics' names.
pub struct DigestInput {
    pub rows: Vec<(String, String, i64, i64)>,
    pub names: BTreeMap<String, String>,
}

/// The digest of the weeks `from..=to` touch, from the roll-ups.
pub fn digest(
    from: NaiveDate,
    to: NaiveDate,
    region: Option<String>,
    department: Option<String>,
    input: DigestInput,
) -> TopicDigest {
    let (first, last, previous) = weeks(from, to);
    let mondays: Vec<NaiveDate> = first
        .iter_days()
        .step_by(7)
        .take_while(|d| *d <= last)
        .collect();
    let mut rows: BTreeMap<String, TopicRow> = BTreeMap::new();
    let mut unfiled = Unfiled::default();
    for (week, topic, tickets, searches) in input.rows {
        let Ok(week) = week.parse::<NaiveDate>() else {
            continue;
        };
        let now = week >= first && week <= last;
        if !now && (week < previous || week >= first) {
            continue;
        }
        if topic.is_empty() {
            if now {
                unfiled.tickets += tickets;
            } else {
                unfiled.previous_tickets += tickets;
            }
            continue;
        }
        let row = rows.entry(topic.clone()).or_insert_with(|| TopicRow {
            name: input.names.get(&topic).cloned().unwrap_or(topic.clone()),
            topic,
            tickets: 0,
            searches: 0,
            mentions: 0,
            previous_tickets: 0,
            previous_searches: 0,
            previous_mentions: 0,
            change: None,
            weeks: mondays
                .iter()
                .map(|&week| TopicWeek {
                    week,
                    tickets: 0,
                    searches: 0,
                })
                .collect(),
            examples: Vec::new(),
        });
        if now {
            row.tickets += tickets;
            row.searches += searches;
            if let Some(w) = row.weeks.iter_mut().find(|w| w.week == week) {
                w.tickets += tickets;
                w.searches += searches;
            }
        } else {
            row.previous_tickets += tickets;
            row.previous_searches += searches;
        }
    }
    let mut topics: Vec<TopicRow> = rows
        .into_values()
        .map(|mut r| {
            r.mentions = r.tickets + r.searches;
            r.previous_mentions = r.previous_tickets + r.previous_searches;
            r.change = (r.previous_mentions > 0).then(|| {
                let c = r.mentions as f64 / r.previous_mentions as f64 - 1.0;
                (c * 10_000.0).round() / 10_000.0
            });
            r
        })
        .filter(|r| r.mentions > 0 || r.previous_mentions > 0)
        .collect();
    topics.sort_by(|a, b| {
        (b.mentions - b.previous_mentions)
            .cmp(&(a.mentions - a.previous_mentions))
            .then(b.mentions.cmp(&a.mentions))
            .then(a.topic.cmp(&b.topic))
    });
    TopicDigest {
        from,
        to,
        week_from: first,
        week_to: last + Duration::days(6),
        previous_from: previous,
        previous_to: first - Duration::days(1),
        region,
        department,
        topics,
        unfiled,
    }
}

/// The downloads' columns.
pub const TOPIC_COLUMNS: [&str; 10] = [
    "话题代码",
    "话题",
    "工单",
    "搜索",
    "提及",
    "上期工单",
    "上期搜索",
    "上期提及",
    "变化",
    "示例工单",
];

/// The table of a download: the header, a line per topic, then the unfiled tickets.
pub fn topic_lines(d: &TopicDigest) -> Vec<Vec<Cell>> {
    let header = TOPIC_COLUMNS
        .iter()
        .map(|c| Cell::Text((*c).into()))
        .collect();
    let mut lines: Vec<Vec<Cell>> = vec![header];
    for t in &d.topics {
        let examples: Vec<String> = t
            .examples
            .iter()
            .map(|e| format!("{} {}", e.id, e.summary))
            .collect();
        lines.push(vec![
            Cell::Text(t.topic.clone()),
            Cell::Text(t.name.clone()),
            Cell::Count(t.tickets),
            Cell::Count(t.searches),
            Cell::Count(t.mentions),
            Cell::Count(t.previous_tickets),
            Cell::Count(t.previous_searches),
            Cell::Count(t.previous_mentions),
            Cell::Share(t.change),
            Cell::Text(examples.join("；")),
        ]);
    }
    lines.push(vec![
        Cell::Text(String::new()),
        Cell::Text("未归类".into()),
        Cell::Count(d.unfiled.tickets),
        Cell::Count(0),
        Cell::Count(d.unfiled.tickets),
        Cell::Count(d.unfiled.previous_tickets),
        Cell::Count(0),
        Cell::Count(d.unfiled.previous_tickets),
        Cell::Share(None),
        Cell::Text(String::new()),
    ]);
    lines
}

/// The digest as CSV: UTF-8 with a byte-order mark; changes as percentages.
pub fn topic_csv(d: &TopicDigest) -> Vec<u8> {
    let mut out = String::from("\u{feff}");
    for line in topic_lines(d) {
        csv_line(&mut out, &line);
    }
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::TicketType;
    use crate::domain::intake::tests::sample;
    use crate::domain::reports::day_start;

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    fn found(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(w, t)| (w.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn weeks_run_monday_to_sunday_in_china_time() {
        // 2026-12-06 is a Sunday; 16:30 UTC on it is Monday 00:30 in China.
        assert_eq!(week_of_day(day(12, 6)), day(11, 30));
        assert_eq!(week_of_day(day(12, 7)), day(12, 7));
        assert_eq!(week_of(day_start(day(12, 6)) + 60_000), day(11, 30));
        assert_eq!(week_of(day_start(day(12, 7))), day(12, 7));
        assert_eq!(week_of(day_start(day(12, 7)) - 1), day(11, 30));
        // December 2026 touches five weeks; the previous period is the five before.
        let (first, last, previous) = weeks(day(12, 1), day(12, 31));
        assert_eq!(
            (first, last, previous),
            (day(11, 30), day(12, 28), day(10, 26))
        );
    }

    #[test]
    fn candidate_words_are_the_short_runs_of_the_summary() {
        let words = candidate_words("医保报销,12345");
        for w in ["医保", "报销", "医保报销", "保报", "12", "12345"] {
            assert!(words.contains(&w.to_string()), "{w}");
        }
        assert!(!words.iter().any(|w| w.contains(',')));
        assert!(!words.contains(&"医".to_string()));
        assert!(words.iter().all(|w| w.chars().count() <= MAX_WORD));
    }

    #[test]
    fn a_summary_goes_to_the_topic_its_words_weigh_most_else_its_department_kind() {
        let f = found(&[("医保", "ybj"), ("报销", "ybj"), ("身份证", "gaj")]);
        assert_eq!(classify(&f, Some("gaj")), "ybj");
        // Equal weights: the first by code, the same every time.
        let tie = found(&[("户口", "gaj"), ("社保", "rsj")]);
        assert_eq!(classify(&tie, None), "gaj");
        // No word: the fallback, the department's kind, but not the government office's.
        assert_eq!(classify(&[], Some("rsj")), "rsj");
        assert_eq!(classify(&[], None), "");
        assert_eq!(fallback_kind(Some("530100-rsj")), Some("rsj"));
        assert_eq!(fallback_kind(Some("530100-zfb")), None);
        assert_eq!(fallback_kind(Some("530100")), None);
        assert_eq!(fallback_kind(None), None);
    }

    #[test]
    fn the_vocabulary_files_a_summary_by_its_words_else_by_a_department_kind_it_names() {
        let v = Vocabulary::new(
            ["ybj", "gaj", "rsj"].map(String::from),
            [("医保", "ybj"), ("报销", "ybj"), ("身份证", "gaj")]
                .map(|(w, t)| (w.to_string(), t.to_string())),
        );
        assert_eq!(
            v.topic_of("医保报销要带身份证吗", Some("530100-gaj")),
            "ybj"
        );
        assert_eq!(v.topic_of("办了三次没办成", Some("530100-rsj")), "rsj");
        // A kind knowledge has no topic for, and the government office, are not topics.
        assert_eq!(v.topic_of("办了三次没办成", Some("530100-sjj")), "");
        assert_eq!(v.topic_of("办了三次没办成", Some("530100-zfb")), "");
        assert_eq!(Vocabulary::default().topic_of("医保报销", None), "");
    }

    #[test]
    fn tickets_taken_one_after_another_add_to_different_slots() {
        assert_eq!(slot_of("T20261205-000123"), 3);
        assert_eq!(slot_of("T20261205-000008"), 0);
        let slots: std::collections::BTreeSet<i64> = (1..=SLOTS)
            .map(|n| slot_of(&format!("T20261205-{n:06}")))
            .collect();
        assert_eq!(slots.len() as i64, SLOTS);
        assert_eq!(slot_of("not a number"), 0);
    }

    #[test]
    fn a_ticket_adds_one_to_its_week_and_searches_to_theirs() {
        let mut t = sample(TicketType::NoInfo, false);
        t.created_at = day_start(day(12, 6)) + 60_000;
        let tally = ticket_taken(&t, "ybj");
        assert_eq!(tally.week, "2026-11-30");
        assert_eq!((tally.tickets, tally.searches), (1, 0));
        assert_eq!(tally.department, "530100-zfb");
        let s = searched(&SearchTopicCount {
            day: day(12, 9),
            region: String::new(),
            topic: "gaj".into(),
            searches: 7,
        });
        assert_eq!(
            (s.week.as_str(), s.searches, s.department.as_str()),
            ("2026-12-07", 7, "")
        );
    }

    #[test]
    fn the_digest_puts_the_most_risen_first_against_as_many_weeks_before() {
        let row = |w: &str, t: &str, tickets, searches| (w.into(), t.into(), tickets, searches);
        let input = DigestInput {
            rows: vec![
                // This period: the weeks of 12-01 to 12-13 (11-30 and 12-07).
                row("2026-11-30", "ybj", 2, 10),
                row("2026-12-07", "ybj", 1, 20),
                row("2026-12-07", "gaj", 5, 0),
                row("2026-12-07", "", 3, 0),
                // The two weeks before.
                row("2026-11-16", "ybj", 1, 1),
                row("2026-11-23", "gaj", 20, 0),
                row("2026-11-23", "", 1, 0),
                // Before those: not read.
                row("2026-11-09", "ybj", 100, 0),
            ],
            names: BTreeMap::from([("ybj".to_string(), "医疗保障局".to_string())]),
        };
        let d = digest(day(12, 1), day(12, 13), None, None, input);
        assert_eq!((d.week_from, d.week_to), (day(11, 30), day(12, 13)));
        assert_eq!((d.previous_from, d.previous_to), (day(11, 16), day(11, 29)));
        let codes: Vec<&str> = d.topics.iter().map(|t| t.topic.as_str()).collect();
        assert_eq!(codes, ["ybj", "gaj"]);
        let ybj = &d.topics[0];
        assert_eq!(ybj.name, "医疗保障局");
        assert_eq!((ybj.tickets, ybj.searches, ybj.mentions), (3, 30, 33));
        assert_eq!(ybj.previous_mentions, 2);
        assert_eq!(ybj.change, Some(15.5));
        assert_eq!(ybj.weeks.len(), 2);
        assert_eq!((ybj.weeks[1].tickets, ybj.weeks[1].searches), (1, 20));
        let gaj = &d.topics[1];
        assert_eq!(gaj.name, "gaj");
        assert_eq!(gaj.change, Some(-0.75));
        assert_eq!(
            d.unfiled,
            Unfiled {
                tickets: 3,
                previous_tickets: 1
            }
        );
        let csv = String::from_utf8(topic_csv(&d)).unwrap();
        assert!(csv.starts_with("\u{feff}话题代码,话题,工单"));
        assert!(csv.contains("ybj,医疗保障局,3,30,33,1,1,2,1550.0%,"));
        assert!(csv.contains(",未归类,3,0,3,1,0,1,,"));
    }
}
