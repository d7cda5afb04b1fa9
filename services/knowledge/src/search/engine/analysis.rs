//! Query analysis: the caller's text taken apart (regions, the variant with everyday words
//! replaced, pinyin words) and each word weighed by what it tells of the need.

use std::sync::LazyLock;

use tantivy::schema::Field;
use tantivy_jieba::jieba_rs::Jieba;

use super::Snapshot;
use super::entries::{DocData, has, word_hash};
use crate::search::regions::Detected;
use crate::search::text;

/// The synonym replacements of one query whose words are grouped (a bit each in a `u8`);
/// a query has one or two.
pub(super) const SYNONYM_GROUPS: usize = 8;
/// A question word's weight (几点, 怎么办): it tells what the caller wants to know, not
/// about what.
const QUESTION_WORD_WEIGHT: f32 = 0.3;
/// A contact word's weight (电话, 地址): it asks for a department's details, which every
/// department has.
const CONTACT_WORD_WEIGHT: f32 = 0.5;
/// A known word weighs `ln(entries / (entries that have it + 1)) - IDF_OFFSET`, at least
/// `MIN_WEIGHT`: a word half the entries have tells next to nothing.
const IDF_OFFSET: f32 = 1.5;
const MIN_WEIGHT: f32 = 0.2;
/// Characters besides the region from which a need counts as told at length for its
/// generic words (see `weigh_words`): the story rule's length.
const GENERIC_STORY_CHARS: usize = 14;
/// A pinyin pair no entry has (a sound no name makes) counts against every entry.
const FOREIGN_PAIR_WEIGHT: f32 = 3.0;
const FOREIGN_SHORT_PAIR_WEIGHT: f32 = 1.0;
/// The most a word no entry's name or question has weighs; in a candidate's share of the
/// query's distinctive words it counts by `weight × weight / FOREIGN_MAX`: a rare one (量子,
/// 火车票) in full, since no entry is known by it, a common one (自来水, 学生) less.
pub(super) const FOREIGN_MAX: f32 = 3.0;
/// The most such a word weighs when it is not a noun (想开, 倒闭, 搬家): callers' verbs
/// tell of their situation more than of the topic.
const FOREIGN_VERB_MAX: f32 = 2.0;
/// The least a foreign noun weighs (a common noun such as 医院 still tells something).
const FOREIGN_NOUN_MIN: f32 = 1.0;
/// What a foreign word that tells nothing of the topic weighs (a time, a pronoun, a cut the
/// segmenter made up).
const FOREIGN_LITTLE: f32 = 0.3;
/// ln of the dictionary count of the commonest words (自己 11.4) and the span down to a rare
/// one (滇池 4.8) over which a foreign word's weight grows to [`FOREIGN_MAX`].
const COMMON_LN_COUNT: f32 = 11.0;
const RARITY_SPAN: f32 = 5.0;
/// The shortest region in full pinyin (xi'an is four letters; shorter prefixes of a
/// hurried word are more often a syllable of the need than a region).
const MIN_REGION_PINYIN: usize = 4;
/// A region typed as initials (km, kms, xsbn): two to four letters, followed by at least
/// three syllables of the need (fewer are too easily a name's own initials); after initials
/// of three letters or more (xsbn, hhz), which few names start with, two (xsbnhuzhao).
const MIN_INITIALS: usize = 2;
const MAX_INITIALS: usize = 4;
const MIN_SYLLABLES_AFTER_INITIALS: usize = 3;
const MIN_SYLLABLES_AFTER_LONG_INITIALS: usize = 2;
/// The segmenter's tag of a place name (重庆, 深圳市, 南宁).
const PLACE_TAG: &str = "ns";
/// The segmenter's tag of a person's name (张丽华), taken only for a full name of three
/// characters: it tags some two-character words of kinship as names too (老公, 孙子).
const PERSON_TAG: &str = "nr";
const PERSON_NAME_CHARS: usize = 3;
/// Words before a surname that is also a measure word (段, 张, 方) which make it one: 这段时间
/// and 一张纸 name no one.
const BEFORE_A_MEASURE: &[char] = &['这', '那', '一', '几', '每', '哪', '某', '整', '半', '前'];
/// Last characters of a word the segmenter tags as a name that says how one addresses
/// someone (隔壁李大妈), not who: no case is asked about.
const ADDRESSED_AS: &[char] = &[
    '妈', '爷', '叔', '姐', '哥', '嫂', '婶', '伯', '娘', '奶', '姨',
];
/// The most common surnames (about four in five people have one; 普, 字 and 和 are common in
/// Yunnan): the segmenter tags words it does not know as names too (都还没), and a name
/// starts with a surname.
const COMMON_SURNAMES: &[char] = &[
    '王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭',
    '何', '高', '林', '罗', '郑', '梁', '谢', '宋', '唐', '许', '韩', '冯', '邓', '曹', '彭', '曾',
    '肖', '田', '董', '袁', '潘', '于', '蒋', '蔡', '余', '杜', '叶', '程', '苏', '魏', '吕', '丁',
    '任', '沈', '姚', '卢', '姜', '崔', '钟', '谭', '陆', '汪', '范', '金', '石', '廖', '贾', '夏',
    '韦', '付', '方', '白', '邹', '孟', '熊', '秦', '邱', '江', '尹', '薛', '闫', '段', '雷', '侯',
    '龙', '史', '陶', '黎', '贺', '顾', '毛', '郝', '龚', '邵', '万', '钱', '严', '覃', '武', '戴',
    '莫', '孔', '向', '汤', '普', '字', '和',
];
/// Last characters of an organ's name (纪委, 人防办, 烟草局, 政协): a word the knowledge
/// base does not know that ends so names an organ it does not list. (Not 院: callers name
/// the hospital they complain about, and 法院, 检察院 match nothing confidently anyway.)
const ORGAN_ENDINGS: &[char] = &['委', '局', '办', '署', '协'];
/// First characters of a two-character cut that make its ending a verb, not an organ
/// (先办, 去办, 要办: to handle something, not an office).
const DOING_BEFORE_ENDING: &[char] = &[
    '先', '去', '要', '来', '再', '才', '还', '都', '就', '没', '好', '能', '可', '得', '会', '想',
    '该', '难', '在', '给', '帮', '找', '又', '也', '快', '早', '晚', '不', '已', '刚',
    // 上回办的, 村主任说办了, 有个证办了: the segmenter's cuts of handling something.
    '回', '说', '证', '代', '补', '重',
];
/// Organs and companies callers name that the knowledge base lists none of, whose names
/// end otherwise (法院, 武装部, 烟草专卖, 自来水公司): a word the knowledge base does not know
/// that has one of them names what it lacks. (Not 银行 alone: the answers name the banks
/// that take a payment.)
const OTHER_ORGANS: &[&str] = &[
    "法院",
    "检察院",
    "武装部",
    "人武部",
    "烟草",
    "供电",
    "电力公司",
    // The water company, not water itself: a village's broken pipe is the water bureau's,
    // a water price the price authority's.
    "自来水公司",
    "自来水集团",
    "自来水厂",
    "燃气公司",
    "电信",
    "联通",
    "中国移动",
    "移动公司",
    "邮政",
    "邮局",
    "保险公司",
    // Couriers (快递, 快递公司): no department of the knowledge base answers for them.
    "快递",
    "气象台",
    "电视台",
    "营业厅",
    // Not 关 as an ending: the segmenter cuts 玉器店关起门 as 店关, 起门.
    "海关",
    // A visa is a foreign country's consulate's (去泰国的签证); the exit-entry office
    // endorses permits (签注), which callers calling them 港澳签证 the synonym table puts
    // right before this is looked at.
    "签证",
    // A border crossing (河口口岸): the port authority's, not the service centre's hours.
    "口岸",
    // The Youth League's and the party's own membership (团组织关系), not a job's records.
    "团组织",
    "党组织",
    // What only such an organ does: conscription is the 武装部's (not 当兵, which
    // veterans say of themselves), the college entrance exam the 招生考试院's.
    "征兵",
    "高考",
    // The party's committees' departments (县委组织部): no entry answers for them, nor for
    // a member's transfer (党员组织关系).
    "组织部",
    "宣传部",
    "统战部",
    "组织关系",
    // The fire and rescue brigade (消防大队): not the emergency bureau (a blocked 消防通道 is the
    // safety hazard the bureau takes).
    "消防大队",
    "消防队",
    "消防救援",
    // The tobacco monopoly's licence and purchasing (卖香烟的证, 烟叶收购站).
    "香烟",
    "烟叶",
    // The returned overseas Chinese federation (侨联).
    "侨联",
    // A zoo or a fun park (昆明动物园几点开门): no entry gives its hours or tickets.
    "动物园",
    "游乐园",
    // Enforcing a judgment is the court's (判了不给钱，申请强制执行): legal aid helps with
    // a case, not with collecting what a court awarded.
    "强制执行",
];
/// People a caller may ask for (班主任电话多少, 所长的手机号): one person's number or
/// whereabouts, which no entry gives. Only when asked about ([`ASKED_AFTER`]): a story's
/// 班主任讲要报名 is what the teacher said.
const ASKED_PERSONS: &[&str] = &["班主任", "老师", "校长", "所长", "局长", "医生"];
/// Banks, asked about the same way (这附近哪家银行礼拜天开门, 银行电话多少): a story's bank
/// that wants a mortgage registered (银行说要先去登记) is where the caller went, not what
/// is asked.
const ASKED_BANKS: &[&str] = &["银行", "信用社"];
/// … or a hospital (昭通市医院电话多少, 人民医院在哪点): no entry gives a hospital's number or
/// address (医院 alone: a stem of two characters is [`INSTITUTION_ENDINGS`]' business). Not
/// where the caller is (在医院住院): see [`asked_about`].
const ASKED_PLACES: &[&str] = &["医院"];
/// [`ASKED_PERSONS`], [`ASKED_BANKS`] and [`ASKED_PLACES`], found in one pass.
static ASKED_ONES: LazyLock<text::WordLists> =
    LazyLock::new(|| text::WordLists::new(&[ASKED_PERSONS, ASKED_BANKS, ASKED_PLACES]));
