//! Finding the regions a query names (昆明市, 大理州, 版纳, 中甸县, 石林县, 石林) and the
//! region tree used by the filter.

use std::collections::HashMap;

use rustc_hash::{FxHashMap, FxHashSet};

use super::text::is_han;
use crate::domain::Region;

/// How a region was named; a fuller name is the stronger claim when a short form is shared
/// (大理 is both 大理州's nickname and 大理市's short name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Strength {
    /// A place inside the region ([`PLACES`]: 六库, 普者黑).
    Place = 0,
    Derived = 1,
    Short = 2,
    Full = 3,
}

/// Places inside our regions that are no region themselves (`data/places.tsv`: a town, a
/// county's seat, a sight, an old county name), each taken for its region.
pub const PLACES: &str = include_str!("../../data/places.tsv");

/// The number of a region the index does not know (equal to no known region's).
pub const UNKNOWN_REGION: u32 = u32::MAX;

/// At most this many regions sharing initials are all taken for them (see
/// `RegionIndex::forms_sharing_initials`); more say nothing of the region.
const MAX_SHARING_INITIALS: usize = 3;

#[derive(Debug, Clone)]
pub struct RegionIndex {
    by_code: HashMap<String, Region>,
    /// Spoken form → (region code, strength).
    forms: FxHashMap<String, Vec<(String, Strength)>>,
    /// Region code → its forms, longest first.
    forms_by_code: HashMap<String, Vec<String>>,
    /// Region code → itself and its ancestors, nearest first.
    chains: HashMap<String, std::sync::Arc<[String]>>,
    /// The same by region number (the ranking compares regions of thousands of entries per
    /// query).
    chains_by_id: Vec<Vec<u32>>,
    /// Region number → itself and the regions under it.
    subtrees_by_id: Vec<Vec<u32>>,
    ids: FxHashMap<String, u32>,
    max_form_chars: usize,
    /// Full pinyin of every form of two characters or more → the form (mengla → 勐腊), for
    /// queries typed in pinyin words.
    by_pinyin: FxHashMap<String, String>,
    /// Forms by their pinyin as Yunnan speech merges finals ([`super::text::loose_pinyin`]:
    /// fumin and fuming are one), where one region's forms alone have it; `None` where
    /// several regions' do.
    by_loose_pinyin: FxHashMap<String, Option<String>>,
    /// Pinyin initials of every form of two characters or more → the forms they stand for:
    /// one region's (km → 昆明), a prefecture's when it shares them with counties (qj →
    /// 曲靖), each of a few regions' in form order when they share them and no prefecture
    /// does (ll → 陆良, 龙陵: a region typed in a hurry, each as likely), none otherwise.
    by_initials: FxHashMap<String, Vec<String>>,
    /// A place → the words its characters are part of where they name no place (下关 →
    /// 一下关, 下关于).
    not_places: FxHashMap<String, Vec<String>>,
    /// First characters of the forms: most positions of a query start none, and are
    /// passed without a lookup per length.
    starts: FxHashSet<char>,
}

/// A region the query names, strongest first in [`Detected::mentions`].
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    pub code: String,
    /// 1.0 for the best reading of the words, less for other regions they could name.
    pub weight: f32,
}

#[derive(Debug, Clone, Default)]
pub struct Detected {
    pub mentions: Vec<Mention>,
    /// The query without the region words.
    pub rest: String,
    /// The words that named a region, as written.
    pub words: Vec<String>,
}

/// What the words just before a region say of it: the caller was there before (以前在), or
/// returns there (回到); ordered so that the region the need is about sorts last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Cue {
    Before,
    Plain,
    Return,
}

/// Place names read otherwise than the pinyin crate's first reading of their characters.
const PLACE_READINGS: &[(&str, &str)] = &[("弥勒", "mile")];
/// Words before a region that place the caller there in the past.
const BEFORE_CUES: &[&str] = &["以前在", "之前在", "原来在", "过去在", "以前", "原来"];
/// Words before a region the caller returns to (where they now need the service).
const RETURN_CUES: &[&str] = &["回到", "回"];

/// Words after a region that, with 从 before it, say the caller came from there (从昆明过来
/// 香格里拉开会: the need is 香格里拉's).
const CAME_FROM_AFTER: &[&str] = &["过来", "回来", "来", "搬", "嫁", "调"];

/// The cue of a region said between `before` and `after`.
fn cue_around(before: &str, after: &str) -> Cue {
    let before = before.trim_end();
    if RETURN_CUES.iter().any(|c| before.ends_with(c)) {
        Cue::Return
    } else if BEFORE_CUES.iter().any(|c| before.ends_with(c))
        || (before.ends_with('从') && CAME_FROM_AFTER.iter().any(|c| after.starts_with(c)))
    {
        Cue::Before
    } else {
        Cue::Plain
    }
}

fn level_rank(level: &str) -> u8 {
    match level {
        "province" => 0,
        PREFECTURE_LEVEL => 1,
        _ => 2,
    }
}

/// The endings after which characters that sound like a region are taken for it.
const ENDINGS: [char; 4] = ['县', '市', '区', '州'];
/// The longest region name before an ending (西双版纳州) has four characters.
const MAX_STEM: usize = 4;

/// A region's `level` when it is a prefecture (昆明市, 迪庆州).
const PREFECTURE_LEVEL: &str = "prefecture";

/// 石林县 → 石林, 昆明市 → 昆明: callers drop the last character when two remain.
fn drop_suffix(name: &str) -> Option<String> {
    let chars: Vec<char> = name.chars().collect();
    if chars.len() >= 3 && matches!(chars[chars.len() - 1], '县' | '市' | '区' | '州') {
        Some(chars[..chars.len() - 1].iter().collect())
    } else {
        None
    }
}

