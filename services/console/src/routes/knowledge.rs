//! The knowledge editor's screens (知识库维护): the review queue at `/`, FAQ entries, unanswered
//! queries, synonyms, departments and import, all under `/knowledge`.

use std::collections::HashMap;

use actix_web::{HttpRequest, HttpResponse, web};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;

use crate::api::knowledge::*;
use crate::api::types::Page;
use crate::api::{Api, Service, page_query, path_code};
use crate::error::PageError;
use crate::routes::{html, is_htmx, see_other};
use crate::session::{CurrentUser, User};
use crate::views::knowledge as view;
use crate::views::layout;

/// Largest import form: a full set of reference files pasted or read into the form.
const IMPORT_LIMIT: usize = 16 * 1024 * 1024;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/knowledge/queue").route(web::get().to(queue)))
        .service(web::resource("/knowledge/requests/{id}/apply").route(web::post().to(apply)))
        .service(web::resource("/knowledge/requests/{id}/reject").route(web::post().to(reject)))
        .service(
            web::resource("/knowledge/faqs")
                .route(web::get().to(faqs))
                .route(web::post().to(create_faq)),
        )
        .service(web::resource("/knowledge/faqs/new").route(web::get().to(new_faq)))
        .service(
            web::resource("/knowledge/faqs/{code}")
                .route(web::get().to(faq))
                .route(web::post().to(save_faq)),
        )
        .service(web::resource("/knowledge/faqs/{code}/status").route(web::post().to(faq_status)))
        .service(web::resource("/knowledge/departments").route(web::get().to(departments)))
        .service(
            web::resource("/knowledge/departments/{code}")
                .route(web::get().to(department))
                .route(web::post().to(save_department)),
        )
        .service(web::resource("/knowledge/unanswered").route(web::get().to(unanswered)))
        .service(
            web::resource("/knowledge/synonyms")
                .route(web::get().to(synonyms))
                .route(web::post().to(add_synonym)),
        )
        .service(
            web::resource("/knowledge/synonyms/{id}/delete").route(web::post().to(delete_synonym)),
        )
        .service(
            web::resource("/knowledge/phrasings")
                .route(web::get().to(phrasings))
                .route(web::post().to(add_phrasing)),
        )
        .service(
            web::resource("/knowledge/phrasings/{id}/delete")
                .route(web::post().to(delete_phrasing)),
        )
        .service(
            web::resource("/knowledge/import")
                .app_data(web::PayloadConfig::new(IMPORT_LIMIT))
                .route(web::get().to(import_page))
                .route(web::post().to(import)),
        );
}

/// The landing page at `/` for this role: the review queue.
pub async fn landing(
    _req: &HttpRequest,
    user: &User,
    api: &Api,
) -> Result<HttpResponse, PageError> {
    let queue = load_queue(user, api).await?;
    Ok(html(layout::page(user, "审核队列", "/", queue)))
}

/// The pending requests, oldest first, with the departments they concern.
async fn load_queue(user: &User, api: &Api) -> Result<maud::Markup, PageError> {
    let page: Page<ChangeRequest> = api
        .get_query(
            user,
            Service::Knowledge,
            "/api/v1/change-requests",
            &[("status", "pending"), ("per_page", "50")],
        )
        .await?;
    let mut codes: Vec<String> = page
        .items
        .iter()
        .filter_map(|c| c.department_code.clone())
        .collect();
    codes.sort();
    codes.dedup();
    let lookups = codes.iter().map(|code| async move {
        let dept = match path_code(code) {
            Ok(c) => {
                let path = format!("/api/v1/departments/{c}");
                api.get::<Department>(user, Service::Knowledge, &path).await
            }
            Err(e) => Err(e),
        };
        (code.clone(), dept)
    });
    let mut departments = HashMap::new();
    for (code, dept) in futures_util::future::join_all(lookups).await {
        match dept {
            Ok(d) => {
                departments.insert(code, d);
            }
            // A department gone since the request was made: the code is shown instead.
            Err(PageError::NotFound) => {}
            Err(e) => return Err(e),
        }
    }
    let items: Vec<view::QueueItem> = page
        .items
        .into_iter()
        .map(|request| view::QueueItem {
            department: request
                .department_code
                .as_ref()
                .and_then(|c| departments.get(c).cloned()),
            request,
        })
        .collect();
    Ok(view::review_queue(&items, page.total))
}