/// Last characters of a place or organ's name that the knowledge base lists none of
/// (祝圣寺, 档案馆, 宠物医院, 信用社, 供电所, 红十字会), longest first: such a word
/// whose stem no entry's name or question has names what it lacks when the caller asks
/// about it ([`ASKED_AFTER`], [`ASKED_BEFORE`]). Only then: in a story they are where things
/// happened (在砖厂干了三年, 在旅行社报了团), not what is asked.
const INSTITUTION_ENDINGS: &[&str] = &[
    "医院", "大学", "公司", "大队", "寺", "庙", "馆", "院", "站", "社", "所", "队", "会", "联",
    "厂",
];
/// Words right after such a name ([`ASKED_WITHIN`] characters at most) that ask about it
/// (祝圣寺几点开门, 红十字会在哪点, 档案馆对外开放吗) …
const ASKED_AFTER: &[&str] = &[
    "几点",
    "电话",
    "在哪",
    "哪点",
    "哪里",
    "地址",
    "开门",
    "关门",
    "营业时间",
    "对外",
    "咋个走",
    "怎么走",
    "咋走",
    "号码",
    "哪天",
    "什么时候",
    "啥时候",
];
/// … and words right before it that do (附近哪点有宠物医院; not 找: 找村委会说了几次 is
/// where a story's caller went first).
const ASKED_BEFORE: &[&str] = &["哪点有", "哪里有", "哪儿有", "附近有", "附近的", "哪家"];
const ASKED_WITHIN: usize = 2;
/// Words right before such a name that make it where the caller is or starts from, whatever
/// follows (从汽车站咋个走), so never asked about; nor is 上班 an ask after it (在化工厂上班
/// is where one works).
const WHERE_THE_CALLER_IS: &[&str] = &["从", "在"];
/// Words just before an organ that say the caller does not go there (听说不用先去法院): it
/// is not what the need is about. Looked for within `NOT_GOING_WITHIN` characters of the
/// name, besides the two of the words themselves (不用先去法院: 先去 between).
const NOT_GOING_BEFORE: &[&str] = &["不用", "不想", "不去", "不找", "不必", "没去"];
const NOT_GOING_WITHIN: usize = 4;
const NOT_GOING_WORD_CHARS: usize = 2;
/// Last characters of a township's or a village's name (河西镇, 通甸乡): named in a need,
/// one is the caller's own, within one of our regions, not a place elsewhere.
const TOWNSHIP_ENDINGS: &[&str] = &["镇", "乡", "村", "寨", "街道", "社区"];
/// Organs named so in any query, however the segmenter cut it, the synonym table replaced
/// a part and the spelling put the pieces right, which no entry answers for and whose names
/// are nothing else. Looked for in the query as typed.
const TYPED_ORGANS: &[&str] = &[
    // The discipline commission (巍山县纪委监委: 纪, 委监委, and that as 卫健委).
    "纪委",
    "监委",
    "纪检",
    // Banks: their cards and loans are theirs, not the social security card's or the
    // housing fund's (中国银行信用卡 … 挂失: 卡丢了 is 社保卡丢了 in the table). Not 银行
    // or 信用社 alone: a story's mortgage or subsidy goes through one.
    "中国银行",
    // A person's credit report is the central bank's (个人征信去哪个银行打印; not a record
    // a story fears for: 还会影响征信).
    "个人征信",
    "征信报告",
    "查征信",
    "征信记录",
    "工商银行",
    "农业银行",
    "建设银行",
    "交通银行",
    "邮储银行",
    "农商银行",
    "信用卡",
    // A hospital's or a clinic's check-up centre: its hours are not the service centre's.
    "体检中心",
    // Insurers and their claims (中国人寿车险出险了, 找保险公司理赔): not 保险公司 alone, which
    // a story's accident or car tax goes through (对方保险公司一直拖着不赔 … 法律援助).
    "车险",
    "人寿",
    "理赔",
    "出险",
    // Selling cigarettes needs the tobacco monopoly's licence (卖烟的许可证), whichever
    // way the segmenter cut it (卖, 烟).
    "卖烟",
];
/// Longer words that start with one of [`TYPED_ORGANS`] and are not it (卖烟花 sells
/// fireworks, the emergency bureau's licence).
const NOT_TYPED_ORGANS: &[&str] = &["卖烟花", "卖烟火"];
/// Characters after a city of another province within which an organ's ending says the
/// organ is that city's (攀枝花东区劳动局), even in a need that names one of our regions too
/// (家住华坪, 人在攀枝花上班).
const OTHER_CITYS_ORGAN_WITHIN: usize = 5;
/// Letters a query word needs before it can be an abbreviation the knowledge base does not
/// know (sbk); two (sw局) are as often a part of a name typed half in letters.
const MIN_UNREAD_LETTERS: usize = 3;
/// Words of an office, after a city of elsewhere with at most [`OTHER_CITYS_OFFICE_GAP`]
/// characters between, that make the need that office's (深圳公积金中心, 六盘水那个派出所,
/// 攀枝花那边管物业的部门), wherever the caller lives now. (Not 中心 alone: 深圳市中心.)
const OFFICE_WORDS: &[&str] = &[
    "公积金中心",
    "社保中心",
    "医保中心",
    "服务中心",
    "管理中心",
    "派出所",
    "部门",
    "登记处",
    "办事处",
    "档案馆",
    "大厅",
];
const OTHER_CITYS_OFFICE_GAP: usize = 6;
/// Joining the army (去当兵, 征兵) with its sign-up or medical (报名, 体检): the armed forces
/// department's business, which the knowledge base lacks; a veteran's (退伍) is ours.
const ENLISTING: &[&str] = &["当兵", "参军", "入伍", "征兵"];
const ENLISTING_ASKED: &[&str] = &["报名", "体检"];
const VETERANS: &[&str] = &["退伍", "退役", "复员", "转业", "优待"];
/// Words right after a place that point at it from afar, before its own organ or procedure
/// (see `business_over_there`), and the characters after them an organ's ending is looked
/// for within (那边的人社局: 3).
const OVER_THERE: &[&str] = &["那边的", "那里的", "那儿的"];
const OVER_THERE_ORGAN_WITHIN: usize = 4;
/// Characters besides the region from which a need is a story whose place right after one
/// of our regions is in it (see `names_what_it_lacks`).
const PLACE_IN_REGION_STORY_CHARS: usize = 20;
/// Characters of a question, which an organ's name never has (去哪办 is cut as 哪办).
const QUESTION_CHARS: &[char] = &['哪', '咋', '怎', '啥', '么'];
/// Pinyin pairs an organ word needs for its sound to say it is a typo of the best entry's
/// name (民正局 for 民政局): one pair (纪委, 计委) is a different organ that sounds alike.
const TYPO_PAIRS: usize = 2;
/// Endings of a place that is a province or city (深圳市): such a word names a place
/// anywhere in the query; a bare place word (上海, 广西南宁) only at its start or after
/// another place, since the segmenter tags some everyday words as places too (东西).
const PLACE_ENDINGS: &[char] = &['省', '市'];
/// What ends a county's or a city's name (会理市, 威宁县).
const COUNTY_OR_CITY: &[char] = &['县', '市'];
/// Words that start with one of those and name no county or city (想回县城, 去市场).
const NOT_AN_ENDING: &[&str] = &[
    "县城",
    "县上",
    "县里",
    "市场",
    "市区",
    "市里",
    "市民",
    "市中心",
];
/// The other provinces (not 香港, 澳门, 台湾: callers going there ask for the passes this
/// knowledge base answers). Named anywhere in a query that names none of its regions
/// (我在浙江义乌做生意 …), the need is about that province, wherever the name stands.
const OTHER_PROVINCES: &[&str] = &[
    "北京",
    "天津",
    "河北",
    "山西",
    "内蒙古",
    "辽宁",
    "吉林",
    "黑龙江",
    "上海",
    "江苏",
    "浙江",
    "安徽",
    "福建",
    "江西",
    "山东",
    "河南",
    "湖北",
    "湖南",
    "广东",
    "广西",
    "海南",
    "重庆",
    "四川",
    "贵州",
    "西藏",
    "陕西",
    "甘肃",
    "青海",
    "宁夏",
    "新疆",
];

