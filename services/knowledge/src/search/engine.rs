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

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::rc::Rc;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use tantivy::index::InvertedIndexReader;
use tantivy::schema::{
    FAST, Field, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use tantivy_jieba::jieba_rs::Jieba;

use super::model::{
    Answer, Changes, DepartmentSummary, Hit, KbData, SharedSummary, Synonym, hit_head,
};
use super::regions::{Detected, RegionIndex, UNKNOWN_REGION};
use super::synonyms::Synonyms;
use super::text;
use crate::domain::{Department, Faq};

const TOKENIZER: &str = "ws";
/// Candidates taken from tantivy before ranking, overall and within the named regions.
const CANDIDATES: usize = 50;
const SNIPPET_CHARS: usize = 90;
/// Share of the query's distinctive words (weighted) the top entry's identifying words must
/// cover for the answer to be confident.
const IDENT_SHARE: f32 = 0.6;
const IDENT_BONUS: f32 = 2.0;
/// The most a word no entry's name or question has weighs ([`Snapshot::foreign_weight`]);
/// in the share above it counts by `weight × weight / FOREIGN_MAX`: a rare one (量子, 火车票)
/// in full, since no entry is known by it, a common one (自来水, 学生) less.
const FOREIGN_MAX: f32 = 3.0;
/// The most such a word weighs when it is not a noun (想开, 倒闭, 搬家): callers' verbs
/// tell of their situation more than of the topic.
const FOREIGN_VERB_MAX: f32 = 2.0;

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("index lock poisoned")]
    Poisoned,
}

#[derive(Clone, Copy)]
struct Fields {
    code: Field,
    region: Field,
    rpath: Field,
    kind: Field,
    uid: Field,
    all: Field,
    inh: Field,
    sec: Field,
    py2: Field,
    pyi: Field,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Department,
    Faq,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Department => "department",
            Kind::Faq => "faq",
        }
    }
}

/// One indexed entry with what its hit shows, and the hashed word sets the ranking reads.
#[derive(Debug)]
pub struct DocData {
    pub kind: Kind,
    pub code: String,
    pub region: String,
    /// The region's number (its chain: [`RegionIndex::chain_by_id`]).
    region_id: u32,
    pub dept: String,
    /// For a merged agency: who answers for it now.
    pub successor: Option<String>,
    pub title: String,
    /// Source text of the snippet (not escaped).
    pub text: text::SnippetText,
    pub authorized: bool,
    /// Shared by a department's entries.
    pub department: SharedSummary,
    /// The start of its hit as JSON ([`hit_head`]).
    head: Box<str>,
    sets: WordSets,
}

impl DocData {
    pub fn hit_head(&self) -> &str {
        &self.head
    }

    fn primary(&self) -> &[u32] {
        self.sets.get(0)
    }
    fn inherited(&self) -> &[u32] {
        self.sets.get(1)
    }
    fn secondary(&self) -> &[u32] {
        self.sets.get(2)
    }
    fn py2(&self) -> &[u32] {
        self.sets.get(3)
    }
    fn pyi(&self) -> &[u32] {
        self.sets.get(4)
    }
}

/// An entry's hashed word sets (name or question, inherited name, answer or address, pinyin
/// pairs, pinyin initials), each sorted, in one allocation: the ranking reads them for
/// every candidate, and one block costs one or two cache misses where five vectors cost five.
#[derive(Debug)]
struct WordSets {
    words: Box<[u32]>,
    ends: [u32; 5],
}

impl WordSets {
    fn new(sets: [&[u32]; 5]) -> WordSets {
        let mut words = Vec::with_capacity(sets.iter().map(|s| s.len()).sum());
        let mut ends = [0u32; 5];
        for (i, set) in sets.iter().enumerate() {
            words.extend_from_slice(set);
            ends[i] = words.len() as u32;
        }
        WordSets {
            words: words.into_boxed_slice(),
            ends,
        }
    }

    fn get(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        self.words.get(start..end).unwrap_or(&[])
    }
}

fn h(s: &str) -> u32 {
    h_parts(&[s.as_bytes()])
}

/// [`h`] of the concatenated parts.
fn h_parts(parts: &[&[u8]]) -> u32 {
    // FNV-1a: stable and fast; word sets only need membership (a 32-bit collision inside
    // one entry's few dozen words is vanishingly rare).
    let mut x: u32 = 0x811c9dc5;
    for part in parts {
        for b in *part {
            x ^= *b as u32;
            x = x.wrapping_mul(0x01000193);
        }
    }
    x
}

fn hashed<I: IntoIterator<Item = S>, S: AsRef<str>>(words: I) -> Vec<u32> {
    let mut v: Vec<u32> = words.into_iter().map(|w| h(w.as_ref())).collect();
    v.sort_unstable();
    v.dedup();
    v
}

fn has(set: &[u32], x: u32) -> bool {
    set.binary_search(&x).is_ok()
}

/// What the writer side keeps to rebuild entries when something they depend on changes.
struct Catalog {
    depts: HashMap<String, Department>,
    faqs: HashMap<String, Faq>,
    faqs_of: HashMap<String, HashSet<String>>,
    next_uid: u64,
}

/// An immutable view a query works on: a searcher and the entries it can return.
pub struct Snapshot {
    searcher: Searcher,
    segments: Vec<SegmentView>,
    /// Address (segment base + doc id) → entry; `None` for a deleted one.
    by_addr: Vec<Option<Arc<DocData>>>,
    /// What choosing the candidates reads of every entry a query word touches, by address,
    /// kept together (reading it through the entries themselves cost a cache miss each);
    /// each thread's [`Accumulator`] works on a copy, next to its sums.
    meta: Arc<[Meta]>,
    /// Place in code order → address (the inverse of [`Meta::order`]).
    by_order: Arc<[u32]>,
    /// Tells this snapshot's addresses from another's (see [`Accumulator`]).
    generation: u64,
    docs: HashMap<u64, Arc<DocData>>,
    by_code: HashMap<String, u64>,
    regions: Arc<RegionIndex>,
    synonyms: Arc<Synonyms>,
    n_docs: f32,
    /// The answers' and addresses' field (see [`Snapshot::foreign_weight`]).
    secondary: Field,
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
    writer: Mutex<(IndexWriter, Catalog)>,
    current: RwLock<Arc<Snapshot>>,
    jieba: Arc<Jieba>,
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        code: b.add_text_field("code", STRING),
        region: b.add_text_field("region", STRING),
        rpath: b.add_text_field("rpath", STRING),
        kind: b.add_text_field("kind", STRING),
        uid: b.add_u64_field("uid", NumericOptions::default() | FAST),
        all: b.add_text_field("all", text.clone()),
        inh: b.add_text_field("inh", text.clone()),
        sec: b.add_text_field("sec", text.clone()),
        py2: b.add_text_field("py2", text.clone()),
        pyi: b.add_text_field("pyi", text),
    };
    (b.build(), fields)
}

/// A jieba that knows the directory's own words (人社局, 车管所, 版纳 …).
fn build_jieba(data: &KbData, regions: &RegionIndex) -> Jieba {
    let mut j = Jieba::new();
    let mut words: HashSet<String> = HashSet::new();
    for r in regions.all() {
        for f in regions.forms_of(&r.code) {
            if f.chars().count() >= 2 {
                words.insert(f);
            }
        }
    }
    for d in &data.departments {
        let chain = regions.chain(&d.region);
        for n in std::iter::once(&d.name).chain(d.aliases.iter()) {
            for part in regions.strip(n, &chain).split_whitespace() {
                if (2..=8).contains(&part.chars().count()) {
                    words.insert(part.to_string());
                }
            }
        }
    }
    for s in &data.synonyms {
        for w in [&s.term, &s.replacement] {
            let w = text::normalize(w);
            if (2..=8).contains(&w.chars().count()) && !w.contains(' ') {
                words.insert(w);
            }
        }
    }
    let mut words: Vec<String> = words.into_iter().collect();
    words.sort();
    for w in words {
        if !j.has_word(&w) {
            j.add_word(&w, None, None);
        }
    }
    j
}

