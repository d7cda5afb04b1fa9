//! `GET /search` and the tables behind it: synonyms and phrasings.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use serde::Deserialize;
use shared::auth::{AuthUser, Role};
use shared::{ApiError, ApiResult};
use utoipa::IntoParams;

use crate::app::phrasings::{self, NewPhrasing, QuestionPhrasings};
use crate::app::synonyms::{self, NewSynonym};
use crate::db;
use crate::search::{Phrasing, SearchResponse, Synonym};
use crate::startup::AppState;

const ANY_ROLE: &[Role] = Role::ALL;
const EDITORS: &[Role] = &[Role::KbEditor, Role::Admin];
pub const MAX_LIMIT: i64 = 50;
const DEFAULT_LIMIT: i64 = 10;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// What the caller asked, as typed: Chinese, pinyin (`kmsrsj`) or both; at most 200
    /// characters.
    #[param(example = "社保卡补办")]
    pub q: Option<String>,
    /// A region code: only that region and the regions under it.
    pub region: Option<String>,
    /// Hits to return, 1–50 (default 10).
    #[param(minimum = 1, maximum = 50)]
    pub limit: Option<i64>,
}

impl SearchParams {
    /// How many hits, 1 to [`MAX_LIMIT`].
    fn limit(&self) -> ApiResult<usize> {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::bad_request(format!(
                "`limit` must be between 1 and {MAX_LIMIT}"
            )));
        }
        Ok(limit as usize)
    }
}

/// Searches departments and FAQ entries.
///
/// Snippets are HTML-escaped; the matched words are wrapped in `<em>…</em>`. A merged agency
/// is answered by its successor. `confident` is false when no hit matches the query's key
/// words; those queries are recorded for `GET /api/v1/reports/unanswered`.
#[utoipa::path(
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, body = SearchResponse),
        (status = 400, body = shared::error::Problem),
        (status = 401, body = shared::error::Problem)
    )
)]
#[get("/search")]
pub async fn search(
    user: AuthUser,
    state: web::Data<AppState>,
    params: web::Query<SearchParams>,
) -> ApiResult<HttpResponse> {
    user.require(ANY_ROLE)?;
    let limit = params.limit()?;
    let q = params.q.as_deref().unwrap_or("");
    // CPU only (the index is in memory): run inline rather than on the blocking pool.
    let mut res = state.search.search(q, params.region.as_deref(), limit)?;
    let today = state.clock.now().with_timezone(&shared::calendar::cst());
    // The topic is the first hit's as the search ranked it, whoever may read it out.
    let topic = res.items.first().map(|h| h.topic());
    (state.search_counts).note(
        today.date_naive(),
        params.region.as_deref(),
        res.confident,
        topic,
    );
    if state.authorized_only(&user) {
        res.items.retain(|h| h.kind() != "faq" || h.authorized());
    }
    // Ten hits with their departments come to about 5 kB: one buffer of that size instead of
    // growing (and copying) a small one.
    let mut body = Vec::with_capacity(8 * 1024);
    res.write_json(&mut body).map_err(ApiError::internal)?;
    Ok(HttpResponse::Ok()
        .content_type(actix_web::http::header::ContentType::json())
        .body(body))
}

/// The synonym table: everyday words and the knowledge base's words for them.
#[utoipa::path(
    tag = "search",
    responses((status = 200, body = [Synonym]), (status = 401, body = shared::error::Problem))
)]
#[get("/search/synonyms")]
pub async fn list_synonyms(user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    user.require(ANY_ROLE)?;
    let list = super::query(&state.pool, db::search::all).await?;
    Ok(HttpResponse::Ok().json(list))
}

/// Adds a synonym (kb_editor, admin); every replica uses it within a second.
#[utoipa::path(
    tag = "search",
    request_body(content = NewSynonym, example = json!({"term": "敬老卡", "replacement": "老年人优待证"})),
    responses(
        (status = 201, body = Synonym),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem)
    )
)]
#[post("/search/synonyms")]
pub async fn add_synonym(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let body: NewSynonym = crate::routes::json_body(&req, payload, 4096).await?;
    let new = body.checked()?;
    let created = shared::db::run(&state.pool, move |conn| {
        synonyms::add(conn, &new, &user.sub)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Removes a synonym (kb_editor, admin).
#[utoipa::path(
    tag = "search",
    params(("id" = i64, Path, description = "Synonym id, as its creation or the list (`GET /api/v1/search/synonyms`) answered it; the seeded ones are numbered from 1", example = 1)),
    responses(
        (status = 204),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem)
    )
)]
#[delete("/search/synonyms/{id}")]
pub async fn delete_synonym(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let id = id.into_inner();
    shared::db::run(&state.pool, move |conn| synonyms::delete(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The phrasings table: every question of the knowledge base (by label, `scj-5`: the same
/// question in every region) with how callers voice it, built in and added by editors. The
/// search's topic classifier learns from them.
#[utoipa::path(
    tag = "search",
    responses(
        (status = 200, body = [QuestionPhrasings]),
        (status = 401, body = shared::error::Problem),
        (status = 503, body = shared::error::Problem)
    )
)]
#[get("/search/phrasings")]
pub async fn list_phrasings(user: AuthUser, state: web::Data<AppState>) -> ApiResult<HttpResponse> {
    user.require(ANY_ROLE)?;
    let index = state.search.clone();
    let table = shared::db::run(&state.pool, move |conn| phrasings::table(conn, &index)).await?;
    Ok(HttpResponse::Ok().json(table))
}

/// Adds a phrasing of a question (kb_editor, admin); every replica's search learns it
/// within a second.
#[utoipa::path(
    tag = "search",
    request_body(content = NewPhrasing, example = json!({"label": "rsj-2", "phrasing": "厂子关门了没得活干要去哪里登记"})),
    responses(
        (status = 201, body = Phrasing),
        (status = 400, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem),
        (status = 409, body = shared::error::Problem),
        (status = 503, body = shared::error::Problem)
    )
)]
#[post("/search/phrasings")]
pub async fn add_phrasing(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let body: NewPhrasing = crate::routes::json_body(&req, payload, 4096).await?;
    let new = body.checked(&state.search)?;
    let created = shared::db::run(&state.pool, move |conn| {
        phrasings::add(conn, &new, &user.sub)
    })
    .await?;
    Ok(HttpResponse::Created().json(created))
}

/// Removes an editor's phrasing (kb_editor, admin); the built-in ones change with a release.
#[utoipa::path(
    tag = "search",
    params(("id" = i64, Path, description = "The phrasing's id, as its creation or the table (`GET /api/v1/search/phrasings`) answered it", example = 1)),
    responses(
        (status = 204),
        (status = 403, body = shared::error::Problem),
        (status = 404, body = shared::error::Problem)
    )
)]
#[delete("/search/phrasings/{id}")]
pub async fn delete_phrasing(
    user: AuthUser,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let id = id.into_inner();
    shared::db::run(&state.pool, move |conn| phrasings::delete(conn, id)).await?;
    Ok(HttpResponse::NoContent().finish())
}
