//! Ranking: the candidates scored by how much of the query they cover, how they are known,
//! their region and kind, and the hits made from the best (a merged agency answered by its
//! successor, snippets marked).

use std::sync::Arc;

use tantivy::schema::Field;

use super::analysis::{Analysis, Weighted, first_occurrences, told_chars};
use super::candidates::CANDIDATES;
use super::coverage::{Coverage, coverage, is_confident};
use super::entries::{DocData, Kind};
use super::topics::{Guess, Label};
use super::{SearchError, Snapshot};
use crate::search::model::Hit;
use crate::search::text;

/// Characters of an entry's text a snippet shows.
const SNIPPET_CHARS: usize = 90;
/// Fewer hits than this, and the departments of the answers shown follow them (their
/// address and hours on a card of their own); each at this share of its answer's score.
const FEW_HITS: usize = 3;
const ANSWERS_DEPARTMENT: f32 = 0.5;
/// When the best candidate covers less than this of the query's words, the pinyin pairs are
/// tried too (homophone typos, words cut differently).
const PAIRS_BELOW: f32 = 0.8;
/// A word no entry's name or question has finds candidates in the answers, at this share of
/// its weight.
const IN_ANSWERS: f32 = 0.3;
/// Pinyin pairs that find candidates: those weighing at least this much, at a share of
/// their weight (a pair is less sure than a word).
const MIN_PAIR_WEIGHT: f32 = 1.0;
const PAIR_SHARE: f32 = 0.5;
/// A pinyin name (kmsrsj) finds its entry before anything else.
const PINYIN_NAME_WEIGHT: f32 = 8.0;
/// A pinyin word of at least this many letters that names nothing is looked up as the start
/// of names, at most this many of them.
const MIN_NAME_START: usize = 4;
const NAME_STARTS: usize = 32;
/// Departments listed, at least, when the query names only a region.
const BROWSE_AT_LEAST: usize = 10;
/// The score: the share of the query covered counts most…
const COVERAGE_WEIGHT: f32 = 10.0;
/// …, then the entry known by the query's distinctive words (人社局) before one that only
/// shares its generic or question words (几点上班)…
const IDENT_BONUS: f32 = 2.0;
/// …, how much of the entry's own name the query names…
const SPECIFICITY_WEIGHT: f32 = 0.5;
/// …, a FAQ entry for a question and a department for a name…
const KIND_BONUS: f32 = 0.3;
/// …, and the candidate's query weight only breaks ties.
const CANDIDATE_SUM_WEIGHT: f32 = 0.001;
/// Region evidence in the score, times how surely the region was named: an entry of the
/// named region, of its parent (which answers what a county lacks), of a region under it,
/// of one higher up, of one further down.
const IN_NAMED_REGION: f32 = 4.0;
const IN_PARENT_OF_NAMED: f32 = 2.0;
const IN_CHILD_OF_NAMED: f32 = 1.3;
const ABOVE_NAMED: f32 = 1.0;
const BELOW_NAMED: f32 = 0.8;
/// With a filter: an entry of the filter's own region, and of a region just under it.
const IN_FILTER_REGION: f32 = 0.5;
const IN_CHILD_OF_FILTER: f32 = 0.2;
/// The story rule ([`Coverage::story`]) applies to needs told at length: at least this many
/// characters besides the region (a short question with words the knowledge base lacks,
/// 信用卡丢了怎么挂失, is no story about a topic it has).
const STORY_MIN_CHARS: usize = 14;
/// A long spoken need whose best entry names a known topic word of it
/// ([`Coverage::story_topic`]) is answered confidently when every entry of another kind of
/// department scores at least this much less: about one word of the story better covered.
/// (1.5 until round 3's third session: 1.2 made three more right answers confident over
/// the earlier sets, one more confident with a sibling question of the right department,
/// and no unanswerable query confident.)
const STORY_MARGIN: f32 = 1.2;
/// Either story rule needs the best entry to cover at least this share of the need (one
/// known word among a dozen the knowledge base does not know is too little to go on).
const STORY_MIN_SHARE: f32 = 0.2;
/// A need told in brief ([`Coverage::brief_topic`], at least this many characters besides
/// the region) is answered confidently by the margin rule when every entry of another kind
/// of department scores at least this much less: about two words of it better covered.
const BRIEF_MIN_CHARS: usize = 10;
const BRIEF_MARGIN: f32 = 4.0;
/// The topic classifier ([`super::topics`]) is asked when the words leave the answer
/// unconfident. Its question counts when at least `TOPIC_MIN_P` likely: its entries are
/// lifted by `TOPIC_LIFT` times that (a fifth of the query better covered). A need told at
/// length (`BRIEF_MIN_CHARS`) whose best entry then asks it and covers `TOPIC_MIN_SHARE` of
/// it is confident when the question is `TOPIC_CONFIDENT_P` likely. (Over the earlier
/// rounds' sets: a lift of 3.0 answered one more need confidently with the wrong entry, a
/// share of 0.2 one unanswerable query, 信访件编号… → 信访事项怎么反映; a probability of 0.8 two.)
/// Trained on the phrasings table too, the classifier is sure more often, so a confident
/// answer also needs the question to lead the runner-up by `TOPIC_CONFIDENT_LEAD` nats
/// (6 left 孩子想考军校体检… confident with 医疗纠纷; 7 changed no answerable row). With the
/// table's round-14 stories (20 rows a question) it is surer still: 7 made two unanswerable
/// needs confident (军校体检 again, 潜水证 as 中考报名); 9 neither, at one answerable row.
const TOPIC_MIN_P: f32 = 0.5;
const TOPIC_LIFT: f32 = 2.0;
const TOPIC_CONFIDENT_P: f32 = 0.9;
const TOPIC_MIN_SHARE: f32 = 0.25;
const TOPIC_CONFIDENT_LEAD: f32 = 9.0;
/// … or, told in fewer characters, with this lead (宾川娃娃打疫苗去哪点打: 51 nats; no need
/// of any set that no entry answers came within 15 with a quarter of its words covered).
const TOPIC_SHORT_SURE_LEAD: f32 = 18.0;
/// A question that leads the runner-up by less than this is no guess in a need told in
/// fewer than `STORY_MIN_CHARS`: it would lift a question above the region's departments on
/// a word or two (自家承包山上的树想砍几棵: 商标, 2.7 nats ahead). A story has words enough
/// for a narrow lead to mean something.
const TOPIC_MIN_LEAD: f32 = 3.0;
/// A story whose question the classifier is this sure of (its lead over the runner-up, in
/// nats: [`Guess::lead`]), from at least this many of its characters and pairs, is answered
/// by that question: its entries rank first, and the answer is confident however little of
/// the story's words they have (the classifier learnt them from the phrasings table, not
/// the entries' text). (12 until round 14: with 20 phrasings a question, sibling questions
/// share more of a story's words: 石林 … 修车铺 … 执照 … 退掉 leads by 10.8.)
const TOPIC_SURE_LEAD: f32 = 10.0;
const TOPIC_SURE_FEATURES: usize = 12;
/// How far the classifier's question must lead the runner-up, in nats, to put a story's
/// confident answer of another question in doubt.
const TOPIC_DISPUTE_LEAD: f32 = 5.0;
/// How far the class of needs no entry answers ([`super::topics`], `data/search-beyond.tsv`)
/// must lead the nearest question, in nats, to keep the answer unconfident. (2.0 until
/// round 19: with the departments' business phrased, a price complaint to 物价局 that the
/// words answered confidently and the classifier could not place, 1.2 nats between two
/// questions, had the class 2.0 ahead; no unanswerable need of any set is nearer.)
const BEYOND_LEAD: f32 = 2.5;
/// The classifier's runner-up this likely takes second place in an unconfident story's
/// answer ([`Snapshot::offer_second`]).
const RUNNER_UP_P: f32 = 0.1;
/// Scores closer than this are equal (they differ only by the candidates' query weight,
/// [`CANDIDATE_SUM_WEIGHT`]).
const TIE: f32 = 0.01;
/// Every how many words of a candidate's word sets the ranking reads one ahead (see `rank`).
const PREFETCH_STRIDE: usize = 16;