impl SearchIndex {
    /// Builds the whole index from the knowledge base.
    pub fn build(data: &KbData, threads: usize) -> Result<SearchIndex, SearchError> {
        let regions = Arc::new(RegionIndex::new(&data.regions));
        let jieba = Arc::new(build_jieba(data, &regions));
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::from(WhitespaceTokenizer::default()),
        );
        let threads = threads.clamp(1, 8);
        let mut writer: IndexWriter =
            index.writer_with_num_threads(threads, 60_000_000 * threads)?;
        let mut catalog = Catalog {
            depts: HashMap::new(),
            faqs: HashMap::new(),
            faqs_of: HashMap::new(),
            next_uid: 1,
        };
        for d in &data.departments {
            catalog.depts.insert(d.code.clone(), d.clone());
        }
        for f in &data.faqs {
            catalog
                .faqs_of
                .entry(f.department.clone())
                .or_default()
                .insert(f.code.clone());
            catalog.faqs.insert(f.code.clone(), f.clone());
        }
        let mut docs: HashMap<u64, Arc<DocData>> = HashMap::new();
        let mut by_code: HashMap<String, u64> = HashMap::new();
        let builder = DocBuilder::new(fields, &regions, &jieba);
        for d in &data.departments {
            let uid = catalog.next_uid;
            catalog.next_uid += 1;
            let (tdoc, doc) = builder.department(uid, d);
            writer.add_document(tdoc)?;
            by_code.insert(doc.code.clone(), uid);
            docs.insert(uid, Arc::new(doc));
        }
        for f in &data.faqs {
            let Some(d) = catalog.depts.get(&f.department) else {
                continue;
            };
            if f.status != "published" {
                continue;
            }
            let uid = catalog.next_uid;
            catalog.next_uid += 1;
            let (tdoc, doc) = builder.faq(uid, f, d);
            writer.add_document(tdoc)?;
            by_code.insert(doc.code.clone(), uid);
            docs.insert(uid, Arc::new(doc));
        }
        writer.commit()?;
        // One segment: a query builds its scorers once per segment, much of its cost.
        let ids = index.searchable_segment_ids()?;
        if ids.len() > 1 {
            writer.merge(&ids).wait()?;
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let searcher = reader.searcher();
        let snapshot = Snapshot::new(
            searcher,
            fields,
            docs,
            by_code,
            regions,
            Arc::new(Synonyms::new(&data.synonyms)),
        )?;
        Ok(SearchIndex {
            fields,
            reader,
            writer: Mutex::new((writer, catalog)),
            current: RwLock::new(Arc::new(snapshot)),
            jieba,
        })
    }

    pub fn snapshot(&self) -> Result<Arc<Snapshot>, SearchError> {
        self.current
            .read()
            .map(|s| s.clone())
            .map_err(|_| SearchError::Poisoned)
    }

    pub fn len(&self) -> usize {
        self.snapshot().map(|s| s.docs.len()).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Brings changed departments, FAQ entries and synonyms into the index: the changed
    /// entries (and the FAQ entries of a changed department, which show its name and phones)
    /// are written again, committed, and a new snapshot replaces the old one.
    pub fn apply(&self, changes: &Changes) -> Result<(), SearchError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let (writer, catalog) = &mut *guard;
        let old = self.snapshot()?;
        let mut docs = old.docs.clone();
        let mut by_code = old.by_code.clone();
        let mut touched_faqs: HashSet<String> = HashSet::new();
        let mut touched_depts: HashSet<String> = HashSet::new();
        for code in &changes.removed_departments {
            catalog.depts.remove(code);
            touched_depts.insert(code.clone());
        }
        for d in &changes.departments {
            catalog.depts.insert(d.code.clone(), d.clone());
            touched_depts.insert(d.code.clone());
        }
        for code in &touched_depts {
            if let Some(fs) = catalog.faqs_of.get(code) {
                touched_faqs.extend(fs.iter().cloned());
            }
        }
        for code in &changes.removed_faqs {
            if let Some(f) = catalog.faqs.remove(code)
                && let Some(set) = catalog.faqs_of.get_mut(&f.department)
            {
                set.remove(code);
            }
            touched_faqs.insert(code.clone());
        }
        for f in &changes.faqs {
            if let Some(prev) = catalog.faqs.get(&f.code)
                && prev.department != f.department
                && let Some(set) = catalog.faqs_of.get_mut(&prev.department)
            {
                set.remove(&f.code);
            }
            catalog
                .faqs_of
                .entry(f.department.clone())
                .or_default()
                .insert(f.code.clone());
            catalog.faqs.insert(f.code.clone(), f.clone());
            touched_faqs.insert(f.code.clone());
        }
        let builder = DocBuilder::new(self.fields, &old.regions, &self.jieba);
        let mut remove = |code: &str, docs: &mut HashMap<u64, Arc<DocData>>| {
            writer.delete_term(Term::from_field_text(self.fields.code, code));
            if let Some(uid) = by_code.remove(code) {
                docs.remove(&uid);
            }
        };
        for code in touched_depts.iter().chain(touched_faqs.iter()) {
            remove(code, &mut docs);
        }
        for code in &touched_depts {
            if let Some(d) = catalog.depts.get(code) {
                let uid = catalog.next_uid;
                catalog.next_uid += 1;
                let (tdoc, doc) = builder.department(uid, d);
                writer.add_document(tdoc)?;
                by_code.insert(code.clone(), uid);
                docs.insert(uid, Arc::new(doc));
            }
        }
        for code in &touched_faqs {
            let Some(f) = catalog.faqs.get(code) else {
                continue;
            };
            let Some(d) = catalog.depts.get(&f.department) else {
                continue;
            };
            if f.status != "published" {
                continue;
            }
            let uid = catalog.next_uid;
            catalog.next_uid += 1;
            let (tdoc, doc) = builder.faq(uid, f, d);
            writer.add_document(tdoc)?;
            by_code.insert(code.clone(), uid);
            docs.insert(uid, Arc::new(doc));
        }
        writer.commit()?;
        self.reader.reload()?;
        let synonyms = match &changes.synonyms {
            Some(list) => Arc::new(Synonyms::new(list)),
            None => old.synonyms.clone(),
        };
        let snapshot = Snapshot::new(
            self.reader.searcher(),
            self.fields,
            docs,
            by_code,
            old.regions.clone(),
            synonyms,
        )?;
        let mut cur = self.current.write().map_err(|_| SearchError::Poisoned)?;
        *cur = Arc::new(snapshot);
        Ok(())
    }

    /// Replaces the synonym table only (no entry is re-indexed).
    pub fn set_synonyms(&self, list: &[Synonym]) -> Result<(), SearchError> {
        let old = self.snapshot()?;
        let snapshot = Snapshot {
            searcher: old.searcher.clone(),
            segments: old.segments.clone(),
            by_addr: old.by_addr.clone(),
            meta: old.meta.clone(),
            by_order: old.by_order.clone(),
            // The same addresses and metas.
            generation: old.generation,
            docs: old.docs.clone(),
            by_code: old.by_code.clone(),
            regions: old.regions.clone(),
            synonyms: Arc::new(Synonyms::new(list)),
            n_docs: old.n_docs,
            secondary: old.secondary,
        };
        let mut cur = self.current.write().map_err(|_| SearchError::Poisoned)?;
        *cur = Arc::new(snapshot);
        Ok(())
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
        let analysis = snap.analyse(&self.jieba, query);
        let (items, confident) = snap.run(&self.jieba, self.fields, &analysis, region, limit)?;
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
    /// for by its parts), per variant, then how the entry `code` covers them.
    pub fn explain(&self, query: &str, code: &str) -> String {
        let Ok(snap) = self.snapshot() else {
            return String::new();
        };
        let a = snap.analyse(&self.jieba, query);
        let words = snap.weigh_words(&self.jieba, self.fields, &a);
        let mut out = String::new();
        for (v, ws) in a.variants.iter().zip(&words) {
            for (w, x) in v.iter().zip(ws) {
                out.push_str(&format!(
                    "{w}:{:.1}{}{}{}{} ",
                    x.weight,
                    if x.key { "K" } else { "" },
                    if x.unknown { "U" } else { "" },
                    if x.distinct { "D" } else { "" },
                    if x.composite { "C" } else { "" }
                ));
            }
            out.push_str(" | ");
        }
        if let Some(doc) = snap.by_code.get(code).and_then(|u| snap.docs.get(u)) {
            let pinyin: Vec<u32> = a.pinyin.iter().map(|p| h(p)).collect();
            let c = coverage(doc, &words, &[], &pinyin);
            out.push_str(&format!(
                "cov={:.2} key={} ident={:.2}",
                c.share, c.key, c.ident
            ));
        }
        out
    }
}

/// [`hit_head`] of a new entry. Serialising strings cannot fail; should it ever, the hit
/// would still be well-formed JSON without them.
fn head(kind: Kind, code: &str, title: &str, authorized: bool, dept: &SharedSummary) -> Box<str> {
    hit_head(kind.as_str(), code, title, authorized, dept).unwrap_or_else(|e| {
        tracing::error!(error = %e, code, "could not prepare a hit");
        "{".into()
    })
}

struct DocBuilder<'a> {
    fields: Fields,
    regions: &'a RegionIndex,
    jieba: &'a Jieba,
    /// Per build: department summaries shared by their entries, and answers already cut
    /// (many entries share an answer text).
    summaries: std::cell::RefCell<HashMap<String, SharedSummary>>,
    answers: std::cell::RefCell<HashMap<String, Arc<Words>>>,
    inherited: std::cell::RefCell<HashMap<String, Arc<Words>>>,
}

