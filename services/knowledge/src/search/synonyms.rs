//! Everyday words callers use, replaced by the words of the knowledge base. The table is
//! data (`search_synonyms`, editable through the API); this only applies it.

use rustc_hash::FxHashMap;

use super::model::Synonym;
use super::text;

#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    map: FxHashMap<String, String>,
    /// Distinct term lengths in characters, longest first.
    lengths: Vec<usize>,
    /// The terms' first characters ([`text::char_bit`]): at most places of a text no term
    /// starts, and the lookups are skipped.
    firsts: u64,
}

impl Synonyms {
    pub fn new(list: &[Synonym]) -> Synonyms {
        let mut map = FxHashMap::default();
        for s in list {
            let term: String = text::normalize(&s.term).split_whitespace().collect();
            let rep: String = text::normalize(&s.replacement).split_whitespace().collect();
            if !term.is_empty() && term != rep {
                map.insert(term, rep);
            }
        }
        let mut lengths: Vec<usize> = map.keys().map(|k| k.chars().count()).collect();
        lengths.sort_unstable_by(|a, b| b.cmp(a));
        lengths.dedup();
        let firsts = map
            .keys()
            .fold(0, |bits, k| bits | text::char_bit(k.chars().next()));
        Synonyms {
            map,
            lengths,
            firsts,
        }
    }

    /// One left-to-right pass, longest term first at each position; a replacement is never
    /// replaced again (执照 → 营业执照 does not grow 营业执照), and stands apart from the
    /// words around it (a blank either side).
    pub fn apply(&self, text: &str) -> String {
        self.apply_marked(text).0
    }

    /// [`Synonyms::apply`], with the replacements it put in (each stands for one word of
    /// the caller's).
    pub fn apply_marked(&self, text: &str) -> (String, Vec<String>) {
        self.apply_at_words(text, |_, _| true)
    }

    /// [`Synonyms::apply_marked`] where `whole(from, to)` says the term found at those byte
    /// offsets of the text is a word of its own there: 医院 → 医疗 is not applied inside
    /// 中医院.
    pub fn apply_at_words(
        &self,
        text: &str,
        whole: impl Fn(usize, usize) -> bool,
    ) -> (String, Vec<String>) {
        let mut used: Vec<String> = Vec::new();
        if self.map.is_empty() {
            return (text.to_string(), used);
        }
        let bounds = text::char_bounds(text);
        let n = bounds.len() - 1;
        let mut out = String::with_capacity(text.len() * 2);
        let mut i = 0;
        'outer: while i < n {
            let starts_term = text[bounds[i]..]
                .chars()
                .next()
                .is_some_and(|c| self.firsts & text::char_bit(Some(c)) != 0);
            let lengths: &[usize] = if starts_term { &self.lengths } else { &[] };
            for &len in lengths {
                if i + len > n {
                    continue;
                }
                if let Some(rep) = self.map.get(&text[bounds[i]..bounds[i + len]])
                    && whole(bounds[i], bounds[i + len])
                {
                    // Set apart, so that segmenting the new text keeps the replacement
                    // whole (社保怎么转移 would be cut 社保怎么转 / 移, 社保怎么转 being a
                    // term the segmenter learnt).
                    out.push(' ');
                    out.push_str(rep);
                    out.push(' ');
                    if !used.contains(rep) {
                        used.push(rep.clone());
                    }
                    i += len;
                    continue 'outer;
                }
            }
            out.push_str(&text[bounds[i]..bounds[i + 1]]);
            i += 1;
        }
        if used.is_empty() {
            return (out, used);
        }
        (text::collapse_spaces(&out), used)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syn(term: &str, rep: &str) -> Synonym {
        Synonym {
            id: 0,
            term: term.into(),
            replacement: rep.into(),
        }
    }

    #[test]
    fn replaces_longest_first_and_once() {
        let s = Synonyms::new(&[
            syn("执照", "营业执照"),
            syn("个体户执照", "个体工商户营业执照"),
            syn("驾照", "驾驶证"),
        ]);
        assert_eq!(s.apply("开个体户执照"), "开 个体工商户营业执照");
        assert_eq!(s.apply("驾照过期了"), "驾驶证 过期了");
    }

    #[test]
    fn replaces_whole_words_only_when_told_where_they_are() {
        let s = Synonyms::new(&[syn("医院", "医疗")]);
        assert_eq!(s.apply("中医院电话"), "中 医疗 电话");
        // The predicate says 医院 at bytes 3..9 is inside a longer word there.
        let (out, used) = s.apply_at_words("中医院电话", |from, _| from != 3);
        assert_eq!(out, "中医院电话");
        assert!(used.is_empty());
        let (out, _) = s.apply_at_words("去医院", |_, _| true);
        assert_eq!(out, "去 医疗");
    }
}
