//! A topic classifier distilled at index time from the knowledge base itself, asked only
//! where the lexical ranking is unsure. Each question asked in every region (`zjj-1`:
//! 公租房怎么申请) is a class, learnt from its question, keywords and answer without their
//! region names, and from the synonym rows whose replacement its question names (a row
//! 退伍 → 退役军人 teaches 退役军人优待证 the word 退伍), and from how callers voice it: the
//! built-in phrasings table (`data/search-phrasings.tsv`) and the editors' rows. It reads
//! characters and pairs of characters, not words: a caller's words that the segmenter cuts
//! otherwise than the knowledge base's (退伍兵, 八十五了) still share characters with them. Multinomial naive
//! Bayes: a few thousand features by a hundred classes, trained in milliseconds.

use std::hash::Hasher;

use rustc_hash::{FxHashMap, FxHasher};

use crate::search::model::{Phrasing, Synonym};
use crate::search::text::{self, is_han};

/// Entries learnt per label (`zjj-1`, the same question in every region): a few stand for
/// all of them, and a large knowledge base costs no more to learn.
const EXAMPLES_PER_LABEL: u8 = 3;
/// Labels a class keeps (entries numbered apart that ask the same question).
const LABELS_PER_CLASS: usize = 32;
/// How much each kind of text counts: the question (and keywords) says what the entry is
/// about; its answer is longer and says much that other answers say too; a synonym row is
/// how callers say it.
const QUESTION_WEIGHT: f32 = 3.0;
const ANSWER_WEIGHT: f32 = 1.0;
const SYNONYM_WEIGHT: f32 = 2.0;
/// A caller's phrasing of the question (`data/search-phrasings.tsv`) is how callers say it
/// too, in a whole sentence: it counts as much as a synonym row.
const PHRASING_WEIGHT: f32 = 2.0;
/// An editor's phrasing is a correction: added because a caller's story went unanswered, it
/// must answer the next one however many built-in rows its question has (with 20 a question,
/// one row at the built-in weight no longer did).
const EDITOR_PHRASING_WEIGHT: f32 = 4.0;
/// Additive smoothing of the feature counts.
const SMOOTHING: f32 = 0.5;

/// One class: a question (its Chinese characters, without region names), the labels of
/// the entries that ask it, and what it learns from.
#[derive(Debug, Clone, Default)]
struct Examples {
    labels: Vec<String>,
    /// Questions and keywords, without region names.
    questions: Vec<String>,
    answers: Vec<String>,
    /// The built-in phrasings table's rows for it, normalised (the editors' are the
    /// model's: they change while it serves).
    phrasings: Vec<String>,
    /// The first question as asked, without its region or keywords, to show.
    shown: String,
    /// The class of needs no entry answers (`data/search-beyond.tsv`): no labels, and its
    /// guess says the knowledge base does not know.
    beyond: bool,
}

/// The class whose entries have the label `label`.
fn class_of(classes: &[Examples], label: &str) -> Option<usize> {
    classes
        .iter()
        .position(|c| c.labels.iter().any(|l| l == label))
}

/// A class's label as the ranking reads it: a question asked in every region (`zjj-1`, its
/// department's kind and the entry's number) or a department of its own (`lcj`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Label<'l> {
    Question { kind: &'l str, number: &'l str },
    Department { kind: &'l str },
}

impl<'l> Label<'l> {
    pub(super) fn parse(label: &'l str) -> Label<'l> {
        match label.split_once('-') {
            Some((kind, number)) => Label::Question { kind, number },
            None => Label::Department { kind: label },
        }
    }

    /// The department kind the label is of.
    pub(super) fn kind(self) -> &'l str {
        match self {
            Label::Question { kind, .. } | Label::Department { kind } => kind,
        }
    }

    /// The code of the label's entry in `region`: `530102-zjj-1`, or the department
    /// `530102-lcj`.
    pub(super) fn code_in(self, region: &str) -> String {
        match self {
            Label::Question { kind, number } => format!("{region}-{kind}-{number}"),
            Label::Department { kind } => format!("{region}-{kind}"),
        }
    }
}

