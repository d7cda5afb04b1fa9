//! Pinyin typed for the need itself (tengchongbanhuzhaoyaodaishenme): spelt back in the
//! knowledge base's own words (办护照要带什么), so the rest of the search reads it as if it
//! had been typed in characters. The words are those of the questions, the phrasings, the
//! synonym table and the departments' names, each under its toneless pinyin; of words that
//! sound alike, the one used most.

use rustc_hash::FxHashMap;
use tantivy_jieba::jieba_rs::Jieba;

use crate::search::text;

/// Longest word kept, in characters.
const MAX_WORD_CHARS: usize = 6;
/// What a cut costs: a word of two characters or more, one character, a letter that
/// spells nothing. The fewest and longest words win, and a single character (ban → 办)
/// only fills what no longer word spells.
const WORD_COST: u32 = 2;
const CHAR_COST: u32 = 3;
const SKIPPED_LETTER_COST: u32 = 6;
/// How agencies' names end (人社局, 信访办, 车管所): a name typed with a wrong character of
/// the same sound is looked for only before one of these.
const AGENCY_ENDS: &[char] = &['局', '委', '办', '所', '院', '处', '站', '队', '厅'];

#[derive(Debug, Default)]
pub(super) struct Spelling {
    /// Toneless pinyin (huzhao) → the word (护照).
    words: FxHashMap<Box<str>, Box<str>>,
    /// The longest key, in letters.
    longest: usize,
    /// The departments' name words, kept to learn again when the tables change.
    names: Vec<String>,
    /// Agency names of three characters or more (人社局) by their toneless pinyin.
    names_by_sound: FxHashMap<Box<str>, Box<str>>,
    /// Agency names that sound like another's (水务局, 税务局): pinyin cannot tell which.
    sound_alike: Vec<Box<str>>,
}

