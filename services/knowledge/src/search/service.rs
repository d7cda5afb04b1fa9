//! The search as the service runs it: built from the database at start, kept fresh by
//! following `kb_changes`, and recording the queries it could not answer.
//!
//! Every replica runs its own follower: it polls the change sequence (every 250 ms by
//! default), reloads the changed departments, FAQ entries and synonyms, and swaps in a new
//! snapshot. No replica needs to be told about a change.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, RwLock, Weak};
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use shared::ApiError;
use shared::db::{DbConnection, DbPool};

use super::engine::{SearchError, SearchIndex};
use super::model::{Answer, Changes, KbData};
use crate::db;

/// A gap in the change sequence (a transaction that took its number but has not committed
/// yet) is waited for this long before it is skipped.
const GAP_GRACE: Duration = Duration::from_secs(3);
const MAX_QUERY_CHARS: usize = 200;

impl From<SearchError> for ApiError {
    fn from(e: SearchError) -> ApiError {
        ApiError::internal(e)
    }
}

#[derive(Debug, Default)]
struct Asked {
    region: Option<String>,
    times: i64,
    first: Option<NaiveDateTime>,
    last: Option<NaiveDateTime>,
}

/// Queries waiting to be written (the search itself never waits for the database).
#[derive(Debug, Default)]
struct Pending {
    unanswered: HashMap<String, Asked>,
    answered: HashSet<String>,
}

/// Where the follower is in the change sequence.
#[derive(Debug, Default)]
struct Cursor {
    /// Every change up to here has been applied.
    done: i64,
    /// Applied changes after `done` (beyond a gap).
    applied: BTreeSet<i64>,
    /// When the first unfilled gap after `done` was noticed.
    gap_since: Option<Instant>,
}

pub struct SearchService {
    index: RwLock<Option<Arc<SearchIndex>>>,
    pool: DbPool,
    threads: usize,
    pending: Mutex<Pending>,
    /// Which unanswered queries `pending` may hold, as a 64-bit filter of their hashes (set
    /// and cleared under its lock): a confident answer takes that lock only when its query
    /// may be there, not on every search.
    unflushed: std::sync::atomic::AtomicU64,
    /// Recorded queries not yet answered (to mark them when they are).
    open: RwLock<HashSet<String>>,
    cursor: Mutex<Cursor>,
    /// Flushes since the open set was last re-read (other replicas record too).
    flushes: std::sync::atomic::AtomicU32,
}

/// FAQ records read at a time while the index is built (about 10 MB of them at once).
const FAQ_PAGE: i64 = 20_000;

/// Builds the index from the database: the FAQ entries a page at a time, each page indexed
/// and let go before the next is read (at scale 20, all 207k records at once were a fifth of
/// the start's peak memory).
fn build_index(conn: &mut DbConnection, threads: usize) -> Result<SearchIndex, ApiError> {
    let data = KbData {
        regions: db::kb::load_regions(conn)?,
        departments: db::kb::load_departments(conn)?,
        faqs: Vec::new(),
        synonyms: db::search::all(conn)?,
        phrasings: db::phrasings::all(conn)?,
    };
    let mut after = String::new();
    let mut next_faqs = || {
        let page = db::kb::faqs_after(conn, &after, FAQ_PAGE).map_err(|e| e.to_string())?;
        if let Some(last) = page.last() {
            after = last.code.clone();
        }
        Ok(page)
    };
    Ok(SearchIndex::build_paged(data, threads, &mut next_faqs)?)
}

impl SearchService {
    /// A service with no index yet (searches answer 503 until [`SearchService::start`]).
    pub fn new(pool: DbPool) -> Arc<SearchService> {
        Arc::new(SearchService {
            index: RwLock::new(None),
            pool,
            threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
            pending: Mutex::new(Pending::default()),
            unflushed: std::sync::atomic::AtomicU64::new(0),
            open: RwLock::new(HashSet::new()),
            cursor: Mutex::new(Cursor::default()),
            flushes: std::sync::atomic::AtomicU32::new(0),
        })
    }