/// Collects the examples while the index is built.
#[derive(Debug, Default)]
pub(super) struct TopicTrainer {
    /// Entries learnt per label.
    learnt: FxHashMap<String, u8>,
    by_question: FxHashMap<String, usize>,
    classes: Vec<Examples>,
}

impl TopicTrainer {
    /// Whether an entry of `label` is still wanted (the caller then makes its texts:
    /// stripping the region names costs more than asking).
    pub(super) fn wants(&self, label: &str) -> bool {
        self.learnt
            .get(label)
            .is_none_or(|&n| n < EXAMPLES_PER_LABEL)
    }

    /// One entry of `label`: its question (with keywords) and answer, without region
    /// names, and the question to show (without keywords). Entries whose questions have the
    /// same characters are one class.
    pub(super) fn add(&mut self, label: &str, question: String, answer: String, shown: String) {
        *self.learnt.entry(label.to_string()).or_default() += 1;
        let key: String = question.chars().filter(|c| is_han(*c)).collect();
        let i = match self.by_question.get(&key) {
            Some(&i) => i,
            None => {
                self.classes.push(Examples::default());
                self.by_question.insert(key, self.classes.len() - 1);
                self.classes.len() - 1
            }
        };
        let c = &mut self.classes[i];
        if c.shown.is_empty() {
            c.shown = shown;
        }
        if c.labels.len() < LABELS_PER_CLASS && !c.labels.iter().any(|l| l == label) {
            c.labels.push(label.to_string());
        }
        // One answer per distinct question: the same answer says other things in each
        // region (an address), which are no more this question's than another's.
        if !c.questions.contains(&question) {
            c.questions.push(question);
            c.answers.push(answer);
        }
    }

    /// A department is a class of its own, labelled by its kind (`lcj`), learnt from its
    /// names without region names and from the phrasings table's rows of that label: a
    /// story of a tree to fell finds the forestry bureau, which answers no question (no FAQ
    /// entry in any region), and one of sick pigs the agriculture bureau, whose questions
    /// are others. A kind whose departments ask questions is a class only when the table
    /// has rows for its business beyond them (`phrased`): its names alone would take its
    /// questions' needs. Call after every FAQ entry's `add`.
    pub(super) fn add_department(
        &mut self,
        kind: &str,
        (names, shown): (String, String),
        phrased: bool,
    ) {
        let asks_questions = self.classes.iter().any(|c| {
            c.labels
                .iter()
                .any(|l| matches!(Label::parse(l), Label::Question { kind: k, .. } if k == kind))
        });
        if asks_questions && !phrased {
            return;
        }
        let i = match class_of(&self.classes, kind) {
            Some(i) => i,
            None => {
                self.classes.push(Examples {
                    labels: vec![kind.to_string()],
                    shown,
                    ..Examples::default()
                });
                self.classes.len() - 1
            }
        };
        let c = &mut self.classes[i];
        if !c.questions.contains(&names) {
            c.questions.push(names);
        }
    }

    /// The phrasings table's rows (`scj-5`, how a caller says it): each teaches the class
    /// whose entries have that label. A row whose label no entry has teaches nothing.
    pub(super) fn add_phrasings(&mut self, rows: &[(String, String)]) {
        for (label, phrasing) in rows {
            if let Some(i) = class_of(&self.classes, label) {
                self.classes[i].phrasings.push(text::normalize(phrasing));
            }
        }
    }

    /// Needs the knowledge base does not answer, as callers voice them (高考志愿怎么填): one
    /// class of their own, so that a story about them is no longer taken for the nearest
    /// question the knowledge base has (高考报名 for 中考报名).
    pub(super) fn add_beyond(&mut self, rows: &[(String, String)]) {
        let phrasings: Vec<String> = rows.iter().map(|(_, p)| text::normalize(p)).collect();
        if !phrasings.is_empty() {
            self.classes.push(Examples {
                phrasings,
                beyond: true,
                ..Examples::default()
            });
        }
    }