/// Words joined for the index, and hashed for the ranking.
type Words = (String, Vec<u32>);

fn summary(d: &Department) -> DepartmentSummary {
    DepartmentSummary {
        code: d.code.clone(),
        name: d.name.clone(),
        phones: d.phones.clone(),
        status: d.status.clone(),
    }
}

impl<'a> DocBuilder<'a> {
    fn new(fields: Fields, regions: &'a RegionIndex, jieba: &'a Jieba) -> DocBuilder<'a> {
        DocBuilder {
            fields,
            regions,
            jieba,
            summaries: Default::default(),
            answers: Default::default(),
            inherited: Default::default(),
        }
    }

    /// A department's name words, which its FAQ entries inherit.
    fn inherited(&self, d: &Department) -> Arc<Words> {
        if let Some(a) = self.inherited.borrow().get(&d.code) {
            return a.clone();
        }
        let mut words = Vec::new();
        for b in self.bare_names(d) {
            words.extend(text::tokenize(self.jieba, &b));
        }
        let a = Arc::new((words.join(" "), hashed(&words)));
        self.inherited
            .borrow_mut()
            .insert(d.code.clone(), a.clone());
        a
    }

    fn summary(&self, d: &Department) -> SharedSummary {
        let mut cache = self.summaries.borrow_mut();
        if let Some(s) = cache.get(&d.code) {
            return s.clone();
        }
        let s = SharedSummary::new(summary(d));
        cache.insert(d.code.clone(), s.clone());
        s
    }

    /// An answer's words, joined for the index and hashed for the ranking.
    fn answer(&self, answer: &str) -> Arc<Words> {
        if let Some(a) = self.answers.borrow().get(answer) {
            return a.clone();
        }
        let words = text::tokenize(self.jieba, &text::normalize(answer));
        let a = Arc::new((words.join(" "), hashed(&words)));
        let mut cache = self.answers.borrow_mut();
        if cache.len() > 200_000 {
            cache.clear();
        }
        cache.insert(answer.to_string(), a.clone());
        a
    }

    fn base(&self, uid: u64, code: &str, region: &str, kind: Kind) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.code, code);
        doc.add_text(f.region, region);
        for r in self.regions.chain(region) {
            doc.add_text(f.rpath, &r);
        }
        doc.add_text(f.kind, kind.as_str());
        doc.add_u64(f.uid, uid);
        doc
    }

    /// Names and aliases of a department without its region, normalised.
    fn bare_names(&self, d: &Department) -> Vec<String> {
        let chain = self.regions.chain(&d.region);
        let mut out: Vec<String> = Vec::new();
        for n in std::iter::once(&d.name).chain(d.aliases.iter()) {
            let bare = self.regions.strip(&text::normalize(n), &chain);
            if !bare.is_empty() && !out.contains(&bare) {
                out.push(bare);
            }
        }
        out
    }

    fn department(&self, uid: u64, d: &Department) -> (TantivyDocument, DocData) {
        let f = self.fields;
        let mut doc = self.base(uid, &d.code, &d.region, Kind::Department);
        let bare = self.bare_names(d);
        let mut primary = Vec::new();
        let mut py2 = Vec::new();
        for b in &bare {
            primary.extend(text::tokenize(self.jieba, b));
            py2.extend(text::pinyin_bigrams(b));
        }
        let mut secondary = Vec::new();
        if let Some(a) = &d.address {
            secondary.extend(text::tokenize(self.jieba, &text::normalize(a)));
        }
        for l in &d.service_locations {
            secondary.extend(text::tokenize(self.jieba, &text::normalize(l)));
        }
        // Pinyin of the name alone and of every spoken region form + name (昆明市人社局 →
        // kmsrsj, kunmingshirenshiju; 人社局 → rsj).
        let mut pyi = Vec::new();
        let mut region_forms: Vec<String> = vec![String::new()];
        region_forms.extend(self.regions.forms_of(&d.region));
        for rf in &region_forms {
            for b in &bare {
                let joined: String = format!("{rf}{b}")
                    .chars()
                    .filter(|c| !c.is_whitespace())
                    .collect();
                let (full, initials) = text::pinyin_forms(&joined);
                if initials.len() >= 2 {
                    pyi.push(initials);
                }
                if !full.is_empty() {
                    pyi.push(full);
                }
            }
        }
        doc.add_text(f.all, primary.join(" "));
        doc.add_text(f.sec, secondary.join(" "));
        doc.add_text(f.py2, py2.join(" "));
        doc.add_text(f.pyi, pyi.join(" "));
        let mut snippet = String::new();
        let aliases: Vec<&str> = d.aliases.iter().take(4).map(String::as_str).collect();
        if !aliases.is_empty() {
            snippet.push_str(&format!("又称{}。", aliases.join("、")));
        }
        if !d.phones.is_empty() {
            let phones: Vec<String> = d
                .phones
                .iter()
                .map(|p| format!("{} {}", p.label, p.number))
                .collect();
            snippet.push_str(&format!("电话：{}。", phones.join("，")));
        }
        if let Some(a) = &d.address {
            snippet.push_str(&format!("地址：{a}。"));
        }
        let department = self.summary(d);
        let data = DocData {
            head: head(Kind::Department, &d.code, &d.name, true, &department),
            kind: Kind::Department,
            code: d.code.clone(),
            region: d.region.clone(),
            region_id: self.regions.id(&d.region),
            dept: d.code.clone(),
            successor: if d.status == "merged" {
                d.successor.clone()
            } else {
                None
            },
            title: d.name.clone(),
            text: text::SnippetText::new(snippet),
            authorized: true,
            department,
            sets: WordSets::new([
                &hashed(&primary),
                &[],
                &hashed(&secondary),
                &hashed(&py2),
                &hashed(&pyi),
            ]),
        };
        (doc, data)
    }

    fn faq(&self, uid: u64, q: &Faq, d: &Department) -> (TantivyDocument, DocData) {
        let f = self.fields;
        let mut doc = self.base(uid, &q.code, &d.region, Kind::Faq);
        let chain = self.regions.chain(&d.region);
        let question = self.regions.strip(&text::normalize(&q.question), &chain);
        let mut primary = text::tokenize(self.jieba, &question);
        let mut py2 = text::pinyin_bigrams(&question);
        for k in &q.keywords {
            let k = self.regions.strip(&text::normalize(k), &chain);
            primary.extend(text::tokenize(self.jieba, &k));
            py2.extend(text::pinyin_bigrams(&k));
        }
        let inherited = self.inherited(d);
        let answer = self.answer(&q.answer);
        doc.add_text(f.all, primary.join(" "));
        doc.add_text(f.inh, &inherited.0);
        doc.add_text(f.sec, &answer.0);
        doc.add_text(f.py2, py2.join(" "));
        let department = self.summary(d);
        let data = DocData {
            head: head(Kind::Faq, &q.code, &q.question, q.authorized, &department),
            kind: Kind::Faq,
            code: q.code.clone(),
            region: d.region.clone(),
            region_id: self.regions.id(&d.region),
            dept: d.code.clone(),
            successor: None,
            title: q.question.clone(),
            text: text::SnippetText::new(q.answer.clone()),
            authorized: q.authorized,
            department,
            sets: WordSets::new([
                &hashed(&primary),
                &inherited.1,
                &answer.1,
                &hashed(&py2),
                &[],
            ]),
        };
        (doc, data)
    }
}