/// Cities of other provinces callers name without their province (我在贵阳上班, 攀枝花的社保):
/// the provinces' capitals and the cities Yunnan's callers most often work in or come
/// from. Like a province, one named in a query that names none of our regions makes the
/// need that city's, unless some entry's answer or address has the name (a street).
const OTHER_CITIES: &[&str] = &[
    "石家庄",
    "太原",
    "呼和浩特",
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "南京",
    "苏州",
    "无锡",
    "杭州",
    "宁波",
    "温州",
    "义乌",
    "合肥",
    "福州",
    "厦门",
    "泉州",
    "南昌",
    "济南",
    "青岛",
    "郑州",
    "武汉",
    "长沙",
    "广州",
    "深圳",
    "东莞",
    "佛山",
    "珠海",
    "南宁",
    "柳州",
    "桂林",
    "百色",
    "海口",
    "三亚",
    "成都",
    "攀枝花",
    "宜宾",
    "泸州",
    "西昌",
    "凉山",
    "绵阳",
    "贵阳",
    "遵义",
    "毕节",
    "六盘水",
    "兴义",
    "拉萨",
    "西安",
    "兰州",
    "西宁",
    "银川",
    "乌鲁木齐",
];

/// A query taken apart: what the ranking works with (exposed for tests and diagnostics).
#[derive(Debug, Clone, Default)]
pub struct Analysis {
    /// Normalised, without filler: what the unanswered report records.
    pub normalized: String,
    pub regions: Detected,
    /// Word lists to score: the query as said, and with everyday words replaced.
    pub variants: Vec<Vec<String>>,
    /// Per variant word: the synonym replacements it is part of (bit k: the k-th one).
    pub groups: Vec<Vec<u8>>,
    /// The text of each variant (its pinyin pairs are made only when the words match
    /// poorly).
    pub texts: Vec<String>,
    /// Latin words taken as pinyin (kmsrsj).
    pub pinyin: Vec<String>,
    /// Syllable pairs of the pinyin words no entry is named by (budongchan → bu_dong,
    /// dong_chan): tried with the sound of the words when they match poorly.
    pub pinyin_pairs: Vec<String>,
    /// Per pinyin word: the hashed syllable pairs of one typed without spaces that cuts
    /// into syllables with no letter left over (budongchan); empty for any other.
    pub pinyin_sounds: Vec<Vec<u32>>,
    pub asks_question: bool,
    /// Initials a few regions share were read as each of them (ll: 陆良, 龙陵): which one the
    /// caller meant is not known, so no answer is confident.
    pub regions_in_doubt: bool,
}

impl Analysis {
    /// The hashes of the pinyin words.
    pub(super) fn pinyin_hashes(&self) -> Vec<u32> {
        self.pinyin.iter().map(|p| word_hash(p)).collect()
    }
}

/// A query word (or pinyin pair), weighed, with what the coverage needs to know of it.
pub(super) struct Weighted {
    pub(super) hash: u32,
    pub(super) weight: f32,
    /// A word that names the topic (not a question word or a contact word).
    pub(super) key: bool,
    pub(super) contact: bool,
    /// In no entry's name or question.
    pub(super) unknown: bool,
    /// A word that tells this entry from others: not a question, contact or generic
    /// department word (局, 管理局, 中心 …). Confidence needs these matched in what
    /// identifies an entry (name, aliases, question, keywords), not in its answer or address.
    pub(super) distinct: bool,
    /// Hashed pinyin pairs of the word (管里局 → guan_li, li_ju): a homophone typo matches
    /// an entry whose identifying words sound the same.
    pub(super) pairs: Vec<u32>,
    /// The synonym replacements the word is part of (a bit each): the words of one
    /// replacement count as one, matched when any of them is.
    pub(super) group: u8,
    /// Contains another word of the query (社保转移 ⊃ 社保, 转移): its parts speak for it.
    pub(super) composite: bool,
    /// One character (找, 买): a word some question has, but too common in speech to tell
    /// what a long story is about.
    pub(super) single: bool,
}

impl Weighted {
    /// A word whose weight is fixed by what it is (a question or contact word): it tells
    /// no entry from another.
    fn fixed(hash: u32, weight: f32, contact: bool) -> Weighted {
        Weighted {
            hash,
            weight,
            key: false,
            contact,
            unknown: false,
            distinct: false,
            pairs: Vec::new(),
            group: 0,
            composite: false,
            single: false,
        }
    }
}

