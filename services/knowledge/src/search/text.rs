//! Text handling shared by indexing and querying: normalisation, spoken filler, word
//! segmentation (jieba) and pinyin. Index and query go through the same functions, so a
//! word is cut the same way on both sides.

use std::sync::{Arc, LazyLock, OnceLock};

use memchr::memmem::Finder;
use pinyin::ToPinyin;
use rustc_hash::FxHashSet;
use tantivy_jieba::jieba_rs::Jieba;

/// Byte offsets of a text's character boundaries, its length last: lookups slice the text
/// at them, with no allocation.
pub fn char_bounds(text: &str) -> Vec<usize> {
    text.char_indices()
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect()
}

/// A fixed word list, looked up by hash: the lists are consulted for every word of every
/// query and document, and a scan compared strings dozens of times per word.
struct WordList {
    words: &'static [&'static str],
    set: OnceLock<FxHashSet<&'static str>>,
}

impl WordList {
    const fn new(words: &'static [&'static str]) -> WordList {
        WordList {
            words,
            set: OnceLock::new(),
        }
    }

    fn contains(&self, word: &str) -> bool {
        self.set
            .get_or_init(|| self.words.iter().copied().collect())
            .contains(word)
    }
}

/// Full-width forms folded to ASCII, lower case, and every run of punctuation or blanks
/// (including the ideographic space) turned into one ASCII space.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut pending_space = false;
    for c in input.chars() {
        let c = fold_width(c);
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.extend(c.to_lowercase());
        } else {
            pending_space = true;
        }
    }
    out
}