    pub(super) fn train(self, synonyms: &[Synonym], phrasings: &[Phrasing]) -> TopicModel {
        TopicModel::new(self.classes, synonyms.to_vec(), phrasings.to_vec())
    }
}

/// The trained classifier. Sparse: a feature keeps only the classes that have it, what
/// having it adds over the smoothed log probability of a class that does not.
#[derive(Debug, Default)]
pub(super) struct TopicModel {
    classes: Vec<Examples>,
    /// What it learnt besides the entries, kept to learn again when one of them changes:
    /// the synonym table and the editors' phrasings.
    synonyms: Vec<Synonym>,
    phrasings: Vec<Phrasing>,
    /// Per class: log P(a feature it never saw | class).
    unseen: Vec<f32>,
    rows: FxHashMap<u64, Box<[(u32, f32)]>>,
}

/// A query's most likely class.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Guess {
    pub(super) class: u32,
    /// Its posterior probability (uniform prior).
    pub(super) p: f32,
    /// How many of the query's features the model knows.
    pub(super) known: usize,
    /// How much likelier it is than the runner-up, in nats (0 for the others). Naive Bayes
    /// counts a character and the pairs it is part of as if independent, so its
    /// probabilities are near 0 or 1; the lead tells a sure guess from a lucky one.
    pub(super) lead: f32,
    /// How much likelier the class of needs no entry answers is than this question, in
    /// nats (the first guess only; negative when the question is likelier).
    pub(super) beyond: f32,
}

impl TopicModel {
    fn new(classes: Vec<Examples>, synonyms: Vec<Synonym>, phrasings: Vec<Phrasing>) -> TopicModel {
        let mut counts: FxHashMap<u64, FxHashMap<u32, f32>> = FxHashMap::default();
        let mut totals = vec![0.0f32; classes.len()];
        let mut learn = |class: usize, text: &str, weight: f32| {
            for f in features(text) {
                *counts
                    .entry(f)
                    .or_default()
                    .entry(class as u32)
                    .or_default() += weight;
                totals[class] += weight;
            }
        };
        for (i, c) in classes.iter().enumerate() {
            for q in &c.questions {
                learn(i, q, QUESTION_WEIGHT);
            }
            for a in &c.answers {
                learn(i, a, ANSWER_WEIGHT);
            }
            for p in &c.phrasings {
                learn(i, p, PHRASING_WEIGHT);
            }
        }
        // An editor's phrasing teaches the class of its label, as a built-in one does, at
        // twice the weight (`EDITOR_PHRASING_WEIGHT`).
        for p in &phrasings {
            if let Some(i) = class_of(&classes, &p.label) {
                learn(i, &text::normalize(&p.phrasing), EDITOR_PHRASING_WEIGHT);
            }
        }
        // A synonym row teaches the classes whose question names its replacement.
        for s in &synonyms {
            let term = text::normalize(&s.term);
            let rep: String = text::normalize(&s.replacement).split_whitespace().collect();
            if rep.chars().count() < 2 {
                continue;
            }
            for (i, c) in classes.iter().enumerate() {
                if c.questions.iter().any(|q| q.contains(&rep)) {
                    learn(i, &term, SYNONYM_WEIGHT);
                }
            }
        }
        let vocabulary = counts.len() as f32;
        let unseen: Vec<f32> = totals
            .iter()
            .map(|t| (SMOOTHING / (t + SMOOTHING * vocabulary)).ln())
            .collect();
        let rows = counts
            .into_iter()
            .map(|(f, per_class)| {
                let mut row: Vec<(u32, f32)> = per_class
                    .into_iter()
                    .map(|(c, n)| {
                        let t = totals[c as usize] + SMOOTHING * vocabulary;
                        (c, ((n + SMOOTHING) / t).ln() - unseen[c as usize])
                    })
                    .collect();
                row.sort_unstable_by_key(|(c, _)| *c);
                (f, row.into_boxed_slice())
            })
            .collect();
        TopicModel {
            classes,
            synonyms,
            phrasings,
            unseen,
            rows,
        }
    }

