//! How well an entry covers a query, and when the answer is confident. An answer that is
//! not confident goes to the unanswered report: the coverage is where the engine knows it
//! cannot answer (the query's distinctive words are not what identifies the best entry).

use super::analysis::{FOREIGN_MAX, SYNONYM_GROUPS, Weighted};
use super::entries::{DocData, Kind, has};

/// Share of the query's distinctive words (weighted) the top entry's identifying words must
/// cover for the answer to be confident.
const IDENT_SHARE: f32 = 0.6;
/// Share of the query's weight a confident answer covers, at least.
const CONFIDENT_SHARE: f32 = 0.5;
/// Without distinctive words, share of the query's sound (pinyin pairs) that matches it.
const SOUND_SHARE: f32 = 0.5;
/// Syllable pairs a word typed without spaces needs for one of them to be allowed to miss
/// (the seam between two words of the need).
const SOUNDS_FOR_A_SEAM: usize = 4;
/// A pinyin word's weight (kmsrsj names one entry as surely as a rare word).
const PINYIN_WORD_WEIGHT: f32 = 4.0;
/// How much of a word's weight an entry covers, by where it has the word: its name or
/// question, its department's name (a FAQ entry), a contact word a department answers (电话
/// of a department), its answer or address.
const IN_NAME: f32 = 1.0;
const IN_DEPARTMENT_NAME: f32 = 0.8;
const CONTACT_OF_DEPARTMENT: f32 = 0.7;
const IN_ANSWER: f32 = 0.3;
/// A topic word covered at least this well makes the entry a key match.
const KEY_MATCH: f32 = CONTACT_OF_DEPARTMENT;
/// The most the sound of the words covers (a homophone is less sure than the word).
const SOUND_MATCH: f32 = 0.9;
/// A long spoken need (a story that never names its subject: 打的从机场进城…) has many
/// words no entry has; it is answered confidently when it has at least `STORY_MIN_WORDS`
/// words that count, the words it does not know are at least `STORY_UNKNOWN_SHARE` of
/// its distinctive weight, and the entry's identifying words cover `STORY_KNOWN_SHARE` of
/// the distinctive words it does know, which weigh `STORY_MIN_KNOWN_WEIGHT` at least.
const STORY_MIN_WORDS: usize = 8;
const STORY_UNKNOWN_SHARE: f32 = 0.3;
const STORY_KNOWN_SHARE: f32 = 0.75;
const STORY_MIN_KNOWN_WEIGHT: f32 = 3.0;
/// What the entry names of a story's known words weighs at least for the margin rule
/// ([`Coverage::story_topic`]): one word that two questions share in every region (护照,
/// 残疾 weigh 2.5); the margin over other departments does the rest.
const STORY_TOPIC_MIN_WEIGHT: f32 = 2.4;
/// A need told in fewer words (打了个车司机不打表还绕路) names its topic as surely, but
/// one word of it decides more: such a need counts for the margin rule with at least this
/// many words, and the ranking asks a wider margin of it.
const BRIEF_MIN_WORDS: usize = 5;
/// A topic word of a department's name at least this heavy (市场监管局, 农业农村局: 3.2; not
/// 中心 or 局) names the department when the query asks for a contact ([`Coverage::asked_for`]).
const NAMED_MIN_WEIGHT: f32 = 2.5;

/// Whether an answer whose best entry covers `share` of the query, with `key` (see
/// [`Coverage::key`]), is confident.
pub(super) fn is_confident(share: f32, key: bool) -> bool {
    share >= CONFIDENT_SHARE && key
}

/// How well an entry matches a query, for the ranking.
pub(super) struct Coverage {
    /// Share of the query's weight the entry covers (0..1), the best over the query's
    /// variants and over words / pinyin pairs.
    pub(super) share: f32,
    /// Whether the entry answers confidently (its identifying words cover the query's
    /// distinctive words).
    pub(super) key: bool,
    /// The best share of those distinctive words its identifying words cover.
    pub(super) ident: f32,
    /// Whether it answers a long spoken need (see [`STORY_MIN_WORDS`]).
    pub(super) story: bool,
    /// Whether a long spoken need (at least [`STORY_MIN_WORDS`] words that count) names,
    /// in what identifies the entry, topic words the knowledge base knows that weigh
    /// [`STORY_TOPIC_MIN_WEIGHT`] at least: the entry may answer it even when the story
    /// has other known words too, if no other topic comes near (see the ranking).
    pub(super) story_topic: bool,
    /// [`Coverage::story_topic`] for a need of [`BRIEF_MIN_WORDS`] words or more.
    pub(super) brief_topic: bool,
    /// Share of the entry's own words the query names: between equal matches, 公安局 is a
    /// better answer to "公安局" than 公安局交通警察支队车辆管理所.
    pub(super) specificity: f32,
    /// Whether the entry is a department the query names by an old or everyday name (the
    /// synonym table put today's: 质监局 → 市场监管局) together with a contact word (电话,
    /// 在哪): the caller asks for it, whatever the rest of the need is about.
    pub(super) asked_for: bool,
}