fn fold_width(c: char) -> char {
    match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Phrases callers wrap their question in; they carry no meaning for the search. Removed
/// wherever they occur, longest first (the list is sorted by length at use).
const FILLER: &[&str] = &[
    "我想问一下",
    "我想问下",
    "我想问问",
    "我想咨询一下",
    "我想咨询下",
    "我想咨询",
    "我想了解一下",
    "我想了解",
    "我想知道",
    "想问一下",
    "想问下",
    "想咨询一下",
    "请问一下",
    "请问下",
    "请问",
    "麻烦帮我查一下",
    "麻烦帮我查下",
    "麻烦帮我查查",
    "麻烦帮我查",
    "麻烦帮忙查一下",
    "麻烦帮忙查下",
    "麻烦查一下",
    "麻烦查下",
    "麻烦你",
    "麻烦您",
    "麻烦",
    "帮我查一下",
    "帮我查下",
    "帮我查查",
    "帮我查",
    "帮忙查一下",
    "帮忙查下",
    "帮我问一下",
    "查一下",
    "查询一下",
    "咨询一下",
    "问一下",
    // Asking to ask (问点事, Yunnan's 问一哈): the question follows, or came before.
    "问点事情",
    "问点事",
    "问个事情",
    "问个事",
    "打听一下",
    "打听下",
    "问一哈",
    "你好",
    "您好",
    "谢谢你",
    "谢谢",
    "是多少",
    "是什么",
    "一下",
    "那个",
    "这个",
    "的话",
    // Hearsay that opens a caller's story (听说可以办个证): it tells nothing of the topic.
    "听别人说",
    "听人家说",
    "听人说",
    "听说",
    "据说",
];

/// Removes spoken filler; what is left is trimmed and single-spaced.
pub fn strip_filler(text: &str) -> String {
    static SORTED: LazyLock<Vec<(&'static str, u64, Finder<'static>)>> = LazyLock::new(|| {
        let mut v = FILLER.to_vec();
        v.sort_by_key(|f| std::cmp::Reverse(f.len()));
        v.into_iter()
            .map(|f| (f, char_bit(f.chars().next()), Finder::new(f.as_bytes())))
            .collect()
    });
    // A phrase is only looked for when its first character is in the text (removing
    // phrases brings no new characters in): most queries hold few of them.
    let present = text.chars().fold(0u64, |bits, c| bits | char_bit(Some(c)));
    let mut out = std::borrow::Cow::Borrowed(text);
    for (f, first, finder) in SORTED.iter() {
        if present & first != 0 && finder.find(out.as_bytes()).is_some() {
            out = std::borrow::Cow::Owned(out.replace(f, " "));
        }
    }
    collapse_spaces(&out)
}

/// A character's bit in a 64-bit set of characters (several share one).
pub fn char_bit(c: Option<char>) -> u64 {
    c.map_or(u64::MAX, |c| {
        1u64 << ((c as u32).wrapping_mul(0x9E37_79B1) >> 26)
    })
}

pub fn collapse_spaces(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Words that carry no meaning on their own (particles, pronouns). They are dropped from
/// queries and documents alike.
static STOP: WordList = WordList::new(&[
    "的", "了", "吗", "呢", "啊", "呀", "吧", "嘛", "我", "你", "您", "他", "她", "我们", "你们",
    "是", "有", "和", "与", "及", "或", "在", "要", "想", "去", "到", "把", "被", "给", "让", "就",
    "也", "都", "还", "又", "很", "个", "这", "那", "哪", "一", "下", "啥", "么", "着", "过", "得",
    "地", "之", "对", "从", "向", "为", "以", "等", "请", "帮", "查", "问", "弄", "搞", "呗", "哦",
    "嗯", "喂",
]);

/// Spoken forms of the question and verb words, as the knowledge base writes them.
fn spoken(token: &str) -> &'static [&'static str] {
    match token {
        "办" => &["办理"],
        "咋" | "咋样" => &["怎么"],
        "咋办" => &["怎么办"],
        "哪儿" | "哪" => &["哪里"],
        "在哪儿" => &["在哪里"],
        "交" | "缴" => &["缴纳", "缴费"],
        _ => &[],
    }
}

pub fn is_stop(token: &str) -> bool {
    STOP.contains(token)
}

/// Words of the question form (怎么, 哪里 …): kept, but they say little about the topic.
static QUESTION_WORDS: WordList = WordList::new(&[
    "怎么",
    "怎么办",
    "怎样",
    "如何",
    "哪里",
    "哪儿",
    "在哪",
    "在哪里",
    "什么",
    "哪些",
    // What to bring, asked whole (需要哪些材料; 要哪样 in Yunnan speech): the question,
    // not what it is about.
    "需要哪些",
    "哪样",
    "要哪样",
    "多少",
    "几点",
    "能",
    "可以",
    "能否",
    "需要",
    "需",
    "办理",
    "办",
    "申请",
    "咋",
    "咋办",
    "什么时候",
    "时候",
    "找谁",
    "找",
    // Whom to see and what to get done say where a need goes, not what it is (找哪个,
    // 医保局的办事窗口).
    "找哪个",
    "办事",
    "谁",
    "怎么样",
    "流程",
    "手续",
    "要求",
    "条件",
    "材料",
    "带",
]);

pub fn is_question_word(token: &str) -> bool {
    QUESTION_WORDS.contains(token)
}

/// A question word of two characters or more inside a longer word (怎么弄, 该怎么): the
/// segmenter kept the question and a character of speech together.
pub fn holds_question_word(token: &str) -> bool {
    QUESTION_WORDS
        .words
        .iter()
        .any(|q| q.chars().nth(1).is_some() && is_part_of(q, token))
}

/// `part` is inside `whole` and shorter than it (社保 of 社保转移).
pub fn is_part_of(part: &str, whole: &str) -> bool {
    !part.is_empty() && part.len() < whole.len() && whole.contains(part)
}

/// The text's bytes `from..to` are inside a longer word of the dictionary that extends them
/// by one or two characters on either side (医院 in 中医院).
pub fn inside_longer_word(dict: &Jieba, text: &str, from: usize, to: usize) -> bool {
    let mut starts = text[..from].char_indices().rev().take(2).map(|(i, _)| i);
    let mut ends = text[to..]
        .char_indices()
        .map(|(i, c)| to + i + c.len_utf8())
        .take(2);
    starts.any(|start| dict.has_word(&text[start..to]))
        || ends.any(|end| dict.has_word(&text[from..end]))
}

/// Markers that the caller asks a question (an FAQ entry should answer before the
/// department itself).
const QUESTION_MARKERS: &[&str] = &[
    "怎么",
    "怎样",
    "如何",
    "哪里",
    "哪儿",
    "在哪",
    "什么",
    "哪些",
    // What to bring, asked whole (需要哪些材料; 要哪样 in Yunnan speech): the question,
    // not what it is about.
    "需要哪些",
    "哪样",
    "要哪样",
    "多少",
    "几点",
    "吗",
    "能否",
    "可以",
    "需要",
    "咋",
    "找谁",
    "找",
    "要不要",
    "能不能",
    "是否",
];

pub fn asks_question(text: &str) -> bool {
    static FINDERS: LazyLock<Vec<Finder<'static>>> = LazyLock::new(|| {
        QUESTION_MARKERS
            .iter()
            .map(|m| Finder::new(m.as_bytes()))
            .collect()
    });
    FINDERS.iter().any(|f| f.find(text.as_bytes()).is_some())
}

