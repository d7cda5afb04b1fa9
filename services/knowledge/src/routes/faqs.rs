//! FAQ entries: published ones for everyone; all states, writes and revisions for editors.

use actix_web::{HttpResponse, get, patch, post, web};
use serde::Deserialize;
use shared::auth::{AuthUser, Role};
use shared::contract::knowledge::FaqRevision;
use shared::pagination::{Page, Paging};
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use super::{Body, EDITORS, check_code};
use crate::app::faqs::{self, FaqInput, FaqPatch};
use crate::db::kb;
use crate::domain::{Faq, review};
use crate::startup::AppState;

const BODY_LIMIT: usize = 64 * 1024;

fn is_editor(user: &AuthUser) -> bool {
    EDITORS.contains(&user.role)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FaqQuery {
    /// Only this department's entries.
    pub department: Option<String>,
    /// Review state (editors only; everyone else sees `published` entries).
    pub status: Option<String>,
    #[param(minimum = 1)]
    pub page: Option<i64>,
    #[param(minimum = 1, maximum = 100)]
    pub per_page: Option<i64>,
}

/// FAQ entries, by department, a page at a time.
#[utoipa::path(tag = "faq", params(FaqQuery),
    responses((status = 200, body = Page<Faq>), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem)))]
#[get("/faqs")]
pub async fn list_faqs(
    user: AuthUser,
    state: web::Data<AppState>,
    query: web::Query<FaqQuery>,
) -> ApiResult<HttpResponse> {
    let q = query.into_inner();
    let paging = Paging::of(q.page, q.per_page)?;
    let mut filter = faqs::FaqFilter::of(is_editor(&user), q.department, q.status)?;
    filter.authorized_only = state.authorized_only(&user);
    let page = shared::db::run(&state.pool, move |conn| faqs::list(conn, &filter, paging)).await?;
    Ok(HttpResponse::Ok().json(page))
}

/// One FAQ entry (non-editors see published entries only).
#[utoipa::path(tag = "faq", params(("code" = String, Path, description = "FAQ code: the department's code, `-` and a number (`530100-rsj-1`)", example = "530100-rsj-1")),
    responses((status = 200, body = Faq), (status = 401, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/faqs/{code}")]
pub async fn get_faq(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    let code = path.into_inner();
    check_code("FAQ entry", &code)?;
    let (editor, authorized_only) = (is_editor(&user), state.authorized_only(&user));
    let faq = shared::db::run(&state.pool, move |conn| {
        kb::faq(conn, &code)?
            .filter(|f| editor || f.status == review::PUBLISHED)
            .filter(|f| f.authorized || !authorized_only)
            .ok_or_else(|| ApiError::not_found(format!("no FAQ entry `{code}`")))
    })
    .await?;
    Ok(HttpResponse::Ok().json(faq))
}

/// Every version of an FAQ entry, oldest first, with who changed it and when.
#[utoipa::path(tag = "faq", params(("code" = String, Path, description = "FAQ code: the department's code, `-` and a number (`530100-rsj-1`)", example = "530100-rsj-1")),
    responses((status = 200, body = [FaqRevision]), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem)))]
#[get("/faqs/{code}/revisions")]
pub async fn faq_revisions(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> ApiResult<HttpResponse> {
    user.require(&[Role::KbEditor, Role::Admin, Role::Supervisor])?;
    let code = path.into_inner();
    check_code("FAQ entry", &code)?;
    let editor = is_editor(&user);
    let revisions = shared::db::run(&state.pool, move |conn| {
        faqs::revisions(conn, &code, editor)
    })
    .await?;
    Ok(HttpResponse::Ok().json(revisions))
}

/// Creates an FAQ entry as a draft or pending review (kb_editor, admin).
#[utoipa::path(tag = "faq", request_body(content = FaqInput, example = json!({"department": "530100-rsj", "question": "失业保险金怎么申领？", "answer": "可在昆明人社 App 在线申领，也可到户籍地人社窗口办理。", "keywords": ["失业保险"], "authorized": true, "note": "人社局 12 月来函"})),
    responses((status = 201, body = Faq), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[post("/faqs")]
pub async fn create_faq(
    user: AuthUser,
    state: web::Data<AppState>,
    body: Body,
) -> ApiResult<HttpResponse> {
    let input: FaqInput = body.editor_json(&user, BODY_LIMIT).await?;
    let created = shared::db::run(&state.pool, move |conn| {
        faqs::create(conn, input, &user.sub)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Edits an FAQ entry or moves it through review; each change is kept as a revision.
#[utoipa::path(tag = "faq", request_body(content = FaqPatch, example = json!({"answer": "社保卡补办请携带身份证到昆明市政务服务中心3楼8号窗口办理，当场取卡。", "note": "窗口已可当场制卡"})),
    params(("code" = String, Path, description = "FAQ code: the department's code, `-` and a number (`530100-rsj-1`)", example = "530100-rsj-1")),
    responses((status = 200, body = Faq), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 404, body = shared::error::Problem), (status = 409, body = shared::error::Problem)))]
#[patch("/faqs/{code}")]
pub async fn update_faq(
    user: AuthUser,
    state: web::Data<AppState>,
    path: web::Path<String>,
    body: Body,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let code = path.into_inner();
    check_code("FAQ entry", &code)?;
    let p: FaqPatch = body.json(BODY_LIMIT).await?;
    let updated = shared::db::run(&state.pool, move |conn| {
        faqs::update(conn, &code, p, &user.sub)
    })
    .await?;
    Ok(HttpResponse::Ok().json(updated))
}
