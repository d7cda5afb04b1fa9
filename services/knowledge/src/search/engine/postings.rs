//! The candidate cache: posting lists read from tantivy and kept decoded per thread, with
//! the weights of words no entry has.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tantivy::schema::{Field, IndexRecordOption};

use super::{SearchError, SegmentView, Snapshot};

/// Addresses kept per thread, at most (about 32 MB), and words (most callers' words that no
/// entry has are kept too, as empty lists); the cache is emptied when either is reached.
const POSTINGS_KEPT: usize = 8 << 20;
const WORDS_KEPT: usize = 100_000;

/// A word's posting list as choosing candidates reads it: the live entries that have it,
/// by their place in code order, ascending (a region's entries are then one run of it, see
/// [`Snapshot::region_runs`]), and how many documents tantivy counts for it (deleted ones
/// too: the word's weight is worked out from that count).
pub(super) struct Postings {
    pub(super) orders: Box<[u32]>,
    pub(super) df: usize,
}

impl Postings {
    /// Whether no document has the word (not even a deleted one).
    pub(super) fn is_empty(&self) -> bool {
        self.df == 0
    }
}

/// Per-thread posting lists already decoded, by field and word, for the snapshot of
/// `generation`. tantivy decodes a list block by block on every read, and that cost about
/// as much as the rest of choosing the candidates; a hotline's queries keep coming back to
/// the same few thousand words. The lists are the index's own (answers are not kept).
#[derive(Default)]
struct PostingsCache {
    generation: u64,
    /// By field id, then word.
    lists: Vec<FxHashMap<Box<str>, Rc<Postings>>>,
    /// [`Snapshot::foreign_weight`] by word (it asks the segmenter twice).
    foreign: FxHashMap<Box<str>, f32>,
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

    fn keep(&mut self, field: Field, word: &str, list: &Rc<Postings>) {
        if self.addresses + list.df > POSTINGS_KEPT || self.words >= WORDS_KEPT {
            self.clear();
        }
        self.addresses += list.df;
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
    static POSTINGS: RefCell<PostingsCache> = RefCell::default();
}

impl Snapshot {
    /// The addresses of the documents that have `word` in `field`, in every segment (deleted
    /// ones too: their addresses map to no entry). Decoded from tantivy's posting lists
    /// once per snapshot and thread, then kept ([`POSTINGS`]).
    pub(super) fn postings(&self, field: Field, word: &str) -> Result<Rc<Postings>, SearchError> {
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
        let mut orders: Vec<u32> = Vec::new();
        let mut df = 0;
        for seg in &self.segments {
            self.for_each_posting(seg, field, word, |addr| {
                df += 1;
                if let Some(m) = self.meta.get(addr as usize).filter(|m| m.alive()) {
                    orders.push(m.order);
                }
            })?;
        }
        orders.sort_unstable();
        let list = Rc::new(Postings {
            orders: orders.into(),
            df,
        });
        POSTINGS.with(|cache| cache.borrow_mut().keep(field, word, &list));
        Ok(list)
    }

    /// The weight of a word no entry has, as `weigh` works it out, kept with the lists.
    pub(super) fn kept_foreign_weight(&self, word: &str, weigh: impl FnOnce() -> f32) -> f32 {
        let kept = POSTINGS.with(|cache| {
            let mut cache = cache.borrow_mut();
            cache.start(self.generation);
            cache.foreign.get(word).copied()
        });
        if let Some(weight) = kept {
            return weight;
        }
        let weight = weigh();
        POSTINGS.with(|cache| cache.borrow_mut().keep_foreign(word, weight));
        weight
    }

    /// The words of `field` that start with `prefix`, at most `max` of them, in the order of
    /// the dictionary (not kept: asked only when nothing else matched).
    pub(super) fn words_with_prefix(
        &self,
        field: Field,
        prefix: &str,
        max: usize,
    ) -> Result<Vec<String>, SearchError> {
        let mut out: Vec<String> = Vec::new();
        for seg in &self.segments {
            let Some(Some(inv)) = seg.inverted.get(field.field_id() as usize) else {
                continue;
            };
            let mut stream = inv
                .terms()
                .range()
                .ge(prefix.as_bytes())
                .into_stream()
                .map_err(tantivy::TantivyError::from)?;
            while out.len() < max && stream.advance() {
                let Some(word) = std::str::from_utf8(stream.key())
                    .ok()
                    .filter(|w| w.starts_with(prefix))
                else {
                    break;
                };
                if !out.iter().any(|o| o == word) {
                    out.push(word.to_string());
                }
            }
        }
        Ok(out)
    }

    /// Calls `f` with the address of every document of the segment that has `word` in
    /// `field` (deleted ones too: their addresses map to no entry).
    pub(super) fn for_each_posting(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_postings_cache_is_bounded() {
        let field = Field::from_field_id(0);
        let mut cache = PostingsCache::default();
        // Many words, as callers' words no entry has (empty lists).
        let empty = Rc::new(Postings {
            orders: Box::new([]),
            df: 0,
        });
        for i in 0..WORDS_KEPT + 10 {
            cache.keep(field, &format!("w{i}"), &empty);
        }
        let words: usize = cache.lists.iter().map(|m| m.len()).sum();
        assert!(words <= WORDS_KEPT, "{words} words kept");
        assert_eq!(words, cache.words);
        // Long lists: the second of two that together pass the bound empties it first.
        let mut cache = PostingsCache::default();
        let long = Rc::new(Postings {
            orders: vec![0u32; POSTINGS_KEPT / 2 + 1].into(),
            df: POSTINGS_KEPT / 2 + 1,
        });
        cache.keep(field, "a", &long);
        cache.keep(field, "b", &long);
        let kept: Vec<&str> = cache
            .lists
            .iter()
            .flat_map(|m| m.keys())
            .map(|k| &**k)
            .collect();
        assert_eq!(kept, ["b"]);
        assert_eq!(cache.addresses, long.df);
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
}
