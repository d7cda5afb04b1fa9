//! The knowledge base health report (知识库健康度): JSON, CSV, Excel or PDF; and the search
//! counts the knowledge service sends for it.

use actix_web::{HttpResponse, get, post, web};
use rust_xlsxwriter::Workbook;
use serde::Deserialize;
use serde_json::json;
use shared::auth::{AuthUser, Role};
use shared::body::Json;
use shared::contract::tickets::SearchCounts;
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use super::reports::{Format, download, given, month_days, region, xlsx_conditions, xlsx_sheet};
use super::reports_pdf::{Bar, PdfReport, Table, Trend, pct, period, render};
use crate::app;
use crate::app::reports::DepartmentFilter;
use crate::domain::reports::Cell;
use crate::domain::reports_health::{
    HealthNow, HealthReport, health_csv, health_facts, health_lines, hours,
};
use crate::domain::reports_topics::valid_topic;
use crate::domain::{valid_department, valid_region};
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HealthQuery {
    /// First day (China time, `YYYY-MM-DD`), inclusive; default the first of `to`'s month.
    pub from: Option<String>,
    /// Last day (China time, `YYYY-MM-DD`), inclusive; default today.
    pub to: Option<String>,
    /// A region code (six digits), its sub-regions included.
    #[param(example = "530100")]
    pub region: Option<String>,
    /// A department code: its no-info tickets only (searches carry no department).
    pub department: Option<String>,
    /// Entries last changed this many months ago or earlier count as not reviewed (1-60,
    /// default 12).
    pub months: Option<String>,
    /// `json` (default), `csv` (UTF-8 with BOM), `xlsx` or `pdf` (printable).
    pub format: Option<String>,
}

impl HealthQuery {
    fn parse(&self, state: &AppState) -> ApiResult<(DepartmentFilter, u32, Format)> {
        let (from, to) = month_days(state, &self.from, &self.to)?;
        let department = given(&self.department).map(str::to_string);
        if department.as_deref().is_some_and(|d| !valid_department(d)) {
            return Err(ApiError::bad_request(
                "`department` must be a department code",
            ));
        }
        let months = match given(&self.months) {
            None => 12,
            Some(m) => m
                .parse::<u32>()
                .ok()
                .filter(|m| (1..=60).contains(m))
                .ok_or_else(|| ApiError::bad_request("`months` must be between 1 and 60"))?,
        };
        let filter = DepartmentFilter {
            from,
            to,
            region: region(&self.region)?,
            department,
        };
        Ok((filter, months, Format::parse(&self.format)?))
    }
}

/// Knowledge base health (知识库健康度): per region (rolled up the region tree) the searches
/// at the knowledge service and those not confident, the no-info tickets taken, both per
/// 1,000 calls, and the time from a no-info ticket to its applied entry (median and p90, of
/// the entries applied in the range); with the unanswered queries still open and the entries
/// not reviewed for `months` months, asked of the knowledge service as the report is read.
/// Figures as defined in the README's glossary. `format=csv|xlsx|pdf` downloads it, recorded
/// in the audit log. Supervisor.
#[utoipa::path(tag = "reports", params(HealthQuery),
    responses(
        (status = 200, content(
            (HealthReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/pdf"))),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)))]
#[get("/reports/kb-health")]
pub async fn kb_health(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<HealthQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let (filter, months, format) = query.parse(&state)?;
    let export = format.extension();
    let report = app::reports_health::health(&state, &user, filter, months, export).await?;
    let file = (
        ("kb-health", "知识库健康度"),
        report.from,
        report.to,
        format,
    );
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => download(file, health_csv(&report)),
        Format::Xlsx => download(file, health_xlsx(&report).map_err(ApiError::internal)?),
        Format::Pdf => download(
            file,
            render(&health_pdf(&report)).map_err(ApiError::internal)?,
        ),
    })
}

/// The most day-counts one message may carry (a day's regions, a few days' worth).
const MAX_COUNTS: usize = 10_000;

fn check_counts(counts: &SearchCounts) -> ApiResult<()> {
    let key = &counts.key;
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "`key` must be 1 to 200 printable ASCII characters",
        ));
    }
    if counts.counts.len() > MAX_COUNTS || counts.topics.len() > MAX_COUNTS {
        return Err(ApiError::bad_request(format!(
            "`counts` and `topics` hold at most {MAX_COUNTS} days and regions each"
        )));
    }
    for t in &counts.topics {
        if !t.region.is_empty() && !valid_region(&t.region) {
            return Err(ApiError::bad_request(
                "`region` must be empty or a region code of six digits",
            ));
        }
        if !valid_topic(&t.topic) || t.searches < 0 {
            return Err(ApiError::bad_request(
                "a topic count needs a topic code (letters, digits, `-`) and `searches` not negative",
            ));
        }
    }
    for c in &counts.counts {
        if !c.region.is_empty() && !valid_region(&c.region) {
            return Err(ApiError::bad_request(
                "`region` must be empty or a region code of six digits",
            ));
        }
        if c.searches < 0 || !(0..=c.searches).contains(&c.unconfident) {
            return Err(ApiError::bad_request(
                "`searches` must not be negative, and `unconfident` at most `searches`",
            ));
        }
    }
    Ok(())
}

