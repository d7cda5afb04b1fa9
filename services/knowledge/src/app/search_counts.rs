//! The searches counted for the knowledge base health report (issue 19): per China-time day
//! and region filter, how many searches and how many found nothing confident. Counted in
//! memory as searches are answered (the search never waits for the database) and written to
//! the outbox every few seconds as one message of counts to add (`jobs::search_counts`), which
//! the relay posts to tickets.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::NaiveDate;
use shared::contract::tickets::SearchDayCount;

/// Searches not yet written to the outbox, per (day, region; `""` for none): (all, unconfident).
#[derive(Debug, Default)]
pub struct SearchTally {
    counts: Mutex<BTreeMap<(NaiveDate, String), (i64, i64)>>,
}

impl SearchTally {
    /// One search answered on `day`, narrowed to `region` or not.
    pub fn note(&self, day: NaiveDate, region: Option<&str>, confident: bool) {
        if let Ok(mut counts) = self.counts.lock() {
            let key = (day, region.unwrap_or("").to_string());
            let e = counts.entry(key).or_default();
            e.0 += 1;
            e.1 += i64::from(!confident);
        }
    }

    /// Takes the counts so far (none left behind); empty when there were no searches.
    pub fn take(&self) -> Vec<SearchDayCount> {
        let taken = match self.counts.lock() {
            Ok(mut c) => std::mem::take(&mut *c),
            Err(_) => BTreeMap::new(),
        };
        taken
            .into_iter()
            .map(|((day, region), (searches, unconfident))| SearchDayCount {
                day,
                region,
                searches,
                unconfident,
            })
            .collect()
    }

    /// Puts counts taken back (their write failed): they go with the next message.
    pub fn put_back(&self, taken: Vec<SearchDayCount>) {
        if let Ok(mut counts) = self.counts.lock() {
            for c in taken {
                let e = counts.entry((c.day, c.region)).or_default();
                e.0 += c.searches;
                e.1 += c.unconfident;
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
        t.note(d, Some("530100"), true);
        t.note(d, Some("530100"), false);
        t.note(d, None, false);
        let taken = t.take();
        assert_eq!(
            taken,
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
        t.note(d, None, true);
        t.put_back(taken);
        let again = t.take();
        assert_eq!((again[0].searches, again[0].unconfident), (2, 1));
    }
}