async fn queue(user: CurrentUser, api: web::Data<Api>) -> Result<HttpResponse, PageError> {
    Ok(html(load_queue(&user, &api).await?))
}

#[derive(Deserialize)]
struct Decision {
    #[serde(default)]
    entry_code: Option<String>,
}

async fn apply(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let d: Decision = api
        .send(
            &user,
            Method::POST,
            Service::Knowledge,
            &format!("/api/v1/change-requests/{id}/apply"),
            &json!({}),
        )
        .await?;
    let msg = match d.entry_code {
        Some(code) => format!("申请 {id} 已通过，知识库已更新（{code}）。"),
        None => format!("申请 {id} 已通过，知识库已更新。"),
    };
    let queue = load_queue(&user, &api).await?;
    Ok(html(view::queue_with_flash(queue, "ok", &msg)))
}

#[derive(Deserialize)]
struct RejectForm {
    reason: String,
}

async fn reject(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<i64>,
    form: web::Form<RejectForm>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let reason = form.reason.trim();
    if reason.is_empty() {
        return Err(PageError::Invalid("请填写驳回理由。".into()));
    }
    let _: Decision = api
        .send(
            &user,
            Method::POST,
            Service::Knowledge,
            &format!("/api/v1/change-requests/{id}/reject"),
            &json!({ "reason": reason }),
        )
        .await?;
    let queue = load_queue(&user, &api).await?;
    Ok(html(view::queue_with_flash(
        queue,
        "ok",
        &format!("申请 {id} 已驳回，理由已告知联络员。"),
    )))
}

// ---------------------------------------------------------------------------------------------
// FAQ entries.

const FAQ_PER_PAGE: i64 = 50;

#[derive(Default, Deserialize)]
#[serde(default)]
struct FaqQuery {
    department: String,
    status: String,
    page: Option<i64>,
}

async fn faqs(
    user: CurrentUser,
    api: web::Data<Api>,
    q: web::Query<FaqQuery>,
) -> Result<HttpResponse, PageError> {
    let filter = view::FaqFilter {
        department: q.department.trim().to_string(),
        status: q.status.trim().to_string(),
        page: q.page.unwrap_or(1).max(1),
    };
    let params = page_query(
        filter.page,
        FAQ_PER_PAGE,
        &[
            ("department", &filter.department),
            ("status", &filter.status),
        ],
    );
    let page: Page<Faq> = api
        .get_query(&user, Service::Knowledge, "/api/v1/faqs", &params)
        .await?;
    Ok(html(view::faq_list(
        &user,
        &filter,
        &page.items,
        page.total,
        FAQ_PER_PAGE,
    )))
}

#[derive(Deserialize)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn faq(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    q: web::Query<SavedQuery>,
) -> Result<HttpResponse, PageError> {
    let code = path_code(&path)?;
    let base = format!("/api/v1/faqs/{code}");
    let (faq, revisions) = futures_util::future::join(
        api.get::<Faq>(&user, Service::Knowledge, &base),
        api.get::<Vec<Revision>>(&user, Service::Knowledge, &format!("{base}/revisions")),
    )
    .await;
    let faq = faq?;
    // The department's name is a nicety: its code shows when it cannot be had.
    let department = api
        .get::<Department>(
            &user,
            Service::Knowledge,
            &format!("/api/v1/departments/{}", path_code(&faq.department)?),
        )
        .await
        .ok()
        .map(|d| d.name);
    let saved = match q.saved.as_deref() {
        Some("created") => Some("条目已创建。"),
        Some("status") => Some("审核状态已更新。"),
        Some(_) => Some("修改已保存，已记入修订记录。"),
        None => None,
    };
    Ok(html(view::faq_editor(
        &user,
        &faq,
        department.as_deref(),
        &revisions?,
        saved,
    )))
}

/// Keywords as typed: separated by commas (either width), semicolons or spaces.
fn keywords(text: &str) -> Vec<String> {
    text.split(|c: char| {
        c == ',' || c == '，' || c == '；' || c == ';' || c == '、' || c.is_whitespace()
    })
    .map(str::trim)
    .filter(|k| !k.is_empty())
    .map(String::from)
    .collect()
}

