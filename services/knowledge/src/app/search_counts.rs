//! The searches counted for the knowledge base health report and the 社情民意 digest (issue
//! 19): per China-time day and region filter, how many searches and how many found nothing
//! confident, and how many were answered first by each FAQ topic (department kind). Counted
//! in memory as searches are answered (the search never waits for the database) and written
//! to the outbox every few seconds as one message of counts to add (`jobs::search_counts`),
//! which the relay posts to tickets.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use shared::contract::tickets::{SearchDayCount, SearchTopicCount};

/// Searches not yet written to the outbox, per (day, region; `""` for none).
#[derive(Debug, Default)]
pub struct SearchTally {
    counts: Mutex<BTreeMap<(NaiveDate, String), DayCount>>,
}

#[derive(Debug, Default)]
struct DayCount {
    searches: i64,
    unconfident: i64,
    /// Per topic of the first hit (a few dozen kinds at most): kept under the day's entry, so
    /// a search counts its topic without another key to allocate.
    topics: Vec<(Arc<str>, i64)>,
}

impl DayCount {
    fn add_topic(&mut self, topic: &Arc<str>, searches: i64) {
        match self.topics.iter_mut().find(|(t, _)| t == topic) {
            Some(e) => e.1 += searches,
            None => self.topics.push((Arc::clone(topic), searches)),
        }
    }
}

/// What [`SearchTally::take`] took: the message's two lists.
#[derive(Debug, Default, PartialEq)]
pub struct Taken {
    pub counts: Vec<SearchDayCount>,
    pub topics: Vec<SearchTopicCount>,
}

impl Taken {
    pub fn is_empty(&self) -> bool {
        self.counts.is_empty() && self.topics.is_empty()
    }
}

impl SearchTally {
    /// One search answered on `day`, narrowed to `region` or not; `topic` is the kind of
    /// the department of its first hit (none when it found nothing).
    pub fn note(
        &self,
        day: NaiveDate,
        region: Option<&str>,
        confident: bool,
        topic: Option<&Arc<str>>,
    ) {
        if let Ok(mut counts) = self.counts.lock() {
            let key = (day, region.unwrap_or("").to_string());
            let e = counts.entry(key).or_default();
            e.searches += 1;
            e.unconfident += i64::from(!confident);
            // A hit read back from the wire has no kind; never expected in a search.
            if let Some(t) = topic.filter(|t| !t.is_empty()) {
                e.add_topic(t, 1);
            }
        }
    }

    /// Takes the counts so far (none left behind); empty when there were no searches.
    pub fn take(&self) -> Taken {
        let taken = match self.counts.lock() {
            Ok(mut c) => std::mem::take(&mut *c),
            Err(_) => BTreeMap::new(),
        };
        let mut out = Taken::default();
        for ((day, region), c) in taken {
            let mut topics = c.topics;
            topics.sort();
            out.topics.extend(
                topics
                    .into_iter()
                    .map(|(topic, searches)| SearchTopicCount {
                        day,
                        region: region.clone(),
                        topic: topic.to_string(),
                        searches,
                    }),
            );
            out.counts.push(SearchDayCount {
                day,
                region,
                searches: c.searches,
                unconfident: c.unconfident,
            });
        }
        out
    }

    /// Puts counts taken back (their write failed): they go with the next message.
    pub fn put_back(&self, taken: Taken) {
        if let Ok(mut counts) = self.counts.lock() {
            for c in taken.counts {
                let e = counts.entry((c.day, c.region)).or_default();
                e.searches += c.searches;
                e.unconfident += c.unconfident;
            }
            for t in taken.topics {
                let e = counts.entry((t.day, t.region)).or_default();
                e.add_topic(&Arc::from(t.topic), t.searches);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn searches_count_per_day_and_region_and_go_once() {
        let t = SearchTally::default();
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        t.note(d, Some("530100"), true, None);
        t.note(d, Some("530100"), false, None);
        t.note(d, None, false, None);
        let taken = t.take();
        assert_eq!(
            taken.counts,
            vec![
                SearchDayCount {
                    day: d,
                    region: String::new(),
                    searches: 1,
                    unconfident: 1
                },
                SearchDayCount {
                    day: d,
                    region: "530100".into(),
                    searches: 2,
                    unconfident: 1
                },
            ]
        );
        assert!(t.take().is_empty(), "taken once");
        t.note(d, None, true, None);
        t.put_back(taken);
        let again = t.take();
        assert_eq!(
            (again.counts[0].searches, again.counts[0].unconfident),
            (2, 1)
        );
    }

    #[test]
    fn searches_with_hits_count_under_their_first_hits_topic() {
        let t = SearchTally::default();
        let d = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let (rsj, ybj): (Arc<str>, Arc<str>) = (Arc::from("rsj"), Arc::from("ybj"));
        t.note(d, Some("530100"), true, Some(&rsj));
        t.note(d, Some("530100"), false, Some(&rsj));
        t.note(d, Some("530100"), true, Some(&ybj));
        t.note(d, None, true, Some(&rsj));
        // No hit: a search, no topic.
        t.note(d, None, false, None);
        let topic = |region: &str, topic: &str, searches| SearchTopicCount {
            day: d,
            region: region.into(),
            topic: topic.into(),
            searches,
        };
        let taken = t.take();
        assert_eq!(
            taken.topics,
            vec![
                topic("", "rsj", 1),
                topic("530100", "rsj", 2),
                topic("530100", "ybj", 1)
            ]
        );
        assert_eq!(taken.counts.iter().map(|c| c.searches).sum::<i64>(), 5);
        assert!(t.take().is_empty(), "taken once");
        t.note(d, None, true, Some(&rsj));
        t.put_back(taken);
        let again = t.take();
        assert_eq!(
            again.topics,
            vec![
                topic("", "rsj", 2),
                topic("530100", "rsj", 2),
                topic("530100", "ybj", 1)
            ]
        );
    }
}
