//! Building the index from the knowledge base, and keeping it up to date: changed entries
//! are written again and a new [`Snapshot`] replaces the old one, so a query always works on
//! one consistent view.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tantivy::indexer::{LogMergePolicy, NoMergePolicy};
use tantivy::schema::{
    FAST, IndexRecordOption, NumericOptions, STRING, Schema, TextFieldIndexing, TextOptions,
};
use tantivy::tokenizer::{TextAnalyzer, WhitespaceTokenizer};
use tantivy::{Index, IndexWriter, ReloadPolicy, Searcher, TantivyDocument, Term};
use tantivy_jieba::jieba_rs::Jieba;

use super::candidates::Meta;
use super::entries::{DocBuilder, DocData, Kind, faq_label};
use super::spelling::Spelling;
use super::topics::{TopicModel, TopicTrainer};
use super::{Entries, Fields, SearchError, SearchIndex, SegmentView, Snapshot};
use crate::domain::{Department, Faq};
use crate::search::model::{Changes, KbData};
use crate::search::regions::{RegionIndex, UNKNOWN_REGION};
use crate::search::synonyms::Synonyms;
use crate::search::text;

/// The whitespace tokenizer's name: text is cut by our own jieba before tantivy sees it.
const TOKENIZER: &str = "ws";
/// Indexing threads, at most (more only cost memory on a knowledge base of this size).
const MAX_THREADS: usize = 8;
/// tantivy's indexing memory per thread (its minimum is 15 MB). More means fewer segments to
/// merge at the end of a build, but at scale 20 60 MB a thread was a sixth of the peak
/// memory; the merge into one segment costs little more time.
const WRITER_BYTES_PER_THREAD: usize = 20_000_000;
/// Length, in characters, of the directory's own words taught to the segmenter: a shorter
/// one is a character, a longer one a phrase jieba should still cut.
const OWN_WORD_CHARS: std::ops::RangeInclusive<usize> = 2..=8;

/// Departments of a kind whose names the topic classifier learns (see
/// `learn_departments`): a province's, a city's and a county's name the kind differently
/// (水利厅, 水务局, 水利局).
const DEPARTMENTS_PER_KIND: u8 = 8;

/// Snapshot generations start at 1 (0: a per-thread cache that has none yet).
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

/// What a FAQ entry is made of, without its code, its answer one copy per distinct text (at
/// scale 20, 207k entries have 9k answers).
pub(super) struct FaqRecord {
    pub(super) department: String,
    pub(super) question: Arc<str>,
    pub(super) keywords: Vec<String>,
    pub(super) answer: Arc<str>,
    pub(super) authorized: bool,
    published: bool,
}

/// What the writer side keeps to rebuild entries when something they depend on changes.
/// Not the FAQ entries: at scale 20 their records were a tenth of the memory, and a changed
/// department's come with the change ([`Changes::faqs`]).
pub(super) struct Catalog {
    depts: HashMap<String, Department>,
    /// The answer texts, each once.
    answers: HashSet<Arc<str>>,
    /// The departments' name words, kept as departments change: walking every department
    /// for them took most of a change's time.
    names: NameWords,
}

impl Catalog {
    fn new(departments: Vec<Department>, names: NameWords) -> Catalog {
        Catalog {
            depts: departments
                .into_iter()
                .map(|d| (d.code.clone(), d))
                .collect(),
            answers: HashSet::new(),
            names,
        }
    }

    /// The record of `f` as the catalog keeps it, and its code.
    fn record(&mut self, f: Faq) -> (Arc<str>, FaqRecord) {
        let answer = match self.answers.get(f.answer.as_str()) {
            Some(a) => Arc::clone(a),
            None => {
                let a: Arc<str> = Arc::from(f.answer);
                self.answers.insert(Arc::clone(&a));
                a
            }
        };
        let record = FaqRecord {
            department: f.department,
            question: Arc::from(f.question),
            keywords: f.keywords,
            answer,
            authorized: f.authorized,
            published: f.status == "published",
        };
        (Arc::from(f.code), record)
    }