impl Snapshot {
    /// Takes the query apart: filler dropped, region words found, pinyin words set aside
    /// (or read as a region), the synonym variant made, and each variant cut into words.
    pub(super) fn analyse(&self, query: &str) -> Analysis {
        let jieba = &*self.jieba;
        let normalized = text::strip_filler(&text::normalize(query));
        let mut pinyin = Vec::new();
        let mut pinyin_pairs = Vec::new();
        let mut pinyin_sounds: Vec<Vec<u32>> = Vec::new();
        let mut regions_in_doubt = false;
        let mut zh = String::new();
        // Pinyin that starts with a region, typed straight against characters
        // (binchuanjiehundengji要带什么, bs台湾通行证), that spells words (施甸xiaoxue) or that
        // is an entry's pinyin name of three letters or more (kmsrsj电话; sw局 is as likely
        // the need's own letters) is a word of its own; other letters stay with their
        // characters (ic卡, app).
        let pieces: Vec<&str> = normalized
            .split(' ')
            .flat_map(|token| {
                let runs: Vec<&str> = text::latin_runs(token).collect();
                if runs.len() > 1
                    && runs.iter().any(|r| {
                        self.starts_with_region(r)
                            || self.spelling.spells_in_words(r)
                            || (r.len() > MIN_INITIALS
                                && text::is_pinyin_word(r)
                                && self.names_an_entry(r))
                    })
                {
                    runs
                } else {
                    vec![token]
                }
            })
            .collect();
        for (i, &w) in pieces.iter().enumerate() {
            let glued_to_han = pieces
                .get(i + 1)
                .is_some_and(|next| next.chars().next().is_some_and(text::is_han));
            if !text::is_pinyin_word(w) {
                zh.push_str(w);
                zh.push(' ');
            } else if let Some(form) = self.regions.form_of_pinyin(w) {
                // A region typed in pinyin words (mengla gongjijin) is found as if in
                // characters.
                zh.push_str(form);
                zh.push(' ');
            } else if self.names_an_entry(w) {
                // The region it starts with is the need's too (binchuanjiehundengji要带什么
                // asks 宾川's question, not only for 宾川's office).
                // What follows the region, spelt in words (hunyindengjichu → 婚姻登记处), is
                // read as if typed in characters, as other pinyin is.
                // Initials name no region by themselves (pesgaj): the region of the entries
                // they name, when those are all of one.
                let region = self
                    .region_prefix(w)
                    .or_else(|| other_place_prefix(w))
                    .or_else(|| Some((self.region_of_named_entries(w)?, w)));
                if self.read_in_words(w, region, &mut zh).is_none() {
                    continue;
                }
                pinyin.push(w.to_string());
                pinyin_sounds.push(Vec::new());
            } else if let Some(form) = (glued_to_han
                || (w.len() > MIN_INITIALS && pieces.len() > 1))
                .then(|| self.regions.form_of_initials(w))
                .flatten()
            {
                // A region's initials before the need in characters (bs台湾通行证): the
                // characters say the letters are no word of the need. Initials of three
                // letters or more, beside other words (xsbn banhuzhao), are the region too;
                // two letters alone are as often the need's (dh: 电话).
                zh.push_str(form);
                zh.push(' ');
            } else if glued_to_han && !self.regions.forms_sharing_initials(w).is_empty() {
                // Initials a few regions share (ll驾驶证换证: 陆良, 龙陵): each is named, and
                // each one's entries are offered.
                for form in self.regions.forms_sharing_initials(w) {
                    zh.push_str(form);
                    zh.push(' ');
                }
                regions_in_doubt = true;
            } else {
                // Typed in a hurry (dalibudongchan): a region spelled at the start is found
                // as if in characters, and the rest is looked up by its syllables.
                // Pinyin typed for the need (banhuzhaoyaodaishenme) is read as the words it
                // spells, as if typed in characters.
                let region = self
                    .region_prefix(w)
                    .or_else(|| other_place_prefix(w))
                    .or_else(|| self.region_initials_prefix(w));
                let Some(rest) = self.read_in_words(w, region, &mut zh) else {
                    continue;
                };
                let pairs = text::typed_pinyin_bigrams(rest);
                let clean = matches!(text::split_syllables(rest).as_slice(),
                    [run] if run.concat().len() == rest.len());
                pinyin_sounds.push(if clean {
                    pairs.iter().map(|p| word_hash(p)).collect()
                } else {
                    Vec::new()
                });
                pinyin_pairs.extend(pairs);
                pinyin.push(rest.to_string());
            }
        }
        if pinyin.len() >= 2 {
            // A name typed as separate pinyin words (renshe ju) is also one word.
            pinyin.push(pinyin.concat());
            pinyin_sounds.push(Vec::new());
        }
        let zh = zh.trim();
        let corrected = self.regions.correct_by_sound(zh).or_else(|| {
            self.regions
                .correct_by_loose_sound(zh, |w| jieba.has_word(w))
        });
        let zh = corrected.as_deref().unwrap_or(zh);
        let at_start = self
            .regions
            .correct_start_by_sound(zh, |w| jieba.has_word(w));
        let mut regions = self.regions.detect(at_start.as_deref().unwrap_or(zh));
        if let Some(corrected) = self.spelling.correct_names(jieba, &regions.rest) {
            regions.rest = corrected;
        }
        let rest = regions.rest.as_str();
        let mut texts = vec![rest.to_string()];
        // A term inside a longer word of the dictionary is not that term (医院 in 中医院).
        let (replaced, used) = self.synonyms.apply_at_words(rest, |from, to| {
            !text::inside_longer_word(jieba, rest, from, to)
        });
        if replaced != rest {
            texts.push(replaced);
        }
        let variants: Vec<Vec<String>> = texts
            .iter()
            .map(|t| first_occurrences(text::tokenize(jieba, t)))
            .collect();
        // The words a replacement put in stand together for the one word it replaced.
        let groups: Vec<Vec<u8>> = variants
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.iter()
                    .map(|w| {
                        if i == 0 {
                            return 0;
                        }
                        used.iter()
                            .take(SYNONYM_GROUPS)
                            .enumerate()
                            .filter(|(_, r)| r.contains(w.as_str()))
                            .fold(0u8, |m, (k, _)| m | (1 << k))
                    })
                    .collect()
            })
            .collect();
        Analysis {
            asks_question: text::asks_question(rest),
            normalized,
            regions,
            variants,
            groups,
            texts,
            pinyin,
            pinyin_pairs,
            pinyin_sounds,
            regions_in_doubt,
        }
    }

    /// Writes the region that starts `w` (`region`: its form and the rest of `w`) into
    /// `zh`, then the rest spelt in words; `None` when it spells, the rest (still to read by
    /// its syllables) when it does not.
    fn read_in_words<'w>(
        &self,
        w: &'w str,
        region: Option<(&str, &'w str)>,
        zh: &mut String,
    ) -> Option<&'w str> {
        let rest = match region {
            Some((form, rest)) => {
                zh.push_str(form);
                zh.push(' ');
                rest
            }
            None => w,
        };
        let spelt = self.spelling.spell(rest);
        match spelt {
            Some(spelt) => {
                zh.push_str(&spelt);
                zh.push(' ');
                None
            }
            None => Some(rest),
        }
    }

    /// Whether letters are, or start with, a region in pinyin or its initials.
    fn starts_with_region(&self, letters: &str) -> bool {
        text::is_pinyin_word(letters)
            && (self.regions.form_of_pinyin(letters).is_some()
                || self.regions.form_of_initials(letters).is_some()
                || !self.regions.forms_sharing_initials(letters).is_empty()
                || self.region_prefix(letters).is_some())
    }

    /// Whether some entry's pinyin name is the word (kmsrsj, kunminggongjijin).
    fn names_an_entry(&self, word: &str) -> bool {
        self.postings(self.fields.pyi, word)
            .is_ok_and(|list| !list.is_empty())
    }

    /// The name of the region of every entry whose pinyin name the word is (pesgaj:
    /// 普洱市公安局 → 普洱市); `None` when they are of more than one region (rsj).
    fn region_of_named_entries(&self, word: &str) -> Option<&str> {
        let list = self.postings(self.fields.pyi, word).ok()?;
        let mut first: Option<&DocData> = None;
        for &order in list.orders.iter() {
            let addr = *self.by_order.get(order as usize)?;
            let doc = self.by_addr.get(addr as usize)?.as_deref()?;
            match first {
                None => first = Some(doc),
                Some(f) if f.region_id == doc.region_id => {}
                Some(_) => return None,
            }
        }
        let code = first?.code.split('-').next()?;
        Some(self.regions.get(code)?.name.as_str())
    }

    /// The longest region spelled in full pinyin at the start of a word, and the rest
    /// (dalibudongchan → 大理, budongchan); `None` when no region starts it or nothing
    /// follows it.
    fn region_prefix<'w>(&self, word: &'w str) -> Option<(&str, &'w str)> {
        let mut found = (MIN_REGION_PINYIN..word.len()).rev().filter_map(|at| {
            let (head, rest) = word.split_at_checked(at)?;
            Some((self.regions.form_of_pinyin(head)?, rest))
        });
        let longest = found.next()?;
        // anningshiyedengji: 安宁 + 失业登记, not 安宁市 + ye登记. A shorter region is taken
        // when only its rest is spelt in words alone (the suffix was the need's first
        // syllable).
        if self.spelling.spells_in_words(longest.1) {
            return Some(longest);
        }
        Some(
            found
                .find(|(_, rest)| self.spelling.spells_in_words(rest))
                .unwrap_or(longest),
        )
    }

    /// A region typed as its initials at the start of hurried pinyin (kmshenfenzhengbuban
    /// → 昆明, shenfenzhengbuban): only when the word does not cut into syllables as it is,
    /// and the rest does, with no letter left over.
    fn region_initials_prefix<'w>(&self, word: &'w str) -> Option<(&str, &'w str)> {
        if cuts_clean(word, 1) {
            return None;
        }
        // Every reading: each initials that name a region, with the rest as it is and, when
        // the initials end in z, c or s before an h, with that letter given back (zh, ch, sh:
        // yxshebao… is 玉溪 + shebao… where yx alone names two regions, 玉溪 and 云县). The
        // one whose syllable pairs more entries have is taken (kmshuzhao… is 昆明市 +
        // huzhao…), the shortest initials between equals (kmshenfen… is km + shenfen…).
        let mut best: Option<(&str, &'w str, usize)> = None;
        for at in MIN_INITIALS..=MAX_INITIALS {
            let Some((head, rest)) = word.split_at_checked(at) else {
                continue;
            };
            let Some(form) = self.regions.form_of_initials(head) else {
                continue;
            };
            let given_back = (head.ends_with(['z', 'c', 's']) && rest.starts_with('h'))
                .then(|| word.get(at - 1..))
                .flatten();
            let least = if at > MIN_INITIALS {
                MIN_SYLLABLES_AFTER_LONG_INITIALS
            } else {
                MIN_SYLLABLES_AFTER_INITIALS
            };
            for r in std::iter::once(rest).chain(given_back) {
                if !cuts_clean(r, least) {
                    continue;
                }
                let known = self.known_pairs(r);
                if best.is_none_or(|(_, _, k)| known > k) {
                    best = Some((form, r, known));
                }
            }
        }
        best.map(|(form, rest, _)| (form, rest))
    }

    /// How many syllable pairs of pinyin typed without spaces some entry's name or question
    /// has.
    fn known_pairs(&self, typed: &str) -> usize {
        text::typed_pinyin_bigrams(typed)
            .iter()
            .filter(|p| {
                self.postings(self.fields.py2, p)
                    .is_ok_and(|list| !list.is_empty())
            })
            .count()
    }

    /// A query word, weighed in the names and questions.
    fn weigh_word(&self, word: &str) -> Weighted {
        self.weigh(self.fields.all, word, Some(&self.jieba))
    }

    /// A pinyin pair of the query, weighed in the entries' pinyin pairs.
    pub(super) fn weigh_pair(&self, pair: &str) -> Weighted {
        self.weigh(self.fields.py2, pair, None)
    }

    /// How much a query word tells: by how few entries have it in `field`. A query word
    /// (`dict`: the segmenter it was cut with) that no entry's name or question has is
    /// weighed by [`Snapshot::foreign_weight`]; a pinyin pair (`None`) by a fixed amount.
    fn weigh(&self, field: Field, word: &str, dict: Option<&Jieba>) -> Weighted {
        let is_word = dict.is_some();
        let hash = word_hash(word);
        if text::is_question_word(word) {
            let contact = text::is_contact_word(word);
            return Weighted::fixed(hash, QUESTION_WORD_WEIGHT, contact);
        }
        if text::is_contact_word(word) {
            return Weighted::fixed(hash, CONTACT_WORD_WEIGHT, true);
        }
        // Deleted entries' addresses too, as tantivy's document frequency counts them; an
        // unreadable dictionary or posting list counts as the word's absence.
        let df = self.postings(field, word).map_or(0, |list| list.df as u64);
        let weight = if df == 0 {
            // Not in any entry's name or question: it still counts against every entry.
            match dict {
                Some(j) => self.foreign_weight(j, word),
                None if word.chars().count() >= 2 => FOREIGN_PAIR_WEIGHT,
                None => FOREIGN_SHORT_PAIR_WEIGHT,
            }
        } else {
            ((self.n_docs / (df as f32 + 1.0)).ln() - IDF_OFFSET).max(MIN_WEIGHT)
        };
        let distinct = is_word && !text::is_generic_word(word) && !text::is_loss_word(word);
        Weighted {
            hash,
            weight,
            key: df > 0,
            contact: false,
            unknown: df == 0,
            distinct,
            pairs: if distinct {
                text::pinyin_bigram_hashes(word, word_hash)
            } else {
                Vec::new()
            },
            group: 0,
            composite: false,
            single: is_word && word.chars().nth(1).is_none(),
        }
    }

    /// The weight of a query word that no entry's name or question has: what it tells of
    /// the caller's need, which no entry then answers in full. By the segmenter's dictionary:
    /// a time, pronoun, number, direction or adverb (明天, 自己, 六十, 上, 直接) tells
    /// nothing of the topic; a noun tells more the rarer it is in everyday Chinese (医院 less
    /// than 滇池, but always something); other words (准备, 便宜) can tell nothing when
    /// common. A cut the segmenter made up from characters it could not place (树想 in
    /// 树想砍, 店要) says almost nothing, as does a question word with a character of
    /// speech (怎么弄).
    fn foreign_weight(&self, dict: &Jieba, word: &str) -> f32 {
        // It asks the segmenter twice: kept per thread with the posting lists.
        self.kept_foreign_weight(word, || Self::foreign_weight_of(dict, word))
    }

    fn foreign_weight_of(dict: &Jieba, word: &str) -> f32 {
        if !dict.has_word(word) || text::holds_question_word(word) {
            return FOREIGN_LITTLE;
        }
        let tags = dict.tag(word, false);
        let tag = match tags.as_slice() {
            [one] => one.tag,
            _ => "",
        };
        // ln of the dictionary count: 自己 11.4, 学生 10.3, 医院 8.9, 小孩 7.4, 滇池 4.8.
        let common = (dict.suggest_freq(word).max(1) as f32).ln();
        let rarity = FOREIGN_MAX * (COMMON_LN_COUNT - common) / RARITY_SPAN;
        match tag.as_bytes() {
            b"ad" => FOREIGN_LITTLE,
            b"vn" | b"an" | [] | [b'n' | b's', ..] => rarity.clamp(FOREIGN_NOUN_MIN, FOREIGN_MAX),
            [
                b't' | b'r' | b'm' | b'q' | b'f' | b'd' | b'p' | b'c' | b'u' | b'y',
                ..,
            ] => FOREIGN_LITTLE,
            _ => rarity.clamp(FOREIGN_LITTLE, FOREIGN_VERB_MAX),
        }
    }

    /// Whether the query names what the knowledge base does not cover: a place that is no
    /// region of it and that no entry mentions (重庆, 深圳市: another province), or an organ
    /// it does not list (纪委, 海关) that no synonym turned into one it does. The words are
    /// those of the last variant (with everyday words replaced: 物价局 became 发改委 there)
    /// that still count. An organ word that sounds like the best entry's name is a typo of it
    /// (民正局, 社会保张局), not another organ. Only asked of a confident answer, so it costs
    /// a query nothing else.
    pub(super) fn names_what_it_lacks(
        &self,
        a: &Analysis,
        words: &[Vec<Weighted>],
        best: &DocData,
        filtered: bool,
    ) -> bool {
        let (Some(v), Some(ws), Some(said)) = (a.variants.last(), words.last(), a.texts.last())
        else {
            return false;
        };
        // A province named next to a region of ours is where the caller comes from or goes
        // (在大理打工 … 回四川老家), not what the need is about; with the operator's filter
        // set, so is one the caller says they came from (从广东回来 …, 从贵州嫁过来).
        let first = a.texts.first().map_or("", String::as_str);
        if asks_a_price_or_timetable(first)
            || asks_to_enlist(first)
            || names_typed_organ(&a.normalized)
            || ASKED_ONES
                .occurrences(first)
                .any(|(_, at, end)| asked_about(&first[..at], &first[end..]))
        {
            return true;
        }
        let its_organ = |w: &str| {
            first.match_indices(w).any(|(at, _)| {
                let after = &first[at + w.len()..];
                after
                    .chars()
                    .take(OTHER_CITYS_ORGAN_WITHIN)
                    .any(|c| ORGAN_ENDINGS.contains(&c))
                    || OFFICE_WORDS.iter().any(|o| {
                        after
                            .find(o)
                            .is_some_and(|i| after[..i].chars().count() <= OTHER_CITYS_OFFICE_GAP)
                    })
            })
        };
        if v.iter().any(|w| {
            (names_other_province(w) || self.names_other_city(w))
                && (((a.regions.mentions.is_empty() || its_organ(w))
                    && !(filtered && (named_as_origin(first, w) || named_as_trip(first, w))))
                    || business_over_there(first, w))
        }) {
            return true;
        }
        v.iter().zip(ws).any(|(w, x)| {
            if !x.unknown || x.weight <= 0.0 || w.chars().count() < 2 {
                return false;
            }
            if self.letters_it_cannot_read(w) {
                return true;
            }
            let sounds_like_best =
                x.pairs.len() >= TYPO_PAIRS && x.pairs.iter().all(|p| has(best.py2(), *p));
            let organ = ((w.ends_with(ORGAN_ENDINGS) && !is_doing(w))
                || OTHER_ORGANS.iter().any(|o| w.contains(o))
                || self.asks_about_what_it_lacks(first, w))
                && !w.contains(QUESTION_CHARS)
                && !text::holds_question_word(w)
                && !sounds_like_best
                && !not_going_to(first, w);
            let at = said.find(w.as_str());
            // A township is the caller's own wherever it stands, and so is a place right after
            // one of our regions as typed in a story (澄江抚仙湖边上有家饭店 …); in a short
            // question such a place (西山区马街那家火锅店的许可证号) asks about one thing there.
            let callers_own = names_a_township(w)
                || (told_chars(a) >= PLACE_IN_REGION_STORY_CHARS && after_a_region(a, w));
            // 元江县城门口: the segmenter cut the county town (县城) in two.
            let county_town =
                w.starts_with('城') && at.is_some_and(|at| said[..at].trim_end().ends_with('县'));
            let place_like = !callers_own
                && !county_town
                && (w.ends_with(PLACE_ENDINGS)
                    || at.is_some_and(|at| {
                        let before = said[..at].trim();
                        before.is_empty() || self.is_place(before)
                    }));
            // A word the knowledge base does not know, ending in 县 or 市 or right before
            // one (仁怀市, 会理 市), is a county or city of elsewhere: ours were found, or
            // put right by sound.
            let before_ending = w.chars().all(text::is_han)
                && ((w.chars().count() > 2 && w.ends_with(COUNTY_OR_CITY))
                    || at.is_some_and(|at| {
                        let next = &said[at + w.len()..];
                        next.starts_with(COUNTY_OR_CITY)
                            && !NOT_AN_ENDING.iter().any(|n| next.starts_with(n))
                    }));
            organ
                || (place_like && self.is_outside_place(w))
                || (before_ending && !self.an_answer_has(w))
        })
    }

    /// Whether `word` is letters that are no entry's initials and spell no syllables
    /// (嵩明sbk丢了 before sbk was in the synonym table, whose terms are replaced in the
    /// variant read here): an abbreviation the knowledge base does not know, so what was
    /// asked is not known either. (gjj, sbzx are entries' initials; luan is pinyin.)
    fn letters_it_cannot_read(&self, word: &str) -> bool {
        word.len() >= MIN_UNREAD_LETTERS
            && word.chars().all(|c| c.is_ascii_lowercase())
            && !matches!(text::split_syllables(word).as_slice(),
                [run] if run.concat().len() == word.len())
            && !self.field_has(self.fields.pyi, word)
    }

    /// Whether the query names a person the knowledge base does not (张丽华那个案子): it asks
    /// about one case, which no entry answers, however well it names the topic. Asked only
    /// before the margin rule for a need told in brief answers confidently.
    pub(super) fn names_a_person(&self, a: &Analysis, words: &[Vec<Weighted>]) -> bool {
        let (Some(v), Some(ws)) = (a.variants.first(), words.first()) else {
            return false;
        };
        v.iter().zip(ws).any(|(w, x)| {
            x.unknown
                && w.chars().count() == PERSON_NAME_CHARS
                && w.starts_with(COMMON_SURNAMES)
                && !counted(&a.normalized, w)
                && !w.ends_with(ADDRESSED_AS)
                && !names_a_township(w)
                && {
                    let tags = self.jieba.tag(w, false);
                    matches!(tags.as_slice(), [one] if one.tag == PERSON_TAG)
                }
        })
    }

    /// A city of another province ([`OTHER_CITIES`], 贵阳, 贵阳市) that no entry's answer
    /// or address names.
    fn names_other_city(&self, word: &str) -> bool {
        let name = word.strip_suffix('市').unwrap_or(word);
        OTHER_CITIES.contains(&name) && !self.an_answer_has(word)
    }

    /// Whether the caller asks about a place or an organ the knowledge base lacks, named by
    /// `word` with an ending of [`INSTITUTION_ENDINGS`] (宠物医院), or cut from its ending
    /// (云峰 寺), whose stem of two characters or more no entry's name or question has
    /// (祝圣寺几点开门; not 税务所, nor 开会).
    fn asks_about_what_it_lacks(&self, said: &str, word: &str) -> bool {
        said.match_indices(word).any(|(at, _)| {
            let rest = &said[at + word.len()..];
            let (stem, after) = match INSTITUTION_ENDINGS.iter().find(|e| word.ends_with(*e)) {
                Some(e) => (&word[..word.len() - e.len()], rest),
                None => match INSTITUTION_ENDINGS.iter().find(|e| rest.starts_with(*e)) {
                    Some(e) => (word, &rest[e.len()..]),
                    None => return false,
                },
            };
            stem.chars().count() >= 2 && asked_about(&said[..at], after) && !self.a_name_has(stem)
        })
    }

    /// Whether some entry's name or question has the word.
    fn a_name_has(&self, word: &str) -> bool {
        self.field_has(self.fields.all, word)
    }

    /// Whether some entry's answer or address has the word (a street, 翠湖).
    fn an_answer_has(&self, word: &str) -> bool {
        self.field_has(self.fields.sec, word)
    }

    /// Whether some entry has the word in `field`.
    fn field_has(&self, field: Field, word: &str) -> bool {
        self.postings(field, word)
            .is_ok_and(|list| !list.is_empty())
    }

    /// A place name (by the segmenter's tag) that no entry's answer or address has: not one
    /// of the knowledge base's own places (翠湖, 滇池路).
    fn is_outside_place(&self, word: &str) -> bool {
        self.is_place(word) && !self.an_answer_has(word)
    }

    /// Whether the segmenter takes the text for one place name.
    fn is_place(&self, text: &str) -> bool {
        let tags = self.jieba.tag(text, false);
        matches!(tags.as_slice(), [one] if one.tag == PLACE_TAG)
    }

    /// Each variant's words, weighed. Search-mode cuts overlap (迁进, 进来, 迁进来): a word
    /// that contains a word the knowledge base knows is spoken for by its parts, and a word
    /// it does not know, inside a longer word that still counts, by that longer word. Both
    /// weigh nothing, so that one thing the caller said counts once.
    pub(super) fn weigh_words(&self, a: &Analysis) -> Vec<Vec<Weighted>> {
        let inside = text::is_part_of;
        a.variants
            .iter()
            .zip(&a.groups)
            .map(|(v, g)| {
                let mut ws: Vec<Weighted> = v
                    .iter()
                    .zip(g)
                    .map(|(w, g)| {
                        let mut x = self.weigh_word(w);
                        x.group = *g;
                        x
                    })
                    .collect();
                // Spoken for: every character of it is in a known word inside it (小学报名:
                // 小学, 报名), not only some (人民银行 is not 人民).
                let spoken_for: Vec<bool> = v
                    .iter()
                    .zip(&ws)
                    .map(|(w, x)| {
                        if !x.unknown {
                            return false;
                        }
                        let mut covered = vec![false; w.len()];
                        for (o, _) in v
                            .iter()
                            .zip(&ws)
                            .filter(|(o, y)| !y.unknown && inside(o, w))
                        {
                            for (at, _) in w.match_indices(o.as_str()) {
                                covered[at..at + o.len()].iter_mut().for_each(|c| *c = true);
                            }
                        }
                        covered.iter().all(|c| *c)
                    })
                    .collect();
                let gone: Vec<bool> = (0..ws.len())
                    .map(|i| {
                        spoken_for[i]
                            || (ws[i].unknown
                                && (0..v.len()).any(|j| !spoken_for[j] && inside(&v[i], &v[j])))
                    })
                    .collect();
                // Which floor, which window of a named department (车管所在政务中心几楼),
                // where its hall is (税务局办税大厅在哪里): the service centre's words ask
                // for its place, like a contact word, so the department answers before the
                // service centre's own entry.
                let asks_place = v.iter().any(|w| text::is_contact_word(w));
                let names_other = v
                    .iter()
                    .zip(&ws)
                    .any(|(w, x)| x.distinct && !text::is_service_centre_word(w));
                if asks_place && names_other {
                    for (w, x) in v.iter().zip(ws.iter_mut()) {
                        if text::is_service_centre_word(w) {
                            *x = Weighted::fixed(x.hash, CONTACT_WORD_WEIGHT, true);
                        }
                    }
                }
                // In a need told at length, a generic word on its own (政府每个月补一点, 单位喊我)
                // is whoever pays or employs, not an agency asked for: it weighs like a
                // question word and names no topic (政府办, 人社局 are words of their own).
                let long = told_chars(a) >= GENERIC_STORY_CHARS;
                for (i, x) in ws.iter_mut().enumerate() {
                    if long && !x.unknown && text::is_generic_word(&v[i]) {
                        *x = Weighted::fixed(x.hash, QUESTION_WORD_WEIGHT, false);
                    }
                    if gone[i] {
                        x.weight = 0.0;
                        x.distinct = false;
                    }
                    // A known word's parts speak for it where they still count; a word the
                    // knowledge base does not know counts unless they speak for all of it.
                    x.composite =
                        !x.unknown && (0..v.len()).any(|j| !gone[j] && inside(&v[j], &v[i]));
                }
                ws
            })
            .collect()
    }
}

