//! Reports for supervisors: calls per day, the replenishment loop per region, and the
//! department performance report (JSON, CSV or Excel).

use std::collections::BTreeMap;

use actix_web::{HttpResponse, get, web};
use chrono::NaiveDate;
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use utoipa::IntoParams;

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
    /// `json` (default), `csv` (UTF-8 with BOM) or `xlsx`.
    pub format: Option<String>,
}

/// A query value, none when absent or empty (a form's blank field).
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

fn day(field: &str, v: &Option<String>) -> ApiResult<Option<NaiveDate>> {
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
enum Format {
    Json,
    Csv,
    Xlsx,
}

impl DepartmentQuery {
    fn parse(&self, state: &AppState) -> ApiResult<(DepartmentFilter, Format)> {
        let today = state
            .clock
            .now()
            .with_timezone(&shared::calendar::cst())
            .date_naive();
        let (from, to) =
            reports::month_range(today, day("from", &self.from)?, day("to", &self.to)?)?;
        let region = given(&self.region).map(str::to_string);
        if region.as_deref().is_some_and(|r| !valid_region(r)) {
            return Err(shared::ApiError::bad_request(
                "`region` must be a region code of six digits",
            ));
        }
        let department = given(&self.department).map(str::to_string);
        if department.as_deref().is_some_and(|d| !valid_department(d)) {
            return Err(shared::ApiError::bad_request(
                "`department` must be a department code",
            ));
        }
        let format = match given(&self.format) {
            None | Some("json") => Format::Json,
            Some("csv") => Format::Csv,
            Some("xlsx") => Format::Xlsx,
            Some(_) => {
                return Err(shared::ApiError::bad_request(
                    "`format` must be json, csv or xlsx",
                ));
            }
        };
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
/// downloads it (Chinese headers), recorded in the audit log. Supervisor.
#[utoipa::path(tag = "reports", params(DepartmentQuery),
    responses(
        (status = 200, content(
            (DepartmentReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
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
    let ext = match format {
        Format::Json => {
            let report = app::reports::departments(&state, &user, filter, None).await?;
            return Ok(HttpResponse::Ok().json(report));
        }
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    let (report, names) = app::reports::export_departments(&state, &user, filter, ext).await?;
    let stem = format!("{}-{}", report.from, report.to);
    Ok(if format == Format::Csv {
        let csv = reports::department_csv(&report, &names);
        download("text/csv; charset=utf-8", &stem, ext, csv)
    } else {
        let book = department_xlsx(&report, &names).map_err(shared::ApiError::internal)?;
        download(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &stem,
            ext,
            book,
        )
    })
}

/// A file to save, named `departments-<from>-<to>.<ext>` for old clients and
/// `部门考核-<from>-<to>.<ext>` (RFC 5987) for the rest.
fn download(content_type: &str, stem: &str, ext: &str, body: Vec<u8>) -> HttpResponse {
    let chinese: String = format!("部门考核-{stem}.{ext}")
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
                "attachment; filename=\"departments-{stem}.{ext}\"; filename*=UTF-8''{chinese}"
            ),
        ))
        .body(body)
}

/// The report as an Excel workbook: a sheet of departments, one of regions with the total, and
/// one with what was asked for.
fn department_xlsx(
    r: &DepartmentReport,
    names: &BTreeMap<String, String>,
) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format as Style, FormatBorder, Workbook};
    let head = Style::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(0xDDEBF7)
        .set_border(FormatBorder::Thin);
    let share = Style::new().set_num_format("0.0%");
    let mut book = Workbook::new();
    let sheets = [
        ("部门", "部门编码", &r.departments, false),
        ("区划", "区划编码", &r.regions, true),
    ];
    for (title, first, rows, with_total) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(title)?;
        for (col, name) in (0u16..).zip(COLUMNS.iter()) {
            let name = if col == 0 { first } else { name };
            sheet.write_string_with_format(0, col, name, &head)?;
            let width = match col {
                0 => 14,
                1 => 24,
                _ => 10,
            };
            sheet.set_column_width(col, width)?;
        }
        sheet.set_row_height(0, 32)?;
        sheet.set_freeze_panes(1, 2)?;
        let name = |code: &str| names.get(code).map(String::as_str).unwrap_or("");
        let mut lines: Vec<Vec<Cell>> = rows
            .iter()
            .map(|x| cells(&x.code, name(&x.code), &x.figures))
            .collect();
        if with_total {
            lines.push(cells("合计", "", &r.total));
        }
        for (row, line) in (1u32..).zip(lines) {
            for (col, cell) in (0u16..).zip(line) {
                match cell {
                    Cell::Text(t) => sheet.write_string(row, col, t)?,
                    Cell::Count(n) => sheet.write_number(row, col, n as f64)?,
                    Cell::Share(Some(s)) => sheet.write_number_with_format(row, col, s, &share)?,
                    Cell::Share(None) => sheet,
                };
            }
        }
    }
    let about = book.add_worksheet();
    about.set_name("条件")?;
    about.set_column_width(0, 12)?;
    about.set_column_width(1, 24)?;
    let asked = [
        ("起始日期", r.from.to_string()),
        ("截止日期", r.to.to_string()),
        ("区划", r.region.clone().unwrap_or_else(|| "全部".into())),
        (
            "部门",
            r.department.clone().unwrap_or_else(|| "全部".into()),
        ),
    ];
    for (row, (k, v)) in (0u32..).zip(asked) {
        about.write_string_with_format(row, 0, k, &head)?;
        about.write_string(row, 1, v)?;
    }
    book.save_to_buffer()
}
