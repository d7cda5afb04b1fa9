//! Where a no-info ticket goes (政府办或由政府办指定的职能部门): the region's government
//! office, unless a rule the supervisors keep names another department for the topic's words.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::government_office;

/// A routing rule: in `region` and the regions below it, a no-info ticket whose question or
/// summary holds one of `words` goes to `department`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NoInfoRoute {
    pub id: i64,
    /// Region code (`530100`): the rule holds there and in the regions below it.
    pub region: String,
    /// Topic words (`医保`, `公积金`); any one of them in the question selects the rule.
    pub words: Vec<String>,
    /// Department code the tickets go to (`530100-ybj`).
    pub department: String,
    pub created_by: String,
    pub created_at: chrono::DateTime<chrono::Utc>,
}

/// Where one ticket went, and by which rule (none: the government office by default).
#[derive(Debug, Clone, PartialEq)]
pub struct Routed {
    pub department: String,
    pub rule: Option<i64>,
    pub word: Option<String>,
}

/// The regions a rule for which holds in `region`: itself, its prefecture, the province
/// (`530102` → `530102`, `530100`, `530000`), most specific first.
pub fn regions_up(region: &str) -> Vec<String> {
    let mut up = vec![region.to_string()];
    if region.len() == 6 {
        for keep in [4, 2] {
            let r = format!("{}{}", &region[..keep], "0".repeat(6 - keep));
            if !up.contains(&r) {
                up.push(r);
            }
        }
    }
    up
}

/// The department a no-info ticket of `region` about `text` goes to: the rule of the most
/// specific region whose word is in `text` (the longest word first, then the oldest rule),
/// else the region's government office.
pub fn route(rules: &[NoInfoRoute], region: &str, text: &str) -> Routed {
    for r in regions_up(region) {
        let best = rules
            .iter()
            .filter(|rule| rule.region == r)
            .flat_map(|rule| rule.words.iter().map(move |w| (rule, w)))
            .filter(|(_, w)| !w.is_empty() && text.contains(w.as_str()))
            .max_by(|(a, wa), (b, wb)| {
                wa.chars()
                    .count()
                    .cmp(&wb.chars().count())
                    .then(b.id.cmp(&a.id))
            });
        if let Some((rule, word)) = best {
            return Routed {
                department: rule.department.clone(),
                rule: Some(rule.id),
                word: Some(word.clone()),
            };
        }
    }
    Routed {
        department: government_office(region),
        rule: None,
        word: None,
    }
}

/// A rule's words as typed: split on spaces, commas and 、, blanks dropped, each once.
pub fn parse_words(text: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    for w in text.split(|c: char| c.is_whitespace() || matches!(c, ',' | '，' | '、' | ';' | '；'))
    {
        let w = w.trim();
        if !w.is_empty() && !words.iter().any(|x| x == w) {
            words.push(w.to_string());
        }
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, region: &str, words: &str, department: &str) -> NoInfoRoute {
        NoInfoRoute {
            id,
            region: region.into(),
            words: parse_words(words),
            department: department.into(),
            created_by: "sup".into(),
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn the_government_office_unless_a_rule_of_the_region_or_above_names_a_word() {
        let rules = vec![
            rule(1, "530100", "医保 医疗保险", "530100-ybj"),
            rule(2, "530000", "公积金", "530000-gjj"),
            rule(3, "530102", "医保", "530102-ybj"),
            rule(4, "530100", "医疗保险报销", "530100-wjw"),
        ];
        let r = route(&rules, "530103", "我想问医保卡丢了怎么补");
        assert_eq!((r.department.as_str(), r.rule), ("530100-ybj", Some(1)));
        let r = route(&rules, "530102", "医保卡丢了");
        assert_eq!(r.department, "530102-ybj", "the county's own rule first");
        let r = route(&rules, "530103", "医疗保险报销要什么材料");
        assert_eq!(r.rule, Some(4), "the longest word");
        let r = route(&rules, "532300", "公积金提取");
        assert_eq!(
            r.department, "530000-gjj",
            "a province rule holds everywhere"
        );
        let r = route(&rules, "532300", "护照怎么办");
        assert_eq!((r.department.as_str(), r.rule), ("532300-zfb", None));
    }

    #[test]
    fn words_and_regions() {
        assert_eq!(
            parse_words(" 医保，医疗保险、医保  社保;"),
            vec!["医保", "医疗保险", "社保"]
        );
        assert_eq!(regions_up("530102"), vec!["530102", "530100", "530000"]);
        assert_eq!(regions_up("530000"), vec!["530000"]);
    }
}