    /// The same classes learnt again with another synonym table, another table of
    /// editors' phrasings, or both (`None`: the one it learnt).
    pub(super) fn retrained(
        &self,
        synonyms: Option<&[Synonym]>,
        phrasings: Option<&[Phrasing]>,
    ) -> TopicModel {
        TopicModel::new(
            self.classes.clone(),
            synonyms.map_or_else(|| self.synonyms.clone(), <[Synonym]>::to_vec),
            phrasings.map_or_else(|| self.phrasings.clone(), <[Phrasing]>::to_vec),
        )
    }

    /// Every text it learnt from but the answers: the questions, the phrasings (built in,
    /// the editors' and the needs no entry answers) and both sides of the synonym rows.
    /// (The words a need is told in; the answers' are the knowledge base's prose.)
    pub(super) fn texts(&self) -> impl Iterator<Item = &str> {
        let classes = self
            .classes
            .iter()
            .flat_map(|c| c.questions.iter().chain(&c.phrasings))
            .map(String::as_str);
        let phrasings = self.phrasings.iter().map(|p| p.phrasing.as_str());
        let synonyms = self
            .synonyms
            .iter()
            .flat_map(|s| [s.term.as_str(), s.replacement.as_str()]);
        classes.chain(phrasings).chain(synonyms)
    }

    /// Each question's label (`scj-5`) with its question as asked (without the region),
    /// in label order.
    pub(super) fn questions(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .classes
            .iter()
            .flat_map(|c| c.labels.iter().map(|l| (l.clone(), c.shown.clone())))
            .collect();
        out.sort();
        out
    }

    /// Whether some entry asks the question labelled `label`.
    pub(super) fn knows(&self, label: &str) -> bool {
        class_of(&self.classes, label).is_some()
    }

    /// The labels of the entries that ask a class's question (`zjj-1`).
    pub(super) fn labels(&self, class: u32) -> &[String] {
        self.classes
            .get(class as usize)
            .map_or(&[], |c| c.labels.as_slice())
    }

    /// The classes by posterior probability, most likely first, for the query's texts
    /// (its variants: as said, and with everyday words replaced).
    pub(super) fn rank(&self, texts: &[String]) -> Vec<Guess> {
        let n = self.classes.len();
        if n == 0 {
            return Vec::new();
        }
        let mut seen: Vec<u64> = Vec::new();
        let mut scores = vec![0.0f32; n];
        let mut known = 0usize;
        for t in texts {
            for f in features(t) {
                if seen.contains(&f) {
                    continue;
                }
                seen.push(f);
                if let Some(row) = self.rows.get(&f) {
                    known += 1;
                    for (c, extra) in row.iter() {
                        scores[*c as usize] += extra;
                    }
                }
            }
        }
        for (s, u) in scores.iter_mut().zip(&self.unseen) {
            *s += known as f32 * u;
        }
        // The questions compete among themselves; the class of what no entry answers is
        // only weighed against the first of them.
        let real = |c: usize| !self.classes[c].beyond;
        let top = (0..n)
            .filter(|&c| real(c))
            .map(|c| scores[c])
            .fold(f32::NEG_INFINITY, f32::max);
        let z: f32 = (0..n)
            .filter(|&c| real(c))
            .map(|c| (scores[c] - top).exp())
            .sum();
        let mut out: Vec<Guess> = (0..n)
            .filter(|&c| real(c))
            .map(|c| Guess {
                class: c as u32,
                p: (scores[c] - top).exp() / z,
                known,
                lead: 0.0,
                beyond: f32::NEG_INFINITY,
            })
            .collect();
        out.sort_by(|a, b| b.p.total_cmp(&a.p));
        // The lead is over the nearest other answer: a department's own class and a question
        // of that department are one answer (退伍 … 安置: tyj-1 and tyj; the class of a
        // department's business beyond its questions shares its questions' words).
        let second = out.first().map_or(top, |first| {
            let first = &self.classes[first.class as usize];
            out.iter()
                .skip(1)
                .find(|g| !one_answer(first, &self.classes[g.class as usize]))
                .map_or(top, |g| scores[g.class as usize])
        });
        let beyond = (0..n)
            .filter(|&c| !real(c))
            .map(|c| scores[c])
            .fold(f32::NEG_INFINITY, f32::max);
        if let Some(first) = out.first_mut() {
            first.lead = top - second;
            first.beyond = beyond - top;
        }
        out
    }
}