    /// Takes the changed departments in; the codes of those to write again.
    fn update(&mut self, changes: &Changes, regions: &RegionIndex) -> HashSet<String> {
        let mut touched: HashSet<String> = HashSet::new();
        for code in &changes.removed_departments {
            if let Some(old) = self.depts.remove(code) {
                self.names.remove(&old, regions);
            }
            touched.insert(code.clone());
        }
        for d in &changes.departments {
            if let Some(old) = self.depts.insert(d.code.clone(), d.clone()) {
                self.names.remove(&old, regions);
            }
            self.names.add(d, regions);
            touched.insert(d.code.clone());
        }
        touched
    }
}

/// The department the FAQ entry is indexed under: `None` unless it is published and its
/// department known.
fn indexed_under<'d>(
    f: &FaqRecord,
    depts: &'d HashMap<String, Department>,
) -> Option<&'d Department> {
    depts.get(&f.department).filter(|_| f.published)
}

/// The tantivy writer and the number the next entry gets (an entry's number never comes
/// back, so a snapshot's addresses map to the entries of that snapshot only).
pub(super) struct Writer {
    tantivy: IndexWriter,
    next_uid: u64,
}

impl Writer {
    /// Writes the entry `make` builds under a new number, and records it in `entries`.
    fn add(
        &mut self,
        entries: &mut Entries,
        make: impl FnOnce(u64) -> (TantivyDocument, DocData),
    ) -> Result<(), SearchError> {
        let uid = self.next_uid;
        self.next_uid += 1;
        let (tdoc, doc) = make(uid);
        self.tantivy.add_document(tdoc)?;
        entries.by_code.insert(doc.code.clone(), uid);
        entries.docs.insert(uid, Arc::new(doc));
        Ok(())
    }
}

fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    // With frequencies, though a query reads document ids only: at scale 20 the build's
    // peak was higher without them (385 and 388 MB against 355–380 MB, round 6, in-process).
    let text = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    let fields = Fields {
        code: b.add_text_field("code", STRING),
        region: b.add_text_field("region", STRING),
        kind: b.add_text_field("kind", STRING),
        uid: b.add_u64_field("uid", NumericOptions::default() | FAST),
        all: b.add_text_field("all", text.clone()),
        sec: b.add_text_field("sec", text.clone()),
        py2: b.add_text_field("py2", text.clone()),
        pyi: b.add_text_field("pyi", text),
    };
    (b.build(), fields)
}

/// The segmenter an index of `data` uses (for a reader of the knowledge base without one).
pub fn directory_jieba(data: &KbData) -> Jieba {
    let regions = RegionIndex::new(&data.regions);
    build_jieba(
        data,
        &regions,
        &NameWords::new(&data.departments, &regions).words(),
    )
}