/// A candidate, scored.
pub(super) struct Scored<'a> {
    score: f32,
    /// Share of the query's weight it covers ([`Coverage::share`]).
    coverage: f32,
    /// Whether a topic word matched what identifies it ([`Coverage::key`]).
    key: bool,
    /// Whether it answers a long spoken need ([`Coverage::story`]).
    story: bool,
    /// Whether it names a known topic word of a long need ([`Coverage::story_topic`]).
    story_topic: bool,
    /// Whether it names a known topic word of a need told in brief.
    brief_topic: bool,
    /// Whether it is a department the query names and asks a contact of
    /// ([`Coverage::asked_for`]).
    asked_for: bool,
    doc: &'a Arc<DocData>,
    /// Its place in code order: equal scores keep it.
    order: u32,
}

impl Snapshot {
    /// The hits for an analysed query, and whether the answer is confident.
    pub(super) fn run(
        &self,
        a: &Analysis,
        filter: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Hit>, bool), SearchError> {
        let words = self.weigh_words(a);
        let pinyin = a.pinyin_hashes();
        let has_text = words.iter().any(|v| !v.is_empty()) || !pinyin.is_empty();
        let no_pairs: Vec<Vec<Weighted>> = Vec::new();
        let mut scored = self.rank(a, filter, limit, &words, (&[], &no_pairs), &pinyin)?;
        // Homophone typos and words cut differently: when the words alone match poorly, the
        // pinyin pairs are tried too (a second, wider search; most queries never need it).
        let best = scored.first().map_or(0.0, |x| x.coverage);
        if has_text && best < PAIRS_BELOW {
            // Pinyin typed without spaces is looked up by its syllables with every variant.
            let py2: Vec<Vec<String>> = a
                .texts
                .iter()
                .map(|t| {
                    let mut pairs = text::pinyin_bigrams(t);
                    pairs.extend(a.pinyin_pairs.iter().cloned());
                    first_occurrences(pairs)
                })
                .collect();
            let pairs: Vec<Vec<Weighted>> = py2
                .iter()
                .map(|v| v.iter().map(|w| self.weigh_pair(w)).collect())
                .collect();
            scored = self.rank(a, filter, limit, &words, (&py2, &pairs), &pinyin)?;
        }
        // A query about another province or an organ the knowledge base lacks is never
        // answered confidently, however well its other words match.
        // Two names can sound the same (水务局, 税务局): typed in pinyin, the engine cannot
        // tell them apart.
        let typed_in_pinyin = !a.pinyin.is_empty();
        let mut confident = match scored.first() {
            Some(best) if has_text => {
                (is_confident(best.coverage, best.key)
                    || (told_at_length(a, STORY_MIN_CHARS)
                        && best.coverage >= STORY_MIN_SHARE
                        && (best.story || stands_out(&scored, |x| x.story_topic, STORY_MARGIN)))
                    || (told_at_length(a, BRIEF_MIN_CHARS)
                        && best.coverage >= STORY_MIN_SHARE
                        && stands_out(&scored, |x| x.brief_topic, BRIEF_MARGIN)
                        && !self.names_a_person(a, &words)))
                    && !self.names_what_it_lacks(a, &words, best.doc, filter.is_some())
                    && !(typed_in_pinyin && tied(&scored))
            }
            _ => false,
        };
        // Where the words leave the engine unsure, the topic classifier's question comes
        // up; a need told at length is answered confidently when it is very likely and the
        // best entry asks it. A story (told at `STORY_MIN_CHARS` or more) whose question the
        // classifier is sure of is asked even when the words were confident: its words are
        // the caller's circumstances (证明弄丢了 … 上户口), which may name another question
        // better than the one it asks.
        let story = told_at_length(a, STORY_MIN_CHARS);
        // A practical question about a department the need names (永平车管所中午休息不，下午
        // 几点开始上班) is that department's, whose hours and windows its entry shows: the
        // service centre's questions (几点上班, 在哪里) sound like every such need, so the
        // classifier's guess of one is not taken.
        let names_a_department = scored.first().is_some_and(|b| {
            b.doc.kind == Kind::Department && b.key && !b.doc.department.0.service_centre
        });
        let ranked = if has_text && (!confident || story) {
            self.topics.rank(&a.texts)
        } else {
            Vec::new()
        };
        let runner_up = ranked.get(1).copied().filter(|r| r.p >= RUNNER_UP_P);
        let guess = ranked
            .first()
            .copied()
            .filter(|g| g.known > 0)
            .map(|g| (g, self.question_of(g)))
            .filter(|(_, question)| {
                !(names_a_department
                    && question
                        .iter()
                        .all(|l| self.service_centre_kinds.iter().any(|s| &**s == l.kind())))
            });
        // A need the classifier takes for one no entry answers (高考报名 … where the
        // knowledge base has 中考报名) is answered, but never confidently.
        // A question the classifier is sure of (`TOPIC_SURE_LEAD`) outweighs the class,
        // however far the class leads: the class learnt spoken stories only, and a long
        // story sounds like them (a bear in the barley field … 要去哪个单位报 is forestry's,
        // with the class 23 nats ahead); no need of any set that no entry answers had a
        // question that sure without naming what the knowledge base lacks.
        let beyond = guess
            .as_ref()
            .is_some_and(|(g, _)| g.beyond >= BEYOND_LEAD && g.lead < TOPIC_SURE_LEAD);
        if beyond {
            confident = false;
        }
        if let Some((guess, question)) =
            guess.filter(|(g, _)| g.p >= TOPIC_MIN_P && (story || g.lead >= TOPIC_MIN_LEAD))
        {
            let sure = story
                && !beyond
                && guess.known >= TOPIC_SURE_FEATURES
                && guess.lead >= TOPIC_SURE_LEAD;
            let asked = scored
                .first()
                .is_some_and(|b| asks_one_of(b.doc, &question));
            // A story the words answer confidently with another department than the one
            // whose question the classifier clearly takes it for (银行说要先去登记才能放款 …
            // 做生意: 营业执照 by the words, 抵押登记 by the classifier): its circumstances
            // named the other; the classifier's question is lifted and the answer is no
            // longer sure. (A sibling question of the same department is left as it is.)
            let disputed = story
                && !beyond
                && guess.lead >= TOPIC_DISPUTE_LEAD
                && scored.first().is_some_and(|b| {
                    let kind = &*b.doc.department.0.kind;
                    !question.iter().any(|l| l.kind() == kind)
                });
            if !confident || (sure && !asked) || disputed {
                let mention_chains = self.mention_chains(a);
                let on = Scoring {
                    a,
                    words: &words,
                    pairs: &[],
                    pinyin: &pinyin,
                    mentions: &mention_chains,
                    filter: filter.map(|fl| self.regions.id(fl)),
                };
                let asks_it = self.lift_topic(
                    &mut scored,
                    (guess, &question),
                    (sure, disputed),
                    &on,
                    filter,
                );
                confident = asks_it
                    && !beyond
                    && scored.first().is_some_and(|b| {
                        (sure
                            || (guess.p >= TOPIC_CONFIDENT_P
                                && b.coverage >= TOPIC_MIN_SHARE
                                && ((guess.lead >= TOPIC_CONFIDENT_LEAD
                                    && told_at_length(a, BRIEF_MIN_CHARS))
                                    || guess.lead >= TOPIC_SHORT_SURE_LEAD)))
                            && !self.names_what_it_lacks(a, &words, b.doc, filter.is_some())
                    })
                    && !self.names_a_person(a, &words);
                // An unconfident story shows the classifier's question within the first
                // three however little of the story's words its entries have (居住证 for a
                // child's school: 小学 and 报名 are the enrolment's words), and its runner-up.
                if !confident && story {
                    self.offer_second(&mut scored, guess, &on, filter);
                    if let Some(r) = runner_up {
                        self.offer_second(&mut scored, r, &on, filter);
                    }
                }
            }
        }
        // A caller who names a department and asks how to reach it (质监局电话多少，加油站的
        // 加油机好像不准) is answered by that department, whatever the classifier takes the
        // rest of the need for.
        if !confident
            && let Some(b) = scored.first()
            && b.asked_for
            && !b.doc.department.0.service_centre
            && !self.names_what_it_lacks(a, &words, b.doc, filter.is_some())
            && !self.names_a_person(a, &words)
        {
            confident = true;
        }
        Ok((
            self.hits(scored, a, filter, limit),
            confident && !a.regions_in_doubt,
        ))
    }