#[derive(Deserialize)]
struct FaqForm {
    question: String,
    answer: String,
    #[serde(default)]
    keywords: String,
    #[serde(default)]
    authorized: Option<String>,
    #[serde(default)]
    note: String,
}

async fn save_faq(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    form: web::Form<FaqForm>,
) -> Result<HttpResponse, PageError> {
    let code = path_code(&path)?;
    let f = form.into_inner();
    let note = f.note.trim();
    let body = json!({
        "question": f.question.trim(),
        "answer": f.answer.trim(),
        "keywords": keywords(&f.keywords),
        "authorized": f.authorized.is_some(),
        "note": if note.is_empty() { None } else { Some(note) },
    });
    let _: Faq = api
        .send(
            &user,
            Method::PATCH,
            Service::Knowledge,
            &format!("/api/v1/faqs/{code}"),
            &body,
        )
        .await?;
    Ok(see_other(&format!("/knowledge/faqs/{code}?saved=1")))
}

#[derive(Deserialize)]
struct StatusForm {
    status: String,
}

async fn faq_status(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    form: web::Form<StatusForm>,
) -> Result<HttpResponse, PageError> {
    let code = path_code(&path)?;
    let _: Faq = api
        .send(
            &user,
            Method::PATCH,
            Service::Knowledge,
            &format!("/api/v1/faqs/{code}"),
            &json!({ "status": form.status }),
        )
        .await?;
    Ok(see_other(&format!("/knowledge/faqs/{code}?saved=status")))
}

#[derive(Deserialize)]
struct NewFaqQuery {
    #[serde(default)]
    question: String,
    #[serde(default)]
    department: String,
}

async fn new_faq(user: CurrentUser, q: web::Query<NewFaqQuery>) -> HttpResponse {
    let v = view::NewFaq {
        department: q.department.clone(),
        question: q.question.clone(),
        answer: String::new(),
        authorized: true,
    };
    html(view::faq_new(&user, &v, None))
}

#[derive(Deserialize)]
struct NewFaqForm {
    department: String,
    question: String,
    answer: String,
    #[serde(default)]
    authorized: Option<String>,
    #[serde(default)]
    status: String,
}