impl RegionIndex {
    pub fn new(regions: &[Region]) -> RegionIndex {
        let mut forms: FxHashMap<String, Vec<(String, Strength)>> = FxHashMap::default();
        let mut add = |form: String, code: &str, s: Strength| {
            if form.is_empty() {
                return;
            }
            let list = forms.entry(form).or_default();
            match list.iter_mut().find(|(c, _)| c == code) {
                Some(entry) => entry.1 = entry.1.max(s),
                None => list.push((code.to_string(), s)),
            }
        };
        for r in regions {
            add(r.name.clone(), &r.code, Strength::Full);
            add(r.short_name.clone(), &r.code, Strength::Short);
            for a in &r.aliases {
                add(a.clone(), &r.code, Strength::Short);
                if let Some(d) = drop_suffix(a) {
                    add(d, &r.code, Strength::Derived);
                }
            }
            for n in [&r.name, &r.short_name] {
                if let Some(d) = drop_suffix(n) {
                    add(d, &r.code, Strength::Derived);
                }
            }
        }
        // Forms in order, so that two forms with one pinyin always give the same one.
        let mut sorted: Vec<&String> = forms.keys().filter(|f| f.chars().count() >= 2).collect();
        sorted.sort();
        let mut by_pinyin: FxHashMap<String, String> = FxHashMap::default();
        let region_of = |f: &str| forms.get(f).and_then(|l| l.first()).map(|(c, _)| c.clone());
        // Initials → the first form of each region that has them.
        let mut sharing: FxHashMap<String, Vec<(&String, String)>> = FxHashMap::default();
        for f in &sorted {
            let (full, initials) = super::text::pinyin_forms(f);
            if full.len() >= 4 {
                by_pinyin.entry(full).or_insert_with(|| (*f).clone());
            }
            if let Some(code) = region_of(f).filter(|_| initials.len() >= 2) {
                let list = sharing.entry(initials).or_default();
                if !list.iter().any(|(_, c)| *c == code) {
                    list.push((f, code));
                }
            }
        }
        // Initials two regions share are the prefecture's when one of them is (qj: 曲靖, not
        // 巧家县; dq: 迪庆, not 德钦县): callers abbreviate the prefectures' names.
        let prefectures: FxHashSet<&str> = regions
            .iter()
            .filter(|r| r.level == PREFECTURE_LEVEL)
            .map(|r| r.code.as_str())
            .collect();
        // A few regions sharing initials with no prefecture among them are each taken.
        let by_initials: FxHashMap<String, Vec<String>> = sharing
            .into_iter()
            .map(|(initials, list)| {
                let mut p = list
                    .iter()
                    .filter(|(_, c)| prefectures.contains(c.as_str()));
                let taken: Vec<&String> = match (list.as_slice(), p.next(), p.next()) {
                    ([(f, _)], _, _) | (_, Some((f, _)), None) => vec![*f],
                    (_, None, _) if list.len() <= MAX_SHARING_INITIALS => {
                        list.iter().map(|(f, _)| *f).collect()
                    }
                    _ => Vec::new(),
                };
                (initials, taken.into_iter().cloned().collect())
            })
            .collect();
        // A form with a place name whose characters read otherwise there (弥勒: mile, where
        // the pinyin crate reads milei) is found by that reading too, unless it is another
        // form's usual spelling. Only those listed: every dictionary reading of every
        // character would make common words regions (liuliang 流量 → 陆良).
        for f in &sorted {
            for (name, reading) in PLACE_READINGS {
                if f.contains(name) {
                    let usual = super::text::pinyin_forms(name).0;
                    let full = super::text::pinyin_forms(f).0.replacen(&usual, reading, 1);
                    by_pinyin.entry(full).or_insert_with(|| (*f).clone());
                }
            }
        }
        let mut by_loose_pinyin: FxHashMap<String, Option<String>> = FxHashMap::default();
        for f in &sorted {
            let code = region_of(f);
            by_loose_pinyin
                .entry(super::text::loose_pinyin(f))
                .and_modify(|taken| {
                    if taken.as_deref().and_then(&region_of) != code {
                        *taken = None;
                    }
                })
                .or_insert_with(|| Some((*f).clone()));
        }
        // Places after the pinyin: a place typed in pinyin or initials is too rarely meant
        // for what it would take from the regions' own (lk, hs).
        let mut not_places: FxHashMap<String, Vec<String>> = FxHashMap::default();
        let known: FxHashSet<&str> = regions.iter().map(|r| r.code.as_str()).collect();
        for (place, code, not_within) in places() {
            if known.contains(code) && !forms.contains_key(place) {
                forms.insert(place.to_string(), vec![(code.to_string(), Strength::Place)]);
                not_places.insert(place.to_string(), not_within);
            }
        }
        let max_form_chars = forms.keys().map(|f| f.chars().count()).max().unwrap_or(0);
        let starts = forms.keys().filter_map(|f| f.chars().next()).collect();
        let mut forms_by_code: HashMap<String, Vec<String>> = HashMap::new();
        for (form, list) in &forms {
            // A place is not a form of its region's departments' names (六库人社局 is no
            // name an entry is found by).
            for (code, _) in list.iter().filter(|(_, s)| *s != Strength::Place) {
                forms_by_code
                    .entry(code.clone())
                    .or_default()
                    .push(form.clone());
            }
        }
        for v in forms_by_code.values_mut() {
            v.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
        }
        let by_code: HashMap<String, Region> = regions
            .iter()
            .map(|r| (r.code.clone(), r.clone()))
            .collect();
        let mut chains: HashMap<String, std::sync::Arc<[String]>> = HashMap::new();
        for r in regions {
            let mut chain: Vec<String> = Vec::new();
            let mut cur = Some(r.code.clone());
            while let Some(c) = cur {
                if chain.contains(&c) || chain.len() > 8 {
                    break;
                }
                cur = by_code.get(&c).and_then(|r| r.parent.clone());
                chain.push(c);
            }
            chains.insert(r.code.clone(), std::sync::Arc::from(chain));
        }
        let mut codes: Vec<&String> = by_code.keys().collect();
        codes.sort();
        let ids: FxHashMap<String, u32> = codes
            .into_iter()
            .enumerate()
            .map(|(i, c)| (c.clone(), i as u32))
            .collect();
        let mut chains_by_id = vec![Vec::new(); ids.len()];
        for (code, id) in &ids {
            if let Some(chain) = chains.get(code) {
                chains_by_id[*id as usize] = chain
                    .iter()
                    .map(|c| ids.get(c).copied().unwrap_or(UNKNOWN_REGION))
                    .collect();
            }
        }
        let mut subtrees_by_id = vec![Vec::new(); ids.len()];
        for (id, chain) in chains_by_id.iter().enumerate() {
            for up in chain {
                if let Some(subtree) = subtrees_by_id.get_mut(*up as usize) {
                    subtree.push(id as u32);
                }
            }
        }
        RegionIndex {
            by_code,
            forms,
            forms_by_code,
            chains,
            chains_by_id,
            subtrees_by_id,
            ids,
            max_form_chars,
            by_pinyin,
            by_loose_pinyin,
            by_initials,
            not_places,
            starts,
        }
    }