/// A query taken apart: what the ranking works with (exposed for tests and diagnostics).
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Normalised, without filler: what the unanswered report records.
    pub normalized: String,
    pub regions: Detected,
    /// Word lists to score: the query as said, and with everyday words replaced.
    pub variants: Vec<Vec<String>>,
    /// Per variant word: the synonym replacements it is part of (bit k: the k-th one).
    pub groups: Vec<Vec<u8>>,
    /// The text of each variant (its pinyin pairs are made only when the words match
    /// poorly).
    pub texts: Vec<String>,
    /// Latin words taken as pinyin (kmsrsj).
    pub pinyin: Vec<String>,
    pub asks_question: bool,
}

/// An entry, what choosing the candidates gave it, and its place in code order.
type Candidate<'a> = (&'a Arc<DocData>, f32, u32);

/// Score, coverage, whether a topic word matched, entry, its place in code order.
type Scored<'a> = (f32, f32, bool, &'a Arc<DocData>, u32);

struct Weighted {
    hash: u32,
    weight: f32,
    /// A word that names the topic (not a question word or a contact word).
    key: bool,
    contact: bool,
    /// In no entry's name or question.
    unknown: bool,
    /// A word that tells this entry from others: not a question, contact or generic
    /// department word (局, 管理局, 中心 …). Confidence needs these matched in what
    /// identifies an entry (name, aliases, question, keywords), not in its answer or address.
    distinct: bool,
    /// Hashed pinyin pairs of the word (管里局 → guan_li, li_ju): a homophone typo matches
    /// an entry whose identifying words sound the same.
    pairs: Vec<u32>,
    /// The synonym replacements the word is part of (a bit each): the words of one
    /// replacement count as one, matched when any of them is.
    group: u8,
    /// Contains another word of the query (社保转移 ⊃ 社保, 转移): its parts speak for it.
    composite: bool,
}

impl Snapshot {
    fn new(
        searcher: Searcher,
        fields: Fields,
        docs: HashMap<u64, Arc<DocData>>,
        by_code: HashMap<String, u64>,
        regions: Arc<RegionIndex>,
        synonyms: Arc<Synonyms>,
    ) -> Result<Snapshot, SearchError> {
        let mut by_addr = Vec::new();
        let mut segments = Vec::new();
        let read = [
            fields.all,
            fields.sec,
            fields.py2,
            fields.pyi,
            fields.region,
            fields.kind,
        ];
        for seg in searcher.segment_readers() {
            let col = seg.fast_fields().u64("uid")?;
            let base = by_addr.len() as u32;
            for doc in 0..seg.max_doc() {
                by_addr.push(col.first(doc).and_then(|uid| docs.get(&uid).cloned()));
            }
            let mut inverted = Vec::new();
            for f in read {
                let id = f.field_id() as usize;
                if inverted.len() <= id {
                    inverted.resize(id + 1, None);
                }
                inverted[id] = Some(seg.inverted_index(f)?);
            }
            segments.push(SegmentView { base, inverted });
        }
        // Equal candidates are taken in code order: every replica (whose segments differ)
        // then keeps the same ones.
        let mut meta: Vec<Meta> = by_addr
            .iter()
            .map(|d| Meta {
                region: d.as_ref().map_or(UNKNOWN_REGION, |d| d.region_id),
                order: Meta::GONE,
            })
            .collect();
        let mut live: Vec<(&str, usize)> = by_addr
            .iter()
            .enumerate()
            .filter_map(|(addr, d)| Some((d.as_ref()?.code.as_str(), addr)))
            .collect();
        live.sort_unstable();
        let mut by_order = Vec::with_capacity(live.len());
        for (order, (_, addr)) in live.into_iter().enumerate() {
            meta[addr].order = order as u32;
            by_order.push(addr as u32);
        }
        let n_docs = searcher.num_docs().max(1) as f32;
        Ok(Snapshot {
            searcher,
            segments,
            meta: meta.into(),
            by_order: by_order.into(),
            generation: NEXT_GENERATION.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            by_addr,
            docs,
            by_code,
            regions,
            synonyms,
            n_docs,
            secondary: fields.sec,
        })
    }

    pub fn regions(&self) -> &RegionIndex {
        &self.regions
    }