/// A jieba that knows the directory's own words (人社局, 车管所, 版纳 …).
/// (`names`: the departments' [`NameWords`].)
fn build_jieba(data: &KbData, regions: &RegionIndex, names: &[String]) -> Jieba {
    let mut j = Jieba::new();
    let mut words: HashSet<String> = HashSet::new();
    for r in regions.all() {
        for f in regions.forms_of(&r.code) {
            if f.chars().count() >= *OWN_WORD_CHARS.start() {
                words.insert(f);
            }
        }
    }
    for n in names {
        for part in n.split_whitespace() {
            if OWN_WORD_CHARS.contains(&part.chars().count()) {
                words.insert(part.to_string());
            }
        }
    }
    for s in &data.synonyms {
        for w in [&s.term, &s.replacement] {
            let w = text::normalize(w);
            if OWN_WORD_CHARS.contains(&w.chars().count()) && !w.contains(' ') {
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
    /// Builds the whole index from the knowledge base, which it keeps (to write entries
    /// again when what they show changes).
    pub fn build(mut data: KbData, threads: usize) -> Result<SearchIndex, SearchError> {
        let mut faqs = Some(std::mem::take(&mut data.faqs));
        SearchIndex::build_paged(data, threads, &mut || Ok(faqs.take().unwrap_or_default()))
    }

    /// [`SearchIndex::build`] from the knowledge base without its FAQ entries (`data.faqs`
    /// is not read), which `next_faqs` gives a page at a time until it gives none: at scale
    /// the FAQ records were a fifth of the build's memory when all were loaded at once.
    pub fn build_paged(
        data: KbData,
        threads: usize,
        next_faqs: &mut dyn FnMut() -> Result<Vec<Faq>, String>,
    ) -> Result<SearchIndex, SearchError> {
        let regions = Arc::new(RegionIndex::new(&data.regions));
        let name_words = NameWords::new(&data.departments, &regions);
        let names = name_words.words();
        let jieba = Arc::new(build_jieba(&data, &regions, &names));
        let (schema, fields) = schema();
        let index = Index::create_in_ram(schema);
        index.tokenizers().register(
            TOKENIZER,
            TextAnalyzer::from(WhitespaceTokenizer::default()),
        );
        let threads = threads.clamp(1, MAX_THREADS);
        let mut writer = Writer {
            tantivy: index.writer_with_num_threads(threads, WRITER_BYTES_PER_THREAD * threads)?,
            next_uid: 1,
        };
        // No merge in the background while building: the one below takes every segment,
        // and one the background had merged away already made it fail.
        writer.tantivy.set_merge_policy(Box::new(NoMergePolicy));
        let mut entries = Entries::default();
        let builder = DocBuilder::new(fields, &regions, &jieba);
        for d in &data.departments {
            writer.add(&mut entries, |uid| builder.department(uid, d))?;
        }
        let synonyms = Arc::new(Synonyms::new(&data.synonyms));
        let mut catalog = Catalog::new(data.departments, name_words);
        let mut trainer = TopicTrainer::default();
        loop {
            let page = next_faqs().map_err(SearchError::Load)?;
            if page.is_empty() {
                break;
            }
            for f in page {
                let (code, record) = catalog.record(f);
                if let Some(d) = indexed_under(&record, &catalog.depts) {
                    writer.add(&mut entries, |uid| builder.faq(uid, &code, &record, d))?;
                    learn(&mut trainer, &regions, &code, &record, d);
                }
            }
        }
        learn_departments(
            &mut trainer,
            &regions,
            &catalog.depts,
            super::super::seed_phrasings(),
        );
        trainer.add_phrasings(super::super::seed_phrasings());
        trainer.add_beyond(super::super::seed_beyond());
        let topics = Arc::new(trainer.train(&data.synonyms, &data.phrasings));
        let spelling = Arc::new(Spelling::new(&jieba, names, topics.texts()));
        drop(builder);
        writer.tantivy.commit()?;
        // One segment: a query builds its scorers once per segment, much of its cost.
        let ids = index.searchable_segment_ids()?;
        if ids.len() > 1 {
            writer.tantivy.merge(&ids).wait()?;
        }
        // Later changes add small segments, which the usual policy merges.
        writer
            .tantivy
            .set_merge_policy(Box::new(LogMergePolicy::default()));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        let snapshot = Snapshot::new(
            reader.searcher(),
            fields,
            entries,
            regions,
            Tables {
                synonyms,
                topics,
                spelling,
            },
            jieba,
        )?;
        Ok(SearchIndex {
            fields,
            reader,
            writer: Mutex::new((writer, catalog)),
            current: RwLock::new(Arc::new(snapshot)),
        })
    }

    /// Brings changed departments, FAQ entries, synonyms and phrasings into the index: the
    /// changed entries (and the FAQ entries of a changed department, which show its name and
    /// phones) are written again, committed, and a new snapshot replaces the old one. A change
    /// of the tables alone re-indexes nothing.
    pub fn apply(&self, changes: &Changes) -> Result<(), SearchError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut guard = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        let (writer, catalog) = &mut *guard;
        let old = self.snapshot()?;
        if !changes.touches_entries() {
            // The same addresses and metas, so the same generation.
            let t = tables(&old, changes, None);
            return self.replace(Snapshot {
                synonyms: t.synonyms,
                topics: t.topics,
                spelling: t.spelling,
                ..(*old).clone()
            });
        }
        let mut entries = old.entries.clone();
        let touched_depts = catalog.update(changes, &old.regions);
        let builder = DocBuilder::new(self.fields, &old.regions, &old.jieba);
        // Out go the changed departments, every FAQ entry indexed under one (a department
        // changes rarely: a pass over the entries costs less than keeping each one's list),
        // and the changed and removed FAQ entries; the change brings back those that stay.
        let mut gone: Vec<String> = touched_depts.iter().cloned().collect();
        if !touched_depts.is_empty() {
            gone.extend(
                entries
                    .docs
                    .values()
                    .filter(|d| {
                        d.kind == Kind::Faq && touched_depts.contains(&d.department.0.summary.code)
                    })
                    .map(|d| d.code.to_string()),
            );
        }
        gone.extend(changes.removed_faqs.iter().cloned());
        gone.extend(changes.faqs.iter().map(|f| f.code.clone()));
        for code in &gone {
            writer
                .tantivy
                .delete_term(Term::from_field_text(self.fields.code, code));
            if let Some(uid) = entries.by_code.remove(code.as_str()) {
                entries.docs.remove(&uid);
            }
        }
        for code in &touched_depts {
            if let Some(d) = catalog.depts.get(code) {
                writer.add(&mut entries, |uid| builder.department(uid, d))?;
            }
        }
        for f in &changes.faqs {
            let (code, record) = catalog.record(f.clone());
            if let Some(d) = indexed_under(&record, &catalog.depts) {
                writer.add(&mut entries, |uid| builder.faq(uid, &code, &record, d))?;
            }
        }
        writer.tantivy.commit()?;
        self.reader.reload()?;
        // A department added or renamed: the spelling learns the name words again.
        let names = Some(catalog.names.words()).filter(|n| n.as_slice() != old.spelling.names());
        let snapshot = Snapshot::new(
            self.reader.searcher(),
            self.fields,
            entries,
            old.regions.clone(),
            tables(&old, changes, names),
            old.jieba.clone(),
        )?;
        self.replace(snapshot)
    }

    fn replace(&self, snapshot: Snapshot) -> Result<(), SearchError> {
        let mut cur = self.current.write().map_err(|_| SearchError::Poisoned)?;
        *cur = Arc::new(snapshot);
        Ok(())
    }
}

impl Snapshot {
    fn new(
        searcher: Searcher,
        fields: Fields,
        entries: Entries,
        regions: Arc<RegionIndex>,
        Tables {
            synonyms,
            topics,
            spelling,
        }: Tables,
        jieba: Arc<Jieba>,
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
                by_addr.push(
                    col.first(doc)
                        .and_then(|uid| entries.docs.get(&uid).cloned()),
                );
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
            .filter_map(|(addr, d)| Some((&*d.as_ref()?.code, addr)))
            .collect();
        live.sort_unstable();
        let mut by_order = Vec::with_capacity(live.len());
        for (order, (_, addr)) in live.into_iter().enumerate() {
            meta[addr].order = order as u32;
            by_order.push(addr as u32);
        }
        let region_of_order: Vec<u32> = by_order
            .iter()
            .map(|&addr| meta[addr as usize].region)
            .collect();
        let region_runs = region_runs(&region_of_order, regions.count());
        let n_docs = searcher.num_docs().max(1) as f32;
        let mut service_centre_kinds: Vec<Arc<str>> = Vec::new();
        for d in by_addr.iter().flatten() {
            let s = &d.department.0;
            if s.service_centre && !service_centre_kinds.contains(&s.kind) {
                service_centre_kinds.push(Arc::clone(&s.kind));
            }
        }
        Ok(Snapshot {
            service_centre_kinds: service_centre_kinds.into(),
            region_of_order: region_of_order.into(),
            region_runs: region_runs.into(),
            _searcher: searcher,
            segments,
            meta: meta.into(),
            by_order: by_order.into(),
            generation: NEXT_GENERATION.fetch_add(1, Ordering::Relaxed),
            by_addr,
            entries,
            regions,
            synonyms,
            jieba,
            topics,
            spelling,
            fields,
            n_docs,
        })
    }
}

/// What a snapshot learnt besides its entries.
struct Tables {
    synonyms: Arc<Synonyms>,
    topics: Arc<TopicModel>,
    spelling: Arc<Spelling>,
}

/// The synonym table, the topic model and the spelling of pinyin after `changes`: learnt
/// again (once) when the synonyms or the phrasings changed, the spelling also when the
/// departments' name words did (`names`), the old ones otherwise.
fn tables(old: &Snapshot, changes: &Changes, names: Option<Vec<String>>) -> Tables {
    let synonyms = changes
        .synonyms
        .as_deref()
        .map_or_else(|| old.synonyms.clone(), |l| Arc::new(Synonyms::new(l)));
    let retrain = changes.synonyms.is_some() || changes.phrasings.is_some();
    if !retrain && names.is_none() {
        return Tables {
            synonyms,
            topics: old.topics.clone(),
            spelling: old.spelling.clone(),
        };
    }
    let topics = if retrain {
        Arc::new(
            old.topics
                .retrained(changes.synonyms.as_deref(), changes.phrasings.as_deref()),
        )
    } else {
        old.topics.clone()
    };
    let spelling = Arc::new(Spelling::new(
        &old.jieba,
        names.unwrap_or_else(|| old.spelling.names().to_vec()),
        topics.texts(),
    ));
    Tables {
        synonyms,
        topics,
        spelling,
    }
}

/// The departments' names and aliases without their regions (人力资源和社会保障局, 人社局,
/// 车管所), each with how many names give it: a word goes when its last department does.
#[derive(Default)]
struct NameWords(std::collections::BTreeMap<String, u32>);

impl NameWords {
    fn new<'d>(
        departments: impl IntoIterator<Item = &'d Department>,
        regions: &RegionIndex,
    ) -> Self {
        let mut words = NameWords::default();
        for d in departments {
            words.add(d, regions);
        }
        words
    }

    fn of(d: &Department, regions: &RegionIndex) -> impl Iterator<Item = String> {
        let chain = regions.chain(&d.region);
        std::iter::once(&d.name)
            .chain(d.aliases.iter())
            .map(move |n| regions.strip(n, &chain))
    }

    fn add(&mut self, d: &Department, regions: &RegionIndex) {
        for w in Self::of(d, regions) {
            *self.0.entry(w).or_default() += 1;
        }
    }

    fn remove(&mut self, d: &Department, regions: &RegionIndex) {
        for w in Self::of(d, regions) {
            if let Some(n) = self.0.get_mut(&w) {
                *n -= 1;
                if *n == 0 {
                    self.0.remove(&w);
                }
            }
        }
    }

    /// Each word once, in order.
    fn words(&self) -> Vec<String> {
        self.0.keys().cloned().collect()
    }
}

/// Gives the topic classifier a FAQ entry of `d`, when its question needs examples: its
/// question with keywords, and its answer, without region names.
fn learn(
    trainer: &mut TopicTrainer,
    regions: &RegionIndex,
    code: &str,
    record: &FaqRecord,
    d: &Department,
) {
    let Some(label) = faq_label(code, &d.code, &d.kind) else {
        return;
    };
    if !trainer.wants(&label) {
        return;
    }
    let chain = regions.chain(&d.region);
    let mut question = record.question.to_string();
    for k in &record.keywords {
        question.push(' ');
        question.push_str(k);
    }
    let question = regions.strip(&text::normalize(&question), &chain);
    let answer = regions.strip(&text::normalize(&record.answer), &chain);
    let shown = regions.strip(&text::normalize(&record.question), &chain);
    trainer.add(&label, question, answer, shown);
}

/// Gives the topic classifier the names of the departments (`TopicTrainer::add_department`),
/// a few of each kind, in code order; `phrasings` (the built-in table) says which kinds
/// have rows of their own.
fn learn_departments(
    trainer: &mut TopicTrainer,
    regions: &RegionIndex,
    depts: &HashMap<String, Department>,
    phrasings: &[(String, String)],
) {
    let phrased: HashSet<&str> = phrasings.iter().map(|(label, _)| label.as_str()).collect();
    let mut codes: Vec<&String> = depts.keys().collect();
    codes.sort_unstable();
    let active = || {
        codes
            .iter()
            .map(|c| &depts[*c])
            .filter(|d| d.status == "active")
    };
    // Shown beside the questions (来电问法): the department, not a question of it, named as
    // the regions below the province name it (the province's 农业农村厅 is every county's
    // 农业农村局); the province's name for a kind only it has.
    let mut shown: HashMap<&str, String> = HashMap::new();
    for below in [true, false] {
        for d in active() {
            let chain = regions.chain(&d.region);
            if (chain.len() > 1) == below {
                shown.entry(d.kind.as_str()).or_insert_with(|| {
                    format!(
                        "{}（部门）",
                        regions.strip(&text::normalize(&d.name), &chain)
                    )
                });
            }
        }
    }
    let mut learnt: HashMap<&str, u8> = HashMap::new();
    for d in active() {
        let n = learnt.entry(d.kind.as_str()).or_default();
        if *n >= DEPARTMENTS_PER_KIND {
            continue;
        }
        *n += 1;
        let chain = regions.chain(&d.region);
        let mut names = d.name.clone();
        for a in &d.aliases {
            names.push(' ');
            names.push_str(a);
        }
        let names = regions.strip(&text::normalize(&names), &chain);
        let shown = shown.get(d.kind.as_str()).cloned().unwrap_or_default();
        trainer.add_department(&d.kind, (names, shown), phrased.contains(d.kind.as_str()));
    }
}

/// Each region's entries as a run of the code order (`from..to`; an entry's code starts
/// with its region's), by region number; `None` for a region whose entries are not one run
/// (a code that does not), which the candidates then read whole.
fn region_runs(region_of_order: &[u32], regions: usize) -> Vec<Option<(u32, u32)>> {
    // First place, last place + 1, entries.
    let mut seen: Vec<(u32, u32, u32)> = vec![(0, 0, 0); regions];
    for (order, &region) in region_of_order.iter().enumerate() {
        let Some(s) = seen.get_mut(region as usize) else {
            continue;
        };
        let order = order as u32;
        if s.2 == 0 {
            s.0 = order;
        }
        s.1 = order + 1;
        s.2 += 1;
    }
    seen.into_iter()
        .map(|(from, to, n)| (to - from == n).then_some((from, to)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_regions_entries_are_one_run_of_the_code_order_or_none() {
        // Region 0: places 0–1; region 1: 2–4; region 2 split by region 1 (5 and 7);
        // region 3 has none; an entry of an unknown region is no run's.
        let regions = [0, 0, 1, 1, 1, 2, UNKNOWN_REGION, 2];
        let runs = region_runs(&regions, 4);
        assert_eq!(runs, [Some((0, 2)), Some((2, 5)), None, Some((0, 0))]);
    }

    fn department(code: &str, name: &str, aliases: &[&str]) -> Department {
        serde_json::from_value(serde_json::json!({
            "code": code, "region": "530100", "kind": code.split('-').nth(1),
            "name": name, "aliases": aliases, "fax": null, "address": null,
            "directions": null, "hours": null, "status": "active",
        }))
        .expect("a department")
    }

    #[test]
    fn a_name_word_goes_with_the_last_department_that_gives_it() {
        let regions = RegionIndex::new(&[serde_json::from_value(serde_json::json!({
            "code": "530100", "name": "昆明市", "short_name": "昆明", "aliases": [],
            "level": "city", "parent": null, "area_code": "0871",
        }))
        .expect("a region")]);
        let rsj = department("530100-rsj", "昆明市人力资源和社会保障局", &["人社局"]);
        let sbj = department("530100-sbj", "昆明市社会保险局", &["人社局"]);
        let mut words = NameWords::new([&rsj, &sbj], &regions);
        assert_eq!(
            words.words(),
            ["人力资源和社会保障局", "人社局", "社会保险局"]
        );
        words.remove(&rsj, &regions);
        assert_eq!(words.words(), ["人社局", "社会保险局"]);
        words.remove(&sbj, &regions);
        words.add(&department("530100-sjj", "昆明市数据局", &[]), &regions);
        assert_eq!(words.words(), ["数据局"]);
    }
}