    /// The region form a pinyin word spells in full (mengla → 勐腊, honghezhou → 红河州).
    pub fn form_of_pinyin(&self, word: &str) -> Option<&str> {
        self.by_pinyin.get(word).map(String::as_str)
    }

    /// `text` with a region typed in characters that sound like it before 县, 市, 区 or 州
    /// (华平县 for 华坪县) put right; `None` when there is none. The ending says a place is
    /// meant, so characters that sound like a region's name before it are taken for the
    /// region; the characters of a region's own name are left as they are.
    pub fn correct_by_sound(&self, text: &str) -> Option<String> {
        super::text::correct_before_endings(text, &ENDINGS, 2..=MAX_STEM, false, |stem, _| {
            self.form_by_sound(stem)
        })
    }

    /// [`RegionIndex::correct_by_sound`] as Yunnan speech merges finals (富明县 for 富民县),
    /// when only one region sounds so and the characters are no word of the dictionary
    /// (`is_word`: 景宁县 is Zhejiang's, not 晋宁).
    pub fn correct_by_loose_sound(
        &self,
        text: &str,
        is_word: impl Fn(&str) -> bool,
    ) -> Option<String> {
        super::text::correct_before_endings(text, &ENDINGS, 2..=MAX_STEM, false, |stem, _| {
            if self.forms.contains_key(stem) || is_word(stem) {
                return None;
            }
            self.by_loose_pinyin
                .get(&super::text::loose_pinyin(stem))?
                .as_deref()
                .filter(|form| *form != stem && form.chars().count() == stem.chars().count())
        })
    }

    /// The region form of as many characters that `stem` sounds like, when `stem` is no
    /// region's form itself (华平 → 华坪).
    fn form_by_sound(&self, stem: &str) -> Option<&str> {
        if self.forms.contains_key(stem) {
            return None;
        }
        let (full, _) = super::text::pinyin_forms(stem);
        self.form_of_pinyin(&full)
            .filter(|form| *form != stem && form.chars().count() == stem.chars().count())
    }

    /// `text` with a region name typed at its start in characters that sound like it (普耳
    /// for 普洱, 寻店 for 寻甸) put right; `None` when there is none. Callers in a hurry
    /// name the region first; characters that are a word of the dictionary (`is_word`: 京东
    /// is not 景东) or a region's own name are left as they are.
    pub fn correct_start_by_sound(
        &self,
        text: &str,
        is_word: impl Fn(&str) -> bool,
    ) -> Option<String> {
        // A region's own name of two characters first (大理宾川) is left as it is.
        let (two, _) = text.char_indices().nth(2)?;
        if self.forms.contains_key(&text[..two]) {
            return None;
        }
        // Two or three characters: the short names (普洱, 西双版纳 is typed right or not
        // at all).
        for len in [3, 2] {
            let Some((end, _)) = text.char_indices().nth(len) else {
                continue;
            };
            let stem = &text[..end];
            if !stem.chars().all(super::text::is_han) || is_word(stem) {
                continue;
            }
            if let Some(form) = self.form_by_sound(stem) {
                return Some(format!("{form}{}", &text[end..]));
            }
        }
        None
    }

    /// The region form whose pinyin initials the word is, when only one region's forms
    /// have them (km → 昆明).
    pub fn form_of_initials(&self, word: &str) -> Option<&str> {
        match self.by_initials.get(word)?.as_slice() {
            [one] => Some(one),
            _ => None,
        }
    }

    /// The forms of the few regions whose initials the word is when no one region's are
    /// (ll → 陆良, 龙陵); empty otherwise.
    pub fn forms_sharing_initials(&self, word: &str) -> &[String] {
        match self.by_initials.get(word).map(Vec::as_slice) {
            Some(few @ [_, _, ..]) => few,
            _ => &[],
        }
    }

    pub fn get(&self, code: &str) -> Option<&Region> {
        self.by_code.get(code)
    }