    /// The hits shown for the ranked candidates: merged agencies answer with their
    /// successor, each entry once, within the filter, at most `limit`.
    fn hits(
        &self,
        scored: Vec<Scored<'_>>,
        a: &Analysis,
        filter: Option<&str>,
        limit: usize,
    ) -> Vec<Hit> {
        let mut items: Vec<Hit> = Vec::with_capacity(limit.min(scored.len()));
        // At most `limit` (≤ 50) entries: a scan costs less than a set.
        let mut shown: Vec<*const DocData> = Vec::with_capacity(limit.min(scored.len()));
        let marker = text::Marker::new(&highlight_words(a));
        let filter_id = filter.map(|fl| self.regions.id(fl));
        for Scored { score, doc, .. } in scored {
            if items.len() >= limit {
                break;
            }
            let (doc, note) = match self.successor(doc) {
                Some(s) => (s, Some(format!("原{}已并入{}。", doc.title, s.title))),
                None => (doc, None),
            };
            if shown.contains(&Arc::as_ptr(doc)) {
                continue;
            }
            shown.push(Arc::as_ptr(doc));
            if !self.within(doc, filter_id) {
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
        self.first_three_differ(&mut items, a);
        if items.len() < FEW_HITS.min(limit) {
            self.add_answers_departments(&mut items, &marker, filter_id, limit);
        } else if limit >= FEW_HITS {
            self.first_answers_department_within_three(&mut items, &marker, filter_id, limit);
        }
        items
    }

    /// The entry that answers for `doc` now that it was merged into another: its successor
    /// (`None` when it was not merged, or its successor is not indexed).
    fn successor(&self, doc: &DocData) -> Option<&Arc<DocData>> {
        doc.successor.as_ref().and_then(|s| self.entries.get(s))
    }

    /// The department that answers for an FAQ hit's, followed to its successor when it was
    /// merged, if it is within the operator's region filter.
    fn answers_department(
        &self,
        answer: &DocData,
        filter_id: Option<u32>,
    ) -> Option<&Arc<DocData>> {
        let dept = self.entries.get(&answer.department.0.summary.code)?;
        let dept = self.successor(dept).unwrap_or(dept);
        self.within(dept, filter_id).then_some(dept)
    }

    /// A department's card, at `score`, among the hits.
    fn department_hit(dept: &Arc<DocData>, marker: &text::Marker, score: f32) -> Hit {
        let (snippet, plain) = marker.highlight_prepared(&dept.text, SNIPPET_CHARS);
        Hit {
            entry: Arc::clone(dept),
            snippet,
            plain,
            score,
        }
    }

    /// Whether `doc` is within the operator's region filter (the region's id), if one is set:
    /// a successor or an answer's department can be another region's.
    fn within(&self, doc: &DocData, filter_id: Option<u32>) -> bool {
        filter_id.is_none_or(|fl| self.regions.chain_by_id(doc.region_id).contains(&fl))
    }

    /// The first answer's question in a region above its own (楚雄市's 占道经营, then 楚雄州's)
    /// goes below the first three when the query names that region nowhere: the operator
    /// reads the first three, and the same answer again told them nothing new where a rival
    /// question or department could be the one the caller meant. Its score is lowered to
    /// keep the order.
    fn first_three_differ(&self, items: &mut Vec<Hit>, a: &Analysis) {
        let Some(first) = items.first().filter(|h| h.entry.kind == Kind::Faq) else {
            return;
        };
        let (topic, region) = (first.entry.topic, first.entry.region_id);
        let chain = self.regions.chain_by_id(region);
        let again = |h: &Hit| {
            h.entry.kind == Kind::Faq
                && h.entry.topic == topic
                && h.entry.region_id != region
                && chain.contains(&h.entry.region_id)
                && !a
                    .regions
                    .mentions
                    .iter()
                    .any(|m| self.regions.id(&m.code) == h.entry.region_id)
        };
        let Some(at) = items.iter().take(FEW_HITS).position(again) else {
            return;
        };
        // Every repeat among the first three goes after the third hit that is none.
        let mut repeats = Vec::new();
        let mut i = at;
        while i < items.len().min(FEW_HITS) {
            if again(&items[i]) {
                repeats.push(items.remove(i));
            } else {
                i += 1;
            }
        }
        // The first hit is none: `at` is at least 1.
        let at = FEW_HITS.min(items.len());
        let floor = items[..at].last().map_or(f32::MAX, |h| h.score);
        for (n, mut h) in repeats.into_iter().enumerate() {
            h.score = h.score.min(floor);
            items.insert(at + n, h);
        }
    }

    /// The department of the first answer among the first three hits, third unless it is
    /// there already (宁洱农机站, 买微耕机的补贴咋个申请: the farmland subsidy FAQ first, then
    /// the agriculture bureau, whose phones answer what that FAQ does not): the office the
    /// operator passes the caller to when the answer falls short.
    fn first_answers_department_within_three(
        &self,
        items: &mut Vec<Hit>,
        marker: &text::Marker,
        filter_id: Option<u32>,
        limit: usize,
    ) {
        let Some(first) = items.first().filter(|h| h.entry.kind == Kind::Faq) else {
            return;
        };
        let code = &first.entry.department.0.summary.code;
        // Another answer of the same department shows it already.
        if items
            .iter()
            .take(FEW_HITS)
            .skip(1)
            .any(|h| h.entry.kind == Kind::Faq && h.entry.department.0.summary.code == *code)
        {
            return;
        }
        let Some(dept) = self.answers_department(&first.entry, filter_id).cloned() else {
            return;
        };
        if items
            .iter()
            .take(FEW_HITS)
            .any(|h| Arc::ptr_eq(&h.entry, &dept))
        {
            return;
        }
        items.retain(|h| !Arc::ptr_eq(&h.entry, &dept));
        let at = FEW_HITS - 1;
        let score = items.get(at).map_or(0.0, |h| h.score);
        items.insert(at, Self::department_hit(&dept, marker, score));
        items.truncate(limit);
    }

    /// After the few answers found (跑网约车要办哪样证: one FAQ entry), their departments,
    /// each once, ranked below every hit.
    fn add_answers_departments(
        &self,
        items: &mut Vec<Hit>,
        marker: &text::Marker,
        filter_id: Option<u32>,
        limit: usize,
    ) {
        // A department merged since its answer was written answers by its successor.
        let answers: Vec<(Arc<DocData>, f32)> = items
            .iter()
            .filter(|h| h.entry.kind == Kind::Faq)
            .filter_map(|h| {
                Some((
                    Arc::clone(self.answers_department(&h.entry, filter_id)?),
                    h.score,
                ))
            })
            .collect();
        for (dept, score) in answers {
            let lowest = items.last().map_or(score, |h| h.score);
            if items.len() >= FEW_HITS.min(limit) {
                break;
            }
            if items.iter().any(|h| Arc::ptr_eq(&h.entry, &dept)) {
                continue;
            }
            let score = ((score * ANSWERS_DEPARTMENT).min(lowest) * 1000.0).round() / 1000.0;
            items.push(Self::department_hit(&dept, marker, score));
        }
    }

    /// Candidates from tantivy, ranked.
    fn rank(
        &self,
        a: &Analysis,
        filter: Option<&str>,
        limit: usize,
        words: &[Vec<Weighted>],
        (py2, pairs): (&[Vec<String>], &[Vec<Weighted>]),
        pinyin: &[u32],
    ) -> Result<Vec<Scored<'_>>, SearchError> {
        let f = self.fields;
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
                    terms.push((f.sec, w, IN_ANSWERS * wt.weight));
                } else {
                    terms.push((f.all, w, wt.weight));
                }
            }
        }
        for (v, ws) in py2.iter().zip(pairs) {
            for (p, wt) in v.iter().zip(ws) {
                if wt.weight >= MIN_PAIR_WEIGHT && push_new(&mut seen, p) {
                    terms.push((f.py2, p, PAIR_SHARE * wt.weight));
                }
            }
        }
        for p in &a.pinyin {
            terms.push((f.pyi, p, PINYIN_NAME_WEIGHT));
        }
        let mut candidates = if has_text && !terms.is_empty() {
            self.text_candidates(&terms, a, filter, CANDIDATES)?
        } else {
            Vec::new()
        };
        // Nothing matched the words: a search never answers an empty list when part of the
        // query matched something. Pinyin typed in a hurry may be the start of a name
        // (ljsbdc: 丽江市不动产登记中心, ljsbdcdjzx) …
        let mut starts: Vec<String> = Vec::new();
        if candidates.is_empty() {
            for p in a.pinyin.iter().filter(|p| p.len() >= MIN_NAME_START) {
                starts.extend(self.words_with_prefix(f.pyi, p, NAME_STARTS)?);
            }
        }
        if !starts.is_empty() {
            let terms: Vec<(Field, &str, f32)> = starts
                .iter()
                .map(|w| (f.pyi, w.as_str(), PINYIN_NAME_WEIGHT))
                .collect();
            candidates = self.text_candidates(&terms, a, filter, CANDIDATES)?;
        }
        // … and a region named (or the operator's filter) with words that match nothing
        // lists its departments, for browsing. Neither is ever confident (nothing of the need
        // is covered).
        let browse = if a.regions.mentions.is_empty() {
            filter.filter(|_| has_text)
        } else {
            self.place_of_need(a, filter)
        };
        if candidates.is_empty()
            && let Some(code) = browse
        {
            candidates = self.region_departments(code, filter, limit.max(BROWSE_AT_LEAST))?;
        }

        // Ranking.
        let mut scored: Vec<Scored> = Vec::with_capacity(candidates.len());
        let mention_chains = self.mention_chains(a);
        let filter_id = filter.map(|fl| self.regions.id(fl));
        // Read a little of every candidate's word sets first: these loads do not wait for
        // one another, so their cache misses overlap instead of coming one at a time inside
        // the coverage loop below.
        let mut touch = 0u32;
        for c in &candidates {
            for w in c.doc.own_words().iter().step_by(PREFETCH_STRIDE) {
                touch ^= *w;
            }
            // The shared sets (department name, answer) start elsewhere.
            for set in [c.doc.inherited(), c.doc.secondary()] {
                touch ^= set.first().copied().unwrap_or(0);
            }
        }
        std::hint::black_box(touch);
        for c in candidates {
            let on = Scoring {
                a,
                words,
                pairs,
                pinyin,
                mentions: &mention_chains,
                filter: filter_id,
            };
            scored.push(self.score(c.doc, c.sum, c.order, &on));
        }
        sort(&mut scored);
        Ok(scored)
    }

    /// One candidate scored.
    /// The region chains of the regions the query names, with their weights.
    fn mention_chains(&self, a: &Analysis) -> Vec<(&[u32], f32)> {
        a.regions
            .mentions
            .iter()
            .map(|m| (self.regions.chain_ids(&m.code), m.weight))
            .filter(|(chain, _)| !chain.is_empty())
            .collect()
    }

    fn score<'s>(
        &'s self,
        doc: &'s Arc<DocData>,
        sum: f32,
        order: u32,
        on: &Scoring<'_>,
    ) -> Scored<'s> {
        let a = on.a;
        let Coverage {
            share: cov,
            key,
            ident,
            story,
            story_topic,
            brief_topic,
            specificity,
            asked_for,
        } = coverage(doc, on.words, on.pairs, on.pinyin, &a.pinyin_sounds);
        let mut score = COVERAGE_WEIGHT * cov
            + IDENT_BONUS * ident
            + CANDIDATE_SUM_WEIGHT * sum
            + SPECIFICITY_WEIGHT * specificity;
        let chain = self.regions.chain_by_id(doc.region_id);
        score += region_bonus(doc.region_id, chain, on.mentions, on.filter);
        score += match (doc.kind, a.asks_question) {
            (Kind::Faq, true) | (Kind::Department, false) => KIND_BONUS,
            _ => 0.0,
        };
        Scored {
            score,
            coverage: cov,
            key,
            story,
            story_topic,
            brief_topic,
            asked_for,
            doc,
            order,
        }
    }

    /// The region a need is about: the first one the query names within the operator's
    /// filter, else the filter. A region named outside the filter (娃娃在昆明读了两年书 …
    /// filtered on 巧家) is where the caller was, and every entry of it would be filtered
    /// out: browsing it or adding its entry answered an empty list.
    fn place_of_need<'q>(&self, a: &'q Analysis, filter: Option<&'q str>) -> Option<&'q str> {
        self.places_of_need(a, filter).next()
    }

    /// Every region the query names within the operator's filter, the first the place of
    /// the need; else the filter.
    fn places_of_need<'q>(
        &self,
        a: &'q Analysis,
        filter: Option<&'q str>,
    ) -> impl Iterator<Item = &'q str> {
        let mut named = a
            .regions
            .mentions
            .iter()
            .map(|m| m.code.as_str())
            .filter(move |code| {
                filter.is_none_or(|fl| self.regions.chain(code).iter().any(|c| c == fl))
            })
            .peekable();
        let none = named.peek().is_none();
        named.chain(filter.filter(|_| none))
    }

    /// The question of the classifier's `guess`: `zjj-1` and the labels of the entries
    /// numbered apart that ask it, or a department's class (`lcj`).
    fn question_of(&self, guess: Guess) -> Vec<Label<'_>> {
        self.topics
            .labels(guess.class)
            .iter()
            .map(|l| Label::parse(l))
            .collect()
    }

    /// Lifts the entries that ask the question the topic classifier takes the query for
    /// (`guess`, whose entries' labels are `labels`), adding that question's entry in the
    /// region the caller named or the operator chose (or the nearest region above it that
    /// has one) when the words did not find it; whether the best entry then asks it.
    /// `disputed`: the words answered another department's question confidently; the
    /// classifier's question then comes at least second, after the words' answer.
    fn lift_topic<'s>(
        &'s self,
        scored: &mut Vec<Scored<'s>>,
        (guess, labels): (Guess, &[Label<'_>]),
        (sure, disputed): (bool, bool),
        on: &Scoring<'_>,
        filter: Option<&str>,
    ) -> bool {
        let asks_any = |doc: &DocData| asks_one_of(doc, labels);
        // Sure of the question: its entries above every other (scores are not negative),
        // in the order the words and regions put them.
        let top = if sure {
            scored.first().map_or(0.0, |b| b.score.max(0.0))
        } else {
            0.0
        };
        let lift = TOPIC_LIFT * guess.p + top;
        for s in scored.iter_mut() {
            if asks_any(s.doc) {
                s.score += lift;
            }
        }
        if let Some(label) = labels.first() {
            for region in self.places_of_need(on.a, filter) {
                if let Some(doc) = self.entry_of(*label, region)
                    && !scored.iter().any(|s| Arc::ptr_eq(s.doc, doc))
                {
                    let mut s = self.score(doc, 0.0, u32::MAX, on);
                    s.score += lift;
                    scored.push(s);
                }
            }
        }
        sort(scored);
        if disputed
            && let Some(i) = scored.iter().position(|s| asks_any(s.doc))
            && i > 1
        {
            let mut s = scored.remove(i);
            // Between the first and the second, so the scores stay in order.
            s.score = (scored[0].score + scored[1].score) / 2.0;
            scored.insert(1, s);
        }
        scored.first().is_some_and(|b| asks_any(b.doc))
    }

    /// The entry of `label` in `region`, or in the nearest region above it that has one.
    fn entry_of(&self, label: Label<'_>, region: &str) -> Option<&Arc<DocData>> {
        self.regions
            .chain(region)
            .iter()
            .find_map(|r| self.entries.get(&label.code_in(r)))
    }

    /// Second place for a question of the classifier's (`guess`: its first or its
    /// runner-up): its entry in the place of need, unless one of the first three already
    /// asks it. An unconfident story is two
    /// needs the classifier cannot tell apart as often as one the words miss (茶厂 … 职工自己
    /// 的组织: 市场监管 0.75, 总工会 0.17), and the operator reads the first three; the third
    /// is the first answer's department (`first_answers_department_within_three`).
    fn offer_second<'s>(
        &'s self,
        scored: &mut Vec<Scored<'s>>,
        guess: Guess,
        on: &Scoring<'_>,
        filter: Option<&str>,
    ) {
        let labels = self.question_of(guess);
        let Some(label) = labels.first() else {
            return;
        };
        if scored.iter().take(3).any(|s| asks_one_of(s.doc, &labels)) {
            return;
        }
        let Some(region) = self.place_of_need(on.a, filter) else {
            return;
        };
        let Some(doc) = self.entry_of(*label, region) else {
            return;
        };
        let mut s = match scored.iter().position(|s| Arc::ptr_eq(s.doc, doc)) {
            Some(i) => scored.remove(i),
            None => self.score(doc, 0.0, u32::MAX, on),
        };
        if scored.len() >= 2 {
            // Between the first and the second, so the scores stay in order.
            s.score = (scored[0].score + scored[1].score) / 2.0;
            scored.insert(1, s);
        } else {
            s.score = scored.last().map_or(s.score, |l| l.score.min(s.score));
            scored.push(s);
        }
    }
}

