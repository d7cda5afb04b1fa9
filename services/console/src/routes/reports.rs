//! The department performance report (考核报表) at `/reports/departments` and the operators
//! report (话务员考核) at `/reports/operators` and the knowledge base health report (知识库健康度)
//! at `/reports/kb-health` and the 社情民意 digest at `/reports/topics`, with their downloads
//! at `…/download`, read
//! from the tickets service with the supervisor's own token (it answers 403 to anyone else).
//! The filters are checked here first, so a mistake is told in Chinese.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use chrono::{Datelike, NaiveDate, Utc};
use maud::Markup;
use serde::Deserialize;

use crate::api::knowledge::department_names;
use crate::api::{Api, Service, path_code};
use crate::error::PageError;
use crate::routes::html;
use crate::session::{CurrentUser, User};
use crate::views::format;
use crate::views::layout;
use crate::views::reports::data::{DepartmentReport, OperatorReport};
use crate::views::reports::{self as view, Filters};
use crate::views::reports_health::{self as health_view, data::HealthReport};
use crate::views::reports_topics::{self as topics_view, data::TopicDigest};

pub fn register(cfg: &mut web::ServiceConfig) {
    report::<DepartmentReport>(cfg);
    report::<OperatorReport>(cfg);
    report::<HealthReport>(cfg);
    report::<TopicDigest>(cfg);
}

/// A report's page and its downloads.
fn report<R: ReportPage + 'static>(cfg: &mut web::ServiceConfig) {
    let page = format!("/reports/{}", R::REPORT);
    cfg.service(web::resource(page.as_str()).route(web::get().to(report_page::<R>)))
        .service(web::resource(format!("{page}/download")).route(web::get().to(download::<R>)));
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportQuery {
    month: String,
    from: String,
    to: String,
    region: String,
    department: String,
    format: String,
}

fn date(text: &str, what: &str) -> Result<Option<NaiveDate>, PageError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| PageError::Invalid(format!("{what}格式不正确，应为 年-月-日。")))
}

/// The filters as typed and the days they ask for: `from`/`to` when given, else the month
/// (up to today for the current one), else this month up to today.
fn days(q: &ReportQuery) -> Result<(Filters, String, String), PageError> {
    let today = Utc::now().with_timezone(&format::shanghai()).date_naive();
    let month = q.month.trim();
    let (mut from, mut to) = (date(&q.from, "起始日期")?, date(&q.to, "截止日期")?);
    if !month.is_empty() && from.is_none() && to.is_none() {
        let first = NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
            .map_err(|_| PageError::Invalid("月份格式不正确，应为 年-月。".into()))?;
        let last = first
            .checked_add_months(chrono::Months::new(1))
            .and_then(|d| d.pred_opt())
            .unwrap_or(first);
        from = Some(first);
        to = Some(last.min(today.max(first)));
    }
    let to = to.unwrap_or(today);
    let from = from.unwrap_or_else(|| to.with_day(1).unwrap_or(to));
    if from > to {
        return Err(PageError::Invalid("起始日期不能晚于截止日期。".into()));
    }
    if (to - from).num_days() > 366 {
        return Err(PageError::Invalid("查询范围最长一年（366 天）。".into()));
    }
    let region = q.region.trim().to_string();
    if !region.is_empty() && (region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit())) {
        return Err(PageError::Invalid("地区应为六位行政区划代码。".into()));
    }
    let department = q.department.trim().to_string();
    if !department.is_empty() && path_code(&department).is_err() {
        return Err(PageError::Invalid("部门编码格式不正确。".into()));
    }
    let filters = Filters {
        month: month.to_string(),
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        region,
        department,
    };
    Ok((filters, from.to_string(), to.to_string()))
}

/// One report's page: which report of the tickets service it reads (`/api/v1/reports/<REPORT>`,
/// shown at `/reports/<REPORT>`), its title, the departments it names, and how it is drawn.
trait ReportPage: serde::de::DeserializeOwned {
    const REPORT: &'static str;
    const TITLE: &'static str;
    /// The departments the page names (the filter's is added).
    fn departments(&self) -> Vec<String> {
        Vec::new()
    }
    fn render(&self, f: &Filters, regions: &[(String, String)], names: &Names) -> Markup;
}

type Names = BTreeMap<String, String>;

impl ReportPage for DepartmentReport {
    const REPORT: &'static str = "departments";
    const TITLE: &'static str = "考核报表";
    fn departments(&self) -> Vec<String> {
        self.departments.iter().map(|d| d.code.clone()).collect()
    }
    fn render(&self, f: &Filters, regions: &[(String, String)], names: &Names) -> Markup {
        view::page(&view::Page {
            filters: f,
            report: self,
            regions,
            department_names: names,
        })
    }
}