/// What a department entry itself answers (phone, address, hours): a query word of this
/// kind is counted as partly matched by any department.
static CONTACT_WORDS: WordList = WordList::new(&[
    "电话",
    "号码",
    "电话号码",
    "联系",
    "联系方式",
    "联系电话",
    "地址",
    // 在哪条路上, 门牌号多少: the street and number of its address.
    "门牌",
    "门牌号",
    "门牌号码",
    "哪条路",
    "哪条街",
    "位置",
    "地点",
    "在哪",
    "在哪里",
    "哪里",
    "怎么走",
    "几点",
    "上班",
    "下班",
    "上班时间",
    "几点上班",
    "几点下班",
    "时间",
    "办公",
    // 安监局办公室电话: the bureau's office, whose phone its entry lists (办公室 is cut
    // 办公, 公室 too).
    "办公室",
    "公室",
    "办公时间",
    "工作时间",
    "传真",
    "邮箱",
    "热线",
    "开门",
]);

/// A contact word, or a place word (a department answers those too).
pub fn is_contact_word(token: &str) -> bool {
    CONTACT_WORDS.contains(token) || PLACE_WORDS.contains(token)
}

/// Words asking where inside a service centre (which floor, which window): a department
/// answers them from its service locations.
static PLACE_WORDS: WordList = WordList::new(&[
    "窗口",
    "几号窗口",
    "几楼",
    "楼层",
    "几层",
    // 在哪层楼 is cut 层楼; 几层楼, 哪层 ask the same.
    "层楼",
    "几层楼",
    "哪层",
    "哪层楼",
    "哪一层",
    // 在哪一楼 is cut 哪, 一楼.
    "一楼",
    "哪一楼",
]);

/// The service centre's own words (政务中心, 办事大厅): in a question about where a
/// department's window is, they say where the caller goes, not which department.
static SERVICE_CENTRE_WORDS: WordList = WordList::new(&[
    "政务",
    "服务",
    "中心",
    "服务中心",
    "政务中心",
    "政务服务",
    "政务服务中心",
    "大厅",
    "政务大厅",
    "办事大厅",
    "服务大厅",
    "市民中心",
    "便民服务中心",
]);

pub fn is_service_centre_word(token: &str) -> bool {
    SERVICE_CENTRE_WORDS.contains(token)
}

/// Generic parts of department names (局, 管理局, 中心, 委员会 …): every agency has one, so
/// a query's match on them alone says nothing about which agency it means.
static GENERIC_WORDS: WordList = WordList::new(&[
    "局",
    "管理",
    "管理局",
    "分局",
    "中心",
    "服务中心",
    "管理中心",
    "委员会",
    "委员",
    "委",
    "办公室",
    "办公",
    "厅",
    "处",
    "管理处",
    "所",
    "管理所",
    "站",
    "管理站",
    "队",
    "支队",
    "大队",
    "总队",
    "部门",
    "单位",
    "机构",
    "机关",
    // 人民政府, and bodies the knowledge base does not list: 人民法院, 人民银行, 人民医院.
    "人民",
    // 政府 in a story is whoever pays (政府每个月补一点), not the government's office.
    "政府",
    // Any firm's name ends so (自来水公司, 搬家公司); the firm is what tells.
    "公司",
]);

pub fn is_generic_word(token: &str) -> bool {
    GENERIC_WORDS.contains(token)
}

/// Words of a loss (丢了, 不见了): many questions have them (身份证丢了怎么补办), and
/// what was lost tells which; matched alone, they say nothing of it (我家狗丢了).
static LOSS_WORDS: WordList =
    WordList::new(&["丢了", "丢", "掉了", "丢失", "遗失", "弄丢", "不见了"]);

pub fn is_loss_word(token: &str) -> bool {
    LOSS_WORDS.contains(token)
}

/// Search-mode segmentation: a long word is given with its parts (人力资源 → 人力, 资源,
/// 人力资源), so a query using the part still meets the whole. Stop words and blanks are
/// dropped; order is kept, duplicates are not removed.
pub fn tokenize(jieba: &Jieba, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in text.split_whitespace() {
        let toks = jieba.cut_for_search(piece, true);
        for (i, tok) in toks.iter().enumerate() {
            let w = tok.word.trim();
            if w.is_empty() || is_stop(w) || !w.chars().any(char::is_alphanumeric) {
                continue;
            }
            // A spoken verb before 的 tells what was done, not what is asked (以前交的社保
            // … 要转过来: the need is the transfer, not paying): it stays as said.
            let describes = toks.get(i + 1).is_some_and(|n| n.word == "的");
            let alt = if describes { &[][..] } else { spoken(w) };
            if alt.is_empty() {
                out.push(w.to_string());
            } else {
                out.extend(alt.iter().map(|a| a.to_string()));
            }
        }
    }
    out
}

