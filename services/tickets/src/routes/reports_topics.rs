//! The 社情民意 digest: JSON, CSV, Excel or PDF; and the topic words the knowledge service
//! sends for it.

use actix_web::{HttpResponse, get, post, web};
use rust_xlsxwriter::Workbook;
use serde::Deserialize;
use serde_json::json;
use shared::auth::{AuthUser, Role};
use shared::body::Json;
use shared::contract::tickets::TopicWords;
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use super::reports::{Format, download, given, month_days, region, xlsx_conditions, xlsx_sheet};
use super::reports_pdf::{Bar, PdfReport, Table, Trend, pct, period, render};
use crate::app;
use crate::app::reports::DepartmentFilter;
use crate::domain::reports_topics::{MAX_WORD, TopicDigest, topic_csv, topic_lines, valid_topic};
use crate::domain::valid_department;
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TopicsQuery {
    /// First day (China time, `YYYY-MM-DD`), inclusive; default the first of `to`'s month.
    /// The digest counts whole weeks (Monday to Sunday): every week the days touch.
    pub from: Option<String>,
    /// Last day (China time, `YYYY-MM-DD`), inclusive; default today.
    pub to: Option<String>,
    /// A region code (six digits), its sub-regions included.
    #[param(example = "530100")]
    pub region: Option<String>,
    /// A department code: its tickets only (searches carry no department).
    pub department: Option<String>,
    /// `json` (default), `csv` (UTF-8 with BOM), `xlsx` or `pdf` (printable).
    pub format: Option<String>,
}

impl TopicsQuery {
    fn parse(&self, state: &AppState) -> ApiResult<(DepartmentFilter, Format)> {
        let (from, to) = month_days(state, &self.from, &self.to)?;
        let department = given(&self.department).map(str::to_string);
        if department.as_deref().is_some_and(|d| !valid_department(d)) {
            return Err(ApiError::bad_request(
                "`department` must be a department code",
            ));
        }
        let filter = DepartmentFilter {
            from,
            to,
            region: region(&self.region)?,
            department,
        };
        Ok((filter, Format::parse(&self.format)?))
    }
}

/// The 社情民意 digest: the topics callers raise (the knowledge base's FAQ topics, one per kind
/// of department), from the summaries of the tickets taken and the searches answered, per
/// week of the weeks the days touch, against as many weeks just before; the most risen first,
/// the first ten with their latest tickets. Figures as defined in the README's glossary.
/// `format=csv|xlsx|pdf` downloads it, recorded in the audit log. Supervisor.
#[utoipa::path(tag = "reports", params(TopicsQuery),
    responses(
        (status = 200, content(
            (TopicDigest = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/pdf"))),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)))]
#[get("/reports/topics")]
pub async fn topics(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<TopicsQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let (filter, format) = query.parse(&state)?;
    let export = format.extension();
    let digest = app::reports_topics::digest(&state, &user, filter, export).await?;
    let file = (("topics", "社情民意"), digest.from, digest.to, format);
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(digest),
        Format::Csv => download(file, topic_csv(&digest)),
        Format::Xlsx => download(file, topic_xlsx(&digest).map_err(ApiError::internal)?),
        Format::Pdf => download(
            file,
            render(&topic_pdf(&digest)).map_err(ApiError::internal)?,
        ),
    })
}

/// The most topics and words one message may carry.
const MAX_TOPICS: usize = 1_000;
const MAX_WORDS: usize = 200_000;

fn check_words(m: &TopicWords) -> ApiResult<()> {
    let key = &m.key;
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "`key` must be 1 to 200 printable ASCII characters",
        ));
    }
    if m.topics.len() > MAX_TOPICS || m.words.len() > MAX_WORDS {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_TOPICS} `topics` and {MAX_WORDS} `words`"
        )));
    }
    let mut named = std::collections::BTreeSet::new();
    for t in &m.topics {
        if !valid_topic(&t.topic) || t.name.trim().is_empty() || t.name.chars().count() > 40 {
            return Err(ApiError::bad_request(
                "a topic is a code of letters, digits and `-` (at most 40) with a name of 1 to 40 characters",
            ));
        }
        if !named.insert(t.topic.as_str()) {
            return Err(ApiError::bad_request("each topic is named once"));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for w in &m.words {
        let n = w.word.chars().count();
        if !(2..=MAX_WORD).contains(&n) || !w.word.chars().all(char::is_alphanumeric) {
            return Err(ApiError::bad_request(format!(
                "a word is 2 to {MAX_WORD} letters, digits or Chinese characters"
            )));
        }
        if !named.contains(w.topic.as_str()) {
            return Err(ApiError::bad_request(
                "a word's `topic` must be one of `topics`",
            ));
        }
        if !seen.insert(w.word.as_str()) {
            return Err(ApiError::bad_request("each word is given once"));
        }
    }
    Ok(())
}

/// The knowledge base's FAQ topics and their words, replacing those held: new tickets are
/// filed under a topic by them (those filed before keep theirs). Service.
#[utoipa::path(tag = "service",
    request_body(content = TopicWords, example = json!({"key": "topic-words-9c1d5e7a20b4f3c8",
        "topics": [{"topic": "ybj", "name": "医疗保障局"}, {"topic": "gjj", "name": "住房公积金管理中心"}],
        "words": [{"word": "医保", "topic": "ybj"}, {"word": "报销", "topic": "ybj"},
                  {"word": "公积金", "topic": "gjj"}]})),
    responses((status = 200, description = "Replaced"),
        (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)))]
#[post("/reports/topic-words")]
pub async fn topic_words(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<TopicWords>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    check_words(&body)?;
    let (named, words) = (body.topics.len(), body.words.len());
    app::reports_topics::topic_words(&state, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({ "topics": named, "words": words })))
}