    /// Merges the synonym seed, builds the index from the database and starts the
    /// change follower (every `poll`) and the recorder, as tokio tasks that end when the
    /// service is dropped. Call after migrations and the first-start import, before ready.
    pub async fn start(self: &Arc<Self>, poll: Duration) -> Result<(), String> {
        let p = self.pool.clone();
        let threads = self.threads;
        let started = Instant::now();
        let (index, seq, open) = tokio::task::spawn_blocking(move || {
            let mut conn = p.get().map_err(|e| e.to_string())?;
            let (pairs, first_seed) = super::seed_pairs();
            let added =
                db::search::merge_seed(&mut conn, &pairs, first_seed).map_err(|e| e.to_string())?;
            if added > 0 {
                tracing::info!(added, "synonym seed merged");
            }
            let corrected = db::search::correct_seed(&mut conn, &super::seed_corrections())
                .map_err(|e| e.to_string())?;
            if corrected > 0 {
                tracing::info!(corrected, "synonym seed rows changed in place");
            }
            // The sequence position first: a change made while we read is applied again.
            let seq = db::changes::latest_seq(&mut conn).map_err(|e| e.to_string())?;
            let open = db::unanswered::open_queries(&mut conn).map_err(|e| e.to_string())?;
            let index = build_index(&mut conn, threads).map_err(|e| e.to_string())?;
            Ok::<_, String>((index, seq, open))
        })
        .await
        .map_err(|e| e.to_string())??;
        tracing::info!(
            entries = index.len(),
            ms = started.elapsed().as_millis() as u64,
            "search index built"
        );
        *self
            .index
            .write()
            .map_err(|_| "search index lock poisoned")? = Some(Arc::new(index));
        *self.open.write().map_err(|_| "search lock poisoned")? = open.into_iter().collect();
        *self.cursor.lock().map_err(|_| "search lock poisoned")? = Cursor {
            done: seq,
            ..Cursor::default()
        };
        spawn_loop(Arc::downgrade(self), poll, |s| s.catch_up());
        spawn_loop(Arc::downgrade(self), Duration::from_millis(500), |s| {
            s.flush_records().map(|()| 0)
        });
        Ok(())
    }

    fn index(&self) -> Result<Arc<SearchIndex>, ApiError> {
        self.index
            .read()
            .map_err(|_| ApiError::internal("search index lock poisoned"))?
            .clone()
            .ok_or_else(|| ApiError::ServiceUnavailable("the search index is being built".into()))
    }

    /// The index's segmenter (none until the index is built): others who cut the knowledge
    /// base's text use it rather than load a dictionary of their own.
    pub fn jieba(&self) -> Option<Arc<tantivy_jieba::jieba_rs::Jieba>> {
        let snap = self.index().ok()?.snapshot().ok()?;
        Some(Arc::clone(snap.jieba()))
    }

    /// Each question of the knowledge base by label (`scj-5`), with its question as asked
    /// (without the region).
    pub fn questions(&self) -> Result<Vec<(String, String)>, ApiError> {
        Ok(self.index()?.questions())
    }

    /// Whether some entry asks the question labelled `label`.
    pub fn knows_question(&self, label: &str) -> Result<bool, ApiError> {
        Ok(self.index()?.knows_question(label))
    }

    /// The first of our regions below the province (a code not ending in 0000) that `text`
    /// names, if any: 外省 names no region, 昆明 does.
    pub fn region_named_in(&self, text: &str) -> Result<Option<String>, ApiError> {
        let snap = self
            .index()?
            .snapshot()
            .map_err(|e| ApiError::internal(e.to_string()))?;
        Ok(snap
            .regions()
            .detect(text)
            .mentions
            .into_iter()
            .map(|m| m.code)
            .find(|c| !c.ends_with("0000")))
    }

