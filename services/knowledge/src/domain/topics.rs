//! The knowledge base's FAQ topics and the words that name them, for the 社情民意 digest at
//! tickets (issue 19). A topic is a kind of department (`rsj` in every region); its words are
//! the jieba words of that kind's published FAQ questions and keywords, and its departments'
//! names and aliases without their region, that few other kinds use. Tickets files a ticket's
//! summary under a topic by these words.

use std::collections::{BTreeMap, HashMap, HashSet};

use shared::contract::tickets::{TopicName, TopicWord, TopicWords};
use tantivy_jieba::jieba_rs::Jieba;

use crate::domain::review::PUBLISHED;
use crate::domain::{Department, Faq, Region};
use crate::search::regions::RegionIndex;
use crate::search::text;

/// A word's length in characters.
const WORD_CHARS: std::ops::RangeInclusive<usize> = 2..=8;
/// A word used by more kinds than this says nothing about any of them (办理, 电话).
const MAX_KINDS: usize = 3;
/// The tax bureaus are named `国家税务总局` + region + `税务局`.
const TAX_PREFIX: &str = "国家税务总局";
/// Words of the reference data's questions that one kind happens to use most but that say
/// nothing of a topic (几点上班, 咨询电话, 最多能提取多少); question words go too.
const STOP: &[&str] = &[
    "电话",
    "时候",
    "上班",
    "中心",
    "服务",
    "个人",
    "年度",
    "人员",
    "关系",
    "记录",
    "证明",
    "事项",
    "反映",
    "电子",
    "凭证",
    "最多",
    "最多能",
    "怎么办",
    "信息",
    "要交",
];

/// Counts the words of each kind's FAQ entries, a page of entries at a time (at scale they
/// are not all held at once), then keeps those that name one kind.
pub struct TopicCounter<'a> {
    jieba: &'a Jieba,
    regions: RegionIndex,
    /// Every form of every region (昆明市, 昆明, 五华): never a topic's word.
    region_forms: HashSet<String>,
    /// Department code → (its kind's number, its region).
    departments: HashMap<String, (u16, String)>,
    /// Kind codes, numbered in order of first sight.
    kinds: Vec<String>,
    /// Per kind: its departments' names without the region, and how many bear each.
    names: Vec<HashMap<String, u32>>,
    /// Word → (kind number, entries and departments of that kind using it).
    counts: HashMap<String, Vec<(u16, u32)>>,
    /// Word → FAQ entries using it (departments' names left out).
    faq_uses: HashMap<String, u32>,
    /// Editors' keywords: chosen words, kept even inside a longer one.
    keywords: HashSet<String>,
}

impl<'a> TopicCounter<'a> {
    /// A counter for the departments' kinds, with their names and aliases counted.
    pub fn new(departments: &[Department], regions: &[Region], jieba: &'a Jieba) -> Self {
        let index = RegionIndex::new(regions);
        let region_forms = index.all().flat_map(|r| index.forms_of(&r.code)).collect();
        let mut counter = TopicCounter {
            jieba,
            regions: index,
            region_forms,
            departments: HashMap::new(),
            kinds: Vec::new(),
            names: Vec::new(),
            counts: HashMap::new(),
            faq_uses: HashMap::new(),
            keywords: HashSet::new(),
        };
        for d in departments {
            let kind = counter.kind_number(&d.kind);
            counter
                .departments
                .insert(d.code.clone(), (kind, d.region.clone()));
            let name = counter.bare_name(&d.name, &d.region);
            // A merged agency's old name (工商行政管理局) is not what its kind is called now.
            // A prefecture's name outweighs the counties' (住房公积金管理中心, not the counties'
            // 住房公积金管理中心管理部) and the province's (厅): the name a supervisor knows.
            if d.status != "merged" && !name.is_empty() {
                let prefecture = d.region.ends_with("00") && !d.region.ends_with("0000");
                *counter.names[kind as usize]
                    .entry(name.clone())
                    .or_default() += if prefecture { 1000 } else { 1 };
            }
            let mut words = vec![name];
            for a in &d.aliases {
                words.push(counter.bare_name(a, &d.region));
            }
            counter.count(kind, words, false);
        }
        counter
    }