/// The knowledge service's searches since its last message, per China-time day and region
/// filter: added to the health report's roll-ups once per `key` (a message sent again adds
/// nothing and answers `added: false`). Service.
#[utoipa::path(tag = "service",
    request_body(content = SearchCounts, example = json!({"key": "search-counts-4f1c2a", "counts": [
        {"day": "2026-12-05", "region": "530100", "searches": 120, "unconfident": 7},
        {"day": "2026-12-05", "region": "", "searches": 40, "unconfident": 3}],
        "topics": [{"day": "2026-12-05", "region": "530100", "topic": "ybj", "searches": 18}]})),
    responses((status = 200, description = "Added, or added before"),
        (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)))]
#[post("/reports/search-counts")]
pub async fn search_counts(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Json<SearchCounts>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Service])?;
    check_counts(&body)?;
    let added = app::reports_health::search_counts(&state, body.into_inner()).await?;
    Ok(HttpResponse::Ok().json(json!({ "added": added })))
}

/// The report as an Excel workbook: the regions with the total, and what was asked for with
/// the single figures.
fn health_xlsx(r: &HealthReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    xlsx_sheet(&mut book, "区划", &health_lines(r), &[12.0], 1)?;
    let mut asked = vec![
        ("起始日期".to_string(), r.from.to_string()),
        ("截止日期".to_string(), r.to.to_string()),
        (
            "区划".to_string(),
            r.region.clone().unwrap_or_else(|| "全部".into()),
        ),
        (
            "部门".to_string(),
            r.department.clone().unwrap_or_else(|| "全部".into()),
        ),
    ];
    asked.extend(health_facts(r));
    let asked: Vec<(&str, String)> = asked.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
    xlsx_conditions(&mut book, &asked)?;
    book.save_to_buffer()
}

/// A figure per 1,000 calls, `—` for none.
fn per_mille(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_string(), |v| format!("{v:.1}"))
}

/// The report as a printable document.
fn health_pdf(r: &HealthReport) -> PdfReport {
    let (month, when) = period(r.from, r.to);
    let kind = if month { "月报" } else { "报表" };
    let t = &r.total;
    // Short labels: a key figure's box holds its label and value on one line.
    let now =
        |f: fn(&HealthNow) -> i64| r.now.as_ref().map_or("—".to_string(), |n| f(n).to_string());
    let keys = vec![
        ("来电量".to_string(), r.calls.to_string()),
        (
            "未确信/千次".into(),
            per_mille(t.unconfident_per_1000_calls),
        ),
        ("查无信息/千次".into(), per_mille(t.no_info_per_1000_calls)),
        (
            "补充用时中位数".into(),
            t.median_seconds_to_applied
                .map_or("—".into(), |s| format!("{}时", hours(Some(s)))),
        ),
        ("未解答查询".into(), now(|n| n.open_unanswered)),
        ("未复核条目".into(), now(|n| n.stale_entries)),
    ];
    let widest = r
        .regions
        .iter()
        .map(|x| x.figures.counts.no_info)
        .max()
        .unwrap_or(0)
        .max(1);
    let bars = r
        .regions
        .iter()
        .take(15)
        .map(|x| Bar {
            label: x.region.clone(),
            share: x.figures.counts.no_info as f64 / widest as f64,
            text: format!(
                "{}（每千次 {}）",
                x.figures.counts.no_info,
                per_mille(x.figures.no_info_per_1000_calls)
            ),
        })
        .collect();
    let text = |c: &Cell| match c {
        Cell::Text(t) => t.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Share(s) => pct(*s),
    };
    let mut rows: Vec<Vec<String>> = health_lines(r)
        .iter()
        .map(|l| l.iter().map(text).collect())
        .collect();
    // The downloads' headers are too long for a portrait page's columns.
    if !rows.is_empty() {
        rows.remove(0);
    }
    let header = [
        "区划",
        "搜索",
        "未确信",
        "未确信率",
        "未确信/千次",
        "查无信息",
        "查无信息/千次",
        "已补充",
        "中位数(时)",
        "P90(时)",
    ]
    .map(String::from)
    .to_vec();
    let day_labels = r
        .days
        .iter()
        .map(|d| d.date.format("%m-%d").to_string())
        .collect();
    PdfReport {
        title: format!("知识库健康度{kind}（{when}）"),
        conditions: format!(
            "统计期间：{} 至 {}（北京时间）　区划：{}　部门：{}　未复核：{} 个月以上（来电不分区划）",
            r.from,
            r.to,
            r.region.as_deref().unwrap_or("全部"),
            r.department.as_deref().unwrap_or("全部"),
            r.now.as_ref().map_or(0, |n| n.months)
        ),
        keys,
        bars_title: "各区划查无信息工单（每千次来电）".into(),
        bars,
        trend: Some(Trend {
            title: "每日未确信搜索与查无信息工单".into(),
            days: day_labels,
            series: vec![
                (
                    "未确信搜索".into(),
                    (46, 117, 182),
                    r.days.iter().map(|d| d.unconfident).collect(),
                ),
                (
                    "查无信息".into(),
                    (237, 125, 49),
                    r.days.iter().map(|d| d.no_info).collect(),
                ),
            ],
        }),
        tables: vec![Table {
            title: "各区划".into(),
            header,
            widths: vec![18.0, 15.0, 15.0, 17.0, 20.0, 17.0, 22.0, 16.0, 20.0, 18.0],
            rows,
        }],
        note: "口径：未确信搜索与查无信息工单按发生日计；每千次来电以全部来电为基数；\
               补充用时为查无信息工单至知识库条目生效，按生效日计；详见 README 指标说明。"
            .into(),
    }
}