    fn analyse(&self, jieba: &Jieba, query: &str) -> Analysis {
        let normalized = text::strip_filler(&text::normalize(query));
        let mut pinyin = Vec::new();
        let mut zh = String::new();
        for w in normalized.split(' ') {
            if !text::is_pinyin_word(w) {
                zh.push_str(w);
                zh.push(' ');
            } else if let Some(form) = self.regions.form_of_pinyin(w) {
                // A region typed in pinyin words (mengla gongjijin) is found as if in
                // characters.
                zh.push_str(form);
                zh.push(' ');
            } else {
                pinyin.push(w.to_string());
            }
        }
        if pinyin.len() >= 2 {
            // A name typed as separate pinyin words (renshe ju) is also one word.
            pinyin.push(pinyin.concat());
        }
        let regions = self.regions.detect(zh.trim());
        let rest = regions.rest.as_str();
        let mut texts = vec![rest.to_string()];
        // A term inside a longer word of the dictionary is not that term (医院 in 中医院).
        let (replaced, used) = self.synonyms.apply_at_words(rest, |from, to| {
            !text::inside_longer_word(jieba, rest, from, to)
        });
        if replaced != rest {
            texts.push(replaced);
        }
        let variants: Vec<Vec<String>> = texts
            .iter()
            .map(|t| first_occurrences(text::tokenize(jieba, t)))
            .collect();
        // The words a replacement put in stand together for the one word it replaced.
        let groups: Vec<Vec<u8>> = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.iter()
                    .map(|w| {
                        if i == 0 {
                            return 0;
                        }
                        used.iter()
                            .take(8)
                            .enumerate()
                            .filter(|(_, r)| r.contains(w.as_str()))
                            .fold(0u8, |m, (k, _)| m | (1 << k))
                    })
                    .collect()
            })
            .collect();
        Analysis {
            asks_question: text::asks_question(rest),
            normalized,
            regions,
            variants,
            groups,
            texts,
            pinyin,
        }
    }

    /// The addresses of the documents that have `word` in `field`, in every segment (deleted
    /// ones too: their addresses map to no entry). Decoded from tantivy's posting lists
    /// once per snapshot and thread, then kept ([`POSTINGS`]).
    fn postings(&self, field: Field, word: &str) -> Result<Rc<[u32]>, SearchError> {
        let cached = POSTINGS.with(|cache| {
            let mut cache = cache.borrow_mut();
            cache.start(self.generation);
            cache
                .lists
                .get(field.field_id() as usize)
                .and_then(|words| words.get(word))
                .cloned()
        });
        if let Some(list) = cached {
            return Ok(list);
        }
        let mut addrs: Vec<u32> = Vec::new();
        for seg in &self.segments {
            self.for_each_posting(seg, field, word, |addr| addrs.push(addr))?;
        }
        let list: Rc<[u32]> = addrs.into();
        POSTINGS.with(|cache| cache.borrow_mut().keep(field, word, &list));
        Ok(list)
    }

    /// How much a query word tells: by how few entries have it in `field`. A query word
    /// (`dict`: the segmenter it was cut with) that no entry's name or question has is
    /// weighed by [`Snapshot::foreign_weight`]; a pinyin pair (`None`) by a fixed amount.
    fn weigh(&self, field: Field, word: &str, dict: Option<&Jieba>) -> Weighted {
        let is_word = dict.is_some();
        let hash = h(word);
        if text::is_question_word(word) {
            return Weighted {
                hash,
                weight: 0.3,
                key: false,
                contact: text::is_contact_word(word),
                unknown: false,
                distinct: false,
                pairs: Vec::new(),
                group: 0,
                composite: false,
            };
        }
        if text::is_contact_word(word) {
            return Weighted {
                hash,
                weight: 0.5,
                key: false,
                contact: true,
                unknown: false,
                distinct: false,
                pairs: Vec::new(),
                group: 0,
                composite: false,
            };
        }
        // Deleted entries' addresses too, as tantivy's document frequency counts them; an
        // unreadable dictionary or posting list counts as the word's absence.
        let df = self
            .postings(field, word)
            .map_or(0, |list| list.len() as u64);
        let weight = if df == 0 {
            // Not in any entry's name or question: it still counts against every entry.
            match dict {
                Some(j) => self.foreign_weight(j, word),
                None if word.chars().count() >= 2 => 3.0,
                None => 1.0,
            }
        } else {
            ((self.n_docs / (df as f32 + 1.0)).ln() - 1.5).max(0.2)
        };
        let distinct = is_word && !text::is_generic_word(word);
        Weighted {
            hash,
            weight,
            key: df > 0,
            contact: false,
            unknown: df == 0,
            distinct,
            pairs: if distinct {
                text::pinyin_bigram_hashes(word, h_parts)
            } else {
                Vec::new()
            },
            group: 0,
            composite: false,
        }
    }

    /// The weight of a query word that no entry's name or question has: what it tells of
    /// the caller's need, which no entry then answers in full. By the segmenter's dictionary:
    /// a time, pronoun, number, direction or adverb (明天, 自己, 六十, 上, 直接) tells
    /// nothing of the topic; a noun tells more the rarer it is in everyday Chinese (医院 less
    /// than 滇池, but always something); other words (准备, 便宜) can tell nothing when
    /// common. A cut the segmenter made up from characters it could not place (树想 in
    /// 树想砍, 店要) says almost nothing, as does a question word with a character of
    /// speech (怎么弄).
    fn foreign_weight(&self, dict: &Jieba, word: &str) -> f32 {
        let kept = POSTINGS.with(|cache| {
            let mut cache = cache.borrow_mut();
            cache.start(self.generation);
            cache.foreign.get(word).copied()
        });
        if let Some(weight) = kept {
            return weight;
        }
        let weight = Self::foreign_weight_of(dict, word);
        POSTINGS.with(|cache| cache.borrow_mut().keep_foreign(word, weight));
        weight
    }

    fn foreign_weight_of(dict: &Jieba, word: &str) -> f32 {
        const LITTLE: f32 = 0.3;
        if !dict.has_word(word) || text::holds_question_word(word) {
            return LITTLE;
        }
        let tags = dict.tag(word, false);
        let tag = match tags.as_slice() {
            [one] => one.tag,
            _ => "",
        };
        // ln of the dictionary count: 自己 11.4, 学生 10.3, 医院 8.9, 小孩 7.4, 滇池 4.8.
        let common = (dict.suggest_freq(word).max(1) as f32).ln();
        let rarity = FOREIGN_MAX * (11.0 - common) / 5.0;
        match tag.as_bytes() {
            b"ad" => LITTLE,
            b"vn" | b"an" | [] | [b'n' | b's', ..] => rarity.clamp(1.0, FOREIGN_MAX),
            [
                b't' | b'r' | b'm' | b'q' | b'f' | b'd' | b'p' | b'c' | b'u' | b'y',
                ..,
            ] => LITTLE,
            _ => rarity.clamp(LITTLE, FOREIGN_VERB_MAX),
        }
    }

    /// Each variant's words, weighed. Search-mode cuts overlap (迁进, 进来, 迁进来): a word
    /// that contains a word the knowledge base knows is spoken for by its parts, and a word
    /// it does not know, inside a longer word that still counts, by that longer word. Both
    /// weigh nothing, so that one thing the caller said counts once.
    fn weigh_words(&self, jieba: &Jieba, f: Fields, a: &Analysis) -> Vec<Vec<Weighted>> {
        let inside = text::is_part_of;
        a.variants
            .iter()
            .zip(&a.groups)
            .map(|(v, g)| {
                let mut ws: Vec<Weighted> = v
                    .iter()
                    .zip(g)
                    .map(|(w, g)| {
                        let mut x = self.weigh(f.all, w, Some(jieba));
                        x.group = *g;
                        x
                    })
                    .collect();
                // Spoken for: every character of it is in a known word inside it (小学报名:
                // 小学, 报名), not only some (人民银行 is not 人民).
                let spoken_for: Vec<bool> = v
                    .iter()
                    .zip(&ws)
                    .map(|(w, x)| {
                        if !x.unknown {
                            return false;
                        }
                        let mut covered = vec![false; w.len()];
                        for (o, _) in v
                            .iter()
                            .zip(&ws)
                            .filter(|(o, y)| !y.unknown && inside(o, w))
                        {
                            for (at, _) in w.match_indices(o.as_str()) {
                                covered[at..at + o.len()].iter_mut().for_each(|c| *c = true);
                            }
                        }
                        covered.iter().all(|c| *c)
                    })
                    .collect();
                let gone: Vec<bool> = (0..ws.len())
                    .map(|i| {
                        spoken_for[i]
                            || (ws[i].unknown
                                && (0..v.len()).any(|j| !spoken_for[j] && inside(&v[i], &v[j])))
                    })
                    .collect();
                for (i, x) in ws.iter_mut().enumerate() {
                    if gone[i] {
                        x.weight = 0.0;
                        x.distinct = false;
                    }
                    // A known word's parts speak for it where they still count; a word the
                    // knowledge base does not know counts unless they speak for all of it.
                    x.composite =
                        !x.unknown && (0..v.len()).any(|j| !gone[j] && inside(&v[j], &v[i]));
                }
                ws
            })
            .collect()
    }

    fn run(
        &self,
        jieba: &Jieba,
        f: Fields,
        a: &Analysis,
        filter: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Hit>, bool), SearchError> {
        let words = self.weigh_words(jieba, f, a);
        let pinyin: Vec<u32> = a.pinyin.iter().map(|p| h(p)).collect();
        let has_text = words.iter().any(|v| !v.is_empty()) || !pinyin.is_empty();
        let no_pairs: Vec<Vec<Weighted>> = Vec::new();
        let mut scored = self.rank(f, a, filter, limit, &words, (&[], &no_pairs), &pinyin)?;
        // Homophone typos and words cut differently: when the words alone match poorly, the
        // pinyin pairs are tried too (a second, wider search; most queries never need it).
        let best = scored.first().map_or(0.0, |x| x.1);
        if has_text && best < 0.8 {
            let py2: Vec<Vec<String>> = a
                .texts
                .iter()
                .map(|t| first_occurrences(text::pinyin_bigrams(t)))
                .collect();
            let pairs: Vec<Vec<Weighted>> = py2
                .iter()
                .map(|v| v.iter().map(|w| self.weigh(f.py2, w, None)).collect())
                .collect();
            scored = self.rank(f, a, filter, limit, &words, (&py2, &pairs), &pinyin)?;
        }
        let confident = match scored.first() {
            Some((_, cov, key, _, _)) if has_text => *cov >= 0.5 && *key,
            _ => false,
        };

        // Merged agencies answer with their successor; each entry once.
        let mut items: Vec<Hit> = Vec::with_capacity(limit.min(scored.len()));
        // At most `limit` (≤ 50) entries: a scan costs less than a set.
        let mut shown: Vec<*const DocData> = Vec::with_capacity(limit.min(scored.len()));
        let marker = text::Marker::new(&highlight_words(a));
        let filter_id = filter.map(|fl| self.regions.id(fl));
        for (score, _, _, doc, _) in scored {
            if items.len() >= limit {
                break;
            }
            let (doc, note) = match &doc.successor {
                Some(succ) => match self.by_code.get(succ).and_then(|u| self.docs.get(u)) {
                    Some(s) => (s, Some(format!("原{}已并入{}。", doc.title, s.title))),
                    None => (doc, None),
                },
                None => (doc, None),
            };
            if shown.contains(&Arc::as_ptr(doc)) {
                continue;
            }
            shown.push(Arc::as_ptr(doc));
            if let Some(fl) = filter_id
                && !self.regions.chain_by_id(doc.region_id).contains(&fl)
            {
                continue;
            }
            let (snippet, plain) = match &note {
                Some(n) => {
                    let body = format!("{n}{}", doc.text.text);
                    (marker.highlight(&body, SNIPPET_CHARS), false)
                }
                None => marker.highlight_prepared(&doc.text, SNIPPET_CHARS),
            };
            items.push(Hit {
                entry: Arc::clone(doc),
                snippet,
                plain,
                score: (score * 1000.0).round() / 1000.0,
            });
        }
        Ok((items, confident))
    }

    /// Candidates from tantivy, ranked.
    #[allow(clippy::too_many_arguments)]
    fn rank(
        &self,
        f: Fields,
        a: &Analysis,
        filter: Option<&str>,
        limit: usize,
        words: &[Vec<Weighted>],
        (py2, pairs): (&[Vec<String>], &[Vec<Weighted>]),
        pinyin: &[u32],
    ) -> Result<Vec<Scored<'_>>, SearchError> {
        let has_text = words.iter().any(|v| !v.is_empty()) || !pinyin.is_empty();
        // Candidates score what the ranking will roughly give them: each query word's weight
        // where an entry has it. Topic words find the candidates; question and contact words
        // only if there is nothing else; words no entry's name or question has are looked up
        // in the answers.
        let mut terms: Vec<(Field, &str, f32)> = Vec::with_capacity(
            words.iter().map(Vec::len).sum::<usize>()
                + pairs.iter().map(Vec::len).sum::<usize>()
                + a.pinyin.len(),
        );
        let mut seen: Vec<&str> = Vec::with_capacity(terms.capacity());
        let any_key = words.iter().flatten().any(|w| w.key);
        for (v, ws) in a.variants.iter().zip(words) {
            for (w, wt) in v.iter().zip(ws) {
                if (any_key && !wt.key && !wt.unknown) || !push_new(&mut seen, w) {
                    continue;
                }
                if wt.unknown {
                    terms.push((f.sec, w, 0.3 * wt.weight));
                } else {
                    terms.push((f.all, w, wt.weight));
                }
            }
        }
        for (v, ws) in py2.iter().zip(pairs) {
            for (p, wt) in v.iter().zip(ws) {
                if wt.weight >= 1.0 && push_new(&mut seen, p) {
                    terms.push((f.py2, p, 0.5 * wt.weight));
                }
            }
        }
        for p in &a.pinyin {
            terms.push((f.pyi, p, 8.0));
        }
        let candidates = if has_text && !terms.is_empty() {
            self.text_candidates(&terms, a, filter, CANDIDATES)?
        } else if let Some(m) = a.regions.mentions.first() {
            // Only a region was named: its departments, for browsing (never confident).
            self.region_departments(f, &m.code, filter, limit.max(10))?
        } else {
            Vec::new()
        };

        // Ranking.
        let mut scored: Vec<Scored> = Vec::with_capacity(candidates.len());
        let mention_chains: Vec<(&[u32], f32)> = a
            .regions
            .mentions
            .iter()
            .map(|m| (self.regions.chain_ids(&m.code), m.weight))
            .filter(|(chain, _)| !chain.is_empty())
            .collect();
        let filter_id = filter.map(|fl| self.regions.id(fl));
        // Read a little of every candidate's word sets first: these loads do not wait for
        // one another, so their cache misses overlap instead of coming one at a time inside
        // the coverage loop below.
        let mut touch = 0u32;
        for (doc, _, _) in &candidates {
            for w in doc.sets.words.iter().step_by(16) {
                touch ^= *w;
            }
        }
        std::hint::black_box(touch);
        for (doc, bm25, order) in candidates {
            let doc = &doc;
            let Coverage {
                share: cov,
                key,
                ident,
                specificity,
            } = coverage(doc, words, pairs, pinyin);
            // The entry that is known by the query's distinctive words (人社局) before one
            // that only shares its generic or question words (几点上班).
            let mut score = 10.0 * cov + IDENT_BONUS * ident + 0.001 * bm25 + 0.5 * specificity;
            let chain = self.regions.chain_by_id(doc.region_id);
            score += region_bonus(doc.region_id, chain, &mention_chains, filter_id);
            score += match (doc.kind, a.asks_question) {
                (Kind::Faq, true) | (Kind::Department, false) => 0.3,
                _ => 0.0,
            };
            scored.push((score, cov, key, *doc, order));
        }
        // Equal scores in code order (every live entry has its own place).
        scored.sort_unstable_by(|x, y| {
            y.0.partial_cmp(&x.0)
                .unwrap_or(std::cmp::Ordering::Equal)
                .then(x.4.cmp(&y.4))
        });

        Ok(scored)
    }

    /// The entries that have any of `terms` (field, word, weight), each scored by the sum
    /// of the weights it has plus the region evidence: the named regions, those above and
    /// under them, and the filter's own region add fixed amounts, so their entries are among
    /// the candidates even when many regions share the same text. The best `k`.
    fn text_candidates(
        &self,
        terms: &[(Field, &str, f32)],
        a: &Analysis,
        filter: Option<&str>,
        k: usize,
    ) -> Result<Vec<Candidate<'_>>, SearchError> {
        // Region evidence by region number, worked out once per query (a few hundred
        // regions) so that each touched entry costs one lookup: the filter's own region, the
        // named regions, those above them (the parent answers what a county lacks), and the
        // regions under them; `None` for a region outside the filter.
        let filter = filter.map(|fl| self.regions.id(fl));
        let mut own: Vec<(u32, f32)> = Vec::new();
        let mut under: Vec<(u32, f32)> = Vec::new();
        if let Some(fl) = filter {
            own.push((fl, 3.0));
        }
        for m in &a.regions.mentions {
            let chain = self.regions.chain_ids(&m.code);
            let Some(&named) = chain.first() else {
                continue;
            };
            own.push((named, 20.0 * m.weight));
            under.push((named, 5.0 * m.weight));
            for (depth, up) in chain.iter().enumerate().skip(1) {
                let s = if depth == 1 { 10.0 } else { 6.0 };
                own.push((*up, s * m.weight));
            }
        }
        // Each region starts at 0 (or out, when a filter leaves it out), then gets what the
        // named regions give it, in the order above.
        let mut evidence: Vec<Option<f32>> = match filter {
            Some(fl) => {
                let mut e = vec![None; self.regions.count()];
                for r in self.regions.subtree_by_id(fl) {
                    if let Some(x) = e.get_mut(*r as usize) {
                        *x = Some(0.0);
                    }
                }
                e
            }
            None => vec![Some(0.0); self.regions.count()],
        };
        for (region, s) in &own {
            if let Some(Some(bonus)) = evidence.get_mut(*region as usize) {
                *bonus += s;
            }
        }
        for (named, s) in &under {
            for r in self.regions.subtree_by_id(*named) {
                if let Some(Some(bonus)) = evidence.get_mut(*r as usize) {
                    *bonus += s;
                }
            }
        }
        // An entry whose region the index does not know: only without a filter.
        let unknown = if filter.is_some() { None } else { Some(0.0) };
        ACCUMULATOR.with(|acc| {
            let mut acc = acc.borrow_mut();
            acc.start(&self.meta, self.generation);
            for &(field, word, weight) in terms {
                for &addr in self.postings(field, word)?.iter() {
                    acc.add(addr, weight);
                }
            }
            // One integer per candidate orders it: higher score first, then code order.
            // Scores are sums of positive weights and bonuses (never negative, never NaN),
            // and the bits of a non-negative f32 order as its value does.
            let key = |score: f32, order: u32| {
                (u64::from(!score.max(0.0).to_bits()) << 32) | u64::from(order)
            };
            // The best k so far, the worst of them on top: most entries are worse than all of
            // them and cost one comparison (keys are unique: the place in code order is).
            let mut best: std::collections::BinaryHeap<u64> =
                std::collections::BinaryHeap::with_capacity(k);
            for &addr in &acc.touched {
                let Some(slot) = acc.slots.get(addr as usize).filter(|s| s.meta.alive()) else {
                    continue;
                };
                let Some(bonus) = evidence
                    .get(slot.meta.region as usize)
                    .copied()
                    .unwrap_or(unknown)
                else {
                    continue;
                };
                let key = key(slot.sum + bonus, slot.meta.order);
                if best.len() < k {
                    best.push(key);
                } else if let Some(mut worst) = best.peek_mut()
                    && key < *worst
                {
                    *worst = key;
                }
            }
            // Best first; the place in code order (the key's low half) gives the address back.
            let out = best.into_sorted_vec();
            Ok(out
                .into_iter()
                .filter_map(|key| {
                    let score = f32::from_bits(!((key >> 32) as u32));
                    let addr = *self.by_order.get(key as u32 as usize)?;
                    Some((
                        self.by_addr.get(addr as usize)?.as_ref()?,
                        score,
                        key as u32,
                    ))
                })
                .collect())
        })
    }

    /// A region's departments and those of the regions above it (a county has no 商务局),
    /// within the filter, in address order.
    fn region_departments(
        &self,
        f: Fields,
        code: &str,
        filter: Option<&str>,
        k: usize,
    ) -> Result<Vec<Candidate<'_>>, SearchError> {
        let mut addrs: Vec<u32> = Vec::new();
        for seg in &self.segments {
            for up in self.regions.chain(code) {
                self.for_each_posting(seg, f.region, &up, |addr| addrs.push(addr))?;
            }
        }
        addrs.sort_unstable();
        addrs.dedup();
        Ok(addrs
            .into_iter()
            .filter_map(|addr| {
                let order = self.meta.get(addr as usize)?.order;
                Some((self.by_addr.get(addr as usize)?.as_ref()?, order))
            })
            .filter(|(d, _)| d.kind == Kind::Department)
            .filter(|(d, _)| {
                filter.is_none_or(|fl| {
                    self.regions
                        .chain_by_id(d.region_id)
                        .contains(&self.regions.id(fl))
                })
            })
            .take(k)
            .map(|(d, order)| (d, 0.0, order))
            .collect())
    }

    /// Calls `f` with the address of every document of the segment that has `word` in
    /// `field` (deleted ones too: their addresses map to no entry).
    fn for_each_posting(
        &self,
        seg: &SegmentView,
        field: Field,
        word: &str,
        mut f: impl FnMut(u32),
    ) -> Result<(), SearchError> {
        let Some(Some(inv)) = seg.inverted.get(field.field_id() as usize) else {
            return Ok(());
        };
        // A text field's dictionary is keyed by the word's own bytes (no `Term` needed).
        let info = inv
            .terms()
            .get(word.as_bytes())
            .map_err(tantivy::TantivyError::from)?;
        let Some(info) = info else {
            return Ok(());
        };
        // Block by block (128 decoded addresses at a time), as tantivy reads them itself
        // when it only needs the documents: no per-document cursor.
        let mut postings = inv
            .read_block_postings_from_terminfo(&info, IndexRecordOption::Basic)
            .map_err(tantivy::TantivyError::from)?;
        while !postings.docs().is_empty() {
            for doc in postings.docs() {
                f(seg.base + doc);
            }
            postings.advance();
        }
        Ok(())
    }
}