async fn create_faq(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<NewFaqForm>,
) -> Result<HttpResponse, PageError> {
    let f = form.into_inner();
    let status = if f.status == "pending" {
        "pending"
    } else {
        "draft"
    };
    let body = json!({
        "department": f.department.trim(),
        "question": f.question.trim(),
        "answer": f.answer.trim(),
        "authorized": f.authorized.is_some(),
        "status": status,
    });
    match api
        .send::<Faq, _>(
            &user,
            Method::POST,
            Service::Knowledge,
            "/api/v1/faqs",
            &body,
        )
        .await
    {
        Ok(faq) => Ok(see_other(&format!(
            "/knowledge/faqs/{}?saved=created",
            path_code(&faq.code)?
        ))),
        // The form comes back as typed, with the reason.
        Err(e @ (PageError::Invalid(_) | PageError::Conflict(_))) => {
            let v = view::NewFaq {
                department: f.department,
                question: f.question,
                answer: f.answer,
                authorized: f.authorized.is_some(),
            };
            Ok(HttpResponse::BadRequest()
                .content_type("text/html; charset=utf-8")
                .body(view::faq_new(&user, &v, Some(&e.message())).into_string()))
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------
// Unanswered queries.

const UNANSWERED_PER_PAGE: i64 = 50;

/// A page of one of knowledge's lists, with the regions to name the codes in it. Region names
/// are a nicety: with no list of regions the codes show.
async fn page_with_regions<T: serde::de::DeserializeOwned>(
    user: &User,
    api: &Api,
    path: &str,
    params: &[(&'static str, String)],
) -> Result<(Page<T>, Vec<Region>), PageError> {
    let (list, regions) = futures_util::future::join(
        api.get_query::<Page<T>, _>(user, Service::Knowledge, path, params),
        api.get_reference::<Vec<Region>>(user, Service::Knowledge, "/api/v1/regions"),
    )
    .await;
    Ok((list?, regions.unwrap_or_default()))
}

#[derive(Deserialize)]
struct UnansweredQuery {
    #[serde(default)]
    status: String,
    #[serde(default)]
    page: Option<i64>,
}

async fn unanswered(
    user: CurrentUser,
    api: web::Data<Api>,
    q: web::Query<UnansweredQuery>,
) -> Result<HttpResponse, PageError> {
    let status = match q.status.as_str() {
        "answered" | "all" => q.status.clone(),
        _ => "open".to_string(),
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let params = page_query(page_no, UNANSWERED_PER_PAGE, &[("status", &status)]);
    let (list, regions) =
        page_with_regions::<Unanswered>(&user, &api, "/api/v1/reports/unanswered", &params).await?;
    let regions: HashMap<String, String> = regions.into_iter().map(|r| (r.code, r.name)).collect();
    Ok(html(view::unanswered(
        &user,
        &list.items,
        &regions,
        &status,
        page_no,
        list.total,
        UNANSWERED_PER_PAGE,
    )))
}

// ---------------------------------------------------------------------------------------------
// Synonyms.

async fn load_synonyms(user: &User, api: &Api) -> Result<Vec<Synonym>, PageError> {
    api.get(user, Service::Knowledge, "/api/v1/search/synonyms")
        .await
}

async fn synonyms(user: CurrentUser, api: web::Data<Api>) -> Result<HttpResponse, PageError> {
    let list = load_synonyms(&user, &api).await?;
    Ok(html(view::synonyms_page(&user, &list)))
}

#[derive(Deserialize)]
struct SynonymForm {
    term: String,
    replacement: String,
}

async fn add_synonym(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<SynonymForm>,
) -> Result<HttpResponse, PageError> {
    let (term, replacement) = (form.term.trim(), form.replacement.trim());
    let _: Synonym = api
        .send(
            &user,
            Method::POST,
            Service::Knowledge,
            "/api/v1/search/synonyms",
            &json!({ "term": term, "replacement": replacement }),
        )
        .await?;
    let list = load_synonyms(&user, &api).await?;
    Ok(html(view::with_flash(
        view::synonym_table(&list),
        "ok",
        &format!("已添加：{term} → {replacement}。"),
    )))
}

async fn delete_synonym(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    api.delete(
        &user,
        Service::Knowledge,
        &format!("/api/v1/search/synonyms/{id}"),
    )
    .await?;
    let list = load_synonyms(&user, &api).await?;
    Ok(html(view::with_flash(
        view::synonym_table(&list),
        "ok",
        "同义词已删除。",
    )))
}

// ---------------------------------------------------------------------------------------------
// Phrasings.

/// Characters a phrasing has at most, and Chinese ones at least (the knowledge service's
/// bounds, checked here first so the editor reads why in Chinese).
const PHRASING_MAX_CHARS: usize = 60;
const PHRASING_MIN_HAN: usize = 4;

async fn load_phrasings(user: &User, api: &Api) -> Result<Vec<QuestionPhrasings>, PageError> {
    api.get(user, Service::Knowledge, "/api/v1/search/phrasings")
        .await
}

#[derive(Deserialize)]
struct PhrasingsQuery {
    /// A caller's words to start from (the unanswered report's 添加问法).
    phrasing: Option<String>,
}

async fn phrasings(
    user: CurrentUser,
    api: web::Data<Api>,
    query: web::Query<PhrasingsQuery>,
) -> Result<HttpResponse, PageError> {
    let table = load_phrasings(&user, &api).await?;
    let prefill: String = query
        .phrasing
        .as_deref()
        .unwrap_or("")
        .chars()
        .take(60)
        .collect();
    Ok(html(view::phrasings_page(&user, &table, &prefill)))
}

#[derive(Deserialize)]
struct PhrasingForm {
    label: String,
    phrasing: String,
}

async fn add_phrasing(
    user: CurrentUser,
    api: web::Data<Api>,
    form: web::Form<PhrasingForm>,
) -> Result<HttpResponse, PageError> {
    let (label, phrasing) = (form.label.trim(), form.phrasing.trim());
    if label.is_empty() {
        return Err(PageError::Invalid("请选择问题。".into()));
    }
    let han = phrasing
        .chars()
        .filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c))
        .count();
    if phrasing.chars().count() > PHRASING_MAX_CHARS || han < PHRASING_MIN_HAN {
        return Err(PageError::Invalid(
            "说法最多 60 个字，其中至少 4 个汉字。".into(),
        ));
    }
    let added: Result<Phrasing, PageError> = api
        .send(
            &user,
            Method::POST,
            Service::Knowledge,
            "/api/v1/search/phrasings",
            &json!({ "label": label, "phrasing": phrasing }),
        )
        .await;
    // The service alone knows the region names; it says so in its own words.
    let added = added.map_err(|e| match e {
        PageError::Invalid(d) if d.contains("names the region") => {
            PageError::Invalid("说法里不要写地区名：问法对所有地区生效。".into())
        }
        PageError::Conflict(_) => PageError::Invalid("这个问题已有同样的说法。".into()),
        other => other,
    })?;
    let table = load_phrasings(&user, &api).await?;
    Ok(html(view::with_flash(
        view::phrasing_table(&table),
        "ok",
        &format!("已添加说法：{}", added.phrasing),
    )))
}

async fn delete_phrasing(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<i64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    api.delete(
        &user,
        Service::Knowledge,
        &format!("/api/v1/search/phrasings/{id}"),
    )
    .await?;
    let table = load_phrasings(&user, &api).await?;
    Ok(html(view::with_flash(
        view::phrasing_table(&table),
        "ok",
        "已删除说法。",
    )))
}

// ---------------------------------------------------------------------------------------------
// Import.

async fn import_page(user: CurrentUser) -> HttpResponse {
    html(view::import_page(&user))
}

async fn import(
    user: CurrentUser,
    api: web::Data<Api>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| PageError::Invalid("表单内容无法读取".into()))?;
    let mut upload = serde_json::Map::new();
    for (kind, _) in view::IMPORT_KINDS {
        if let Some((_, text)) = pairs
            .iter()
            .find(|(k, v)| k == kind && !v.trim().is_empty())
        {
            upload.insert(kind.to_string(), text.clone().into());
        }
    }
    if upload.is_empty() {
        return Err(PageError::Invalid("请先选择文件或粘贴内容。".into()));
    }
    let report: ImportReport = api
        .send(
            &user,
            Method::POST,
            Service::Knowledge,
            "/api/v1/import",
            &upload,
        )
        .await?;
    Ok(html(view::import_report(&report)))
}

// ---------------------------------------------------------------------------------------------
// Departments.

const DEPT_PER_PAGE: i64 = 50;

#[derive(Deserialize)]
struct DeptQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    page: Option<i64>,
}

async fn departments(
    req: HttpRequest,
    user: CurrentUser,
    api: web::Data<Api>,
    q: web::Query<DeptQuery>,
) -> Result<HttpResponse, PageError> {
    let filter = view::DeptFilter {
        q: q.q.trim().to_string(),
        region: q.region.trim().to_string(),
        page: q.page.unwrap_or(1).max(1),
    };
    let params = page_query(
        filter.page,
        DEPT_PER_PAGE,
        &[("q", &filter.q), ("region", &filter.region)],
    );
    let (list, regions) =
        page_with_regions::<DepartmentRecord>(&user, &api, "/api/v1/departments", &params).await?;
    // htmx restoring a page from history wants the whole page, not the results.
    let listing = view::DeptListing {
        filter,
        regions,
        items: list.items,
        total: list.total,
        per_page: DEPT_PER_PAGE,
    };
    if is_htmx(&req) && !req.headers().contains_key("hx-history-restore-request") {
        return Ok(html(view::department_results(&listing)));
    }
    Ok(html(view::department_list(&user, &listing)))
}

/// The department with its liaisons, and all its FAQ entries whatever their review state.
async fn load_department(
    user: &User,
    api: &Api,
    code: &str,
) -> Result<(DepartmentDetail, Vec<Faq>), PageError> {
    let (detail, faqs) = futures_util::future::join(
        api.get::<DepartmentDetail>(
            user,
            Service::Knowledge,
            &format!("/api/v1/departments/{}", path_code(code)?),
        ),
        api.get_query::<Page<Faq>, _>(
            user,
            Service::Knowledge,
            "/api/v1/faqs",
            &[("department", code), ("per_page", "100")],
        ),
    )
    .await;
    Ok((detail?, faqs?.items))
}

async fn department(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (detail, faqs) = load_department(&user, &api, &path).await?;
    Ok(html(view::department_page(&user, &detail, &faqs, None)))
}

/// The first value of a field, trimmed ("" when absent).
fn field<'a>(pairs: &'a [(String, String)], name: &str) -> &'a str {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map_or("", |(_, v)| v.trim())
}