/// Toneless pinyin of one character, when it has one.
pub fn syllable(c: char) -> Option<&'static str> {
    c.to_pinyin().map(|p| p.plain())
}

/// Pinyin syllable pairs of consecutive Chinese characters (管理局 → guan_li, li_ju): a
/// typo with the same sound (管里局) gives the same pairs.
pub fn pinyin_bigrams(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for piece in text.split_whitespace() {
        let syl: Vec<&str> = piece.chars().filter_map(syllable).collect();
        for w in syl.windows(2) {
            out.push(format!("{}_{}", w[0], w[1]));
        }
    }
    out
}

/// [`pinyin_bigrams`] of one word, each `a_b` pair hashed with `hash` (one buffer for all
/// the pairs).
pub fn pinyin_bigram_hashes(word: &str, hash: impl Fn(&str) -> u32) -> Vec<u32> {
    // At most one pair per character after the first (query words are short).
    let mut out = Vec::with_capacity(word.len() / 3);
    let mut pair = String::new();
    let mut prev: Option<&str> = None;
    for c in word.chars() {
        match syllable(c) {
            Some(s) => {
                if let Some(p) = prev {
                    pair.clear();
                    pair.push_str(p);
                    pair.push('_');
                    pair.push_str(s);
                    out.push(hash(&pair));
                }
                prev = Some(s);
            }
            None if c.is_whitespace() => prev = None,
            None => {}
        }
    }
    out
}

/// Full pinyin and initials of a name (昆明市 → kunmingshi, kms). Characters without pinyin
/// are kept as they are (digits, Latin letters).
pub fn pinyin_forms(text: &str) -> (String, String) {
    let mut full = String::new();
    let mut initials = String::new();
    for c in text.chars() {
        match c.to_pinyin() {
            Some(p) => {
                full.push_str(p.plain());
                initials.push_str(p.first_letter());
            }
            None if c.is_ascii_alphanumeric() => {
                full.push(c.to_ascii_lowercase());
                initials.push(c.to_ascii_lowercase());
            }
            None => {}
        }
    }
    (full, initials)
}

/// The pinyin of `text` as Yunnan speech says it, syllable by syllable: -ing and -in, -eng
/// and -en are one final (富民 fumin, 富明 fuming → fumin; 景谷 jinggu → jingu), and ü is
/// u (绿春 lüchun typed luchun: 录春).
pub fn loose_pinyin(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if let Some(p) = c.to_pinyin() {
            let p = p.plain();
            let merged = p
                .strip_suffix('g')
                .filter(|s| s.ends_with("in") || s.ends_with("en"));
            out.extend(
                merged
                    .unwrap_or(p)
                    .chars()
                    .map(|c| if c == 'ü' { 'u' } else { c }),
            );
        }
    }
    out
}

/// A character of the CJK Unified Ideographs block (what the classifier and the phrasings
/// table count as Chinese).
/// `text` with words put right before each of `endings` (县 of 华平县, 局 of 人设局);
/// `None` when nothing is. At each ending the characters before it are offered to `fix`,
/// `stems` of them (all Chinese, none already put right) from the longest; the first it
/// answers is replaced by its answer, and with the ending too when `with_ending`.
pub fn correct_before_endings<'a>(
    text: &str,
    endings: &[char],
    stems: std::ops::RangeInclusive<usize>,
    with_ending: bool,
    mut fix: impl FnMut(&str, &str) -> Option<&'a str>,
) -> Option<String> {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut out: Option<String> = None;
    let mut done = 0;
    for (i, &(at, c)) in chars.iter().enumerate() {
        if !endings.contains(&c) {
            continue;
        }
        let end = at + c.len_utf8();
        for len in (*stems.start()..=(*stems.end()).min(i)).rev() {
            let from = chars[i - len].0;
            let stem = &text[from..at];
            if from < done || !stem.chars().all(is_han) {
                continue;
            }
            if let Some(right) = fix(stem, &text[from..end]) {
                let o = out.get_or_insert_with(String::new);
                o.push_str(&text[done..from]);
                o.push_str(right);
                done = if with_ending { end } else { at };
                break;
            }
        }
    }
    let mut o = out?;
    o.push_str(&text[done..]);
    Some(o)
}