    pub fn has_region(&self, code: &str) -> bool {
        self.index().map(|i| i.has_region(code)).unwrap_or(false)
    }

    /// Validates and runs a query; records it when it found nothing confident.
    pub fn search(&self, q: &str, region: Option<&str>, limit: usize) -> Result<Answer, ApiError> {
        shared::web::check_required("q", q, MAX_QUERY_CHARS)?;
        if let Some(r) = region {
            shared::web::check_required("region", r, 32)?;
            if !self.has_region(r) {
                return Err(ApiError::bad_request(format!("unknown region `{r}`")));
            }
        }
        let (response, analysis) = self.index()?.search(q, region, limit)?;
        if !analysis.normalized.is_empty() {
            self.note(&analysis.normalized, region, response.confident);
        }
        Ok(response)
    }

    fn note(&self, query: &str, region: Option<&str>, confident: bool) {
        let now = chrono::Utc::now().naive_utc();
        if confident {
            let is_open = self.open.read().map(|o| o.contains(query)).unwrap_or(false);
            // Also when it was asked unanswered moments ago on this replica (a replica that
            // had not caught up with a change yet) and is not written yet: that record must
            // not reach the database after this answer and open the query again.
            if !is_open && self.unflushed.load(Ordering::Acquire) & filter_bit(query) == 0 {
                return;
            }
            if let Ok(mut p) = self.pending.lock() {
                let was_pending = p.unanswered.remove(query).is_some();
                if is_open || was_pending {
                    p.answered.insert(query.to_string());
                }
            }
            return;
        }
        if let Ok(mut p) = self.pending.lock() {
            self.unflushed
                .fetch_or(filter_bit(query), Ordering::Release);
            p.answered.remove(query);
            let a = p.unanswered.entry(query.to_string()).or_default();
            a.times += 1;
            a.region = region.map(str::to_string);
            a.first.get_or_insert(now);
            a.last = Some(now);
        }
    }

    /// Writes the recorded queries (one transaction per flush).
    pub fn flush_records(&self) -> Result<(), ApiError> {
        let pending = match self.pending.lock() {
            Ok(mut p) => {
                self.unflushed.store(0, Ordering::Release);
                std::mem::take(&mut *p)
            }
            Err(_) => return Err(ApiError::internal("pending lock poisoned")),
        };
        // Every ~10 s, re-read which queries are open: another replica may have recorded
        // one that this replica is about to answer.
        let n = self.flushes.fetch_add(1, Ordering::Relaxed);
        if n % 20 == 19 {
            let mut conn = self.pool.get()?;
            let open = db::unanswered::open_queries(&mut conn)?;
            if let Ok(mut o) = self.open.write() {
                *o = open.into_iter().collect();
            }
        }
        if pending.unanswered.is_empty() && pending.answered.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.get()?;
        let now = chrono::Utc::now().naive_utc();
        let answered: Vec<String> = pending.answered.iter().cloned().collect();
        let result = diesel::Connection::transaction(&mut *conn, |conn| {
            for (q, a) in &pending.unanswered {
                db::unanswered::record(
                    conn,
                    q,
                    a.region.as_deref(),
                    a.times,
                    a.first.unwrap_or(now),
                    a.last.unwrap_or(now),
                )?;
            }
            if !answered.is_empty() {
                db::unanswered::mark_answered(conn, &answered, now)?;
            }
            Ok::<_, ApiError>(())
        });
        match result {
            Ok(()) => {
                if let Ok(mut open) = self.open.write() {
                    for q in pending.unanswered.keys() {
                        open.insert(q.clone());
                    }
                    for q in &answered {
                        open.remove(q);
                    }
                }
                Ok(())
            }
            Err(e) => {
                // Put them back for the next flush.
                if let Ok(mut p) = self.pending.lock() {
                    for (q, a) in pending.unanswered {
                        self.unflushed.fetch_or(filter_bit(&q), Ordering::Release);
                        let e = p.unanswered.entry(q).or_default();
                        e.times += a.times;
                        e.region = a.region;
                        e.first = match (e.first, a.first) {
                            (Some(x), Some(y)) => Some(x.min(y)),
                            (x, y) => x.or(y),
                        };
                        e.last = e.last.max(a.last);
                    }
                    p.answered.extend(answered);
                }
                Err(e)
            }
        }
    }