    pub fn contains(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    pub fn all(&self) -> impl Iterator<Item = &Region> {
        self.by_code.values()
    }

    /// The region and its ancestors, nearest first (empty for an unknown code).
    pub fn chain(&self, code: &str) -> Vec<String> {
        self.chains
            .get(code)
            .map(|c| c.to_vec())
            .unwrap_or_default()
    }

    /// A region's number ([`UNKNOWN_REGION`] for an unknown code).
    pub fn id(&self, code: &str) -> u32 {
        self.ids.get(code).copied().unwrap_or(UNKNOWN_REGION)
    }

    /// [`RegionIndex::chain`] by number (empty for an unknown code).
    pub fn chain_ids(&self, code: &str) -> &[u32] {
        self.chain_by_id(self.id(code))
    }

    /// How many regions there are (their numbers are 0 up to this).
    pub fn count(&self) -> usize {
        self.chains_by_id.len()
    }

    /// A region's chain by number (empty for an unknown one).
    pub fn chain_by_id(&self, id: u32) -> &[u32] {
        self.chains_by_id.get(id as usize).map_or(&[], |c| c)
    }

    /// A region and the regions under it, by number (empty for an unknown one).
    pub fn subtree_by_id(&self, id: u32) -> &[u32] {
        self.subtrees_by_id.get(id as usize).map_or(&[], |c| c)
    }

    /// Steps from `code` up to `ancestor` (0 = same region), if it is one.
    pub fn depth_below(&self, code: &str, ancestor: &str) -> Option<usize> {
        self.chains.get(code)?.iter().position(|c| c == ancestor)
    }

    /// Every spoken form of a region (for pinyin combinations and for stripping a
    /// department's own region out of its name).
    pub fn forms_of(&self, code: &str) -> Vec<String> {
        self.forms_by_code.get(code).cloned().unwrap_or_default()
    }

    /// Finds region words in a normalised query, leftmost-longest. A one-character form
    /// (省) only counts at the start of the query, where it cannot be part of a word.
    pub fn detect(&self, text: &str) -> Detected {
        let bounds = super::text::char_bounds(text);
        let n = bounds.len() - 1;
        let mut rest = String::with_capacity(text.len());
        // Each reading: the region, how strongly and at what level it was named, its cue,
        // and which of the words named it (a region within one another word names, not the
        // same word said twice: 大理 … 大理 is no 大理市 within 大理州).
        let mut found: Vec<(String, Strength, u8, Cue, usize)> = Vec::new();
        let mut words = Vec::new();
        // Where the last form found ended, and a region it names.
        let mut last: Option<(usize, &str)> = None;
        let mut i = 0;
        while i < n {
            let mut matched = None;
            let starts_form = text[bounds[i]..]
                .chars()
                .next()
                .is_some_and(|c| self.starts.contains(&c));
            let longest = if starts_form {
                self.max_form_chars.min(n - i)
            } else {
                0
            };
            for len in (1..=longest).rev() {
                if len == 1 && i != 0 {
                    break;
                }
                let cand = &text[bounds[i]..bounds[i + len]];
                if let Some(list) = self.forms.get(cand) {
                    matched = Some((len, cand, list));
                    break;
                }
            }
            // 昆明市场监管局: 昆明, then 市场监管局.
            if let Some((len, word, _)) = matched {
                let keep = region_part(word, &text[bounds[i]..], |g| self.forms.contains_key(g));
                if keep < word.len()
                    && let Some(list) = self.forms.get(&word[..keep])
                {
                    matched = Some((len - 1, &word[..keep], list));
                }
            }
            // A place's characters inside a word (一下关于) name no place.
            if let Some((len, word, _)) = matched
                && self.not_places.get(word).is_some_and(|words| {
                    within_a_word(word, words, &text[..bounds[i]], &text[bounds[i]..])
                })
            {
                rest.push_str(&text[bounds[i]..bounds[i + len]]);
                i += len;
                last = None;
                continue;
            }
            // A form that is part of another name says nothing of where the need is.
            if let Some(skip) = matched.and_then(|m| {
                self.part_of_a_name(&text[..bounds[i]], &text[bounds[i]..], m, (i, last))
            }) {
                rest.push_str(&text[bounds[i]..bounds[i + skip]]);
                i += skip;
                last = None;
                continue;
            }
            match matched {
                Some((len, word, list)) => {
                    last = list.first().map(|(code, _)| (i + len, code.as_str()));
                    let cue = cue_around(&text[..bounds[i]], &text[bounds[i + len]..]);
                    for (code, s) in list {
                        let lvl = self.by_code.get(code).map_or(2, |r| level_rank(&r.level));
                        found.push((code.clone(), *s, lvl, cue, words.len()));
                    }
                    words.push(word.to_string());
                    rest.push(' ');
                    i += len;
                }
                None => {
                    rest.push_str(&text[bounds[i]..bounds[i + 1]]);
                    i += 1;
                }
            }
        }
        // A region the caller says they return to comes first and one they were in before
        // last (以前在昆明交的社保 … 回巧家: 巧家); then a region within one another form named
        // (文山砚山, 玉溪新平: 砚山 and 新平 before their prefectures, whose short names are
        // the stronger forms); then the strongest naming; between equals the higher level
        // (大理 → 大理州 before 大理市), then the later word (it is usually the more specific
        // one).
        let within: Vec<bool> = found
            .iter()
            .map(|(code, .., form)| {
                found
                    .iter()
                    .any(|(up, .., f)| words[*f] != words[*form] && self.is_under(code, up))
            })
            .collect();
        let order: Vec<usize> = {
            let mut idx: Vec<usize> = (0..found.len()).collect();
            idx.sort_by(|a, b| {
                let (fa, fb) = (&found[*a], &found[*b]);
                fb.3.cmp(&fa.3)
                    .then(within[*b].cmp(&within[*a]))
                    .then(fb.1.cmp(&fa.1))
                    .then(fa.2.cmp(&fb.2))
                    .then(b.cmp(a))
            });
            idx
        };
        let mut mentions: Vec<Mention> = Vec::new();
        for (n, k) in order.into_iter().enumerate() {
            let code = &found[k].0;
            if mentions.iter().any(|m| &m.code == code) {
                continue;
            }
            mentions.push(Mention {
                code: code.clone(),
                weight: if n == 0 { 1.0 } else { 0.8 },
            });
        }
        Detected {
            mentions,
            rest: super::text::collapse_spaces(&rest),
            words,
        }
    }

    /// How many characters from a form found between `before` and `from` (`len` characters,
    /// naming the regions of `list`) are part of another name, if they are: a thing named
    /// after a place (思茅松, 普洱茶); 古城 glued to a name the regions lack (独克宗古城, not
    /// 在古城 or 去古城: that place's old town, not 丽江's 古城区); a form right after
    /// another's that names no region above or below it (大理古城, 建水古城). `last` is where
    /// the last form ended and a region it names; `at` is where this one starts.
    fn part_of_a_name(
        &self,
        before: &str,
        from: &str,
        (len, form, list): (usize, &str, &Vec<(String, Strength)>),
        (at, last): (usize, Option<(usize, &str)>),
    ) -> Option<usize> {
        if let Some(thing) = PLACE_NAMED_THINGS.iter().find(|t| from.starts_with(*t)) {
            return Some(thing.chars().count());
        }
        let glued_to_a_name = || {
            before
                .chars()
                .next_back()
                .is_some_and(|c| is_han(c) && !BEFORE_A_PLACE.contains(&c))
        };
        let right_after = last.filter(|(end, _)| *end == at);
        let old_town = form == OLD_TOWN && right_after.is_none() && glued_to_a_name();
        let after_unrelated = right_after
            .is_some_and(|(_, before)| !list.iter().any(|(code, _)| self.related(code, before)));
        (old_town || after_unrelated).then_some(len)
    }

    /// Whether one of two regions is the other or above it.
    fn related(&self, a: &str, b: &str) -> bool {
        let (x, y) = (self.id(a), self.id(b));
        self.chain_by_id(x).contains(&y) || self.chain_by_id(y).contains(&x)
    }

    /// Whether region `code` lies under region `up` (not `up` itself).
    fn is_under(&self, code: &str, up: &str) -> bool {
        let (x, y) = (self.id(code), self.id(up));
        x != y && self.chain_by_id(x).contains(&y)
    }

    /// Removes every form of the given regions from a text (a department's name without
    /// its region: 昆明市人力资源和社会保障局 → 人力资源和社会保障局), longest first at each
    /// place, keeping a suffix that starts a word (昆明市场监管局 → 市场监管局).
    pub fn strip(&self, text: &str, codes: &[String]) -> String {
        let mut forms: Vec<String> = codes.iter().flat_map(|c| self.forms_of(c)).collect();
        forms.sort_by_key(|f| std::cmp::Reverse(f.chars().count()));
        let mut out = String::with_capacity(text.len() + 2);
        let mut at = 0;
        while let Some(c) = text[at..].chars().next() {
            let rest = &text[at..];
            // 省人力资源和社会保障厅: a one-character form only at the start.
            let found = forms
                .iter()
                .find(|f| rest.starts_with(f.as_str()) && (at == 0 || f.chars().nth(1).is_some()));
            match found {
                Some(f) => {
                    out.push(' ');
                    at += region_part(f, rest, |g| forms.iter().any(|h| h == g));
                }
                None => {
                    out.push(c);
                    at += c.len_utf8();
                }
            }
        }
        super::text::collapse_spaces(&out)
    }
}

/// The places of [`PLACES`]: each place, its region's code and the words its characters
/// are part of where they name no place.
fn places() -> impl Iterator<Item = (&'static str, &'static str, Vec<String>)> {
    PLACES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cols = l.split('\t');
            let place = cols.next()?.trim();
            let code = cols.next()?.trim();
            let not_within = cols
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|w| w.contains(place))
                .map(str::to_string)
                .collect();
            Some((place, code, not_within))
        })
}

