//! The in-process index (tantivy) and the ranking on top of it.
//!
//! Text is segmented by our own jieba instance and indexed pre-tokenised (whitespace
//! tokenizer), so the query is cut exactly like the documents and no QueryParser is
//! involved (it would turn a multi-word Chinese query into a phrase). The candidates are the
//! entries with the most query weight: each query word (pinyin pair, pinyin initials) adds
//! its weight to every entry in its tantivy posting list, then the region evidence is added.
//! Reading the posting lists directly, instead of through tantivy's query objects, matters:
//! building weights and scorers for a dozen constant-score clauses was half of a query's
//! time. The ranking then measures how much of the query's weight each candidate covers and
//! applies the department/FAQ rules. Everything a hit shows is precomputed, so a query
//! touches no database.
//!
//! A query goes through the modules in this order:
//! - `analysis`: the query taken apart (regions, synonym variants, pinyin) and its words
//!   weighed;
//! - `candidates`: the entries with the most query weight and region evidence, read from
//!   the posting lists that `postings` decodes and keeps per thread;
//! - `ranking`: each candidate scored, and the hits made;
//! - `coverage`: how much of the query a candidate covers, and whether the answer is
//!   confident (when it is not, the query goes to the unanswered report).
//!
//! `build` makes the index and keeps it up to date; `entries` holds what is indexed of
//! each department and FAQ entry.

mod analysis;
mod build;
mod candidates;
mod coverage;
mod entries;
mod postings;
mod ranking;
mod spelling;
mod topics;

use std::fmt::Write as _;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use rustc_hash::FxHashMap;
use tantivy::index::InvertedIndexReader;
use tantivy::schema::Field;
use tantivy::{IndexReader, Searcher};
use tantivy_jieba::jieba_rs::Jieba;

pub use analysis::Analysis;
pub use build::directory_jieba;
pub use entries::{DocData, Kind};

use super::model::Answer;
use super::regions::RegionIndex;
use super::synonyms::Synonyms;
use build::{Catalog, Writer};
use candidates::Meta;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("index lock poisoned")]
    Poisoned,
    /// The knowledge base could not be read while building.
    #[error("loading the knowledge base: {0}")]
    Load(String),
}

/// The index's fields: the entry's code, region, kind and number (`uid`), then the words a
/// query is looked up in: name or question (`all`), answer or address (`sec`), pinyin pairs
/// (`py2`), pinyin names (`pyi`). (A FAQ entry's department name and its region chain were
/// indexed too until round 6, and never looked up: the ranking reads them from the entry.)
#[derive(Clone, Copy)]
struct Fields {
    code: Field,
    region: Field,
    kind: Field,
    uid: Field,
    all: Field,
    sec: Field,
    py2: Field,
    pyi: Field,
}

/// A snapshot's entries, by number and by code (looked up for every hit's department: the
/// fast hash, as the keys are the index's own).
#[derive(Clone, Default)]
struct Entries {
    docs: FxHashMap<u64, Arc<DocData>>,
    by_code: FxHashMap<Arc<str>, u64>,
}

impl Entries {
    fn get(&self, code: &str) -> Option<&Arc<DocData>> {
        self.by_code.get(code).and_then(|uid| self.docs.get(uid))
    }
}

/// An immutable view a query works on: a searcher and the entries it can return.
#[derive(Clone)]
pub struct Snapshot {
    /// Never read, but held as long as the snapshot: the segments below are its, and tantivy
    /// keeps the files of the segments that live searchers use.
    _searcher: Searcher,
    segments: Vec<SegmentView>,
    /// Address (segment base + doc id) → entry; `None` for a deleted one.
    by_addr: Vec<Option<Arc<DocData>>>,
    /// What choosing the candidates reads of every entry a query word touches, by address,
    /// kept together (reading it through the entries themselves cost a cache miss each);
    /// each thread's accumulator works on a copy, next to its sums.
    meta: Arc<[Meta]>,
    /// Place in code order → address (the inverse of [`Meta::order`]).
    by_order: Arc<[u32]>,
    /// Place in code order → region number: what choosing candidates reads of an entry.
    region_of_order: Arc<[u32]>,
    /// Each region's entries as a run of the code order, by region number (see
    /// `build::region_runs`).
    region_runs: Arc<[Option<(u32, u32)>]>,
    /// Tells this snapshot's addresses from another's (per-thread scratch and caches are
    /// kept for one generation).
    generation: u64,
    entries: Entries,
    regions: Arc<RegionIndex>,
    synonyms: Arc<Synonyms>,
    /// The segmenter, which knows the directory's own words.
    jieba: Arc<Jieba>,
    /// The topic classifier, asked where the lexical ranking is unsure.
    topics: Arc<topics::TopicModel>,
    /// Pinyin typed for the need spelt in the knowledge base's words.
    spelling: Arc<spelling::Spelling>,
    /// The kinds of the service centres' departments (see `PreparedSummary::service_centre`).
    service_centre_kinds: Arc<[Arc<str>]>,
    fields: Fields,
    n_docs: f32,
}