    /// Applies the changes recorded since the last call. Returns how many were applied.
    pub fn catch_up(&self) -> Result<usize, ApiError> {
        let mut cursor = self
            .cursor
            .lock()
            .map_err(|_| ApiError::internal("cursor lock poisoned"))?;
        let mut conn = self.pool.get()?;
        let rows = db::changes::since(&mut conn, cursor.done)?;
        let fresh: Vec<&(i64, String, String)> = rows
            .iter()
            .filter(|(seq, _, _)| !cursor.applied.contains(seq))
            .collect();
        if fresh.is_empty() && cursor.applied.is_empty() {
            return Ok(0);
        }
        let started = Instant::now();
        let mut full = false;
        let mut synonyms = false;
        let mut phrasings = false;
        let mut depts: BTreeSet<String> = BTreeSet::new();
        let mut faqs: BTreeSet<String> = BTreeSet::new();
        for (_, entity, code) in &fresh {
            match entity.as_str() {
                db::changes::ALL | db::changes::REGION => full = true,
                db::changes::DEPARTMENT => {
                    depts.insert(code.clone());
                }
                db::changes::FAQ => {
                    faqs.insert(code.clone());
                }
                db::changes::SYNONYM => synonyms = true,
                db::changes::PHRASING => phrasings = true,
                _ => {}
            }
        }
        if full {
            let index = build_index(&mut conn, self.threads)?;
            drop(conn);
            let mut cur = self
                .index
                .write()
                .map_err(|_| ApiError::internal("search index lock poisoned"))?;
            *cur = Some(Arc::new(index));
        } else if !depts.is_empty() || !faqs.is_empty() || synonyms || phrasings {
            let mut changes = Changes::default();
            for code in &depts {
                match db::kb::department(&mut conn, code)? {
                    Some(d) => {
                        changes.departments.push(d);
                        // Its entries show its name and phones: they are written again.
                        for f in db::kb::faqs_of(&mut conn, code)? {
                            faqs.remove(&f.code);
                            changes.faqs.push(f);
                        }
                    }
                    None => changes.removed_departments.push(code.clone()),
                }
            }
            for code in &faqs {
                match db::kb::faq(&mut conn, code)? {
                    Some(f) => changes.faqs.push(f),
                    None => changes.removed_faqs.push(code.clone()),
                }
            }
            if synonyms {
                changes.synonyms = Some(db::search::all(&mut conn)?);
            }
            if phrasings {
                changes.phrasings = Some(db::phrasings::all(&mut conn)?);
            }
            drop(conn);
            self.index()?.apply(&changes)?;
        }
        let n = fresh.len();
        tracing::info!(
            changes = n,
            ms = started.elapsed().as_millis() as u64,
            "search index caught up"
        );
        let seqs: Vec<i64> = fresh.iter().map(|(s, _, _)| *s).collect();
        advance(&mut cursor, &seqs, Instant::now());
        Ok(n)
    }
}

/// Moves the cursor over applied sequence numbers; waits at a gap for [`GAP_GRACE`].
fn advance(cursor: &mut Cursor, seqs: &[i64], now: Instant) {
    cursor.applied.extend(seqs.iter().copied());
    loop {
        let next = cursor.done + 1;
        if cursor.applied.remove(&next) {
            cursor.done = next;
            cursor.gap_since = None;
            continue;
        }
        let Some(&first) = cursor.applied.iter().next() else {
            cursor.gap_since = None;
            break;
        };
        // A gap before `first`: a transaction still open, or a number never used.
        let since = *cursor.gap_since.get_or_insert(now);
        if now.duration_since(since) >= GAP_GRACE {
            cursor.done = first - 1;
            cursor.gap_since = None;
            continue;
        }
        break;
    }
}