/// An entry's address as choosing candidates sees it.
#[derive(Clone, Copy)]
struct Meta {
    region: u32,
    /// Place in code order; [`Meta::GONE`] for an address with no entry (deleted). Eight
    /// bytes in all: a query reads the meta of every entry it touches.
    order: u32,
}

impl Meta {
    const GONE: u32 = u32::MAX;

    fn alive(&self) -> bool {
        self.order != Meta::GONE
    }
}

/// Snapshot generations start at 1 (0: an accumulator that has none yet).
static NEXT_GENERATION: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// Per-thread scratch for choosing candidates, reused from query to query (a query touches
/// a few hundred of the index's entries; clearing all of them each time would cost more).
/// By address: the sum of term weights the current query gave it, next to a copy of the
/// entry's [`Meta`] from the snapshot of `generation`. The touched addresses are scattered,
/// and one slot holding both costs one cache miss where two arrays cost two.
#[derive(Default)]
struct Accumulator {
    slots: Vec<Slot>,
    generation: u64,
    stamp: u32,
    touched: Vec<u32>,
}

#[derive(Clone, Copy)]
struct Slot {
    /// The query (stamp) `sum` belongs to.
    stamp: u32,
    sum: f32,
    meta: Meta,
}

impl Accumulator {
    fn start(&mut self, meta: &[Meta], generation: u64) {
        if self.generation != generation || self.slots.len() != meta.len() {
            // A new snapshot (after a knowledge change): copy its metas once.
            self.slots.clear();
            self.slots.extend(meta.iter().map(|m| Slot {
                stamp: 0,
                sum: 0.0,
                meta: *m,
            }));
            self.generation = generation;
            self.stamp = 0;
        }
        self.touched.clear();
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.slots.iter_mut().for_each(|s| s.stamp = 0);
            self.stamp = 1;
        }
    }

    fn add(&mut self, addr: u32, weight: f32) {
        let Some(slot) = self.slots.get_mut(addr as usize) else {
            return;
        };
        if slot.stamp != self.stamp {
            slot.stamp = self.stamp;
            slot.sum = 0.0;
            self.touched.push(addr);
        }
        slot.sum += weight;
    }
}