/// One segment's inverted indexes of the fields a query reads, and where its documents start
/// among the snapshot's addresses.
#[derive(Clone)]
struct SegmentView {
    base: u32,
    /// By field id; `None` for a field no query reads.
    inverted: Vec<Option<Arc<InvertedIndexReader>>>,
}

pub struct SearchIndex {
    fields: Fields,
    reader: IndexReader,
    writer: Mutex<(Writer, Catalog)>,
    current: RwLock<Arc<Snapshot>>,
}

impl SearchIndex {
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, SearchError> {
        self.current
            .read()
            .map(|s| s.clone())
            .map_err(|_| SearchError::Poisoned)
    }

    pub fn len(&self) -> usize {
        self.snapshot().map(|s| s.entries.docs.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn has_region(&self, code: &str) -> bool {
        self.snapshot()
            .map(|s| s.regions.contains(code))
            .unwrap_or(false)
    }

    /// Runs a query. `query` is the caller's text as typed; `region` narrows to a region and
    /// the regions under it (the caller checks it exists).
    pub fn search(
        &self,
        query: &str,
        region: Option<&str>,
        limit: usize,
    ) -> Result<(Answer, Analysis), SearchError> {
        let started = Instant::now();
        let snap = self.snapshot()?;
        let analysis = snap.analyse(query);
        let (items, confident) = snap.run(&analysis, region, limit)?;
        let took_ms = (started.elapsed().as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0;
        Ok((
            Answer {
                items,
                took_ms,
                confident,
            },
            analysis,
        ))
    }

    /// Diagnostics for the quality sets: each query word with its weight and what it is
    /// (K a word some entry's name or question has, U one none has, D distinctive, C spoken
    /// for by its parts), per variant, then how the entry `code` covers them and whether the
    /// query names what the knowledge base lacks (which keeps an answer unconfident; with
    /// `filtered`, as when the operator's region filter is set).
    pub fn explain(&self, query: &str, filtered: bool, code: &str) -> String {
        let Ok(snap) = self.snapshot() else {
            return String::new();
        };
        let a = snap.analyse(query);
        let words = snap.weigh_words(&a);
        let mut out = String::new();
        for (v, ws) in a.variants.iter().zip(&words) {
            for (w, x) in v.iter().zip(ws) {
                let _ = write!(
                    out,
                    "{w}:{:.1}{}{}{}{} ",
                    x.weight,
                    if x.key { "K" } else { "" },
                    if x.unknown { "U" } else { "" },
                    if x.distinct { "D" } else { "" },
                    if x.composite { "C" } else { "" }
                );
            }
            out.push_str(" | ");
        }
        if let Some(doc) = snap.entries.get(code) {
            let c = coverage::coverage(doc, &words, &[], &a.pinyin_hashes(), &a.pinyin_sounds);
            let _ = write!(
                out,
                "cov={:.2} key={} ident={:.2} lacks={}",
                c.share,
                c.key,
                c.ident,
                snap.names_what_it_lacks(&a, &words, doc, filtered)
            );
        }
        out
    }
}

impl SearchIndex {
    /// The topic classifier's most likely questions for a query (`zjj-1`), with their
    /// probability, and the first one's lead over the second in nats, the features it
    /// knows, and how much likelier a need no entry answers is than the first, in nats
    /// (diagnostics).
    pub fn topics(&self, query: &str) -> (Vec<(String, f32)>, f32, usize, f32) {
        let Ok(snap) = self.snapshot() else {
            return (Vec::new(), 0.0, 0, 0.0);
        };
        let a = snap.analyse(query);
        let ranked = snap.topics.rank(&a.texts);
        let (lead, known, beyond) = ranked
            .first()
            .map_or((0.0, 0, 0.0), |g| (g.lead, g.known, g.beyond));
        let top = ranked
            .into_iter()
            .take(3)
            .map(|g| (snap.topics.labels(g.class).join("/"), g.p))
            .collect();
        (top, lead, known, beyond)
    }
}

impl SearchIndex {
    /// Each question of the knowledge base, by label (`scj-5`), with its question as asked
    /// (without the region): what a phrasing can teach.
    pub fn questions(&self) -> Vec<(String, String)> {
        self.snapshot()
            .map(|s| s.topics.questions())
            .unwrap_or_default()
    }

    /// Whether some entry asks the question labelled `label`.
    pub fn knows_question(&self, label: &str) -> bool {
        self.snapshot().is_ok_and(|s| s.topics.knows(label))
    }
}

impl Snapshot {
    pub fn regions(&self) -> &RegionIndex {
        &self.regions
    }

    /// The segmenter, which knows the directory's own words (人社局, 车管所).
    pub fn jieba(&self) -> &Arc<Jieba> {
        &self.jieba
    }
}