fn spawn_loop<F>(service: Weak<SearchService>, every: Duration, work: F)
where
    F: Fn(&SearchService) -> Result<usize, ApiError> + Send + Sync + Copy + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(s) = service.upgrade() else {
                break;
            };
            let r = tokio::task::spawn_blocking(move || work(&s)).await;
            match r {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "search background work failed"),
                Err(e) => tracing::warn!(error = %e, "search background task panicked"),
            }
        }
    });
}

/// A query's bit in [`SearchService`]'s filter of unwritten unanswered queries.
fn filter_bit(query: &str) -> u64 {
    use std::hash::Hasher;
    // Cheap, and only needs to spread queries over 64 bits; the filter lives in this
    // process's memory only (each replica has its own), so no stable hash is needed.
    let mut h = rustc_hash::FxHasher::default();
    h.write(query.as_bytes());
    1 << (h.finish() >> 58)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open_and_answered(pool: &DbPool) -> (Vec<String>, Vec<String>) {
        let mut conn = pool.get().expect("connection");
        let (rows, _) =
            db::unanswered::list(&mut conn, db::unanswered::Status::All, 0, 100).expect("list");
        let (answered, open): (Vec<_>, Vec<_>) =
            rows.into_iter().partition(|r| r.answered_at.is_some());
        (
            open.into_iter().map(|r| r.query).collect(),
            answered.into_iter().map(|r| r.query).collect(),
        )
    }

    /// A replica that answered a query unconfidently (it had not caught up with a change) and
    /// then confidently, before its recorder ran, must not open the query again: here another
    /// replica had recorded it and this one never re-read the open set.
    #[test]
    fn an_answer_cancels_an_unwritten_unanswered_record() {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!("kb-note-{}-{nanos}", std::process::id()));
        let url = format!("sqlite://{}/k.db", dir.display());
        let pool = shared::db::connect(&url, 2).expect("pool");
        shared::db::run_migrations(
            &pool,
            "knowledge",
            crate::startup::SQLITE_MIGRATIONS,
            crate::startup::POSTGRES_MIGRATIONS,
        )
        .expect("migrations");
        let (other, this) = (
            SearchService::new(pool.clone()),
            SearchService::new(pool.clone()),
        );
        other.note("滇池管理局电话", None, false);
        other.flush_records().expect("flush");
        assert_eq!(open_and_answered(&pool).0, ["滇池管理局电话"]);

        this.note("滇池管理局电话", None, false);
        this.note("滇池管理局电话", None, true);
        this.flush_records().expect("flush");
        let (open, answered) = open_and_answered(&pool);
        assert!(open.is_empty(), "still open: {open:?}");
        assert_eq!(answered, ["滇池管理局电话"]);

        // Unanswered again later (nothing confident any more): open again, as before.
        this.note("滇池管理局电话", None, false);
        this.flush_records().expect("flush");
        assert_eq!(open_and_answered(&pool).0, ["滇池管理局电话"]);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn cursor_waits_at_a_gap_then_skips_it() {
        let t0 = Instant::now();
        let mut c = Cursor {
            done: 5,
            ..Cursor::default()
        };
        advance(&mut c, &[6, 7, 9], t0);
        assert_eq!(c.done, 7);
        assert!(c.applied.contains(&9));
        advance(&mut c, &[], t0 + Duration::from_secs(1));
        assert_eq!(c.done, 7);
        advance(&mut c, &[8], t0 + Duration::from_secs(1));
        assert_eq!(c.done, 9);
        advance(&mut c, &[11], t0);
        advance(&mut c, &[], t0 + GAP_GRACE);
        assert_eq!(c.done, 11);
    }
}