pub fn is_han(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// The longest toneless syllable (zhuang, shuang).
const MAX_SYLLABLE: usize = 6;
/// What skipping a letter costs when pinyin is cut into syllables, against one per
/// syllable: a typo is skipped only when no cut into syllables uses its letters.
const SKIPPED_LETTER_COST: u32 = 3;

/// Every toneless syllable some CJK character has.
fn syllables() -> &'static FxHashSet<&'static str> {
    static SET: LazyLock<FxHashSet<&'static str>> =
        LazyLock::new(|| ('\u{4e00}'..='\u{9fff}').filter_map(syllable).collect());
    &SET
}

/// Pinyin typed without spaces cut into syllables (budongchan → bu dong chan), fewest
/// syllables first; letters that spell no syllable (a typo: yl in puerylbaoju) are skipped
/// and end a run. Each run's syllables in order.
pub fn split_syllables(word: &str) -> Vec<Vec<&str>> {
    if !word.is_ascii() {
        return Vec::new();
    }
    let n = word.len();
    let set = syllables();
    // cost[i]: the cheapest cut of word[..i]; from[i]: where its last piece starts, and
    // whether that piece is a syllable (else one skipped letter).
    let mut cost = vec![u32::MAX; n + 1];
    let mut from = vec![(0usize, false); n + 1];
    cost[0] = 0;
    for i in 1..=n {
        if cost[i - 1] != u32::MAX {
            cost[i] = cost[i - 1] + SKIPPED_LETTER_COST;
            from[i] = (i - 1, false);
        }
        for j in i.saturating_sub(MAX_SYLLABLE)..i {
            if cost[j] != u32::MAX && cost[j] + 1 < cost[i] && set.contains(&word[j..i]) {
                cost[i] = cost[j] + 1;
                from[i] = (j, true);
            }
        }
    }
    let mut runs: Vec<Vec<&str>> = vec![Vec::new()];
    let mut i = n;
    while i > 0 {
        let (j, is_syllable) = from[i];
        match runs.last_mut() {
            Some(run) if is_syllable => run.push(&word[j..i]),
            Some(run) if !run.is_empty() => runs.push(Vec::new()),
            _ => {}
        }
        i = j;
    }
    runs.retain(|r| !r.is_empty());
    runs.iter_mut().for_each(|r| r.reverse());
    runs.reverse();
    runs
}

/// The syllable pairs of pinyin typed without spaces, as [`pinyin_bigrams`] makes them of
/// characters (budongchan → bu_dong, dong_chan).
pub fn typed_pinyin_bigrams(word: &str) -> Vec<String> {
    let mut out = Vec::new();
    for run in split_syllables(word) {
        for w in run.windows(2) {
            out.push(format!("{}_{}", w[0], w[1]));
        }
    }
    out
}

/// True when the word is Latin letters only (a pinyin query such as `kmsrsj`).
/// A space-free piece of text cut where Latin letters meet other characters
/// (binchuan婚姻登记 → binchuan, 婚姻登记); text of one kind comes back whole.
pub fn latin_runs(piece: &str) -> impl Iterator<Item = &str> {
    let mut rest = piece;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let latin = first.is_ascii_alphabetic();
        let end = rest
            .find(|c: char| c.is_ascii_alphabetic() != latin)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

pub fn is_pinyin_word(word: &str) -> bool {
    word.len() >= 2 && word.chars().all(|c| c.is_ascii_lowercase())
}

/// Escapes text for HTML.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        '\'' => out.push_str("&#39;"),
        _ => out.push(c),
    }
}

/// HTML-escaped `text` (cut to about `max_chars`) with every occurrence of `words` wrapped
/// in `<em>…</em>`. Longer words win where they overlap.
pub fn highlight(text: &str, words: &[&str], max_chars: usize) -> String {
    Marker::new(words).highlight(text, max_chars)
}

/// The words to mark, prepared once for all the hits of a query (a searcher per word, built
/// once rather than for every snippet), longest first.
pub struct Marker<'a> {
    finders: Vec<memchr::memmem::Finder<'a>>,
    /// The marks of the snippet being cut, kept from one hit to the next (no allocation
    /// per hit).
    marks: std::cell::RefCell<Vec<(usize, usize)>>,
}