/// Whether `place`, found between `before` and `from` (which starts with it), is inside one
/// of `words` there.
fn within_a_word(place: &str, words: &[String], before: &str, from: &str) -> bool {
    words.iter().any(|w| {
        w.split_once(place).is_some_and(|(pre, post)| {
            before.ends_with(pre) && from[place.len()..].starts_with(post)
        })
    })
}

/// A region's form that is also what any old town is called (丽江's 古城区).
const OLD_TOWN: &str = "古城";
/// Characters that come before a place's name in speech (在古城, 去古城, 古城 after 的):
/// after one, 古城 is the district.
const BEFORE_A_PLACE: &[char] = &['在', '去', '到', '回', '住', '从', '是', '的', '和', '跟'];

/// Things named after a place of ours (a tree, a tea, a stone, a ham) that callers name
/// wherever they are: 我家在景谷 … 种了一片思茅松 is 景谷's, not 思茅's.
const PLACE_NAMED_THINGS: &[&str] = &[
    "思茅松",
    "普洱茶",
    "大理石",
    "宣威火腿",
    "文山三七",
    "昭通苹果",
    "昭通天麻",
    "蒙自石榴",
    "建水紫陶",
    "鹤庆银器",
    "宜良烤鸭",
    "石屏豆腐",
    "丽江粑粑",
    "东川面条",
    "呈贡宝珠梨",
    "华坪芒果",
    "寻甸牛干巴",
    "永平黄焖鸡",
    "保山小粒咖啡",
    "云南白药",
];

