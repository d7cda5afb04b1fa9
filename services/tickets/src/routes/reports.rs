//! Reports for supervisors: calls per day, the replenishment loop per region, and the
//! department performance report (JSON, CSV or Excel).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use rust_xlsxwriter::{Format as Style, FormatBorder, Workbook, XlsxError};
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use utoipa::IntoParams;

use super::reports_pdf;
use crate::app;
use crate::app::reports::DepartmentFilter;
use crate::domain::reports::{
    self, COLUMNS, CallsDaily, Cell, DepartmentReport, ReplenishmentReport, cells,
};
use crate::domain::{valid_department, valid_region};
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// First day (China time), inclusive; default 6 days before `to` (30 for replenishment).
    pub from: Option<NaiveDate>,
    /// Last day (China time), inclusive; default today.
    pub to: Option<NaiveDate>,
}

impl RangeQuery {
    /// The days asked for, `default_days` before `to` unless `from` is given.
    fn days(&self, state: &AppState, default_days: u64) -> ApiResult<(NaiveDate, NaiveDate)> {
        let today = state
            .clock
            .now()
            .with_timezone(&shared::calendar::cst())
            .date_naive();
        reports::range(today, self.from, self.to, default_days)
    }
}

/// Calls per day, by classification and satisfaction (every day of the range, zeros included).
/// Supervisor.
#[utoipa::path(tag = "reports", params(RangeQuery),
    responses((status = 200, body = CallsDaily), (status = 400, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/reports/calls/daily")]
pub async fn calls_daily(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let (from, to) = query.days(&state, 6)?;
    let report = app::reports::calls_daily(&state, from, to).await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The replenishment loop per region: no-info tickets opened and closed, and the median time
/// from ticket to applied answer. Supervisor.
#[utoipa::path(tag = "reports", params(RangeQuery),
    responses((status = 200, body = ReplenishmentReport), (status = 400, body = shared::error::Problem), (status = 403, body = shared::error::Problem)))]
#[get("/reports/replenishment")]
pub async fn replenishment(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<RangeQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let (from, to) = query.days(&state, 30)?;
    let report = app::reports::replenishment(&state, from, to).await?;
    Ok(HttpResponse::Ok().json(report))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DepartmentQuery {
    /// First day (China time, `YYYY-MM-DD`), inclusive; default the first of `to`'s month.
    pub from: Option<String>,
    /// Last day (China time, `YYYY-MM-DD`), inclusive; default today.
    pub to: Option<String>,
    /// A region code (six digits); its sub-regions are included (`530100`: all of 昆明).
    pub region: Option<String>,
    /// A department code.
    pub department: Option<String>,
    /// `json` (default), `csv` (UTF-8 with BOM), `xlsx` or `pdf` (the printable report: key
    /// figures, charts and tables).
    pub format: Option<String>,
}

/// A query value, none when absent or empty (a form's blank field).
pub(crate) fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

pub(crate) fn day(field: &str, v: &Option<String>) -> ApiResult<Option<NaiveDate>> {
    given(v)
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y-%m-%d").map_err(|_| {
                shared::ApiError::bad_request(format!("`{field}` must be a date, YYYY-MM-DD"))
            })
        })
        .transpose()
}

/// The answer's format: JSON, or a download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Csv,
    Xlsx,
    Pdf,
}

impl Format {
    /// The file extension of a download; none for JSON.
    pub(crate) fn extension(self) -> Option<&'static str> {
        match self {
            Format::Json => None,
            Format::Csv => Some("csv"),
            Format::Xlsx => Some("xlsx"),
            Format::Pdf => Some("pdf"),
        }
    }

    /// The `format` asked for: JSON by default.
    pub(crate) fn parse(v: &Option<String>) -> ApiResult<Format> {
        match given(v) {
            None | Some("json") => Ok(Format::Json),
            Some("csv") => Ok(Format::Csv),
            Some("xlsx") => Ok(Format::Xlsx),
            Some("pdf") => Ok(Format::Pdf),
            Some(_) => Err(shared::ApiError::bad_request(
                "`format` must be json, csv, xlsx or pdf",
            )),
        }
    }
}