/// The digest as an Excel workbook: the topics, a sheet of weeks, and what was asked for.
fn topic_xlsx(d: &TopicDigest) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::domain::reports::Cell;
    let mut book = Workbook::new();
    xlsx_sheet(&mut book, "话题", &topic_lines(d), &[10.0, 22.0], 2)?;
    let mut weeks: Vec<Vec<Cell>> = vec![
        ["话题", "周（周一）", "工单", "搜索"]
            .iter()
            .map(|c| Cell::Text((*c).into()))
            .collect(),
    ];
    for t in &d.topics {
        for w in &t.weeks {
            weeks.push(vec![
                Cell::Text(t.name.clone()),
                Cell::Text(w.week.to_string()),
                Cell::Count(w.tickets),
                Cell::Count(w.searches),
            ]);
        }
    }
    xlsx_sheet(&mut book, "每周", &weeks, &[22.0, 14.0], 1)?;
    let asked = [
        ("起始日期", d.from.to_string()),
        ("截止日期", d.to.to_string()),
        ("统计周", format!("{} 至 {}", d.week_from, d.week_to)),
        (
            "对比周",
            format!("{} 至 {}", d.previous_from, d.previous_to),
        ),
        ("区划", d.region.clone().unwrap_or_else(|| "全部".into())),
        (
            "部门",
            d.department.clone().unwrap_or_else(|| "全部".into()),
        ),
    ];
    xlsx_conditions(&mut book, &asked)?;
    book.save_to_buffer()
}

/// A change as text: `+25.0%`, `新出现` when there was nothing before.
fn change_text(change: Option<f64>, before: i64) -> String {
    match change {
        Some(c) if c > 0.0 => format!("+{}", pct(Some(c))),
        Some(c) => pct(Some(c)),
        None if before == 0 => "新出现".into(),
        None => "—".into(),
    }
}

/// The digest as a printable document.
fn topic_pdf(d: &TopicDigest) -> PdfReport {
    let (month, when) = period(d.from, d.to);
    let kind = if month { "月报" } else { "报表" };
    let sum = |f: fn(&crate::domain::reports_topics::TopicRow) -> i64| -> i64 {
        d.topics.iter().map(f).sum()
    };
    let rising = d
        .topics
        .iter()
        .filter(|t| t.mentions > t.previous_mentions)
        .count();
    let keys = vec![
        ("话题".to_string(), d.topics.len().to_string()),
        ("上升话题".into(), rising.to_string()),
        (
            "工单".into(),
            (sum(|t| t.tickets) + d.unfiled.tickets).to_string(),
        ),
        ("搜索".into(), sum(|t| t.searches).to_string()),
        ("未归类工单".into(), d.unfiled.tickets.to_string()),
    ];
    let widest = d
        .topics
        .iter()
        .map(|t| t.mentions)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = d
        .topics
        .iter()
        .take(15)
        .map(|t| Bar {
            label: t.name.clone(),
            share: t.mentions as f64 / widest as f64,
            text: format!(
                "{}（{}）",
                t.mentions,
                change_text(t.change, t.previous_mentions)
            ),
        })
        .collect();
    let palette = [(46, 117, 182), (237, 125, 49), (112, 173, 71)];
    let series = d
        .topics
        .iter()
        .take(3)
        .zip(palette)
        .map(|(t, rgb)| {
            (
                t.name.clone(),
                rgb,
                t.weeks.iter().map(|w| w.tickets + w.searches).collect(),
            )
        })
        .collect();
    let week_labels = d
        .topics
        .first()
        .map(|t| {
            t.weeks
                .iter()
                .map(|w| w.week.format("%m-%d").to_string())
                .collect()
        })
        .unwrap_or_default();
    let rows = d
        .topics
        .iter()
        .map(|t| {
            vec![
                t.name.clone(),
                t.tickets.to_string(),
                t.searches.to_string(),
                t.mentions.to_string(),
                t.previous_mentions.to_string(),
                change_text(t.change, t.previous_mentions),
            ]
        })
        .collect();
    let examples = d
        .topics
        .iter()
        .flat_map(|t| {
            t.examples.iter().map(move |e| {
                vec![
                    format!("{}　{}　{}", t.name, e.id, e.summary),
                    e.region.clone(),
                ]
            })
        })
        .collect();
    PdfReport {
        title: format!("社情民意{kind}（{when}）"),
        conditions: format!(
            "统计周：{} 至 {}　对比周：{} 至 {}（北京时间）　区划：{}　部门：{}",
            d.week_from,
            d.week_to,
            d.previous_from,
            d.previous_to,
            d.region.as_deref().unwrap_or("全部"),
            d.department.as_deref().unwrap_or("全部"),
        ),
        keys,
        bars_title: "话题提及（较上期变化），上升最多者在前".into(),
        bars,
        trend: Some(Trend {
            title: "上升最多的话题每周提及".into(),
            days: week_labels,
            series,
        }),
        tables: vec![
            Table {
                title: "各话题".into(),
                header: ["话题", "工单", "搜索", "提及", "上期提及", "变化"]
                    .map(String::from)
                    .to_vec(),
                widths: vec![60.0, 22.0, 24.0, 24.0, 25.0, 25.0],
                rows,
            },
            Table {
                title: "示例工单".into(),
                header: ["话题　工单号　摘要", "区划"].map(String::from).to_vec(),
                widths: vec![155.0, 25.0],
                rows: examples,
            },
        ],
        note: "口径：工单按受理周、依摘要所含知识库话题词归类（无话题词者归其部门类别）；\
               搜索按最佳答案所属话题计；周为北京时间周一至周日；详见 README 指标说明。"
            .into(),
    }
}