/// Addresses kept per thread, at most (about 32 MB), and words (most callers' words that no
/// entry has are kept too, as empty lists); the cache is emptied when either is reached.
const POSTINGS_KEPT: usize = 8 << 20;
const WORDS_KEPT: usize = 100_000;

/// Per-thread posting lists already decoded, by field and word, for the snapshot of
/// `generation`. tantivy decodes a list block by block on every read, and that cost about
/// as much as the rest of choosing the candidates; a hotline's queries keep coming back to
/// the same few thousand words. The lists are the index's own (answers are not kept).
#[derive(Default)]
struct PostingsCache {
    generation: u64,
    /// By field id, then word.
    lists: Vec<text::FastMap<Box<str>, Rc<[u32]>>>,
    /// [`Snapshot::foreign_weight`] by word (it asks the segmenter twice).
    foreign: text::FastMap<Box<str>, f32>,
    addresses: usize,
    words: usize,
}

impl PostingsCache {
    fn start(&mut self, generation: u64) {
        if self.generation != generation {
            self.clear();
            self.generation = generation;
        }
    }

    fn clear(&mut self) {
        self.lists.clear();
        self.foreign.clear();
        self.addresses = 0;
        self.words = 0;
    }

    fn keep(&mut self, field: Field, word: &str, list: &Rc<[u32]>) {
        if self.addresses + list.len() > POSTINGS_KEPT || self.words >= WORDS_KEPT {
            self.clear();
        }
        self.addresses += list.len();
        self.words += 1;
        let id = field.field_id() as usize;
        if self.lists.len() <= id {
            self.lists.resize_with(id + 1, Default::default);
        }
        if let Some(words) = self.lists.get_mut(id) {
            words.insert(word.into(), Rc::clone(list));
        }
    }

    fn keep_foreign(&mut self, word: &str, weight: f32) {
        if self.words >= WORDS_KEPT {
            self.clear();
        }
        self.words += 1;
        self.foreign.insert(word.into(), weight);
    }
}

thread_local! {
    static ACCUMULATOR: RefCell<Accumulator> = RefCell::default();
    static POSTINGS: RefCell<PostingsCache> = RefCell::default();
}

/// Region evidence: the named region itself, then the regions under it, then those above it
/// (the parent answers what a county lacks); with a filter, its own region first.
/// `region` and `chain` are the entry's region and the regions above it; each mention is
/// the named region's chain (never empty) and weight.
fn region_bonus(
    region: u32,
    chain: &[u32],
    mentions: &[(&[u32], f32)],
    filter: Option<u32>,
) -> f32 {
    let mut best: f32 = 0.0;
    for (named, weight) in mentions {
        let code = named[0];
        let b = if region == code {
            4.0
        } else if let Some(depth) = chain.iter().position(|c| *c == code) {
            if depth == 1 { 1.3 } else { 0.8 }
        } else if let Some(up) = named.iter().position(|c| *c == region) {
            if up == 1 { 2.0 } else { 1.0 }
        } else {
            0.0
        };
        best = best.max(b * weight);
    }
    if let Some(fl) = filter {
        best += match chain.iter().position(|c| *c == fl) {
            Some(0) => 0.5,
            Some(1) => 0.2,
            _ => 0.0,
        };
    }
    best
}

