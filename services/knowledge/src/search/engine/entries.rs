//! The indexed entries: what a department's or FAQ entry's hit shows, and the hashed word
//! sets the ranking reads, built from the records (the tantivy document beside it holds the
//! same words for the posting lists).

use std::cell::RefCell;
use std::collections::HashMap;
use std::hash::Hasher;
use std::sync::Arc;

use rustc_hash::FxHasher;
use tantivy::TantivyDocument;
use tantivy_jieba::jieba_rs::Jieba;

use super::Fields;
use super::build::FaqRecord;
use crate::domain::Department;
use crate::search::model::{DepartmentSummary, SharedSummary};
use crate::search::regions::RegionIndex;
use crate::search::text;

/// Answers kept cut while building (many entries share an answer text); past this many
/// distinct answers the cache starts again, so a large import does not hold them all.
const ANSWERS_KEPT: usize = 200_000;
/// Aliases a department's snippet names (又称…): more crowd out its phones.
const SNIPPET_ALIASES: usize = 4;

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
    /// Shared with the catalog's and the snapshot's maps by code (one copy at scale).
    pub code: Arc<str>,
    /// The region's number (its chain: [`RegionIndex::chain_by_id`]).
    pub(super) region_id: u32,
    /// For a merged agency: who answers for it now.
    pub successor: Option<String>,
    /// Its name or question; a FAQ entry's is the catalog's copy (one per entry at scale).
    pub title: Arc<str>,
    /// Source text of the snippet (not escaped); entries with one answer text share it.
    pub text: Arc<text::SnippetText>,
    pub authorized: bool,
    /// Shared by a department's entries (its code, name and phones).
    pub department: SharedSummary,
    /// Its topic: entries of one kind known by the same words (one question asked in every
    /// region, one kind of department) share it, so the ranking can tell a rival topic
    /// from the same entry in another region.
    pub(super) topic: u32,
    /// Its department's kind (人社局 in any region): a long need that one kind of
    /// department answers is a sure answer even when that department's entries compete.
    pub(super) dept_kind: u32,
    sets: WordSets,
}

impl DocData {
    /// Its own word sets, one after the other (the shared ones are read apart).
    pub(super) fn own_words(&self) -> &[u32] {
        &self.sets.words
    }

    pub(super) fn primary(&self) -> &[u32] {
        self.sets.get(0)
    }
    pub(super) fn inherited(&self) -> &[u32] {
        &self.sets.inherited
    }
    pub(super) fn secondary(&self) -> &[u32] {
        &self.sets.secondary
    }
    pub(super) fn py2(&self) -> &[u32] {
        self.sets.get(1)
    }
    pub(super) fn pyi(&self) -> &[u32] {
        self.sets.get(2)
    }
}

/// An entry's hashed word sets, each sorted: its own (name or question, pinyin pairs, pinyin
/// initials) in one allocation, since the ranking reads them for every candidate and one
/// block costs one or two cache misses where three vectors cost three; and those it shares
/// (its department's name, which all that department's entries inherit, and its answer,
/// which at scale 20 stands in 207k entries as 9k distinct texts), one copy each.
#[derive(Debug)]
struct WordSets {
    words: Box<[u32]>,
    ends: [u32; 3],
    inherited: Arc<[u32]>,
    secondary: Arc<[u32]>,
}

impl WordSets {
    fn new(own: [&[u32]; 3], inherited: Arc<[u32]>, secondary: Arc<[u32]>) -> WordSets {
        let mut words = Vec::with_capacity(own.iter().map(|s| s.len()).sum());
        let mut ends = [0u32; 3];
        for (i, set) in own.iter().enumerate() {
            words.extend_from_slice(set);
            ends[i] = words.len() as u32;
        }
        WordSets {
            words: words.into_boxed_slice(),
            ends,
            inherited,
            secondary,
        }
    }

    fn get(&self, i: usize) -> &[u32] {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let end = self.ends[i] as usize;
        self.words.get(start..end).unwrap_or(&[])
    }
}

/// A word's hash in the word sets: FxHash (rustc-hash), fast and without a per-process
/// seed. The sets only need membership, and are built and read in one process (never
/// stored, never compared between replicas), so no hash stable across builds or platforms is
/// needed; a 32-bit collision inside one entry's few dozen words is vanishingly rare.
pub(super) fn word_hash(word: &str) -> u32 {
    let mut h = FxHasher::default();
    h.write(word.as_bytes());
    // The low half: FxHasher's finish moves its best-mixed bits there.
    h.finish() as u32
}

/// The sorted, distinct hashes of `words`.
pub(super) fn hashed<I: IntoIterator<Item = S>, S: AsRef<str>>(words: I) -> Vec<u32> {
    let mut v: Vec<u32> = words.into_iter().map(|w| word_hash(w.as_ref())).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The topic of an entry of `kind` whose identifying words hash to `primary` (sorted).
fn topic(kind: Kind, primary: &[u32]) -> u32 {
    let mut h = FxHasher::default();
    h.write_u8(kind as u8);
    for w in primary {
        h.write_u32(*w);
    }
    h.finish() as u32
}

/// The question a FAQ entry asks in every region, as its code says it: its department's
/// kind and its number (`530100-zjj-1` of `530100-zjj`, kind `zjj`: `zjj-1`).
pub(super) fn faq_label(code: &str, department: &str, kind: &str) -> Option<String> {
    let n = code.strip_prefix(department)?.strip_prefix('-')?;
    Some(format!("{kind}-{n}"))
}

/// Whether a sorted word set has the hash `x`.
pub(super) fn has(set: &[u32], x: u32) -> bool {
    set.binary_search(&x).is_ok()
}

/// Makes the tantivy document and the [`DocData`] of each entry.
pub(super) struct DocBuilder<'a> {
    fields: Fields,
    regions: &'a RegionIndex,
    jieba: &'a Jieba,
    /// Per build: department summaries shared by their entries, and answers already cut
    /// (many entries share an answer text).
    summaries: RefCell<HashMap<String, SharedSummary>>,
    /// Department kinds, one copy each (the summaries of a kind share it).
    kinds: RefCell<HashMap<String, Arc<str>>>,
    answers: RefCell<HashMap<Arc<str>, Arc<AnswerWords>>>,
    inherited: RefCell<HashMap<String, Arc<Words>>>,
}