impl<'a> Marker<'a> {
    pub fn new(words: &[&'a str]) -> Marker<'a> {
        let mut sorted: Vec<&str> = words.iter().copied().filter(|w| !w.is_empty()).collect();
        sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
        Marker {
            finders: sorted
                .into_iter()
                .map(|w| memchr::memmem::Finder::new(w.as_bytes()))
                .collect(),
            marks: std::cell::RefCell::new(Vec::with_capacity(16)),
        }
    }

    /// [`highlight`] with these words. Works on byte ranges of the text (no per-character
    /// copy of it: answers can be long and every hit is highlighted).
    pub fn highlight(&self, text: &str, max_chars: usize) -> String {
        self.cut(text, text.chars().count(), has_special(text), max_chars)
    }

    /// [`Marker::highlight`] of a text prepared when its entry was indexed; also says
    /// whether the snippet is plain (nothing in it needs escaping in JSON either).
    pub fn highlight_prepared(&self, source: &SnippetText, max_chars: usize) -> (String, bool) {
        let snippet = self.cut(&source.text, source.chars, !source.plain, max_chars);
        (snippet, source.plain)
    }

    /// `total`: the text's length in characters; `special`: whether it has characters to
    /// escape (when not, its runs are copied without looking at them).
    fn cut(&self, text: &str, total: usize, special: bool, max_chars: usize) -> String {
        let mut marks = self.marks.borrow_mut();
        let (start, end) = self.window(text, total, max_chars, &mut marks);
        // The window as bytes, and the marks within it, touching ones merged (one <em>).
        // Most snippets are whole (start 0, end at the text's end): no walk for those.
        let byte_at = |chars: usize| match chars {
            0 => 0,
            n if n >= total => text.len(),
            n => text.char_indices().nth(n).map_or(text.len(), |c| c.0),
        };
        let (from, to) = (byte_at(start), byte_at(end));
        let push = |out: &mut String, run: &str| {
            if special {
                push_escaped_str(out, run);
            } else {
                out.push_str(run);
            }
        };
        let mut out = String::with_capacity(3 * max_chars + 32);
        if start > 0 {
            out.push('…');
        }
        // Up to `at` is written; `open` is the mark being gathered (touching ones merge).
        let mut at = from;
        let mut open: Option<(usize, usize)> = None;
        let emit = |out: &mut String, at: &mut usize, (a, b): (usize, usize)| {
            push(out, &text[*at..a]);
            out.push_str("<em>");
            push(out, &text[a..b]);
            out.push_str("</em>");
            *at = b;
        };
        for &(a, b) in marks.iter() {
            let (a, b) = (a.max(from), b.min(to));
            if a >= b {
                continue;
            }
            match &mut open {
                Some(last) if last.1 == a => last.1 = b,
                _ => {
                    if let Some(done) = open.replace((a, b)) {
                        emit(&mut out, &mut at, done);
                    }
                }
            }
        }
        if let Some(done) = open {
            emit(&mut out, &mut at, done);
        }
        push(&mut out, &text[at..to]);
        if end < total {
            out.push('…');
        }
        out
    }

    /// The marked byte ranges into `marks` (sorted, never overlapping; longer words win),
    /// and the window shown, in characters: start and end. `total`: the text's length in
    /// characters.
    fn window(
        &self,
        text: &str,
        total: usize,
        max_chars: usize,
        marks: &mut Vec<(usize, usize)>,
    ) -> (usize, usize) {
        marks.clear();
        for f in &self.finders {
            let len = f.needle().len();
            for a in f.find_iter(text.as_bytes()) {
                let b = a + len;
                let at = marks.partition_point(|m| m.0 < a);
                let clash_prev = at > 0 && marks[at - 1].1 > a;
                let clash_next = at < marks.len() && marks[at].0 < b;
                if !clash_prev && !clash_next {
                    marks.insert(at, (a, b));
                }
            }
        }
        // Start the window a little before the first mark so it shows.
        let start = if total <= max_chars {
            0
        } else {
            let first = marks.first().map_or(0, |m| text[..m.0].chars().count());
            if first < max_chars / 2 {
                0
            } else {
                first.saturating_sub(max_chars / 4)
            }
        };
        (start, (start + max_chars).min(total))
    }
}

/// Whether the text has a character HTML escapes.
fn has_special(text: &str) -> bool {
    text.bytes()
        .any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
}

/// A text snippets are cut from, with what cutting them needs to know of it, found once
/// when its entry is indexed rather than for every hit.
#[derive(Debug)]
pub struct SnippetText {
    /// Shared with the knowledge base's record where it is an answer.
    pub text: Arc<str>,
    /// Its length in characters.
    chars: usize,
    /// Nothing in it needs escaping, for HTML or in a JSON string (the usual case for
    /// Chinese text): its snippets are copied as they are.
    plain: bool,
}

impl SnippetText {
    pub fn new(text: String) -> SnippetText {
        SnippetText::shared(Arc::from(text))
    }

    pub fn shared(text: Arc<str>) -> SnippetText {
        SnippetText {
            chars: text.chars().count(),
            plain: !has_special(&text) && !text.bytes().any(|b| b == b'\\' || b < 0x20),
            text,
        }
    }
}

/// Escapes a run of text for HTML, copying it whole when it has nothing to escape (the
/// usual case for Chinese text).
fn push_escaped_str(out: &mut String, text: &str) {
    if has_special(text) {
        for c in text.chars() {
            push_escaped(out, c);
        }
    } else {
        out.push_str(text);
    }
}

/// Several fixed word lists looked for in a text in one pass (Aho-Corasick), built once: the
/// checks a confident answer goes through ask whether a text has any word of a dozen lists,
/// and a search per word cost more than the rest of the answer's checks together.
pub struct WordLists {
    finder: aho_corasick::AhoCorasick,
    /// By pattern: the lists the word is in, one bit each.
    lists_of: Vec<u64>,
}

impl WordLists {
    /// At most 64 lists; a word may be in several. The lists are the code's own constants:
    /// a few hundred literal words always build an automaton.
    #[allow(clippy::expect_used)]
    pub fn new(lists: &[&[&str]]) -> WordLists {
        let mut words: Vec<&str> = Vec::new();
        let mut lists_of: Vec<u64> = Vec::new();
        for (i, list) in lists.iter().enumerate().take(64) {
            for w in list.iter().filter(|w| !w.is_empty()) {
                match words.iter().position(|x| x == w) {
                    Some(k) => lists_of[k] |= 1 << i,
                    None => {
                        words.push(w);
                        lists_of.push(1 << i);
                    }
                }
            }
        }
        WordLists {
            finder: aho_corasick::AhoCorasick::new(&words)
                .expect("a few hundred literal words build an automaton"),
            lists_of,
        }
    }

    /// Bit `i` set when some word of list `i` occurs in `text`.
    pub fn found(&self, text: &str) -> u64 {
        self.occurrences(text).fold(0, |m, (lists, _, _)| m | lists)
    }

    /// For each of the first `N` lists, whether some word of it occurs in `text`.
    pub fn found_each<const N: usize>(&self, text: &str) -> [bool; N] {
        let found = self.found(text);
        std::array::from_fn(|i| found & (1 << i) != 0)
    }

    /// Every occurrence of a word (overlapping ones too), in order of where it ends: the
    /// lists it is in, and its byte range in `text`.
    pub fn occurrences<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (u64, usize, usize)> + 't {
        self.finder
            .find_overlapping_iter(text)
            .map(|m| (self.lists_of[m.pattern().as_usize()], m.start(), m.end()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_lists_are_found_in_one_pass() {
        let lists = WordLists::new(&[&["火车票", "机票"], &["退票"], &["车票", "机票"]]);
        // 火车票 and 车票 overlap; both lists are found, and 机票 is in two.
        assert_eq!(lists.found("火车票退票咋个算"), 0b111);
        assert_eq!(lists.found("买机票"), 0b101);
        assert_eq!(lists.found("办护照"), 0);
        assert_eq!(lists.found_each("买机票"), [true, false, true]);
        let mut at: Vec<(u64, usize, usize)> = lists.occurrences("火车票").collect();
        at.sort_unstable_by_key(|&(_, start, _)| start);
        assert_eq!(at, [(0b001, 0, 9), (0b100, 3, 9)]);
    }

    #[test]
    fn cuts_hurried_pinyin_into_syllables_and_skips_typos() {
        assert_eq!(
            split_syllables("budongchan"),
            vec![vec!["bu", "dong", "chan"]]
        );
        assert_eq!(split_syllables("ylbaoju"), vec![vec!["bao", "ju"]]);
        assert_eq!(typed_pinyin_bigrams("hunyin"), vec!["hun_yin".to_string()]);
        assert!(split_syllables("").is_empty());
    }

    #[test]
    fn normalizes_width_case_and_punctuation() {
        assert_eq!(normalize("ＫＭＳ　人社局？！"), "kms 人社局");
        assert_eq!(normalize("  昆明市，，人社局 "), "昆明市 人社局");
        assert_eq!(normalize("１２３４５"), "12345");
        assert_eq!(normalize("\u{7}"), "");
    }

    #[test]
    fn strips_spoken_filler() {
        assert_eq!(strip_filler("我想问一下公积金贷款是多少"), "公积金贷款");
        assert_eq!(strip_filler("罗平县劳动局电话,问点事"), "罗平县劳动局电话,");
        assert_eq!(strip_filler("问一哈 医保局在哪点"), "医保局在哪点");
        assert_eq!(strip_filler("麻烦帮我查下昆明市人社局"), "昆明市人社局");
    }

    #[test]
    fn pinyin_forms_and_bigrams() {
        assert_eq!(
            pinyin_forms("昆明市"),
            ("kunmingshi".to_string(), "kms".to_string())
        );
        assert_eq!(pinyin_bigrams("管里局"), pinyin_bigrams("管理局"));
    }

    /// The highlighter as first written, a character at a time: the faster one must give
    /// the same snippets.
    fn highlight_by_chars(text: &str, words: &[&str], max_chars: usize) -> String {
        let total = text.chars().count();
        let mut marks = Vec::new();
        let (start, end) = Marker::new(words).window(text, total, max_chars, &mut marks);
        let mut out = String::new();
        if start > 0 {
            out.push('…');
        }
        let (mut open, mut next) = (false, 0);
        for (byte, c) in text.char_indices().skip(start).take(end - start) {
            while next < marks.len() && marks[next].1 <= byte {
                next += 1;
            }
            let marked = next < marks.len() && marks[next].0 <= byte;
            if marked != open {
                out.push_str(if marked { "<em>" } else { "</em>" });
                open = marked;
            }
            push_escaped(&mut out, c);
        }
        if open {
            out.push_str("</em>");
        }
        if end < total {
            out.push('…');
        }
        out
    }

    /// The marks as first made: each word's occurrences by the standard library's
    /// (leftmost, non-overlapping) search, longer words first.
    fn marks_by_match_indices(text: &str, words: &[&str]) -> Vec<(usize, usize)> {
        let mut sorted: Vec<&str> = words.iter().copied().filter(|w| !w.is_empty()).collect();
        sorted.sort_by_key(|w| std::cmp::Reverse(w.len()));
        let mut marks: Vec<(usize, usize)> = Vec::new();
        for w in sorted {
            for (a, _) in text.match_indices(w) {
                let b = a + w.len();
                let clash = marks.iter().any(|m| m.0 < b && a < m.1);
                if !clash {
                    marks.push((a, b));
                }
            }
        }
        marks.sort_unstable();
        marks
    }

    #[test]
    fn highlight_matches_the_character_at_a_time_version() {
        // Texts and words from a small alphabet, so that marks overlap, touch, repeat and
        // fall across the window's edges.
        let alphabet: Vec<char> = "身份证丢了补办<&公积金".chars().collect();
        let mut seed: u64 = 7;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..3000 {
            let len = next(60);
            let text: String = (0..len).map(|_| alphabet[next(alphabet.len())]).collect();
            let words: Vec<String> = (0..next(5))
                .map(|_| {
                    (0..1 + next(3))
                        .map(|_| alphabet[next(alphabet.len())])
                        .collect()
                })
                .collect();
            let refs: Vec<&str> = words.iter().map(String::as_str).collect();
            let max = 5 + next(40);
            assert_eq!(
                highlight(&text, &refs, max),
                highlight_by_chars(&text, &refs, max),
                "{text:?} {refs:?} {max}"
            );
            let total = text.chars().count();
            let mut marks = Vec::new();
            Marker::new(&refs).window(&text, total, max, &mut marks);
            assert_eq!(
                marks,
                marks_by_match_indices(&text, &refs),
                "{text:?} {refs:?}"
            );
        }
    }

    #[test]
    fn letters_against_characters_are_cut_apart() {
        let runs = |s| latin_runs(s).collect::<Vec<_>>();
        assert_eq!(runs("binchuan结婚登记"), ["binchuan", "结婚登记"]);
        assert_eq!(runs("社保ic卡"), ["社保", "ic", "卡"]);
        assert_eq!(runs("kmsrsj"), ["kmsrsj"]);
        assert_eq!(runs("护照"), ["护照"]);
        assert!(runs("").is_empty());
    }

    #[test]
    fn highlight_escapes_and_marks() {
        assert_eq!(
            highlight("a<b>身份证丢了", &["身份证"], 50),
            "a&lt;b&gt;<em>身份证</em>丢了"
        );
        // Longer words first; adjacent marks merge; a long text is cut around the mark.
        assert_eq!(
            highlight("身份证件丢了", &["身份", "身份证件", "丢了"], 50),
            "<em>身份证件丢了</em>"
        );
        let long = format!("{}公积金{}", "甲".repeat(100), "乙".repeat(100));
        let h = highlight(&long, &["公积金"], 20);
        assert!(
            h.starts_with('…') && h.ends_with('…') && h.contains("<em>公积金</em>"),
            "{h}"
        );
        assert_eq!(h.chars().filter(|c| *c == '甲').count(), 5);
    }
}
