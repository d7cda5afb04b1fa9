//! The operators report (话务员考核): JSON, CSV or Excel.

use actix_web::{HttpResponse, get, web};
use rust_xlsxwriter::Workbook;
use serde::Deserialize;
use shared::ApiError;
use shared::ApiResult;
use shared::auth::{AuthUser, Role};
use utoipa::IntoParams;

use super::reports::{Format, download, month_days, region, xlsx_conditions, xlsx_sheet};
use super::reports_pdf::{self as pdf, render};
use crate::app;
use crate::domain::reports_operators::{OperatorReport, operator_csv, operator_lines};
use crate::startup::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct OperatorQuery {
    /// First day (China time, `YYYY-MM-DD`), inclusive; default the first of `to`'s month.
    pub from: Option<String>,
    /// Last day (China time, `YYYY-MM-DD`), inclusive; default today.
    pub to: Option<String>,
    /// A region code (six digits), its sub-regions included. Calls carry no region: it selects
    /// the complaints (by their ticket's region) only.
    pub region: Option<String>,
    /// `json` (default), `csv` (UTF-8 with BOM), `xlsx` or `pdf` (printable).
    pub format: Option<String>,
}

/// Operators (话务员考核): per operator account, the calls taken in the range and their
/// outcomes (直接解答, 转接, 报号, 生成工单), talk time, the callers' ratings of those calls
/// (满意率) and the complaints of cause C (态度) among the tickets the account took; figures
/// as defined in the README's glossary. `format=csv|xlsx|pdf` downloads it, recorded in the audit
/// log. Supervisor.
#[utoipa::path(tag = "reports", params(OperatorQuery),
    responses(
        (status = 200, content(
            (OperatorReport = "application/json"),
            (String = "text/csv"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/pdf"))),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem)))]
#[get("/reports/operators")]
pub async fn operators(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<OperatorQuery>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::Supervisor])?;
    let days = month_days(&state, &query.from, &query.to)?;
    let (region, format) = (region(&query.region)?, Format::parse(&query.format)?);
    let export = format.extension();
    let report = app::reports_operators::operators(&state, &user, days, region, export).await?;
    let file = (("operators", "话务员考核"), report.from, report.to, format);
    Ok(match format {
        Format::Json => HttpResponse::Ok().json(report),
        Format::Csv => download(file, operator_csv(&report)),
        Format::Xlsx => download(file, operator_xlsx(&report).map_err(ApiError::internal)?),
        Format::Pdf => download(
            file,
            render(&pdf::operators(&report)).map_err(ApiError::internal)?,
        ),
    })
}

/// The report as an Excel workbook: the accounts with the total, and what was asked for.
fn operator_xlsx(r: &OperatorReport) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut book = Workbook::new();
    xlsx_sheet(&mut book, "话务员", &operator_lines(r), &[16.0], 1)?;
    let asked = [
        ("起始日期", r.from.to_string()),
        ("截止日期", r.to.to_string()),
        ("区划", r.region.clone().unwrap_or_else(|| "全部".into())),
    ];
    xlsx_conditions(&mut book, &asked)?;
    book.save_to_buffer()
}