/// Characters of the need as said, besides the region and blanks.
pub(super) fn told_chars(a: &Analysis) -> usize {
    a.texts
        .first()
        .map_or(0, |t| t.chars().filter(|c| !c.is_whitespace()).count())
}

/// Whether pinyin typed without spaces cuts into at least `least` syllables with no letter
/// left over.
fn cuts_clean(word: &str, least: usize) -> bool {
    matches!(text::split_syllables(word).as_slice(),
        [run] if run.len() >= least && run.concat().len() == word.len())
}

/// The words in their order, each once (a query has a few dozen at most: a scan costs less
/// than a set that clones every word).
pub(super) fn first_occurrences(words: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(words.len());
    for w in words {
        if !out.contains(&w) {
            out.push(w);
        }
    }
    out
}

/// Words just before a place that say the caller came from it (从广东, 老家在四川).
const ORIGIN_BEFORE: &[&str] = &["从", "老家在", "老家是", "我是", "我们是"];
/// Words just after a place that say the caller came from it (广东回来, 贵州过来的).
const ORIGIN_AFTER: &[&str] = &[
    "回来",
    "过来",
    "来的",
    "来了",
    "来这",
    "嫁过来",
    "搬过来",
    "调过来",
    // 户口还在贵州娘家, 他户口在湖南老家: where one's family home is.
    "娘家",
    "老家",
];
/// Words just after 在 and a place that say someone works there (男人在浙江打工, 姑娘在深圳
/// 上班): where the family earns, not where the need is (想去广东打工 may be).
const WORKS_AFTER: &[&str] = &["打工", "上班", "务工"];
/// After 是 and a place, these say where someone is from (她是贵州人, 他是湖南的) …
const FROM_AFTER_IS: &[&str] = &["人", "的"];
/// … unless they start an organ's name (贵州人社厅).
const NOT_FROM_AFTER_IS: &[&str] = &["人社", "人民", "人力", "人事", "人大", "的人社"];