/// How `doc` covers the query: its words per variant (`words`), its pinyin pairs per
/// variant (`pairs`, empty until the words alone match poorly), its pinyin words' hashes
/// and their syllable pairs ([`super::Analysis::pinyin_sounds`]).
pub(super) fn coverage(
    doc: &DocData,
    words: &[Vec<Weighted>],
    pairs: &[Vec<Weighted>],
    pinyin: &[u32],
    sounds: &[Vec<u32>],
) -> Coverage {
    let is_dept = doc.kind == Kind::Department;
    let mut best = 0.0f32;
    // The most of the entry's own words one variant names.
    let mut named = 0usize;
    let mut key_hit = false;
    let mut best_ident = 0.0f32;
    let mut story = false;
    let mut story_topic = false;
    let mut brief_topic = false;
    let mut asked_for = false;
    // Two pinyin words or more come with their concatenation last (see `analyse`): when
    // that matches, the words are one name and all of them count as matched.
    let py_hits = match pinyin {
        [_, _, .., joined] if has(doc.pyi(), *joined) => pinyin.len(),
        // A pinyin word names the entry, or (typed without spaces) every syllable pair of
        // it is in the entry's name (budongchan: 不动产登记中心), but for one where two
        // words of a longer need meet (shenfenzheng|buban: 身份证丢了怎么补办).
        _ => pinyin
            .iter()
            .enumerate()
            .filter(|(i, p)| {
                has(doc.pyi(), **p)
                    || sounds.get(*i).is_some_and(|s| {
                        let missed: Vec<usize> =
                            (0..s.len()).filter(|k| !has(doc.py2(), s[*k])).collect();
                        // A seam lies between two matched pairs (huzhao|banli: hu_zhao and
                        // ban_li matched); a typo breaks the pairs either side of it.
                        let seam =
                            |k: usize| s.len() >= SOUNDS_FOR_A_SEAM || (k > 0 && k + 1 < s.len());
                        !s.is_empty()
                            && match missed.as_slice() {
                                [] => true,
                                [k] => seam(*k),
                                _ => false,
                            }
                    })
            })
            .count(),
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
        let mut total = PINYIN_WORD_WEIGHT * pinyin.len() as f32;
        let mut got = PINYIN_WORD_WEIGHT * py_hits as f32;
        let mut key = py_hits > 0;
        // The distinctive words' weight, and how much of it the entry's identifying words
        // (name, aliases, question, keywords; or their sound) cover: 滇池管理局 is not
        // answered by an 应急管理局 on 滇池路.
        let mut ident_total = total;
        let mut ident_got = got;
        // Synonym groups: (weight, matched).
        let mut groups = [(0.0f32, false); SYNONYM_GROUPS];
        let mut named_here = 0usize;
        let (mut names_it, mut asks_contact) = (false, false);
        // The distinctive words the knowledge base knows: their weight, and how much of it
        // the identifying words cover.
        let (mut known_total, mut known_got) = (0.0f32, 0.0f32);
        for w in v {
            total += w.weight;
            let primary = has(doc.primary(), w.hash);
            named_here += usize::from(primary);
            // Only a name the synonym table put for the caller's (质监局 → 市场监管局): a
            // name as typed is matched as any other word (昆明市量子科技局 is no 科技局).
            names_it |=
                primary && w.key && w.distinct && w.group != 0 && w.weight >= NAMED_MIN_WEIGHT;
            asks_contact |= w.contact;
            let ident = primary || has(doc.inherited(), w.hash);
            let c = if primary {
                IN_NAME
            } else if ident {
                IN_DEPARTMENT_NAME
            } else if is_dept && w.contact {
                CONTACT_OF_DEPARTMENT
            } else if has(doc.secondary(), w.hash) {
                IN_ANSWER
            } else {
                0.0
            };
            got += c * w.weight;
            if c >= KEY_MATCH && w.key {
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
                    // A story is about what it names in words of two characters or more.
                    if !w.unknown && !w.single {
                        known_total += wt;
                        if hit {
                            known_got += wt;
                        }
                    }
                }
            }
        }
        for (gw, hit) in groups {
            ident_total += gw;
            known_total += gw;
            if hit {
                ident_got += gw;
                known_got += gw;
            }
        }
        let counted = v.iter().filter(|w| w.weight > 0.0).count();
        if counted >= STORY_MIN_WORDS
            && known_total >= STORY_MIN_KNOWN_WEIGHT
            && ident_total > 0.0
            && 1.0 - known_total / ident_total >= STORY_UNKNOWN_SHARE
            && known_got / known_total >= STORY_KNOWN_SHARE
        {
            story = true;
        }
        if known_got >= STORY_TOPIC_MIN_WEIGHT {
            story_topic |= counted >= STORY_MIN_WORDS;
            brief_topic |= counted >= BRIEF_MIN_WORDS;
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
                pair_cov = SOUND_MATCH * pg / pt;
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
            key || pair_cov >= SOUND_SHARE
        };
        if matched && cov.max(pair_cov) >= CONFIDENT_SHARE {
            key_hit = true;
        }
        named = named.max(named_here);
        asked_for |= is_dept && names_it && asks_contact;
    }
    let own = doc.primary().len();
    Coverage {
        share: best,
        key: key_hit,
        ident: best_ident,
        story,
        story_topic,
        brief_topic,
        specificity: if own == 0 {
            0.0
        } else {
            named as f32 / own as f32
        },
        asked_for,
    }
}
