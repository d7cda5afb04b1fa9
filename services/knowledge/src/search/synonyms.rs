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
            // Said with a measure word or particle inside (评个工程师, 卖点卤菜): the term
            // without it.
            if starts_term && let Some((rep, end)) = self.gapped(text, &bounds, i, &whole) {
                out.push(' ');
                out.push_str(rep);
                out.push(' ');
                if !used.contains(rep) {
                    used.push(rep.clone());
                }
                i = end;
                continue 'outer;
            }
            out.push_str(&text[bounds[i]..bounds[i + 1]]);
            i += 1;
        }
        if used.is_empty() {
            return (out, used);
        }
        (text::collapse_spaces(&out), used)
    }

    /// The longest term said from character `i` on with at most [`MAX_GAPS`] of
    /// [`GAP_CHARS`] between its characters, its replacement, and the character it ends
    /// before; `None` when no term is said so (only a term with a gap: the caller tried the
    /// others).
    fn gapped(
        &self,
        text: &str,
        bounds: &[usize],
        i: usize,
        whole: &impl Fn(usize, usize) -> bool,
    ) -> Option<(&String, usize)> {
        let longest = *self.lengths.first()?;
        // The term's characters, and after each the character it ends before.
        let mut said = String::new();
        let mut ends: Vec<usize> = Vec::with_capacity(longest);
        let mut gaps = 0;
        let mut first_gap = None;
        let mut at = i;
        while at + 1 < bounds.len() && ends.len() < longest {
            let ch = &text[bounds[at]..bounds[at + 1]];
            if !ends.is_empty() && gaps < MAX_GAPS && ch.chars().all(|c| GAP_CHARS.contains(&c)) {
                gaps += 1;
                first_gap.get_or_insert(ends.len());
            } else {
                said.push_str(ch);
                ends.push(at + 1);
            }
            at += 1;
        }
        let first_gap = first_gap?;
        let cut = text::char_bounds(&said);
        self.lengths
            .iter()
            .filter(|&&len| len > first_gap && len <= ends.len())
            .find_map(|&len| {
                let end = ends[len - 1];
                let rep = self.map.get(&said[..cut[len]])?;
                whole(bounds[i], bounds[end]).then_some((rep, end))
            })
    }
}

/// Measure words and particles a caller puts inside a phrase (评个工程师, 卖点卤菜, 交了税):
/// a term is also found with them between its characters, at most [`MAX_GAPS`] of them.
const GAP_CHARS: &[char] = &['个', '点', '了', '些', '下'];
const MAX_GAPS: usize = 1;

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
    fn finds_a_term_said_with_a_measure_word_inside() {
        let s = Synonyms::new(&[syn("评工程师", "职称评审"), syn("卖卤菜", "食品经营许可证")]);
        assert_eq!(s.apply("想评个工程师"), "想 职称评审");
        assert_eq!(s.apply("卖点卤菜"), "食品经营许可证");
        // Not at its start or end, and not two of them.
        assert_eq!(s.apply("个评工程师了"), "个 职称评审 了");
        assert_eq!(s.apply("评个个工程师"), "评个个工程师");
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
