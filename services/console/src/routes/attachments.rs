//! A ticket's files (issue 18): serving one to the browser, uploading a scan, recording a
//! department's reply with its scan or received fax (代录部门回复, a multipart form), and
//! 待确认传真, the received faxes that wait for a supervisor.

use actix_multipart::Multipart;
use actix_web::{HttpResponse, web};
use futures_util::StreamExt;
use reqwest::Method;
use serde_json::{Value, json};

use crate::api::knowledge::department_names;
use crate::api::{Api, Service, path_code};
use crate::error::PageError;
use crate::routes::{html, see_other};
use crate::session::{CurrentUser, User};
use crate::views::attachments::{self as view, Attachment, ReceivedFax};
use crate::views::layout;

pub fn register(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/tickets/{id}/attachments").route(web::post().to(upload)))
        .service(web::resource("/tickets/{id}/attachments/{file}").route(web::get().to(download)))
        .service(web::resource("/tickets/{id}/on-behalf").route(web::post().to(reply_on_behalf)))
        .service(web::resource("/faxes").route(web::get().to(faxes)));
}

/// The largest file the console passes on (the ticket service has its own, lower limit).
const FILE_LIMIT: usize = 64 * 1024 * 1024;
/// The largest text field of a multipart form.
const FIELD_LIMIT: usize = 64 * 1024;

/// A file chosen in a form: its name and bytes.
struct File {
    name: String,
    bytes: web::Bytes,
}

/// The fields of a multipart form, and the file chosen in `file` (none when nothing was).
async fn read_form(
    mut form: Multipart,
) -> Result<(Vec<(String, String)>, Option<File>), PageError> {
    let bad = |_| PageError::Invalid("表单未能完整上传，请重试。".into());
    let mut fields = Vec::new();
    let mut file = None;
    while let Some(part) = form.next().await {
        let mut part = part.map_err(bad)?;
        let name = part.name().unwrap_or_default().to_string();
        let filename = part
            .content_disposition()
            .and_then(|d| d.get_filename())
            .map(str::to_string);
        let limit = if filename.is_some() {
            FILE_LIMIT
        } else {
            FIELD_LIMIT
        };
        let mut bytes = web::BytesMut::new();
        while let Some(chunk) = part.next().await {
            let chunk = chunk.map_err(bad)?;
            if bytes.len() + chunk.len() > limit {
                return Err(PageError::Invalid("文件过大。".into()));
            }
            bytes.extend_from_slice(&chunk);
        }
        match filename {
            // A file input left empty still sends its part, without bytes.
            Some(f) if name == "file" && !bytes.is_empty() => {
                file = Some(File {
                    name: f,
                    bytes: bytes.freeze(),
                })
            }
            Some(_) => {}
            None => fields.push((name, String::from_utf8_lossy(&bytes).trim().to_string())),
        }
    }
    Ok((fields, file))
}

/// Uploads `file` to ticket `id`: the attachment, or why the ticket does not keep it.
async fn send_file(api: &Api, user: &User, id: &str, file: File) -> Result<Attachment, PageError> {
    let query = serde_urlencoded::to_string([("filename", file.name.as_str())])
        .map_err(|_| PageError::Invalid("文件名有误。".into()))?;
    let path = format!("/api/v1/tickets/{id}/attachments?{query}");
    let sent = api
        .upload(
            user,
            Service::Tickets,
            &path,
            "application/octet-stream",
            file.bytes,
        )
        .await;
    sent.map_err(|e| match e {
        // The service's reason is in English; the person needs to know what to send instead.
        PageError::Invalid(d) if d.contains("PDF, TIFF") => {
            PageError::Invalid("只能上传 PDF、TIFF、PNG 或 JPEG 文件。".into())
        }
        PageError::Invalid(d) if d.contains("at most") => {
            PageError::Invalid("文件超过附件大小限制。".into())
        }
        other => other,
    })
}

async fn upload(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    let id = path_code(&path)?;
    let (_, file) = read_form(form).await?;
    let file = file.ok_or_else(|| PageError::Invalid("请选择要上传的文件。".into()))?;
    send_file(&api, &user, id, file).await?;
    Ok(see_other(&format!(
        "/tickets/{id}?done=attachment#attachments"
    )))
}

/// One attachment, passed on as the ticket service serves it (shown in place).
async fn download(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (id, file) = path.into_inner();
    let (id, file) = (path_code(&id)?, path_code(&file)?);
    let d = api
        .download(
            &user,
            Service::Tickets,
            &format!("/api/v1/tickets/{id}/attachments/{file}"),
        )
        .await?;
    let mut res = HttpResponse::Ok();
    res.content_type(d.content_type);
    if let Some(disposition) = d.disposition {
        res.insert_header(("content-disposition", disposition));
    }
    Ok(res.body(d.body))
}

/// 代录部门回复 with its files: a scan chosen here is uploaded first, then the reply names it
/// with the ticket's files ticked (a received fax among them is confirmed).
async fn reply_on_behalf(
    user: CurrentUser,
    api: web::Data<Api>,
    path: web::Path<String>,
    form: Multipart,
) -> Result<HttpResponse, PageError> {
    let id = path_code(&path)?;
    let (fields, file) = read_form(form).await?;
    let field = |name: &str, what: &str| match fields.iter().find(|(k, _)| k == name) {
        Some((_, v)) if !v.is_empty() => Ok(v.clone()),
        _ => Err(PageError::Invalid(format!("请填写{what}。"))),
    };
    let (channel, replied_by, body) = (
        field("channel", "答复方式")?,
        field("replied_by", "答复人")?,
        field("body", "答复内容")?,
    );
    let mut chosen: Vec<i64> = fields
        .iter()
        .filter(|(k, _)| k == "attachment")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if let Some(file) = file {
        chosen.push(send_file(&api, &user, id, file).await?.id);
    }
    let request = json!({ "channel": channel, "replied_by": replied_by, "body": body, "attachments": chosen });
    let path = format!("/api/v1/tickets/{id}/reply-on-behalf");
    let _: Value = api
        .send(&user, Method::POST, Service::Tickets, &path, &request)
        .await?;
    Ok(see_other(&format!("/tickets/{id}?done=reply-on-behalf")))
}

/// `/faxes`: 待确认传真.
async fn faxes(user: CurrentUser, api: web::Data<Api>) -> Result<HttpResponse, PageError> {
    let items: Vec<ReceivedFax> = api.get(&user, Service::Tickets, "/api/v1/faxes").await?;
    let mut codes: Vec<String> = items.iter().filter_map(|f| f.department.clone()).collect();
    codes.sort_unstable();
    codes.dedup();
    let names = department_names(&api, &user, codes).await;
    Ok(html(layout::page(
        &user,
        "待确认传真",
        "/faxes",
        view::faxes_page(&items, &names),
    )))
}