/// How well an entry matches a query, for the ranking.
struct Coverage {
    /// Share of the query's weight the entry covers (0..1), the best over the query's
    /// variants and over words / pinyin pairs.
    share: f32,
    /// Whether the entry answers confidently (its identifying words cover the query's
    /// distinctive words).
    key: bool,
    /// The best share of those distinctive words its identifying words cover.
    ident: f32,
    /// Share of the entry's own words the query names: between equal matches, 公安局 is a
    /// better answer to "公安局" than 公安局交通警察支队车辆管理所.
    specificity: f32,
}

fn coverage(
    doc: &DocData,
    words: &[Vec<Weighted>],
    pairs: &[Vec<Weighted>],
    pinyin: &[u32],
) -> Coverage {
    let is_dept = doc.kind == Kind::Department;
    let mut best = 0.0f32;
    // The most of the entry's own words one variant names.
    let mut named = 0usize;
    let mut key_hit = false;
    let mut best_ident = 0.0f32;
    // Two pinyin words or more come with their concatenation last (see `analyse`): when
    // that matches, the words are one name and all of them count as matched.
    let py_hits = match pinyin {
        [_, _, .., joined] if has(doc.pyi(), *joined) => pinyin.len(),
        _ => pinyin.iter().filter(|p| has(doc.pyi(), **p)).count(),
    };
    // No words at all (pinyin only): one empty list, so the pinyin still counts.
    let none: &[Vec<Weighted>] = &[Vec::new()];
    let lists = if words.iter().all(|v| v.is_empty()) {
        none
    } else {
        words
    };
    for (i, v) in lists.iter().enumerate() {
        if v.is_empty() && pinyin.is_empty() {
            continue;
        }
        let mut total = 4.0 * pinyin.len() as f32;
        let mut got = 4.0 * py_hits as f32;
        let mut key = py_hits > 0;
        // The distinctive words' weight, and how much of it the entry's identifying words
        // (name, aliases, question, keywords; or their sound) cover: 滇池管理局 is not
        // answered by an 应急管理局 on 滇池路.
        let mut ident_total = total;
        let mut ident_got = got;
        // Synonym groups: (weight, matched).
        let mut groups: [(f32, bool); 8] = [(0.0, false); 8];
        let mut named_here = 0usize;
        for w in v {
            total += w.weight;
            let primary = has(doc.primary(), w.hash);
            named_here += usize::from(primary);
            let ident = primary || has(doc.inherited(), w.hash);
            let c = if primary {
                1.0
            } else if ident {
                0.8
            } else if is_dept && w.contact {
                0.7
            } else if has(doc.secondary(), w.hash) {
                0.3
            } else {
                0.0
            };
            got += c * w.weight;
            if c >= 0.7 && w.key {
                key = true;
            }
            if w.distinct {
                let hit =
                    ident || (!w.pairs.is_empty() && w.pairs.iter().all(|p| has(doc.py2(), *p)));
                if w.group != 0 {
                    for (k, e) in groups.iter_mut().enumerate() {
                        if w.group & (1 << k) != 0 {
                            e.0 = e.0.max(w.weight);
                            e.1 |= hit;
                        }
                    }
                } else if !w.composite {
                    let wt = if w.unknown {
                        w.weight * (w.weight / FOREIGN_MAX).min(1.0)
                    } else {
                        w.weight
                    };
                    ident_total += wt;
                    if hit {
                        ident_got += wt;
                    }
                }
            }
        }
        for (gw, hit) in groups {
            ident_total += gw;
            if hit {
                ident_got += gw;
            }
        }
        // How the words sound (homophone typos), for this variant.
        let mut pair_cov = 0.0f32;
        if let Some(pv) = pairs.get(i) {
            let (mut pt, mut pg) = (0.0f32, 0.0f32);
            for p in pv {
                pt += p.weight;
                if has(doc.py2(), p.hash) {
                    pg += p.weight;
                }
            }
            if pt > 0.0 {
                pair_cov = 0.9 * pg / pt;
            }
        }
        let cov = if total > 0.0 { got / total } else { 0.0 };
        best = best.max(cov).max(pair_cov);
        let share = if ident_total > 0.0 {
            ident_got / ident_total
        } else {
            0.0
        };
        best_ident = best_ident.max(share);
        let matched = if ident_total > 0.0 {
            share >= IDENT_SHARE
        } else {
            key || pair_cov >= 0.5
        };
        if matched && cov.max(pair_cov) >= 0.5 {
            key_hit = true;
        }
        named = named.max(named_here);
    }
    let own = doc.primary().len();
    Coverage {
        share: best,
        key: key_hit,
        ident: best_ident,
        specificity: if own == 0 {
            0.0
        } else {
            named as f32 / own as f32
        },
    }
}

/// The words in their order, each once (a query has a few dozen at most: a scan costs less
/// than a set that clones every word).
fn first_occurrences(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// Words to mark in snippets: the query's words of two characters or more, and the region
/// words.
fn highlight_words(a: &Analysis) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for w in a.variants.iter().flatten() {
        if w.chars().count() >= 2 {
            push_new(&mut out, w);
        }
    }
    for w in &a.regions.words {
        push_new(&mut out, w);
    }
    out
}

/// Adds `word` unless `seen` has it; whether it was added. (A query has a few dozen words at
/// most: a scan costs less than a set.)
fn push_new<'w>(seen: &mut Vec<&'w str>, word: &'w str) -> bool {
    let new = !seen.contains(&word);
    if new {
        seen.push(word);
    }
    new
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_postings_cache_is_bounded() {
        let field = Field::from_field_id(0);
        let mut cache = PostingsCache::default();
        // Many words, as callers' words no entry has (empty lists).
        let empty: Rc<[u32]> = Rc::from([]);
        for i in 0..WORDS_KEPT + 10 {
            cache.keep(field, &format!("w{i}"), &empty);
        }
        let words: usize = cache.lists.iter().map(|m| m.len()).sum();
        assert!(words <= WORDS_KEPT, "{words} words kept");
        assert_eq!(words, cache.words);
        // Long lists: the second of two that together pass the bound empties it first.
        let mut cache = PostingsCache::default();
        let long: Rc<[u32]> = vec![0u32; POSTINGS_KEPT / 2 + 1].into();
        cache.keep(field, "a", &long);
        cache.keep(field, "b", &long);
        let kept: Vec<&str> = cache
            .lists
            .iter()
            .flat_map(|m| m.keys())
            .map(|k| &**k)
            .collect();
        assert_eq!(kept, ["b"]);
        assert_eq!(cache.addresses, long.len());
        // Foreign weights count as words.
        for i in 0..WORDS_KEPT + 10 {
            cache.keep_foreign(&format!("f{i}"), 1.0);
        }
        assert!(cache.foreign.len() <= WORDS_KEPT);
        // A new snapshot starts afresh.
        cache.start(cache.generation + 1);
        assert!(cache.lists.iter().all(|m| m.is_empty()));
        assert!(cache.foreign.is_empty());
    }

    #[test]
    fn words_the_knowledge_base_lacks_weigh_by_what_they_tell() {
        let dict = Jieba::new();
        let w = |word: &str| Snapshot::foreign_weight_of(&dict, word);
        // A topic it lacks weighs most; a common noun still counts.
        assert!(w("滇池") >= 2.9, "滇池 {}", w("滇池"));
        assert!(w("医院") >= 1.0, "医院 {}", w("医院"));
        assert!(w("医院") < w("滇池"));
        // Pronouns, times, numbers, adverbs, made-up cuts and question phrases: little.
        for little in ["自己", "明天", "六十", "直接", "树想", "怎么弄"] {
            assert!(w(little) <= 0.3, "{little} {}", w(little));
        }
    }
}