    fn kind_number(&mut self, kind: &str) -> u16 {
        if let Some(i) = self.kinds.iter().position(|k| k == kind) {
            return i as u16;
        }
        self.kinds.push(kind.to_string());
        self.names.push(HashMap::new());
        (self.kinds.len() - 1) as u16
    }

    /// A name without its region or the tax bureaus' prefix (昆明市人力资源和社会保障局 →
    /// 人力资源和社会保障局; 国家税务总局昆明市税务局 → 税务局).
    fn bare_name(&self, name: &str, region: &str) -> String {
        let name = text::normalize(name);
        let name = name.strip_prefix(TAX_PREFIX).unwrap_or(&name);
        let bare = self.regions.strip(name, &self.regions.chain(region));
        bare.split_whitespace().collect()
    }

    /// Counts one FAQ entry's words under its department's kind; an entry not published, or
    /// of a department not known, is passed over.
    pub fn add_faq(&mut self, faq: &Faq) {
        if faq.status != PUBLISHED {
            return;
        }
        let Some((kind, region)) = self.departments.get(&faq.department) else {
            return;
        };
        let (kind, chain) = (*kind, self.regions.chain(region));
        let mut words = Vec::new();
        for t in std::iter::once(&faq.question).chain(faq.keywords.iter()) {
            let t = self.regions.strip(&text::normalize(t), &chain);
            words.extend(text::tokenize(self.jieba, &t));
        }
        // An editor's keyword is a word as a whole too (jieba may not know it).
        for k in &faq.keywords {
            let k = text::normalize(k);
            if !self.keywords.contains(&k) {
                self.keywords.insert(k.clone());
            }
            words.push(k);
        }
        self.count(kind, words, true);
    }

    /// Counts each usable word of one FAQ entry or department once.
    fn count(&mut self, kind: u16, mut words: Vec<String>, faq: bool) {
        words.sort_unstable();
        words.dedup();
        for w in words {
            if !usable(&w)
                || self.region_forms.contains(&w)
                || STOP.contains(&w.as_str())
                || text::is_question_word(&w)
                || text::holds_question_word(&w)
            {
                continue;
            }
            if faq {
                *self.faq_uses.entry(w.clone()).or_default() += 1;
            }
            let per_kind = self.counts.entry(w).or_default();
            match per_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some(e) => e.1 += 1,
                None => per_kind.push((kind, 1)),
            }
        }
    }

    /// The topics and their words: a word goes to the kind that uses it most, when at most
    /// [`MAX_KINDS`] kinds use it and that kind has at least half its uses; each topic's
    /// name is its own word.
    pub fn finish(self) -> TopicWords {
        let mut topics: Vec<TopicName> = Vec::new();
        // Word → (kind, FAQ entries using it).
        let mut kept: BTreeMap<String, (u16, u32)> = BTreeMap::new();
        for (w, per_kind) in self.counts {
            if per_kind.len() > MAX_KINDS {
                continue;
            }
            let total: u32 = per_kind.iter().map(|(_, n)| n).sum();
            // Most uses first; on a tie, the kind code first in order.
            let best = per_kind.iter().max_by(|a, b| {
                a.1.cmp(&b.1)
                    .then_with(|| self.kinds[b.0 as usize].cmp(&self.kinds[a.0 as usize]))
            });
            if let Some((kind, n)) = best
                && n * 2 >= total
            {
                let faq_uses = self.faq_uses.get(&w).copied().unwrap_or(0);
                kept.insert(w, (*kind, faq_uses));
            }
        }
        let mut words: BTreeMap<String, String> = BTreeMap::new();
        for (w, (kind, uses)) in &kept {
            if self.keywords.contains(w)
                || !inside_a_longer_word(self.jieba, w, *kind, *uses, &kept)
            {
                words.insert(w.clone(), self.kinds[*kind as usize].clone());
            }
        }
        for (kind, names) in self.kinds.iter().zip(&self.names) {
            // The most common name; on a tie the shorter, then the first in order.
            let Some(name) = names
                .iter()
                .max_by(|a, b| {
                    a.1.cmp(b.1)
                        .then_with(|| b.0.chars().count().cmp(&a.0.chars().count()))
                        .then_with(|| b.0.cmp(a.0))
                })
                .map(|(n, _)| n.clone())
            else {
                continue;
            };
            if usable(&name) && !self.region_forms.contains(&name) {
                words.insert(name.clone(), kind.clone());
            }
            topics.push(TopicName {
                topic: kind.clone(),
                name,
            });
        }
        topics.sort_by(|a, b| a.topic.cmp(&b.topic));
        let words: Vec<TopicWord> = words
            .into_iter()
            .map(|(word, topic)| TopicWord { word, topic })
            .collect();
        TopicWords {
            key: format!("topic-words-{:016x}", digest(&topics, &words)),
            topics,
            words,
        }
    }
}