/// Words of the knowledge base that start with a region suffix: after a region's short form
/// the suffix is theirs (昆明 + 市场监管局, 香格里拉 + 市监局), not the region's.
const SUFFIX_WORDS: &[&str] = &["市场", "市监局"];

/// How many bytes of `form`, found at the start of `text`, name the region: all of it, or
/// all but its last character when that is a suffix (市) starting one of [`SUFFIX_WORDS`]
/// and what comes before it is a form too (`is_form`).
fn region_part(form: &str, text: &str, is_form: impl Fn(&str) -> bool) -> usize {
    if let Some(last) = form.chars().last()
        && matches!(last, '县' | '市' | '区' | '州')
    {
        let base = &form[..form.len() - last.len_utf8()];
        if base.chars().nth(1).is_some()
            && SUFFIX_WORDS
                .iter()
                .any(|w| text[base.len()..].starts_with(w))
            && is_form(base)
        {
            return base.len();
        }
    }
    form.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(
        code: &str,
        name: &str,
        short: &str,
        aliases: &[&str],
        level: &str,
        parent: Option<&str>,
    ) -> Region {
        Region {
            code: code.into(),
            name: name.into(),
            short_name: short.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            level: level.into(),
            parent: parent.map(str::to_string),
            area_code: "0871".into(),
        }
    }

    fn sample() -> RegionIndex {
        RegionIndex::new(&[
            region(
                "530000",
                "云南省",
                "云南",
                &["省", "全省"],
                "province",
                None,
            ),
            region(
                "532900",
                "大理白族自治州",
                "大理州",
                &["大理"],
                "prefecture",
                Some("530000"),
            ),
            region("532902", "大理市", "大理", &[], "county", Some("532900")),
            region(
                "530111",
                "石林彝族自治县",
                "石林县",
                &[],
                "county",
                Some("530100"),
            ),
            region(
                "533402",
                "香格里拉市",
                "香格里拉",
                &["中甸县"],
                "county",
                Some("533400"),
            ),
        ])
    }

    #[test]
    fn a_form_is_found_by_another_reading_of_its_characters() {
        let idx = RegionIndex::new(&[region(
            "532505",
            "弥勒市",
            "弥勒",
            &[],
            "county",
            Some("532500"),
        )]);
        // 勒 is usually lei; in 弥勒 it is le.
        assert_eq!(idx.form_of_pinyin("mile"), Some("弥勒"));
        assert_eq!(idx.form_of_pinyin("milei"), Some("弥勒"));
        assert_eq!(idx.form_of_pinyin("mileshi"), Some("弥勒市"));
        // Other readings of other places' characters are not theirs: liuliang is 流量, not
        // 陆良 (陆 can read liu), yidian 一点, not 施甸.
        let idx = RegionIndex::new(&[
            region("530322", "陆良县", "陆良", &[], "county", Some("530300")),
            region("530521", "施甸县", "施甸", &[], "county", Some("530500")),
        ]);
        assert_eq!(idx.form_of_pinyin("luliang"), Some("陆良"));
        assert_eq!(idx.form_of_pinyin("liuliang"), None);
        assert_eq!(idx.form_of_pinyin("shidian"), Some("施甸"));
        assert_eq!(idx.form_of_pinyin("yidian"), None);
    }

    /// The codes of the regions a text names, first the one the need is about.
    fn mention_codes(idx: &RegionIndex, text: &str) -> Vec<String> {
        idx.detect(text)
            .mentions
            .into_iter()
            .map(|m| m.code)
            .collect()
    }

    #[test]
    fn a_region_named_within_another_comes_before_it() {
        let idx = RegionIndex::new(&[
            region(
                "532600",
                "文山壮族苗族自治州",
                "文山",
                &[],
                "prefecture",
                None,
            ),
            region("532601", "文山市", "文山", &[], "county", Some("532600")),
            region("532622", "砚山县", "砚山", &[], "county", Some("532600")),
        ]);
        assert_eq!(
            mention_codes(&idx, "文山砚山法律援助"),
            ["532622", "532600", "532601"]
        );
        // Alone, the shared short name is still the prefecture's first.
        assert_eq!(mention_codes(&idx, "文山法律援助"), ["532600", "532601"]);
    }

    #[test]
    fn a_form_right_after_an_unrelated_ones_is_part_of_that_places_name() {
        let idx = RegionIndex::new(&[
            region("530700", "丽江市", "丽江", &[], "prefecture", None),
            region("530702", "古城区", "古城", &[], "county", Some("530700")),
            region("532507", "建水县", "建水", &[], "county", None),
            region("532900", "大理州", "大理", &[], "prefecture", None),
        ]);
        let codes = |t: &str| mention_codes(&idx, t);
        // The old town of 大理 and of 建水, not 丽江's 古城区.
        assert_eq!(codes("大理古城占道经营"), ["532900"]);
        assert_eq!(idx.detect("大理古城占道经营").rest, "古城占道经营");
        assert_eq!(codes("建水古城"), ["532507"]);
        // 独克宗古城 is 香格里拉's old town; 在古城 is the district.
        assert!(codes("独克宗古城门口打车").is_empty());
        assert_eq!(codes("在古城打车"), ["530702"]);
        // 丽江古城 is 丽江's; apart, 古城 is named.
        assert!(codes("丽江古城").contains(&"530702".to_string()));
        assert!(codes("大理 古城区").contains(&"530702".to_string()));
    }

    #[test]
    fn a_place_inside_a_region_names_it_more_weakly_than_its_name() {
        let idx = RegionIndex::new(&[
            region(
                "533300",
                "怒江傈僳族自治州",
                "怒江",
                &[],
                "prefecture",
                None,
            ),
            region("533302", "泸水市", "泸水", &[], "county", Some("533300")),
            region("530100", "昆明市", "昆明", &[], "prefecture", None),
            region("532900", "大理白族自治州", "大理", &[], "prefecture", None),
            region("532902", "大理市", "大理", &[], "county", Some("532900")),
        ]);
        let codes = |t: &str| mention_codes(&idx, t);
        assert_eq!(codes("我们在六库住"), ["533302"]);
        assert_eq!(idx.detect("我们在六库住").rest, "我们在 住");
        // A region named by its own name comes first.
        assert_eq!(codes("我是昆明的在六库打工"), ["530100", "533302"]);
        assert_eq!(codes("在下关买了套房子"), ["532902"]);
        // Its characters inside a word name no place.
        assert!(codes("想问一下关于低保的事").is_empty());
        assert!(codes("问一下关系转移").is_empty());
        // A place is no form of its region's departments' names, nor typed in pinyin.
        assert!(!idx.forms_of("533302").contains(&"六库".to_string()));
        assert_eq!(idx.form_of_pinyin("liuku"), None);
        assert_eq!(idx.form_of_initials("lk"), None);
        // A place whose region the index lacks is none.
        let small =
            RegionIndex::new(&[region("530100", "昆明市", "昆明", &[], "prefecture", None)]);
        assert!(mention_codes(&small, "我们在六库住").is_empty());
    }

    #[test]
    fn a_region_typed_as_yunnan_speech_says_it_before_its_ending_is_put_right() {
        let idx = RegionIndex::new(&[
            region("530109", "富民县", "富民", &[], "county", Some("530100")),
            region("530903", "凤庆县", "凤庆", &[], "county", Some("530900")),
        ]);
        let no_word = |_: &str| false;
        assert_eq!(
            idx.correct_by_loose_sound("富明县驾照到期换证", no_word)
                .as_deref(),
            Some("富民县驾照到期换证")
        );
        assert_eq!(
            idx.correct_by_loose_sound("奉勤县低保", no_word).as_deref(),
            Some("凤庆县低保")
        );
        // Not without an ending, nor a word of the dictionary (another province's county),
        // nor where two regions sound alike.
        assert_eq!(idx.correct_by_loose_sound("富明驾照", no_word), None);
        assert_eq!(idx.correct_by_loose_sound("富明县", |w| w == "富明"), None);
        let two = RegionIndex::new(&[
            region("1", "新民县", "新民", &[], "county", None),
            region("2", "新明县", "新明", &[], "county", None),
        ]);
        assert_eq!(two.correct_by_loose_sound("星民县", no_word), None);
        // The finals merge syllable by syllable: 金谷 (jin gu) sounds like 景谷 (jing gu).
        let jinggu = RegionIndex::new(&[region("530806", "景谷县", "景谷", &[], "county", None)]);
        assert_eq!(
            jinggu.correct_by_loose_sound("金谷县", no_word).as_deref(),
            Some("景谷县")
        );
        // ü is typed u (绿 lü, 录 lu).
        let lvchun = RegionIndex::new(&[region("532513", "绿春县", "绿春", &[], "county", None)]);
        assert_eq!(
            lvchun
                .correct_by_loose_sound("录春县营业执照", no_word)
                .as_deref(),
            Some("绿春县营业执照")
        );
    }

    #[test]
    fn the_places_table_names_regions_and_no_region_twice() {
        let mut seen = std::collections::HashSet::new();
        for (place, code, not_within) in places() {
            assert!(seen.insert(place), "{place} listed twice");
            assert!(
                code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
                "{place}"
            );
            assert!(
                place.chars().count() >= 2 && place.chars().all(is_han),
                "{place}"
            );
            assert!(not_within.iter().all(|w| w != place), "{place}");
        }
        assert!(seen.len() >= 100);
    }

    #[test]
    fn a_thing_named_after_a_place_names_no_region() {
        let idx = RegionIndex::new(&[
            region("530802", "思茅区", "思茅", &[], "county", Some("530800")),
            region(
                "530806",
                "景谷傣族彝族自治县",
                "景谷",
                &[],
                "county",
                Some("530800"),
            ),
            region(
                "532900",
                "大理白族自治州",
                "大理州",
                &["大理"],
                "prefecture",
                None,
            ),
        ]);
        let codes = |t: &str| mention_codes(&idx, t);
        assert_eq!(codes("我家在景谷 山上种了一片思茅松 想砍"), ["530806"]);
        assert_eq!(idx.detect("思茅松砍伐").rest, "思茅松砍伐");
        assert!(codes("大理石台面").is_empty());
        // The place itself is still named.
        assert_eq!(codes("思茅 林业局"), ["530802"]);
        assert_eq!(codes("大理 石材厂"), ["532900"]);
    }

    #[test]
    fn finds_names_short_names_and_former_names() {
        let idx = sample();
        let d = idx.detect("大理州卫健委");
        assert_eq!(d.mentions[0].code, "532900");
        assert_eq!(d.rest, "卫健委");
        assert_eq!(idx.detect("大理市公安局").mentions[0].code, "532902");
        assert_eq!(idx.detect("中甸县医保局").mentions[0].code, "533402");
        assert_eq!(idx.detect("石林 教师资格").mentions[0].code, "530111");
        assert_eq!(idx.detect("省人社厅").mentions[0].code, "530000");
        // 节省 is not the province.
        assert!(idx.detect("节省").mentions.is_empty());
        let both = idx.detect("大理 公安局");
        assert_eq!(both.mentions.len(), 2);
        assert_eq!(both.mentions[0].code, "532900");
    }

    #[test]
    fn the_region_returned_to_comes_first_and_the_one_left_last() {
        let idx = sample();
        // Without cues the prefecture comes first.
        let d = idx.detect("在大理州上班 现在在石林县");
        assert_eq!(d.mentions[0].code, "532900");
        let d = idx.detect("以前在大理州上班 现在回石林县了");
        assert_eq!(d.mentions[0].code, "530111");
        let d = idx.detect("以前在大理州上班 现在在石林县");
        assert_eq!(d.mentions[0].code, "530111");
        let d = idx.detect("在石林县打工 要回到大理州");
        assert_eq!(d.mentions[0].code, "532900");
        // Came from: 从 before, 过来 after.
        let d = idx.detect("我们从大理州过来石林县开会");
        assert_eq!(d.mentions[0].code, "530111");
        let d = idx.detect("从大理州到石林县的车");
        assert_eq!(d.mentions[0].code, "532900");
    }

    #[test]
    fn a_region_typed_by_sound_at_the_start_is_put_right() {
        let idx = RegionIndex::new(&[region("530705", "华坪县", "华坪", &[], "county", None)]);
        let no_word = |_: &str| false;
        assert_eq!(
            idx.correct_start_by_sound("华平 社保卡补办", no_word)
                .as_deref(),
            Some("华坪 社保卡补办")
        );
        assert_eq!(idx.correct_start_by_sound("华坪 社保卡补办", no_word), None);
        assert_eq!(
            idx.correct_start_by_sound("华平 社保卡补办", |w| w == "华平"),
            None
        );
    }

    #[test]
    fn a_region_typed_by_sound_before_its_ending_is_put_right() {
        let idx = RegionIndex::new(&[
            region("530705", "华坪县", "华坪", &[], "county", None),
            region("530111", "石林彝族自治县", "石林县", &[], "county", None),
        ]);
        assert_eq!(
            idx.correct_by_sound("华平县税务局").as_deref(),
            Some("华坪县税务局")
        );
        assert_eq!(idx.correct_by_sound("华坪县税务局"), None);
        // Without an ending it is left alone (华平 may be a name).
        assert_eq!(idx.correct_by_sound("华平税务局"), None);
        assert_eq!(idx.correct_by_sound("我们县税务局"), None);
    }

    #[test]
    fn region_initials_name_one_region_or_none() {
        let idx = sample();
        assert_eq!(idx.form_of_initials("dlz"), Some("大理州"));
        assert_eq!(idx.form_of_initials("sl"), Some("石林"));
        // 大理 is 大理州's and 大理市's: its initials name the form, which detection
        // resolves as it does the characters.
        assert_eq!(idx.form_of_initials("dl"), Some("大理"));
        // Initials a prefecture shares with a county are the prefecture's (qj: 曲靖, not
        // 巧家); two counties' are neither's.
        let two = RegionIndex::new(&[
            region("1", "文山州", "文山", &[], "prefecture", None),
            region("2", "五山县", "五山", &[], "county", None),
            region("3", "巧家县", "巧家", &[], "county", None),
            region("4", "七甲县", "七甲", &[], "county", None),
        ]);
        assert_eq!(two.form_of_initials("ws"), Some("文山"));
        assert_eq!(two.form_of_initials("qj"), None);
        // … but both are offered for them; the prefecture's are its alone.
        let both: Vec<&str> = two
            .forms_sharing_initials("qj")
            .iter()
            .map(String::as_str)
            .collect();
        assert_eq!(both, ["七甲", "巧家"]);
        assert!(two.forms_sharing_initials("ws").is_empty());
    }

    #[test]
    fn a_region_suffix_that_starts_the_next_word_stays_with_it() {
        let idx = RegionIndex::new(&[
            region("530100", "昆明市", "昆明", &[], "prefecture", None),
            region("533402", "香格里拉市", "香格里拉", &[], "county", None),
            region("530111", "石林彝族自治县", "石林县", &[], "county", None),
        ]);
        let km = ["530100".to_string()];
        // 昆明 + 市场监管局, not 昆明市 + 场监管局.
        assert_eq!(idx.strip("昆明市场监管局", &km), "市场监管局");
        assert_eq!(idx.strip("昆明市市场监管局", &km), "市场监管局");
        assert_eq!(idx.strip("昆明市监局", &km), "市监局");
        assert_eq!(
            idx.strip("香格里拉市监局", &["533402".to_string()]),
            "市监局"
        );
        // The suffix is the region's where no such word follows.
        assert_eq!(idx.strip("昆明市政务服务中心", &km), "政务服务中心");
        assert_eq!(idx.strip("石林县城管局", &["530111".to_string()]), "城管局");
        let d = idx.detect("昆明市场监管局电话");
        assert_eq!(d.mentions[0].code, "530100");
        assert_eq!(d.rest, "市场监管局电话");
        assert_eq!(idx.detect("昆明市人社局").rest, "人社局");
    }

    #[test]
    fn strips_a_departments_own_region() {
        let idx = sample();
        assert_eq!(
            idx.strip("大理白族自治州卫生健康委员会", &["532900".to_string()]),
            "卫生健康委员会"
        );
        assert_eq!(idx.strip("省人社厅", &["530000".to_string()]), "人社厅");
    }
}