/// Words anywhere after a place that say the caller has come back from it (在广东打了八年工
/// … 现在回老家了).
const RETURNED_LATER: &[&str] = &["回老家", "回家乡", "回来"];

/// Words just before a place that say the caller goes there (去上海, 到广州).
const TRIP_BEFORE: &[&str] = &["去", "到"];
/// Words shortly before such a place that say the trip is a journey (坐飞机去上海) …
const JOURNEY_BEFORE: &[&str] = &["飞机", "火车", "高铁", "出差", "旅游"];
/// … or shortly after it that say it is for treatment (去广州做手术, 到昆明住院): the
/// need is at home (a lost ID card, filing the medical insurance for elsewhere).
const TREATMENT_AFTER: &[&str] = &["手术", "住院", "看病", "治病", "就医", "治疗"];
/// How near (in characters) those words stand to the place.
/// (8: 去上海的大医院做手术.)
const TRIP_WORDS_WITHIN: usize = 8;
/// Said just before a place where someone is treated (老公在贵州那边出车祸住院了): the need
/// (filing the medical insurance for elsewhere) is at home, as for a trip there.
const TREATED_THERE_BEFORE: char = '在';

/// Whether a two-character cut ending like an organ is a verb of doing (先办, 要办).
fn is_doing(word: &str) -> bool {
    let mut cs = word.chars();
    matches!((cs.next(), cs.next(), cs.next()), (Some(c), Some(_), None) if DOING_BEFORE_ENDING.contains(&c))
}

/// Whether the words `before` and `after` a name ask about what it names (祝圣寺几点开门,
/// 附近哪点有宠物医院).
fn asked_about(before: &str, after: &str) -> bool {
    let before = before.trim_end();
    let after: String = after.chars().filter(|c| !c.is_whitespace()).collect();
    let asked_after = ASKED_AFTER.iter().any(|w| {
        after
            .find(w)
            .is_some_and(|i| after[..i].chars().count() <= ASKED_WITHIN)
    });
    !WHERE_THE_CALLER_IS.iter().any(|w| before.ends_with(w))
        && (asked_after || ASKED_BEFORE.iter().any(|w| before.ends_with(w)))
}