impl ReportPage for OperatorReport {
    const REPORT: &'static str = "operators";
    const TITLE: &'static str = "话务员考核";
    fn render(&self, f: &Filters, regions: &[(String, String)], _: &Names) -> Markup {
        view::operators_page(f, self, regions)
    }
}

impl ReportPage for HealthReport {
    const REPORT: &'static str = "kb-health";
    const TITLE: &'static str = "知识库健康度";
    fn render(&self, f: &Filters, regions: &[(String, String)], names: &Names) -> Markup {
        health_view::health_page(&health_view::HealthPage {
            filters: f,
            report: self,
            regions,
            department_names: names,
        })
    }
}

impl ReportPage for TopicDigest {
    const REPORT: &'static str = "topics";
    const TITLE: &'static str = "社情民意";
    fn render(&self, f: &Filters, regions: &[(String, String)], names: &Names) -> Markup {
        topics_view::topics_page(&topics_view::TopicsPage {
            filters: f,
            report: self,
            regions,
            department_names: names,
        })
    }
}

/// A report's page for the filters, with the regions' and departments' names.
async fn report_page<R: ReportPage>(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, PageError> {
    let (filters, from, to) = days(&query)?;
    let path = format!(
        "/api/v1/reports/{}?{}",
        R::REPORT,
        filters.query(&from, &to)
    );
    let report: R = api.get(&user, Service::Tickets, &path).await?;
    let mut codes = report.departments();
    if !filters.department.is_empty() && !codes.contains(&filters.department) {
        codes.push(filters.department.clone());
    }
    // Both are asked of the knowledge service, independently.
    let (regions, names) = tokio::join!(regions(&api, &user), department_names(&api, &user, codes));
    let body = report.render(&filters, &regions, &names);
    let here = format!("/reports/{}", R::REPORT);
    Ok(html(layout::page(&user, R::TITLE, &here, body)))
}

/// The regions' codes and names for the picker and the tables (none when the knowledge service
/// cannot say: the codes stand).
async fn regions(api: &Api, user: &User) -> Vec<(String, String)> {
    #[derive(Deserialize)]
    struct Region {
        code: String,
        name: String,
    }
    let regions: Vec<Region> = api
        .get_reference(user, Service::Knowledge, "/api/v1/regions")
        .await
        .unwrap_or_default();
    regions.into_iter().map(|r| (r.code, r.name)).collect()
}

/// A report as CSV, Excel or PDF (`/reports/<report>/download`), passed on from the tickets
/// service as it made it (which records the download in the audit log).
async fn download<R: ReportPage>(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<ReportQuery>,
) -> Result<HttpResponse, PageError> {
    let format = match query.format.as_str() {
        f @ ("csv" | "xlsx" | "pdf") => f,
        _ => {
            return Err(PageError::Invalid(
                "下载格式应为 CSV、Excel 或 PDF。".into(),
            ));
        }
    };
    let (filters, from, to) = days(&query)?;
    let path = format!(
        "/api/v1/reports/{}?format={format}&{}",
        R::REPORT,
        filters.query(&from, &to)
    );
    let file = api.download(&user, Service::Tickets, &path).await?;
    let mut res = HttpResponse::Ok();
    res.content_type(file.content_type);
    if let Some(d) = file.disposition {
        res.insert_header(("content-disposition", d));
    }
    Ok(res.body(file.body))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn q(month: &str, from: &str, to: &str) -> ReportQuery {
        ReportQuery {
            month: month.into(),
            from: from.into(),
            to: to.into(),
            ..ReportQuery::default()
        }
    }

    #[test]
    fn a_month_or_a_range() {
        let (_, from, to) = days(&q("2025-02", "", "")).unwrap();
        assert_eq!((from.as_str(), to.as_str()), ("2025-02-01", "2025-02-28"));
        let (_, from, to) = days(&q("2025-02", "2025-01-03", "2025-01-09")).unwrap();
        assert_eq!((from.as_str(), to.as_str()), ("2025-01-03", "2025-01-09"));
        assert!(
            matches!(days(&q("2025-13", "", "")), Err(PageError::Invalid(m)) if m.contains("月份"))
        );
        assert!(matches!(
            days(&q("", "2025-01-09", "2025-01-03")),
            Err(PageError::Invalid(_))
        ));
        let bad_region = ReportQuery {
            region: "5301".into(),
            ..ReportQuery::default()
        };
        assert!(matches!(days(&bad_region), Err(PageError::Invalid(m)) if m.contains("地区")));
    }
}