impl Spelling {
    /// Learns the words of `names` (the departments' names without regions) and `texts`
    /// (questions, phrasings, synonyms), as `jieba` cuts them.
    pub(super) fn new<'t>(
        jieba: &Jieba,
        names: Vec<String>,
        texts: impl Iterator<Item = &'t str>,
    ) -> Spelling {
        let mut names_by_sound: FxHashMap<Box<str>, Box<str>> = FxHashMap::default();
        let mut sound_alike: Vec<Box<str>> = Vec::new();
        for n in &names {
            for w in n.split_whitespace() {
                let chars = w.chars().count();
                let agency = w.chars().last().is_some_and(|c| AGENCY_ENDS.contains(&c));
                if agency && (3..=MAX_WORD_CHARS).contains(&chars) && w.chars().all(text::is_han) {
                    let (full, _) = text::pinyin_forms(w);
                    let first = names_by_sound
                        .entry(full.into_boxed_str())
                        .or_insert_with(|| Box::from(w));
                    if **first != *w {
                        for alike in [Box::from(w), first.clone()] {
                            if !sound_alike.contains(&alike) {
                                sound_alike.push(alike);
                            }
                        }
                    }
                }
            }
        }
        let mut counts: FxHashMap<String, u32> = FxHashMap::default();
        let mut count = |t: &str| {
            for tok in jieba.cut(t, false) {
                let w = tok.word.trim();
                let chars = w.chars().count();
                if (1..=MAX_WORD_CHARS).contains(&chars) && w.chars().all(text::is_han) {
                    *counts.entry(w.to_string()).or_default() += 1;
                }
            }
        };
        names.iter().for_each(|n| count(n));
        texts.for_each(&mut count);
        // Word order first, so that of equally used homophones the same one always wins.
        let mut counted: Vec<(String, u32)> = counts.into_iter().collect();
        counted.sort_unstable();
        let mut best: FxHashMap<Box<str>, (u32, Box<str>)> = FxHashMap::default();
        for (w, n) in counted {
            let (full, _) = text::pinyin_forms(&w);
            if full.is_empty() || !full.bytes().all(|b| b.is_ascii_lowercase()) {
                continue;
            }
            let slot = best
                .entry(full.into_boxed_str())
                .or_insert((0, Box::from("")));
            if n > slot.0 {
                *slot = (n, w.into_boxed_str());
            }
        }
        let longest = best.keys().map(|k| k.len()).max().unwrap_or(0);
        Spelling {
            words: best.into_iter().map(|(k, (_, w))| (k, w)).collect(),
            longest,
            names,
            names_by_sound,
            sound_alike,
        }
    }

    /// `text` with an agency's name typed in characters that sound like it (人设局 for 人社局,
    /// 信仿局 for 信访局) put right; `None` when there is none. A word `jieba` knows is
    /// no typo (水务局 is what callers call the water bureau, not 税务局), nor is a word it
    /// knows followed by 办 or 局 (新房办房产证: a new house, then 办, to get it done).
    pub(super) fn correct_names(&self, jieba: &Jieba, text: &str) -> Option<String> {
        // A name of 3 to MAX_WORD_CHARS characters, its ending one of them.
        let stems = 2..=MAX_WORD_CHARS - 1;
        text::correct_before_endings(text, AGENCY_ENDS, stems, true, |stem, piece| {
            if jieba.has_word(piece) || jieba.has_word(stem) {
                return None;
            }
            let (full, _) = text::pinyin_forms(piece);
            self.names_by_sound
                .get(full.as_str())
                .map(|name| &**name)
                .filter(|name| *name != piece)
        })
    }

    pub(super) fn names(&self) -> &[String] {
        &self.names
    }

    /// `typed` (lowercase letters) spelt in words, when every letter belongs to one and
    /// words of two characters or more take at least half of the letters; `None`
    /// otherwise (a typo, or a name the words do not know).
    pub(super) fn spell(&self, typed: &str) -> Option<String> {
        self.spell_counted(typed).map(|(spelt, _)| spelt)
    }

    /// Whether `typed` is spelt in words of two characters or more alone, every letter.
    pub(super) fn spells_in_words(&self, typed: &str) -> bool {
        self.spell_counted(typed)
            .is_some_and(|(_, in_words)| in_words == typed.len())
    }

    /// [`Spelling::spell`], with how many of the letters words of two characters or more
    /// took.
    fn spell_counted(&self, typed: &str) -> Option<(String, usize)> {
        let n = typed.len();
        if n == 0 || !typed.is_ascii() {
            return None;
        }
        // cost[i]: the cheapest cut of typed[..i]; from[i]: where its last piece starts,
        // and the word it is (`None`: a skipped letter).
        let mut cost = vec![u32::MAX; n + 1];
        let mut from: Vec<(usize, Option<&str>)> = vec![(0, None); n + 1];
        cost[0] = 0;
        for i in 0..n {
            if cost[i] == u32::MAX {
                continue;
            }
            if cost[i] + SKIPPED_LETTER_COST < cost[i + 1] {
                cost[i + 1] = cost[i] + SKIPPED_LETTER_COST;
                from[i + 1] = (i, None);
            }
            for end in i + 1..=n.min(i + self.longest) {
                let Some(w) = self.words.get(&typed[i..end]) else {
                    continue;
                };
                let step = if w.chars().nth(1).is_some() {
                    WORD_COST
                } else {
                    CHAR_COST
                };
                if cost[i] + step < cost[end] {
                    cost[end] = cost[i] + step;
                    from[end] = (i, Some(w));
                }
            }
        }
        let mut pieces = Vec::new();
        let mut in_words = 0;
        let mut i = n;
        while i > 0 {
            let (j, word) = from[i];
            let word = word?;
            if word.chars().nth(1).is_some() {
                in_words += i - j;
            }
            pieces.push(word);
            i = j;
        }
        if in_words * 2 < n {
            return None;
        }
        pieces.reverse();
        let spelt = pieces.concat();
        // shuiwuju is 水务局 or 税务局: the syllables, not one of the two, go on.
        if self.sound_alike.iter().any(|a| spelt.contains(&**a)) {
            return None;
        }
        Some((spelt, in_words))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spelling() -> Spelling {
        let jieba = Jieba::new();
        Spelling::new(
            &jieba,
            vec!["出入境管理".to_string(), "婚姻登记处".to_string()],
            ["护照怎么办理要带什么", "结婚登记要带什么", "办护照", "办证"].into_iter(),
        )
    }

    #[test]
    fn pinyin_typed_for_a_need_is_spelt_in_the_knowledge_bases_words() {
        let s = spelling();
        assert_eq!(
            s.spell("banhuzhaoyaodaishenme").as_deref(),
            Some("办护照要带什么")
        );
        assert_eq!(s.spell("jiehundengji").as_deref(), Some("结婚登记"));
    }

    #[test]
    fn an_agency_typed_in_characters_that_sound_like_it_is_put_right() {
        let jieba = Jieba::new();
        let s = Spelling::new(
            &jieba,
            vec![
                "人社局".to_string(),
                "信访局".to_string(),
                "税务局".to_string(),
            ],
            std::iter::empty(),
        );
        let mut jieba = jieba;
        jieba.add_word("水务局", None, None);
        let s2 = |t: &str| s.correct_names(&jieba, t);
        assert_eq!(s2("人设局电话").as_deref(), Some("人社局电话"));
        assert_eq!(s2("信仿局在哪").as_deref(), Some("信访局在哪"));
        assert_eq!(s2("人社局电话"), None);
        assert_eq!(s2("公安局电话"), None);
        assert_eq!(s2("水务局电话"), None);
        // 新房 (a new house) is a word: 新房办房产证 is no typo of 信访办.
        let s3 = Spelling::new(&jieba, vec!["信访办".to_string()], std::iter::empty());
        assert_eq!(s3.correct_names(&jieba, "新房办房产证"), None);
        assert_eq!(
            s3.correct_names(&jieba, "信仿办电话").as_deref(),
            Some("信访办电话")
        );
    }

    #[test]
    fn pinyin_with_letters_no_word_spells_is_left_alone() {
        let s = spelling();
        // A typo (huzhoa) and a name the words do not know.
        assert_eq!(s.spell("banhuzhoa"), None);
        assert_eq!(s.spell("xishuangbanna"), None);
        // Single characters alone are too little to go on.
        assert_eq!(s.spell("bandai"), None);
    }
}