/// Whether `word` is only ever seen in FAQ entries inside a longer dictionary word of its
/// kind (动产 in 不动产, 积金 in 公积金: the parts jieba's search mode gives): the longer word
/// says as much. A name's word (no FAQ uses) stays, and so does a word inside one jieba made
/// up (社保卡 in 社保卡丢了).
fn inside_a_longer_word(
    jieba: &Jieba,
    word: &str,
    kind: u16,
    uses: u32,
    kept: &BTreeMap<String, (u16, u32)>,
) -> bool {
    uses > 0
        && kept.iter().any(|(longer, (k, n))| {
            *k == kind
                && *n >= uses
                && longer.len() > word.len()
                && longer.contains(word)
                && jieba.has_word(longer)
        })
}

/// Two to eight characters, Chinese or letters and digits only, not digits alone.
fn usable(word: &str) -> bool {
    let n = word.chars().count();
    WORD_CHARS.contains(&n)
        && word.chars().all(|c| is_han(c) || c.is_ascii_alphanumeric())
        && !word.chars().all(|c| c.is_ascii_digit())
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// FNV-1a (64 bits) of the sorted content, each field ended by a byte no text holds: the same
/// topics and words give the same key in every process and on every platform.
fn digest(topics: &[TopicName], words: &[TopicWord]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |s: &str| {
        for b in s.bytes().chain(std::iter::once(0xff)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for t in topics {
        feed(&t.topic);
        feed(&t.name);
    }
    feed("");
    for w in words {
        feed(&w.word);
        feed(&w.topic);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str, name: &str, short: &str, parent: Option<&str>) -> Region {
        Region {
            code: code.into(),
            name: name.into(),
            short_name: short.into(),
            aliases: Vec::new(),
            level: if parent.is_some() {
                "prefecture"
            } else {
                "province"
            }
            .into(),
            parent: parent.map(str::to_string),
            area_code: "0871".into(),
        }
    }

    fn department(code: &str, kind: &str, name: &str, aliases: &[&str]) -> Department {
        Department {
            code: code.into(),
            region: code.split('-').next().unwrap_or_default().into(),
            kind: kind.into(),
            name: name.into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            phones: Vec::new(),
            fax: None,
            address: None,
            directions: None,
            service_locations: Vec::new(),
            hours: None,
            status: "active".into(),
            successor: None,
        }
    }

    fn faq(department: &str, question: &str, keywords: &[&str]) -> Faq {
        Faq {
            code: format!("{department}-{question}"),
            department: department.into(),
            question: question.into(),
            answer: String::new(),
            authorized: true,
            status: PUBLISHED.into(),
            keywords: keywords.iter().map(|k| k.to_string()).collect(),
            authorized_by: None,
            authorized_at: None,
        }
    }

    fn regions() -> Vec<Region> {
        vec![
            region("530000", "云南省", "云南", None),
            region("530100", "昆明市", "昆明", Some("530000")),
            region("530300", "曲靖市", "曲靖", Some("530000")),
        ]
    }

    fn departments() -> Vec<Department> {
        let mut all = Vec::new();
        for r in ["530100", "530300"] {
            all.push(department(
                &format!("{r}-ybj"),
                "ybj",
                if r == "530100" {
                    "昆明市医疗保障局"
                } else {
                    "曲靖市医疗保障局"
                },
                &["医保局"],
            ));
            all.push(department(
                &format!("{r}-gaj"),
                "gaj",
                if r == "530100" {
                    "昆明市公安局"
                } else {
                    "曲靖市公安局"
                },
                &[],
            ));
            for kind in ["rsj", "scj", "zjj"] {
                all.push(department(&format!("{r}-{kind}"), kind, "某局", &[]));
            }
        }
        all.push(department(
            "530100-swju",
            "swju",
            "国家税务总局昆明市税务局",
            &[],
        ));
        all
    }

    fn words_of(w: &TopicWords, topic: &str) -> Vec<String> {
        w.words
            .iter()
            .filter(|x| x.topic == topic)
            .map(|x| x.word.clone())
            .collect()
    }

    fn topic_of<'w>(w: &'w TopicWords, word: &str) -> Option<&'w str> {
        w.words
            .iter()
            .find(|x| x.word == word)
            .map(|x| x.topic.as_str())
    }

    fn count(faqs: &[Faq]) -> TopicWords {
        let jieba = Jieba::new();
        let (departments, regions) = (departments(), regions());
        let mut c = TopicCounter::new(&departments, &regions, &jieba);
        for f in faqs {
            c.add_faq(f);
        }
        c.finish()
    }

    #[test]
    fn words_go_to_the_kind_that_uses_them_and_common_ones_drop_out() {
        let faqs = vec![
            faq("530100-ybj", "昆明市医保报销需要什么材料?", &["异地就医"]),
            faq("530300-ybj", "曲靖市医保报销比例是多少?", &[]),
            faq("530100-gaj", "户口迁移在哪里办理?", &[]),
            faq("530300-gaj", "身份证在哪里办理?", &[]),
            faq("530100-rsj", "社保卡在哪里办理?", &[]),
            faq("530100-scj", "营业执照在哪里办理?", &[]),
            // A fifth kind asking where (哪里).
            faq("530100-zjj", "公积金在哪里办理?", &[]),
        ];
        let w = count(&faqs);
        assert_eq!(topic_of(&w, "医保"), Some("ybj"));
        assert_eq!(topic_of(&w, "报销"), Some("ybj"));
        assert_eq!(
            topic_of(&w, "异地就医"),
            Some("ybj"),
            "a keyword as a whole"
        );
        assert_eq!(topic_of(&w, "户口"), Some("gaj"));
        assert_eq!(topic_of(&w, "身份证"), Some("gaj"));
        assert_eq!(topic_of(&w, "营业执照"), Some("scj"));
        assert_eq!(topic_of(&w, "医保局"), Some("ybj"), "an alias");
        // Five kinds ask where (哪里) and how (办理): no kind's word.
        assert_eq!(topic_of(&w, "哪里"), None);
        assert_eq!(topic_of(&w, "办理"), None);
        // Region names and short names are nobody's words.
        for r in ["昆明", "昆明市", "曲靖", "云南"] {
            assert_eq!(topic_of(&w, r), None, "{r}");
        }
        assert!(words_of(&w, "ybj").iter().all(|x| usable(x)));
    }

    #[test]
    fn a_word_shared_without_a_majority_is_dropped() {
        let faqs = vec![
            faq("530100-ybj", "异地就医备案", &[]),
            faq("530100-rsj", "异地就医备案", &[]),
            faq("530300-gaj", "异地就医备案", &[]),
            faq("530300-ybj", "门诊报销", &[]),
        ];
        let w = count(&faqs);
        // 备案: three kinds once each, the best has a third of its uses.
        assert_eq!(topic_of(&w, "备案"), None);
        assert_eq!(topic_of(&w, "报销"), Some("ybj"));
    }

    #[test]
    fn topics_are_named_without_their_region_and_are_their_own_words() {
        let w = count(&[]);
        let name = |t: &str| {
            w.topics
                .iter()
                .find(|x| x.topic == t)
                .map(|x| x.name.clone())
        };
        assert_eq!(name("ybj").as_deref(), Some("医疗保障局"));
        assert_eq!(name("gaj").as_deref(), Some("公安局"));
        assert_eq!(name("swju").as_deref(), Some("税务局"));
        assert_eq!(topic_of(&w, "医疗保障局"), Some("ybj"));
        assert_eq!(topic_of(&w, "税务局"), Some("swju"));
        let codes: Vec<&str> = w.topics.iter().map(|t| t.topic.as_str()).collect();
        assert_eq!(codes, ["gaj", "rsj", "scj", "swju", "ybj", "zjj"]);
    }

    #[test]
    fn the_same_words_give_the_same_key_and_others_another() {
        let one = vec![faq("530100-ybj", "医保报销", &[])];
        let a = count(&one);
        let b = count(&one);
        assert_eq!(a, b);
        assert!(a.key.starts_with("topic-words-") && a.key.len() == 28);
        let c = count(&[faq("530100-gaj", "医保报销", &[])]);
        assert_ne!(a.key, c.key);
        assert!(a.words.windows(2).all(|p| p[0].word < p[1].word), "sorted");
    }

    #[test]
    fn entries_not_published_and_of_unknown_departments_are_passed_over() {
        let mut draft = faq("530100-ybj", "医保报销", &[]);
        draft.status = "draft".into();
        let w = count(&[draft, faq("530999-xxx", "户口迁移", &[])]);
        assert_eq!(topic_of(&w, "报销"), None);
        assert_eq!(topic_of(&w, "户口"), None);
    }

    #[test]
    fn usable_words() {
        assert!(usable("医保"));
        assert!(usable("12345热线"));
        assert!(usable("etc"));
        assert!(!usable("医"));
        assert!(!usable("2024"));
        assert!(!usable("医保 报销"));
        assert!(!usable("医疗保障局医疗保障局"));
    }

    /// The reference data's topics as a supervisor would read them (`cargo test -p knowledge
    /// --lib topics::tests::reference -- --nocapture` prints each topic's first words).
    #[test]
    fn reference_data_topics_read_right() {
        use crate::search::model::KbData;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb");
        fn read<T: serde::de::DeserializeOwned>(dir: &std::path::Path, file: &str) -> Vec<T> {
            std::fs::read_to_string(dir.join(file))
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(|l| serde_json::from_str(l).unwrap())
                .collect()
        }
        let data = KbData {
            regions: read(&dir, "regions.jsonl"),
            departments: read(&dir, "departments.jsonl"),
            ..KbData::default()
        };
        let faqs: Vec<Faq> = read(&dir, "faqs.jsonl");
        let jieba = crate::search::engine::directory_jieba(&data);
        let mut c = TopicCounter::new(&data.departments, &data.regions, &jieba);
        for f in &faqs {
            c.add_faq(f);
        }
        let w = c.finish();
        for t in &w.topics {
            let words = words_of(&w, &t.topic);
            let first: Vec<&str> = words.iter().take(20).map(String::as_str).collect();
            println!(
                "{} {} ({}): {}",
                t.topic,
                t.name,
                words.len(),
                first.join(" ")
            );
        }
        println!(
            "{} topics, {} words, {} bytes",
            w.topics.len(),
            w.words.len(),
            serde_json::to_string(&w).unwrap().len()
        );
        for (word, topic) in [
            ("医保", "ybj"),
            ("异地", "ybj"),
            ("公积金", "gjj"),
            ("社保卡", "sbzx"),
            ("驾驶证", "cgs"),
            ("营业执照", "scj"),
            ("户口", "gaj"),
            ("身份证", "gaj"),
        ] {
            assert_eq!(topic_of(&w, word), Some(topic), "{word}");
        }
        for common in [
            "哪里", "办理", "电话", "时间", "昆明", "五华", "动产", "积金",
        ] {
            assert_eq!(topic_of(&w, common), None, "{common}");
        }
    }
}
