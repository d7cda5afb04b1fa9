//! `POST /api/v1/import`: the reference JSONL files, either from the server's import directory
//! (`HOTLINE_IMPORT_DIR`, default `data/kb`) when the body is empty, or uploaded in a JSON body
//! `{"regions": "<jsonl>", "departments": "<jsonl>", …}`.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde::Deserialize;
use shared::auth::AuthUser;
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use super::{EDITORS, check_json_content_type, read_body};
use crate::import::{self, ImportReport, Kind, Source};
use crate::startup::AppState;

/// Uploads are the size of the reference data with room to grow.
const BODY_LIMIT: usize = 64 * 1024 * 1024;

/// File contents to import, one JSONL text per file (each optional).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportUpload {
    pub regions: Option<String>,
    pub departments: Option<String>,
    pub liaisons: Option<String>,
    pub faqs: Option<String>,
    pub scripts: Option<String>,
}

impl ImportUpload {
    fn files(self) -> Vec<(Kind, String)> {
        [
            (Kind::Regions, self.regions),
            (Kind::Departments, self.departments),
            (Kind::Liaisons, self.liaisons),
            (Kind::Faqs, self.faqs),
            (Kind::Scripts, self.scripts),
        ]
        .into_iter()
        .filter_map(|(k, t)| t.map(|t| (k, t)))
        .collect()
    }
}

/// Imports the reference data (kb_editor, admin): idempotent, one transaction per file, with
/// a report of created, updated, unchanged and rejected lines (with line numbers).
#[utoipa::path(tag = "import", request_body(content = Option<ImportUpload>, description = "Empty: import the server's directory",
    example = json!({"scripts": "{\"key\": \"farewell\", \"title\": \"结束语\", \"text\": \"感谢您的来电，祝您愉快，再见！\"}\n"})),
    responses((status = 200, body = ImportReport), (status = 400, body = shared::error::Problem), (status = 401, body = shared::error::Problem),
        (status = 403, body = shared::error::Problem), (status = 413, body = shared::error::Problem)))]
#[post("/import")]
pub async fn run_import(
    user: AuthUser,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Payload,
) -> ApiResult<HttpResponse> {
    user.require(EDITORS)?;
    let bytes = read_body(body, BODY_LIMIT).await?;
    let source = source(&req, &bytes, &state)?;
    let report = shared::db::run(&state.pool, move |conn| {
        import::run(conn, source, &user.sub)
    })
    .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// An empty body imports the server's folder; otherwise the body is an [`ImportUpload`].
fn source(req: &HttpRequest, bytes: &[u8], state: &AppState) -> ApiResult<Source> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Source::Folder(state.import_dir.clone()));
    }
    check_json_content_type(req)?;
    let upload: ImportUpload = shared::body::parse_json(bytes)?;
    let files = upload.files();
    if files.is_empty() {
        return Err(ApiError::bad_request("no files in the upload"));
    }
    Ok(Source::Texts(files))
}