/// What a candidate is scored against: the query, its words weighed, the regions it names
/// (their chains and weights) and the operator's filter.
struct Scoring<'q> {
    a: &'q Analysis,
    words: &'q [Vec<Weighted>],
    pairs: &'q [Vec<Weighted>],
    pinyin: &'q [u32],
    mentions: &'q [(&'q [u32], f32)],
    filter: Option<u32>,
}

/// Best first; equal scores in code order (every live entry has its own place).
fn sort(scored: &mut [Scored<'_>]) {
    scored.sort_unstable_by(|x, y| {
        y.score
            .partial_cmp(&x.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(x.order.cmp(&y.order))
    });
}

/// Whether `doc` asks one of the questions `labels`.
fn asks_one_of(doc: &DocData, labels: &[Label<'_>]) -> bool {
    labels.iter().any(|l| asks(doc, *l))
}

/// Whether `doc` is the entry of `label` in its region: the FAQ entry numbered so of a
/// department of the label's kind, or such a department itself.
fn asks(doc: &DocData, label: Label<'_>) -> bool {
    let d = &doc.department.0;
    match label {
        Label::Department { kind } => doc.kind == Kind::Department && &*d.kind == kind,
        Label::Question { kind, number } => {
            doc.kind == Kind::Faq
                && &*d.kind == kind
                && doc
                    .code
                    .strip_prefix(d.summary.code.as_str())
                    .and_then(|rest| rest.strip_prefix('-'))
                    == Some(number)
        }
    }
}

/// Region evidence: the named region itself, then its parent (which answers what a county
/// lacks), the regions under it, and those higher up; with a filter, its own region first.
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
            IN_NAMED_REGION
        } else if let Some(depth) = chain.iter().position(|c| *c == code) {
            if depth == 1 {
                IN_CHILD_OF_NAMED
            } else {
                BELOW_NAMED
            }
        } else if let Some(up) = named.iter().position(|c| *c == region) {
            if up == 1 {
                IN_PARENT_OF_NAMED
            } else {
                ABOVE_NAMED
            }
        } else {
            0.0
        };
        best = best.max(b * weight);
    }
    if let Some(fl) = filter {
        best += match chain.iter().position(|c| *c == fl) {
            Some(0) => IN_FILTER_REGION,
            Some(1) => IN_CHILD_OF_FILTER,
            _ => 0.0,
        };
    }
    best
}