/// Words joined for the index, and hashed for the ranking (shared by the entries that have
/// them).
type Words = (String, Arc<[u32]>);

/// An answer's words, and its text as snippets are cut from it: at scale, the same answer
/// text stands in thousands of entries, and one copy of it is kept.
struct AnswerWords {
    words: Words,
    text: Arc<text::SnippetText>,
}

fn summary(d: &Department) -> DepartmentSummary {
    DepartmentSummary {
        code: d.code.clone(),
        name: d.name.clone(),
        phones: d.phones.clone(),
        status: d.status.clone(),
    }
}

impl<'a> DocBuilder<'a> {
    pub(super) fn new(
        fields: Fields,
        regions: &'a RegionIndex,
        jieba: &'a Jieba,
    ) -> DocBuilder<'a> {
        DocBuilder {
            fields,
            regions,
            jieba,
            summaries: Default::default(),
            kinds: Default::default(),
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
        let a = Arc::new((words.join(" "), Arc::from(hashed(&words))));
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
        let kind = Arc::clone(
            self.kinds
                .borrow_mut()
                .entry(d.kind.clone())
                .or_insert_with(|| Arc::from(d.kind.as_str())),
        );
        // Known by a service centre's own word (an alias 政务服务中心), not by its kind's code.
        let chain = self.regions.chain(&d.region);
        let service_centre = std::iter::once(&d.name)
            .chain(d.aliases.iter())
            .any(|n| text::is_service_centre_word(&self.regions.strip(n, &chain)));
        let s = SharedSummary::of_kind(summary(d), kind, service_centre);
        cache.insert(d.code.clone(), s.clone());
        s
    }

    /// An answer's words, joined for the index and hashed for the ranking, and its text.
    fn answer(&self, answer: &Arc<str>) -> Arc<AnswerWords> {
        if let Some(a) = self.answers.borrow().get(answer) {
            return a.clone();
        }
        let words = text::tokenize(self.jieba, &text::normalize(answer));
        let a = Arc::new(AnswerWords {
            words: (words.join(" "), Arc::from(hashed(&words))),
            text: Arc::new(text::SnippetText::shared(Arc::clone(answer))),
        });
        let mut cache = self.answers.borrow_mut();
        if cache.len() > ANSWERS_KEPT {
            cache.clear();
        }
        cache.insert(Arc::clone(answer), a.clone());
        a
    }

    fn base(&self, uid: u64, code: &str, region: &str, kind: Kind) -> TantivyDocument {
        let f = self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.code, code);
        doc.add_text(f.region, region);
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

    pub(super) fn department(&self, uid: u64, d: &Department) -> (TantivyDocument, DocData) {
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
        // A name the region splits (国家税务总局 文山州 税务局) is also said by its last
        // part (文山税务局, wenshanshuiwuju).
        let mut spoken: Vec<&str> = bare.iter().map(String::as_str).collect();
        for b in &bare {
            if let Some((_, last)) = b.rsplit_once(' ')
                && last.chars().count() >= 2
                && !spoken.contains(&last)
            {
                spoken.push(last);
            }
        }
        for rf in &region_forms {
            for b in &spoken {
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
        let aliases: Vec<&str> = d
            .aliases
            .iter()
            .take(SNIPPET_ALIASES)
            .map(String::as_str)
            .collect();
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
        let primary = hashed(&primary);
        let data = DocData {
            topic: topic(Kind::Department, &primary),
            dept_kind: word_hash(&d.kind),
            kind: Kind::Department,
            code: Arc::from(d.code.as_str()),
            region_id: self.regions.id(&d.region),
            successor: if d.status == "merged" {
                d.successor.clone()
            } else {
                None
            },
            title: Arc::from(d.name.as_str()),
            text: Arc::new(text::SnippetText::new(snippet)),
            authorized: true,
            department,
            sets: WordSets::new(
                [&primary, &hashed(&py2), &hashed(&pyi)],
                Arc::from([]),
                Arc::from(hashed(&secondary)),
            ),
        };
        (doc, data)
    }

    pub(super) fn faq(
        &self,
        uid: u64,
        code: &Arc<str>,
        q: &FaqRecord,
        d: &Department,
    ) -> (TantivyDocument, DocData) {
        let f = self.fields;
        let mut doc = self.base(uid, code, &d.region, Kind::Faq);
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
        doc.add_text(f.sec, &answer.words.0);
        doc.add_text(f.py2, py2.join(" "));
        let department = self.summary(d);
        let primary = hashed(&primary);
        let data = DocData {
            topic: topic(Kind::Faq, &primary),
            dept_kind: word_hash(&d.kind),
            kind: Kind::Faq,
            code: Arc::clone(code),
            region_id: self.regions.id(&d.region),
            successor: None,
            title: Arc::clone(&q.question),
            text: Arc::clone(&answer.text),
            authorized: q.authorized,
            department,
            sets: WordSets::new(
                [&primary, &hashed(&py2), &[]],
                Arc::clone(&inherited.1),
                Arc::clone(&answer.words.1),
            ),
        };
        (doc, data)
    }
}