/// Whether two classes are one answer: a department's own class and one of its questions
/// (not two questions, which are two answers of one department).
fn one_answer(a: &Examples, b: &Examples) -> bool {
    let (Some(la), Some(lb)) = (a.labels.first(), b.labels.first()) else {
        return false;
    };
    let (la, lb) = (Label::parse(la), Label::parse(lb));
    la.kind() == lb.kind()
        && (matches!(la, Label::Department { .. }) || matches!(lb, Label::Department { .. }))
}

/// The features of a text: each Chinese character, and each pair of neighbouring ones.
fn features(text: &str) -> Vec<u64> {
    let mut out = Vec::new();
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if !is_han(c) {
            prev = None;
            continue;
        }
        out.push(c as u64);
        if let Some(p) = prev {
            let mut h = FxHasher::default();
            h.write_u32(p as u32);
            h.write_u32(c as u32);
            // Above every character's code, so a pair never equals a character.
            out.push(h.finish() | (1 << 63));
        }
        prev = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_a_question_or_a_department_and_names_its_entry_in_a_region() {
        let q = Label::parse("zjj-1");
        assert_eq!(
            q,
            Label::Question {
                kind: "zjj",
                number: "1"
            }
        );
        assert_eq!(
            (q.kind(), q.code_in("530102").as_str()),
            ("zjj", "530102-zjj-1")
        );
        let d = Label::parse("lcj");
        assert_eq!(d, Label::Department { kind: "lcj" });
        assert_eq!(
            (d.kind(), d.code_in("530102").as_str()),
            ("lcj", "530102-lcj")
        );
    }

    fn model() -> TopicModel {
        trainer().train(
            &[Synonym {
                id: 1,
                term: "退伍".into(),
                replacement: "退役军人".into(),
            }],
            &[],
        )
    }

    /// Three questions, learnt from their entries alone.
    fn trainer() -> TopicTrainer {
        let mut t = TopicTrainer::default();
        t.add(
            "zjj-1",
            "公租房怎么申请".into(),
            "符合条件的住房困难家庭可申请轮候配租".into(),
            String::new(),
        );
        t.add(
            "tyj-1",
            "退役军人优待证怎么申领".into(),
            "退役军人可向退役军人服务站申请".into(),
            String::new(),
        );
        t.add(
            "mzj-2",
            "高龄津贴怎么申请".into(),
            "年满80周岁的老年人按月发放".into(),
            String::new(),
        );
        t
    }

    #[test]
    fn a_story_finds_the_question_whose_characters_it_shares() {
        let m = model();
        let best = m.rank(&["我是退伍兵去景区能免门票吗".into()])[0];
        assert_eq!(m.labels(best.class), ["tyj-1"]);
        assert!(best.p > 0.9, "{best:?}");
        let best = m.rank(&["家里困难想租便宜的房子".into()])[0];
        assert_eq!(m.labels(best.class), ["zjj-1"]);
    }

    #[test]
    fn entries_that_ask_the_same_question_are_one_class() {
        let mut t = TopicTrainer::default();
        for label in ["zjj-1", "zjj-1v1", "zjj-1v2", "zjj-1v3"] {
            for _ in 0..5 {
                if t.wants(label) {
                    t.add(
                        label,
                        "公租房怎么申请 1".into(),
                        "轮候配租".into(),
                        String::new(),
                    );
                }
            }
        }
        t.add(
            "tyj-1",
            "退役军人优待证怎么申领".into(),
            "退役军人服务站".into(),
            String::new(),
        );
        let m = t.train(&[], &[]);
        let best = m.rank(&["公租房".into()])[0];
        assert_eq!(
            m.labels(best.class),
            ["zjj-1", "zjj-1v1", "zjj-1v2", "zjj-1v3"]
        );
    }

    #[test]
    fn a_callers_phrasing_teaches_the_words_the_question_lacks() {
        let train = |phrasings: &[(String, String)]| {
            let mut t = TopicTrainer::default();
            t.add(
                "scj-5",
                "营业执照怎么注销".into(),
                "个体工商户停业的应办理注销登记".into(),
                String::new(),
            );
            t.add(
                "zjj-1",
                "公租房怎么申请".into(),
                "符合条件的住房困难家庭可申请轮候配租".into(),
                String::new(),
            );
            t.add_phrasings(phrasings);
            t.train(&[], &[])
        };
        let story = "我的小卖部关门了那个证要去哪里退".to_string();
        let before = train(&[]);
        let after = train(&[("scj-5".into(), "开的铺子不想干了关门了证去哪里退掉".into())]);
        let guess = after.rank(std::slice::from_ref(&story))[0];
        assert_eq!(after.labels(guess.class), ["scj-5"]);
        let was = before.rank(std::slice::from_ref(&story));
        let was_p = was
            .iter()
            .find(|g| g.class == guess.class)
            .map_or(0.0, |g| g.p);
        assert!(guess.p > was_p, "{} after, {was_p} before", guess.p);
    }

    #[test]
    fn needs_no_entry_answers_are_weighed_against_the_first_question_only() {
        let mut t = trainer();
        t.add(
            "jyj-3",
            "中考报名什么时候".into(),
            "初中毕业生在学校统一报名".into(),
            String::new(),
        );
        t.add_beyond(&[
            ("beyond".into(), "高考志愿怎么填".into()),
            ("beyond".into(), "娃娃高考完了大学录取通知书啥时候到".into()),
        ]);
        let m = t.train(&[], &[]);
        // The class is never a guess: the questions alone share the probability.
        let ranked = m.rank(&["高考志愿啥时候填".into()]);
        assert_eq!(ranked.len(), 4);
        assert_eq!(m.labels(ranked[0].class), ["jyj-3"]);
        assert!(ranked[0].beyond > 2.0, "{:?}", ranked[0]);
        let ranked = m.rank(&["中考报名在什么时候".into()]);
        assert_eq!(m.labels(ranked[0].class), ["jyj-3"]);
        assert!(ranked[0].beyond < 0.0, "{:?}", ranked[0]);
        assert!(m.questions().iter().all(|(label, _)| label != "beyond"));
    }

    #[test]
    fn a_department_that_asks_no_question_is_a_class_of_its_own() {
        let mut t = trainer();
        let names = |n: &str| (n.to_string(), "林业和草原局".to_string());
        t.add_department("lcj", names("林业和草原局 林草局 林业局"), false);
        t.add_department("lcj", names("林业和草原局 林业局"), false);
        // 退役军人事务局's questions stand for it, unless the table has its other business.
        t.add_department("tyj", names("退役军人事务局"), false);
        t.add_phrasings(&[("lcj".into(), "自家山上的树想砍几棵去哪里开证".into())]);
        let m = t.train(&[], &[]);
        let best = m.rank(&["承包的山上几棵大树要砍掉".into()])[0];
        assert_eq!(m.labels(best.class), ["lcj"]);
        assert!(m.knows("lcj"));
        assert!(!m.knows("tyj"));
        let shown: Vec<_> = m
            .questions()
            .into_iter()
            .filter(|(l, _)| l == "lcj")
            .collect();
        assert_eq!(shown, [("lcj".to_string(), "林业和草原局".to_string())]);
        let mut t = trainer();
        t.add_department(
            "tyj",
            ("退役军人事务局".into(), "退役军人事务局".into()),
            true,
        );
        assert!(t.train(&[], &[]).knows("tyj"));
    }

    #[test]
    fn nothing_known_is_no_guess_at_all() {
        let m = model();
        let ranked = m.rank(&["abc".into()]);
        assert_eq!(ranked[0].known, 0);
    }
}