/// Whether an entry of another topic in the best one's region scores as well as it
/// (wenshanshuiwuju: 水务局 and 税务局 sound the same): the engine cannot tell which is
/// meant. (Between regions, the higher one is taken: chuxiong is 楚雄州 before 楚雄市.)
fn tied(scored: &[Scored<'_>]) -> bool {
    let Some(best) = scored.first() else {
        return false;
    };
    scored
        .iter()
        .skip(1)
        .take_while(|x| best.score - x.score < TIE)
        .any(|x| x.doc.region_id == best.doc.region_id && x.doc.topic != best.doc.topic)
}

/// Whether the best entry of a long need names a known topic word of it and no entry of
/// another kind of department comes within [`STORY_MARGIN`]: the department that answers
/// is sure, even when its own entries compete (出入境 for a passport story, whichever of its
/// questions comes first), and so is the same department in other regions.
fn stands_out(scored: &[Scored<'_>], topic: impl Fn(&Scored<'_>) -> bool, margin: f32) -> bool {
    let Some(best) = scored.first().filter(|b| topic(b)) else {
        return false;
    };
    let rival = scored
        .iter()
        .skip(1)
        .find(|x| x.doc.dept_kind != best.doc.dept_kind)
        .map_or(0.0, |x| x.score);
    best.score - rival >= margin
}

/// Whether the caller told the need in at least `chars` characters besides the region.
fn told_at_length(a: &Analysis, chars: usize) -> bool {
    told_chars(a) >= chars
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