/// The days a report is asked for (China time): `to` defaults to today, `from` to the first
/// of `to`'s month.
pub(crate) fn month_days(
    state: &AppState,
    from: &Option<String>,
    to: &Option<String>,
) -> ApiResult<(NaiveDate, NaiveDate)> {
    let today = state
        .clock
        .now()
        .with_timezone(&shared::calendar::cst())
        .date_naive();
    reports::month_range(today, day("from", from)?, day("to", to)?)
}

/// The region filter: none, or a region code of six digits.
pub(crate) fn region(v: &Option<String>) -> ApiResult<Option<String>> {
    let region = given(v).map(str::to_string);
    if region.as_deref().is_some_and(|r| !valid_region(r)) {
        return Err(shared::ApiError::bad_request(
            "`region` must be a region code of six digits",
        ));
    }
    Ok(region)
}

impl DepartmentQuery {
    fn parse(&self, state: &AppState) -> ApiResult<(DepartmentFilter, Format)> {
        let (from, to) = month_days(state, &self.from, &self.to)?;
        let region = region(&self.region)?;
        let department = given(&self.department).map(str::to_string);
        if department.as_deref().is_some_and(|d| !valid_department(d)) {
            return Err(shared::ApiError::bad_request(
                "`department` must be a department code",
            ));
        }
        let format = Format::parse(&self.format)?;
        let filter = DepartmentFilter {
            from,
            to,
            region,
            department,
        };
        Ok((filter, format))
    }
}

/// Department performance (部门考核): per department and rolled up the region tree, the
/// tickets dispatched, accepted on time (签收率), replied on time (按时办结率), returned (退单率),
/// extended, overdue now, supervised (督办), called back (回访率), the callers' ratings (满意率)
/// and complaints by cause; figures as defined in the README's glossary. `format=csv|xlsx`
/// downloads it (Chinese headers), `format=pdf` as the printable monthly report (key figures,
/// the departments' on-time rates as bars, the days' dispatches and replies as a line,
/// tables); each download is recorded in the audit log. Supervisor.
#[utoipa::path(tag = "reports", params(DepartmentQuery),
    responses(
        (status = 200, content(
            (DepartmentReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/pdf"))),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)))]
#[get("/reports/departments")]
pub async fn departments(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<DepartmentQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let (filter, format) = query.parse(&state)?;
    let Some(ext) = format.extension() else {
        let report = app::reports::departments(&state, &user, filter, None).await?;
        return Ok(HttpResponse::Ok().json(report));
    };
    let (report, names) = app::reports::export_departments(&state, &user, filter, ext).await?;
    let name = ("departments", "部门考核");
    let file = (name, report.from, report.to, format);
    let body = match format {
        Format::Csv => reports::department_csv(&report, &names),
        Format::Pdf => reports_pdf::render(&reports_pdf::department(&report, &names))
            .map_err(shared::ApiError::internal)?,
        _ => department_xlsx(&report, &names).map_err(shared::ApiError::internal)?,
    };
    Ok(download(file, body))
}

/// A download's name (English, Chinese), its days and its format.
pub(crate) type FileName = ((&'static str, &'static str), NaiveDate, NaiveDate, Format);

/// A file to save, named `<english>-<from>-<to>.<ext>` for old clients and
/// `<chinese>-<from>-<to>.<ext>` (RFC 5987) for the rest.
pub(crate) fn download(
    ((english, chinese), from, to, format): FileName,
    body: Vec<u8>,
) -> HttpResponse {
    let (content_type, ext) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
        Format::Pdf => ("application/pdf", "pdf"),
        Format::Json => ("application/json", "json"),
    };
    let encoded: String = format!("{chinese}-{from}-{to}.{ext}")
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            "content-disposition",
            format!(
                "attachment; filename=\"{english}-{from}-{to}.{ext}\"; filename*=UTF-8''{encoded}"
            ),
        ))
        .body(body)
}

/// The report as an Excel workbook: a sheet of departments, one of regions with the total, and
/// one with what was asked for.
fn department_xlsx(
    r: &DepartmentReport,
    names: &BTreeMap<String, String>,
) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheets = [
        ("部门", "部门编码", &r.departments, false),
        ("区划", "区划编码", &r.regions, true),
    ];
    for (title, first, rows, with_total) in sheets {
        let mut header: Vec<Cell> = COLUMNS.iter().map(|c| Cell::Text((*c).into())).collect();
        header[0] = Cell::Text(first.into());
        let name = |code: &str| names.get(code).map(String::as_str).unwrap_or("");
        let mut lines: Vec<Vec<Cell>> = vec![header];
        lines.extend(
            rows.iter()
                .map(|x| cells(&x.code, name(&x.code), &x.figures)),
        );
        if with_total {
            lines.push(cells("合计", "", &r.total));
        }
        xlsx_sheet(&mut book, title, &lines, &[14.0, 24.0], 2)?;
    }
    let asked = [
        ("起始日期", r.from.to_string()),
        ("截止日期", r.to.to_string()),
        ("区划", r.region.clone().unwrap_or_else(|| "全部".into())),
        (
            "部门",
            r.department.clone().unwrap_or_else(|| "全部".into()),
        ),
    ];
    xlsx_conditions(&mut book, &asked)?;
    book.save_to_buffer()
}

