//! Departments: reads for every signed-in role, writes for editors.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use shared::ApiResult;
use shared::auth::AuthUser;
use shared::pagination::{Page, Paging};
use shared::web::check_len;
use utoipa::IntoParams;

use super::{Body, create_record, department_code, edit_record};
use crate::app::directory::DepartmentPatch;
use crate::app::lookup::{self, DepartmentDetail};
use crate::domain::Department;
use crate::startup::AppState;

const BODY_LIMIT: usize = 64 * 1024;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DepartmentQuery {
    /// A region code: the region and the regions under it.
    pub region: Option<String>,
    /// Part of the name, an alias or the code.
    pub q: Option<String>,
    /// A fax number: the departments whose fax, or a liaison's, it is (in any written form:
    /// `0871-64590534`, `+86 871 6459 0534`).
    pub fax: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// A department query as checked.
struct Checked {
    region: Option<String>,
    text: Option<String>,
    fax: Option<String>,
    paging: Paging,
}

impl DepartmentQuery {
    /// The region, text and fax number asked for (empty ones dropped, the text trimmed) and
    /// the page.
    fn checked(self) -> ApiResult<Checked> {
        let paging = Paging::of(self.page, self.per_page)?;
        if let Some(r) = &self.region {
            check_len("region", r, 64)?;
        }
        let text = self
            .q
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty());
        if let Some(t) = &text {
            check_len("q", t, 100)?;
        }
        let fax = self.fax.filter(|f| !f.trim().is_empty());
        if let Some(f) = &fax {
            check_len("fax", f, 40)?;
        }
        Ok(Checked {
            region: self.region.filter(|r| !r.is_empty()),
            text,
            fax,
            paging,
        })
    }
}

/// Departments, by region and text (or whose fax number one is), a page at a time.
#[utoipa::path(tag = "directory", params(DepartmentQuery),
    responses((status = 200, body = Page<Department>), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem)))]
#[get("/departments")]
pub async fn list_departments(
    _user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<DepartmentQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner().checked()?;
    let page = shared::db::run(&state.pool, move |conn| {
        let (region, text, fax) = (q.region.as_deref(), q.text.as_deref(), q.fax.as_deref());
        lookup::departments(conn, region, text, fax, q.paging)
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One department with liaisons, hours (as text and data), open now, and its FAQ codes.
#[utoipa::path(tag = "directory", params(("code" = String, Path, description = "Department code: the region's six digits, `-` and the department's kind (`530100-gaj`: 昆明市公安局)", example = "530100-rsj")),
    responses((status = 200, body = DepartmentDetail), (status = 401, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/departments/{code}")]
pub async fn get_department(
    _user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let code = department_code(&path)?;
    let calendar = state.calendar.get();
    let now = state.clock.now();
    let detail = shared::db::run(&state.pool, move |conn| {
        lookup::department(conn, &code, &calendar, now)
    })
    .await?;
    Ok(HttpResponse::Ok().json(detail))
}

/// Creates a department (kb_editor, admin).
#[utoipa::path(tag = "directory", request_body(content = Department, example = json!({"code": "530100-wjw", "region": "530100", "kind": "wjw", "name": "昆明市卫生健康委员会", "status": "active", "phones": [{"label": "办公室", "number": "0871-63300000"}], "address": "昆明市前兴路2号"})),
    responses((status = 201, body = Department), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 409, body = shared::error::Problem), (status = 413, body = shared::error::Problem)))]
#[post("/departments")]
pub async fn create_department(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    create_record::<Department>(user, state, body, BODY_LIMIT).await
}

/// Changes a department (kb_editor, admin).
#[utoipa::path(tag = "directory", request_body(content = DepartmentPatch, example = json!({"fax": "0871-63300001", "aliases": ["卫健委"]})),
    params(("code" = String, Path, description = "Department code: the region's six digits, `-` and the department's kind (`530100-gaj`: 昆明市公安局)", example = "530100-wjw")),
    responses((status = 200, body = Department), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[patch("/departments/{code}")]
pub async fn update_department(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    edit_record(user, state, path, body, BODY_LIMIT, DepartmentPatch::apply).await
}