/// Whether the caller says they do not go to the organ `name` names (不用先去法院).
fn not_going_to(said: &str, name: &str) -> bool {
    said.match_indices(name).any(|(at, _)| {
        let before = &said[..at];
        let from = before
            .char_indices()
            .rev()
            .nth(NOT_GOING_WITHIN + NOT_GOING_WORD_CHARS - 1)
            .map_or(0, |(i, _)| i);
        NOT_GOING_BEFORE.iter().any(|w| before[from..].contains(w))
    })
}

/// Whether `word` stands right after a region the query named, as typed (通海河西镇).
fn after_a_region(a: &Analysis, word: &str) -> bool {
    a.normalized.match_indices(word).any(|(at, _)| {
        let before = a.normalized[..at].trim_end();
        a.regions
            .words
            .iter()
            .any(|r| !r.is_empty() && before.ends_with(r.as_str()))
    })
}

/// Whether `word` ends like a township's or a village's name ([`TOWNSHIP_ENDINGS`]: 河西镇).
fn names_a_township(word: &str) -> bool {
    TOWNSHIP_ENDINGS.iter().any(|e| word.ends_with(e))
}

/// Whether `said` names one of [`TYPED_ORGANS`] (not as part of [`NOT_TYPED_ORGANS`]).
fn names_typed_organ(said: &str) -> bool {
    static ORGANS: LazyLock<text::WordLists> =
        LazyLock::new(|| text::WordLists::new(&[TYPED_ORGANS]));
    ORGANS
        .occurrences(said)
        .any(|(_, at, _)| !NOT_TYPED_ORGANS.iter().any(|n| said[at..].starts_with(n)))
}

/// Whether `word`, where `said` has it, follows a word that makes its first character a
/// measure word ([`BEFORE_A_MEASURE`]: 这段时间), not a surname.
fn counted(said: &str, word: &str) -> bool {
    said.match_indices(word)
        .any(|(at, _)| said[..at].ends_with(BEFORE_A_MEASURE))
}

/// Whether the query names `place` as where the caller came from.
fn named_as_origin(said: &str, place: &str) -> bool {
    said.match_indices(place).any(|(at, _)| {
        let before = said[..at].trim_end();
        let after = said[at + place.len()..].trim_start();
        ORIGIN_BEFORE.iter().any(|c| before.ends_with(c))
            || ORIGIN_AFTER.iter().any(|c| after.starts_with(c))
            || RETURNED_LATER.iter().any(|c| after.contains(c))
            || (before.ends_with('在') && WORKS_AFTER.iter().any(|c| after.starts_with(c)))
            || (before.ends_with('是')
                && FROM_AFTER_IS.iter().any(|c| after.starts_with(c))
                && !NOT_FROM_AFTER_IS.iter().any(|c| after.starts_with(c)))
    })
}

/// Whether the caller names a place as where they travel or go for treatment (坐飞机去上海,
/// 要去广州做手术), not as where the need is (去成都办护照 is still there).
fn named_as_trip(said: &str, place: &str) -> bool {
    said.match_indices(place).any(|(at, _)| {
        let before = said[..at].trim_end();
        let there = before.ends_with(TREATED_THERE_BEFORE);
        if !there && !TRIP_BEFORE.iter().any(|c| before.ends_with(c)) {
            return false;
        }
        // The place's 去 or 到 and the characters before it (the nearest last).
        let near_before: String = {
            let mut cs: Vec<char> = before.chars().rev().take(TRIP_WORDS_WITHIN + 1).collect();
            cs.reverse();
            cs.into_iter().collect()
        };
        let near_after: String = said[at + place.len()..]
            .chars()
            .take(TRIP_WORDS_WITHIN)
            .collect();
        (!there && JOURNEY_BEFORE.iter().any(|w| near_before.contains(w)))
            || TREATMENT_AFTER.iter().any(|w| near_after.contains(w))
    })
}

/// Words that ask a price (好多钱一斤) …
const PRICE_ASKED: &[&str] = &["多少钱", "好多钱", "几块钱", "什么价", "啥价"];
/// … or a sight's admission (鸡足山门票好多钱, 寺里烧香要不要门票; not 景区买门票被导游宰了,
/// the tourism bureau's complaint, nor 退伍兵免门票要办的证) …
const ADMISSION: &str = "门票";
const ADMISSION_ASKED: &[&str] = &["要不要", "要门票", "买得到", "哪里买", "免不免"];
/// … by the unit of a market, not an office's fee (办护照要好多钱) …
const PER_UNIT: &[&str] = &[
    "一斤",
    "一公斤",
    "一平",
    "一升",
    "一吨",
    "每斤",
    "每公斤",
    "每平",
    "每升",
    "每吨",
];
/// … and prices that are named outright.
const MARKET_PRICES: &[&str] = &["收购价", "油价", "菜价", "股价", "金价"];
/// … or a forecast of one (哪个楼盘明年会涨价) …
const PRICE_FORECASTS: &[&str] = &[
    "会涨价",
    "会不会涨",
    "涨不涨",
    "会降价",
    "会不会降",
    "会不会跌",
];
/// Words of a timetable, alone (最早一班, 航班) …
const TIMETABLE: &[&str] = &[
    "最早一班",
    "最晚一班",
    "末班",
    "首班",
    "航班",
    "班次",
    "时刻表",
];
/// … or a train's or a plane's tickets (明天的动车还有票没得, 12306 退票, 落在列车上): the
/// railway's and the airlines' business, none of ours (车票 alone is not: 过年回家的车票钱
/// is a story's unpaid wages) …
const TICKETS: &[&str] = &[
    "12306",
    "火车票",
    "动车票",
    "高铁票",
    "机票",
    "还有票",
    "退票",
    "改签",
    "列车",
    "航空公司",
];
/// … or a vehicle with 几点 (动车几点开), unless 几点 asks an office's hours (几点上班).
const VEHICLES: &[&str] = &["动车", "火车", "高铁", "飞机", "班车", "大巴", "客车"];
const OFFICE_HOURS_AFTER: &[&str] = &["上班", "下班", "开门", "关门", "办公"];

/// Whether the query asks a market price, a timetable or a ticket (景洪商品房好多钱一平, 昆明到
/// 大理的动车最早一班几点): the knowledge base gives offices' fees and hours, never either, however
/// well the words name an entry (商品房, 动车).
fn asks_a_price_or_timetable(said: &str) -> bool {
    static LISTS: LazyLock<text::WordLists> = LazyLock::new(|| {
        text::WordLists::new(&[
            PER_UNIT,
            PRICE_ASKED,
            MARKET_PRICES,
            PRICE_FORECASTS,
            &[ADMISSION],
            ADMISSION_ASKED,
            VEHICLES,
            TIMETABLE,
            TICKETS,
        ])
    });
    let [
        per_unit,
        price_asked,
        market_price,
        forecast,
        admission,
        admission_asked,
        vehicle,
        timetable,
        ticket,
    ] = LISTS.found_each(said);
    let price = (per_unit && price_asked)
        || market_price
        || forecast
        || (admission && (price_asked || admission_asked));
    let hour_of_a_vehicle = vehicle
        && said.match_indices("几点").any(|(at, w)| {
            let after = &said[at + w.len()..];
            !OFFICE_HOURS_AFTER.iter().any(|o| after.starts_with(o))
        });
    price || timetable || ticket || hour_of_a_vehicle
}

/// Whether the caller asks how to join the army ([`ENLISTING`] with [`ENLISTING_ASKED`]),
/// not as a veteran ([`VETERANS`]).
fn asks_to_enlist(said: &str) -> bool {
    static LISTS: LazyLock<text::WordLists> =
        LazyLock::new(|| text::WordLists::new(&[ENLISTING, ENLISTING_ASKED, VETERANS]));
    let [enlisting, asked, veteran] = LISTS.found_each(said);
    enlisting && asked && !veteran
}

/// Whether the caller asks for the place's own organ or procedure, as "over there" (毕节那边
/// 的手续要咋个办, 想找郑州那边的妇联帮她说句话): the need is there, wherever the caller's
/// family comes from or the operator's filter points.
fn business_over_there(said: &str, place: &str) -> bool {
    said.match_indices(place).any(|(at, _)| {
        let rest = &said[at + place.len()..];
        OVER_THERE.iter().any(|o| {
            rest.strip_prefix(o).is_some_and(|then| {
                then.starts_with("手续")
                    || then
                        .chars()
                        .take(OVER_THERE_ORGAN_WITHIN)
                        .any(|c| ORGAN_ENDINGS.contains(&c) || c == '联')
            })
        })
    })
}

/// Names of [`OTHER_PROVINCES`] and [`OTHER_CITIES`] whose characters read otherwise
/// elsewhere (都 dou, 重 zhong, 长 zhang, 厦 sha), as the place is spelt.
const OTHER_PLACE_READINGS: &[(&str, &str)] = &[
    ("成都", "chengdu"),
    ("重庆", "chongqing"),
    ("长沙", "changsha"),
    ("长春", "changchun"),
    ("厦门", "xiamen"),
];