fn head_style() -> Style {
    Style::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xDDEBF7)
        .set_border(FormatBorder::Thin)
}

/// A sheet of a workbook: `lines[0]` the header (frozen with the first `frozen` columns), the
/// first columns as wide as `widths` says, the rest 10; shares formatted as percentages.
pub(crate) fn xlsx_sheet(
    book: &mut Workbook,
    title: &str,
    lines: &[Vec<Cell>],
    widths: &[f64],
    frozen: u16,
) -> Result<(), XlsxError> {
    let head = head_style();
    let share = Style::new().set_num_format("0.0%");
    let sheet = book.add_worksheet();
    sheet.set_name(title)?;
    let columns = lines.first().map_or(0, Vec::len);
    for col in 0..columns {
        let width = widths.get(col).copied().unwrap_or(10.0);
        sheet.set_column_width(u16::try_from(col).unwrap_or(u16::MAX), width)?;
    }
    sheet.set_row_height(0, 32)?;
    sheet.set_freeze_panes(1, frozen)?;
    for (row, line) in (0u32..).zip(lines) {
        for (col, cell) in (0u16..).zip(line) {
            match cell {
                Cell::Text(t) if row == 0 => sheet.write_string_with_format(row, col, t, &head)?,
                Cell::Text(t) => sheet.write_string(row, col, t)?,
                Cell::Count(n) => sheet.write_number(row, col, *n as f64)?,
                Cell::Share(Some(s)) => sheet.write_number_with_format(row, col, *s, &share)?,
                Cell::Share(None) => sheet,
            };
        }
    }
    Ok(())
}

/// The sheet `条件`: what the report was asked for.
pub(crate) fn xlsx_conditions(
    book: &mut Workbook,
    asked: &[(&str, String)],
) -> Result<(), XlsxError> {
    let head = head_style();
    let about = book.add_worksheet();
    about.set_name("条件")?;
    about.set_column_width(0, 12)?;
    about.set_column_width(1, 24)?;
    for (row, (k, v)) in (0u32..).zip(asked) {
        about.write_string_with_format(row, 0, *k, &head)?;
        about.write_string(row, 1, v)?;
    }
    Ok(())
}