/// Every value of a repeated field, trimmed, in order.
fn fields<'a>(pairs: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    pairs
        .iter()
        .filter(|(k, _)| k == name)
        .map(|(_, v)| v.trim())
        .collect()
}

/// Items of a list typed in one box, split at `seps` (empty items dropped).
fn items(text: &str, seps: &[char]) -> Vec<String> {
    text.split(|c: char| seps.contains(&c))
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The `PATCH` body for what the form changed: only fields that differ from `before`, so an
/// untouched form writes nothing.
fn department_patch(
    before: &DepartmentRecord,
    pairs: &[(String, String)],
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let mut patch = serde_json::Map::new();
    let name = field(pairs, "name");
    if name.is_empty() {
        return Err("请填写部门名称。".into());
    }
    if name != before.name {
        patch.insert("name".into(), name.into());
    }
    let aliases = items(field(pairs, "aliases"), &[',', '，', '、', ';', '；', '\n']);
    if aliases != before.aliases {
        patch.insert("aliases".into(), json!(aliases));
    }
    let (labels, numbers) = (fields(pairs, "phone_label"), fields(pairs, "phone_number"));
    if labels.len() != numbers.len() {
        return Err("电话栏不完整，请刷新页面后重试。".into());
    }
    let mut phones = Vec::new();
    for (label, number) in labels.into_iter().zip(numbers) {
        match (label.is_empty(), number.is_empty()) {
            (true, true) => {}
            (false, true) => return Err(format!("电话“{label}”缺少号码。")),
            _ => phones.push((label, number)),
        }
    }
    let old_phones: Vec<(&str, &str)> = before
        .phones
        .iter()
        .map(|p| (p.label.as_str(), p.number.as_str()))
        .collect();
    if phones != old_phones {
        let list: Vec<_> = phones
            .iter()
            .map(|(l, n)| json!({"label": l, "number": n}))
            .collect();
        patch.insert("phones".into(), list.into());
    }
    for (key, old) in [
        ("fax", &before.fax),
        ("address", &before.address),
        ("directions", &before.directions),
    ] {
        let v = field(pairs, key);
        let new = (!v.is_empty()).then(|| v.to_string());
        if new != *old {
            patch.insert(key.into(), json!(new));
        }
    }
    let locations = items(field(pairs, "service_locations"), &['\n']);
    if locations != before.service_locations {
        patch.insert("service_locations".into(), json!(locations));
    }
    let hours = view::parse_hours(field(pairs, "hours"), field(pairs, "hours_note"))?;
    // Compared as read out, so a schedule written differently but meaning the same is no change.
    if view::hours_text(hours.as_ref()) != view::hours_text(before.hours.as_ref()) {
        patch.insert("hours".into(), json!(hours));
    }
    let status = field(pairs, "status");
    let successor = match status {
        "active" => None,
        "merged" => match field(pairs, "successor") {
            "" => return Err("已撤并的部门须填写承接部门编码。".into()),
            s => Some(s.to_string()),
        },
        _ => return Err("请选择部门状态。".into()),
    };
    if status != before.status || successor != before.successor {
        patch.insert("status".into(), status.into());
        patch.insert("successor".into(), json!(successor));
    }
    Ok(patch)
}

async fn save_department(
    req: HttpRequest,
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| PageError::Invalid("表单内容无法读取".into()))?;
    let (mut detail, faqs) = load_department(&user, &api, &path).await?;
    let patch = department_patch(&detail.department, &pairs).map_err(PageError::Invalid)?;
    let saved = if patch.is_empty() {
        view::DeptSaved {
            message: "内容没有改动，无需保存。".into(),
            changes: Vec::new(),
        }
    } else {
        let after: DepartmentRecord = api
            .send(
                &user,
                Method::PATCH,
                Service::Knowledge,
                &format!("/api/v1/departments/{}", path_code(&path)?),
                &patch,
            )
            .await?;
        let changes = view::department_changes(&detail.department, &after);
        detail.department = after;
        view::DeptSaved {
            message: format!("部门信息已保存，共修改 {} 项。", changes.len()),
            changes,
        }
    };
    if is_htmx(&req) {
        return Ok(html(view::department_saved(&user, &detail, &faqs, &saved)));
    }
    Ok(html(view::department_page(
        &user,
        &detail,
        &faqs,
        Some(&saved),
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(extra: &[(&str, &str)]) -> Vec<(String, String)> {
        let mut base = vec![
            ("name", "昆明市人力资源和社会保障局"),
            ("fax", "0871-39829657"),
            ("aliases", "人社局、劳动局"),
            ("phone_label", "办公室"),
            ("phone_number", "0871-69266321"),
            ("phone_label", ""),
            ("phone_number", ""),
            ("address", "昆明市环城路307号"),
            ("directions", ""),
            ("service_locations", "昆明市政务服务中心 2楼 34号窗口\r\n"),
            ("hours", "周一至周五 09:00-12:00、14:30-18:00"),
            ("hours_note", "法定节假日除外"),
            ("status", "active"),
            ("successor", ""),
        ];
        for (k, v) in extra {
            base.retain(|(key, _)| key != k);
            base.push((k, v));
        }
        base.into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn before() -> DepartmentRecord {
        serde_json::from_value(json!({
            "code": "530100-rsj", "region": "530100", "kind": "rsj",
            "name": "昆明市人力资源和社会保障局", "aliases": ["人社局", "劳动局"],
            "phones": [{"label": "办公室", "number": "0871-69266321"}],
            "fax": "0871-39829657", "address": "昆明市环城路307号", "directions": null,
            "service_locations": ["昆明市政务服务中心 2楼 34号窗口"],
            "hours": {"note": "法定节假日除外", "weekly": [{"days": [1, 2, 3, 4, 5],
                "ranges": [["09:00", "12:00"], ["14:30", "18:00"]]}]},
            "status": "active"
        }))
        .unwrap()
    }

    #[test]
    fn an_untouched_form_patches_nothing() {
        assert!(department_patch(&before(), &pairs(&[])).unwrap().is_empty());
    }

    #[test]
    fn the_patch_carries_only_what_changed() {
        let p = department_patch(
            &before(),
            &pairs(&[("address", " 昆明市环城南路1号 "), ("fax", "")]),
        )
        .unwrap();
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(p["address"], "昆明市环城南路1号");
        assert_eq!(p["fax"], serde_json::Value::Null);
        let mut two = pairs(&[]);
        two.retain(|(k, v)| !(k.starts_with("phone_") && v.is_empty()));
        two.push(("phone_label".into(), "值班".into()));
        two.push(("phone_number".into(), "0871-60000000".into()));
        let p = department_patch(&before(), &two).unwrap();
        assert_eq!(p["phones"][1]["number"], "0871-60000000");
        let p = department_patch(&before(), &pairs(&[("hours", ""), ("hours_note", "")])).unwrap();
        assert_eq!(p["hours"], serde_json::Value::Null);
    }

    #[test]
    fn the_patch_refuses_what_the_service_would() {
        let e = department_patch(&before(), &pairs(&[("name", " ")])).unwrap_err();
        assert!(e.contains("部门名称"));
        let e = department_patch(&before(), &pairs(&[("status", "merged")])).unwrap_err();
        assert!(e.contains("承接部门"));
        let p = department_patch(
            &before(),
            &pairs(&[("status", "merged"), ("successor", "530100-zwj")]),
        )
        .unwrap();
        assert_eq!(p["status"], "merged");
        assert_eq!(p["successor"], "530100-zwj");
        let mut bad = pairs(&[]);
        bad.push(("phone_label".into(), "值班".into()));
        bad.push(("phone_number".into(), " ".into()));
        assert!(
            department_patch(&before(), &bad)
                .unwrap_err()
                .contains("值班")
        );
        assert!(department_patch(&before(), &pairs(&[("hours", "周一 9点")])).is_err());
    }

    #[test]
    fn keywords_split_on_any_separator() {
        assert_eq!(
            keywords("社保，医保, 养老 ；公积金"),
            vec!["社保", "医保", "养老", "公积金"]
        );
    }
}