/// Another province or city ([`OTHER_PROVINCES`], [`OTHER_CITIES`]) spelt in full pinyin at
/// the start of pinyin typed in a hurry (chengdugongjijin), with the rest: read as its name,
/// as one of our regions is, so that the need is seen to be that place's. The rest must
/// spell two syllables or more (not a word that merely starts with the sound).
fn other_place_prefix(word: &str) -> Option<(&'static str, &str)> {
    static SPELT: LazyLock<Vec<(String, &'static str)>> = LazyLock::new(|| {
        OTHER_PROVINCES
            .iter()
            .chain(OTHER_CITIES)
            .map(|name| (text::pinyin_forms(name).0, *name))
            .chain(
                OTHER_PLACE_READINGS
                    .iter()
                    .map(|(name, spelt)| (spelt.to_string(), *name)),
            )
            .filter(|(spelt, _)| spelt.len() >= MIN_REGION_PINYIN)
            .collect()
    });
    SPELT
        .iter()
        .filter(|(spelt, _)| {
            word.strip_prefix(spelt.as_str())
                .is_some_and(|rest| cuts_clean(rest, MIN_SYLLABLES_AFTER_LONG_INITIALS))
        })
        .max_by_key(|(spelt, _)| spelt.len())
        .map(|(spelt, name)| (*name, &word[spelt.len()..]))
}

/// Whether a word is another province's name (浙江, 浙江省), not a word that contains one.
fn names_other_province(word: &str) -> bool {
    let name = word.strip_suffix('省').unwrap_or(word);
    OTHER_PROVINCES.contains(&name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joining_the_army_is_asked_about() {
        assert!(asks_to_enlist("娃娃高中毕业想去当兵，啥时候报名"));
        assert!(asks_to_enlist("征兵体检要查些哪样"));
        // Without the sign-up, or as a veteran, it is not.
        assert!(!asks_to_enlist("我儿子去当兵了，家里有没有补助"));
        assert!(!asks_to_enlist("当兵退伍回来了，退役军人优待证咋个报名"));
    }

    #[test]
    fn a_name_asked_about() {
        assert!(asked_about("鸡足山", "几点开门"));
        assert!(asked_about("附近哪点有", ""));
        assert!(asked_about("附近哪家", "给狗打疫苗便宜点"));
        assert!(asked_about("", "，电话多少"));
        // Where the caller works or starts from is not asked about.
        assert!(!asked_about("我在", "上班，设备老化"));
        assert!(!asked_about("维西残联在哪里，从", "咋个走"));
        assert!(!asked_about("开", "，营业执照办下来了"));
    }

    #[test]
    fn fireworks_are_not_cigarettes() {
        assert!(names_typed_organ("开小卖部想卖烟，要办啥子"));
        assert!(!names_typed_organ("过年想在村口摆个摊卖烟花炮仗"));
    }

    #[test]
    fn a_measure_word_is_no_surname() {
        assert!(counted("我们村这段时间野象天天晚上下来", "段时间"));
        assert!(counted("前段时间查出来要做手术", "段时间"));
        assert!(!counted("段时间那个案子咋个样了", "段时间"));
    }

    #[test]
    fn an_organ_the_caller_need_not_go_to() {
        assert!(not_going_to("听说不用先去法院，先仲裁", "法院"));
        assert!(!not_going_to("法院立案要带哪些材料", "法院"));
    }

    #[test]
    fn a_place_the_caller_came_from() {
        assert!(named_as_origin("娃娃跟着我们从广东回来了", "广东"));
        assert!(named_as_origin("我是贵州嫁过来的", "贵州"));
        assert!(named_as_origin("我老家在四川 想迁户口", "四川"));
        assert!(named_as_origin("我是湖南人，在这边开客栈", "湖南"));
        assert!(!named_as_origin("四川的户口迁入要什么", "四川"));
        assert!(!named_as_origin("想去广东打工", "广东"));
        assert!(named_as_origin("我在广东打了八年工 现在回老家了", "广东"));
        assert!(!named_as_origin("回老家以后想去广东打工", "广东"));
        assert!(named_as_origin("她是贵州人，现在怀起了", "贵州"));
        assert!(named_as_origin("我男朋友是湖南的", "湖南"));
        assert!(!named_as_origin("这是贵州人社厅的电话吗", "贵州"));
        assert!(named_as_origin("户口还在贵州娘家那边", "贵州"));
        assert!(named_as_origin("男人在浙江打工，家里两个娃娃", "浙江"));
    }

    #[test]
    fn a_place_the_caller_travels_to() {
        assert!(named_as_trip("下个礼拜还要坐飞机去上海 现在咋个整", "上海"));
        assert!(named_as_trip("我爸要去广州做心脏手术 医保咋个报销", "广州"));
        assert!(named_as_trip("到昆明住院要办哪样", "昆明"));
        assert!(!named_as_trip("去成都办护照在哪点", "成都"));
        assert!(!named_as_trip("想去广东打工", "广东"));
        assert!(!named_as_trip("上海的医院做手术", "上海"));
        assert!(named_as_trip("我家老妈要去上海的大医院做手术", "上海"));
        assert!(named_as_trip("我老公在贵州那边出车祸住院了", "贵州"));
        assert!(!named_as_trip("我在贵州那边上班", "贵州"));
    }

    #[test]
    fn a_market_price_or_a_timetable() {
        assert!(asks_a_price_or_timetable("景洪现在商品房好多钱一平"));
        assert!(asks_a_price_or_timetable("今年苹果收购价是好多"));
        assert!(asks_a_price_or_timetable("昆明到大理的动车最早一班几点"));
        assert!(asks_a_price_or_timetable("明天的火车几点开"));
        assert!(!asks_a_price_or_timetable("办护照要好多钱"));
        assert!(!asks_a_price_or_timetable(
            "坐火车去北京 身份证丢了 派出所几点上班"
        ));
        assert!(!asks_a_price_or_timetable("车管所几点上班"));
        // Tickets and a sight's admission.
        assert!(asks_a_price_or_timetable("明天昆明到丽江的动车还有票没得"));
        assert!(asks_a_price_or_timetable("在12306上买的票咋个退"));
        assert!(asks_a_price_or_timetable("鸡足山门票好多钱"));
        assert!(asks_a_price_or_timetable("寺里烧香要不要门票"));
        assert!(!asks_a_price_or_timetable("景区买门票被导游宰了找哪个"));
        assert!(!asks_a_price_or_timetable("过年回家的车票钱都莫得"));
        assert!(asks_a_price_or_timetable("安宁哪个小区的房子明年会涨价"));
        assert!(!asks_a_price_or_timetable("物业费说涨就涨，找哪个"));
    }

    #[test]
    fn a_need_over_there() {
        assert!(business_over_there("毕节那边的手续要咋个办", "毕节"));
        assert!(business_over_there("想找郑州那边的妇联帮她说句话", "郑州"));
        assert!(business_over_there("遵义那里的民政局电话", "遵义"));
        assert!(!business_over_there("我老公在贵州那边出车祸住院了", "贵州"));
        assert!(!business_over_there("娃娃在浙江那边的学校读书", "浙江"));
    }

    #[test]
    fn doing_is_told_from_an_office() {
        assert!(is_doing("先办"));
        assert!(is_doing("要办"));
        assert!(!is_doing("侨办"));
        assert!(!is_doing("政府办"));
        assert!(!is_doing("人社局"));
    }

    #[test]
    fn other_provinces_are_whole_words() {
        assert!(names_other_province("浙江"));
        assert!(names_other_province("四川省"));
        assert!(!names_other_province("云南"));
        assert!(!names_other_province("香港"));
        // 文山西畴 is cut 文山 / 西畴; 东西藏 is not 西藏.
        assert!(!names_other_province("山西畴"));
        assert!(!names_other_province("东西"));
    }

    #[test]
    fn a_place_of_elsewhere_spelt_at_the_start_of_hurried_pinyin() {
        assert_eq!(
            other_place_prefix("chengdugongjijin"),
            Some(("成都", "gongjijin"))
        );
        assert_eq!(
            other_place_prefix("guizhoushebaoju"),
            Some(("贵州", "shebaoju"))
        );
        // The sound alone, with no need after it, or letters that spell nothing after it.
        assert_eq!(other_place_prefix("chengdu"), None);
        assert_eq!(other_place_prefix("chengduxq"), None);
        assert_eq!(other_place_prefix("shebaoju"), None);
    }

    #[test]
    fn words_the_knowledge_base_lacks_weigh_by_what_they_tell() {
        let dict = Jieba::new();
        let w = |word: &str| Snapshot::foreign_weight_of(&dict, word);
        // A topic it lacks weighs most; a common noun still counts.
        assert!(w("滇池") >= 2.9, "滇池 {}", w("滇池"));
        assert!(w("医院") >= 1.0, "医院 {}", w("医院"));
        assert!(w("医院") < w("滇池"));
        // Pronouns, times, numbers, adverbs, made-up cuts and question phrases: little.
        for little in ["自己", "明天", "六十", "直接", "树想", "怎么弄"] {
            assert!(w(little) <= 0.3, "{little} {}", w(little));
        }
    }
}
