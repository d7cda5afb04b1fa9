//! A ticket's attachments on its page (issue 18), the 代录部门回复 form with a scan or the
//! received fax it confirms, and 待确认传真: the received faxes that wait for a supervisor.

use std::collections::BTreeMap;

use maud::{Markup, html};
use serde::Deserialize;
use shared::auth::Role;

use crate::session::User;
use crate::views::format;

/// A ticket's attachment as the ticket service lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Attachment {
    pub id: i64,
    pub ticket_id: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub source: String,
    #[serde(default)]
    pub fax_number: Option<String>,
    #[serde(default)]
    pub fax_status: Option<String>,
    pub added_by: String,
    pub created_at: String,
}

impl Attachment {
    fn awaiting(&self) -> bool {
        self.fax_status.as_deref() == Some("awaiting")
    }
}

/// A received fax waiting for confirmation (`GET /api/v1/faxes`).
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedFax {
    #[serde(flatten)]
    pub attachment: Attachment,
    pub summary: String,
    #[serde(default)]
    pub department: Option<String>,
}

/// The file types a ticket keeps, for the file pickers.
const ACCEPT: &str =
    ".pdf,.tif,.tiff,.png,.jpg,.jpeg,application/pdf,image/tiff,image/png,image/jpeg";

/// Where the console serves an attachment (inline: a PDF or an image opens in the browser).
pub fn href(a: &Attachment) -> String {
    format!("/tickets/{}/attachments/{}", a.ticket_id, a.id)
}

pub fn size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

fn source_label(a: &Attachment) -> String {
    match (a.source.as_str(), &a.fax_number) {
        ("fax", Some(n)) => format!("收到的传真（{n}）"),
        ("fax", None) => "收到的传真".into(),
        ("mail", _) => format!("来信附件（{}）", a.added_by.trim_start_matches("mail:")),
        _ => format!("上传（{}）", a.added_by),
    }
}

/// A multipart form's action: the CSRF token rides in the address, since the console reads
/// only urlencoded bodies to check it (and pages send no referrer).
fn multipart_action(path: &str, user: &User) -> String {
    format!("{path}?csrf={}", user.csrf)
}

/// The 附件 card: the files, each opened in place, and a file picker to add a scan.
pub fn section(ticket: &str, status: &str, items: &[Attachment], user: &User) -> Markup {
    let can_add = matches!(user.role, Role::Operator | Role::Supervisor | Role::Liaison);
    html! {
        section.card #attachments {
            h2 { "附件 " span.muted { (items.len()) } }
            @if items.is_empty() {
                p.muted { "暂无附件。" }
            } @else {
                ul.attachments {
                    @for a in items {
                        li {
                            a href=(href(a)) target="_blank" rel="noopener" { (a.filename) }
                            " "
                            span.muted { (size(a.size)) " · " (source_label(a)) " · " (format::time(&a.created_at)) }
                            @if a.awaiting() { " " span.badge.warn { "待确认" } }
                            @if a.fax_status.as_deref() == Some("confirmed") { " " span.badge { "已确认" } }
                        }
                    }
                }
            }
            @if can_add && status != "closed" {
                form.upload method="post" enctype="multipart/form-data"
                    action=(multipart_action(&format!("/tickets/{ticket}/attachments"), user)) {
                    label for="at-file" { "添加扫描件或照片（PDF、TIFF、PNG、JPEG，10 MB 以内）" }
                    input #at-file type="file" name="file" accept=(ACCEPT) required;
                    div.actions { button type="submit" { "上传附件" } }
                }
            }
        }
    }
}

/// 代录部门回复: the department's reply given by fax, phone or paper, with a scan to upload or
/// the ticket's files that carry it. A received fax waiting for confirmation is chosen (and the
/// form open) already: recording the reply confirms it.
pub fn reply_on_behalf_form(ticket: &str, items: &[Attachment], user: &User) -> Markup {
    let awaiting = items.iter().any(Attachment::awaiting);
    let action = multipart_action(&format!("/tickets/{ticket}/on-behalf"), user);
    html! {
        details.card #reply-on-behalf open[awaiting] {
            summary { "代录部门回复" @if awaiting { " " span.badge.warn { "有待确认传真" } } }
            form.act method="post" enctype="multipart/form-data" action=(action) data-action="reply-on-behalf" {
                p.muted { "部门以传真、电话或书面方式答复时，由中心代为录入；办理记录注明录入人和答复人。" }
                label for="rb-channel" { "答复方式" }
                select #rb-channel name="channel" required {
                    option value="fax" selected[awaiting] { "传真" }
                    option value="phone" { "电话" }
                    option value="paper" { "书面" }
                    option value="email" { "电子邮件" }
                }
                label for="rb-by" { "答复人（姓名、职务）" }
                input #rb-by type="text" name="replied_by" required maxlength="100";
                label for="rb-body" { "答复内容" }
                textarea #rb-body name="body" required maxlength="4000" rows="4" {}
                @if !items.is_empty() {
                    fieldset.files {
                        legend { "随附的附件" }
                        @for a in items {
                            @let fid = format!("rb-att-{}", a.id);
                            div {
                                input id=(fid) type="checkbox" name="attachment" value=(a.id) checked[a.awaiting()];
                                label for=(fid) { (a.filename) " " span.muted { (source_label(a)) } }
                            }
                        }
                    }
                }
                label for="rb-scan" { "上传扫描件（可不选）" }
                input #rb-scan type="file" name="file" accept=(ACCEPT);
                div.actions { button type="submit" { "录入回复" } }
            }
        }
    }
}

/// What an event says about files: a received fax (number, files, awaiting confirmation), an
/// upload, the files a 代回复 names.
pub fn event_facts(action: &str, d: &serde_json::Value) -> Vec<(&'static str, String)> {
    let names = |list: Option<&serde_json::Value>| -> Option<String> {
        let names: Vec<&str> = list?
            .as_array()?
            .iter()
            .filter_map(|f| f["filename"].as_str())
            .collect();
        (!names.is_empty()).then(|| names.join("、"))
    };
    let mut out = Vec::new();
    match action {
        "fax_received" => {
            let number = d["fax"].as_str().unwrap_or("未知");
            out.push(("传真", format!("发送方 {number}，待确认为部门回复")));
            out.extend(names(d.get("attachments")).map(|n| ("附件", n)));
        }
        "attachment_added" => {
            out.extend(
                d["attachment"]["filename"]
                    .as_str()
                    .map(|n| ("附件", n.to_string())),
            );
        }
        "reply" if d.get("on_behalf").is_some() => {
            out.extend(names(d.get("attachments")).map(|n| ("随附", n)));
        }
        _ => {}
    }
    out
}

/// `/faxes`: the received faxes that wait for a supervisor, oldest first.
/// The received faxes awaiting confirmation; `names` the departments' names by code (a code
/// the knowledge service could not name shows as the code).
pub fn faxes_page(items: &[ReceivedFax], names: &BTreeMap<String, String>) -> Markup {
    let faxes = grouped(items);
    html! {
        section #faxes {
            h1 { "待确认传真 " b { (faxes.len()) } }
            p.muted {
                "部门传真回复已自动对应到其紧急投诉。请查看传真内容，在工单页“代录部门回复”中确认为部门回复。"
                "无法对应的传真见“未匹配来信”。"
            }
            @if items.is_empty() {
                p.card.muted { "没有待确认的传真。" }
            } @else {
                table.faxes {
                    thead { tr {
                        th { "收到时间" } th { "发送方传真" } th { "工单" } th { "摘要" } th { "承办部门" } th { "传真件" } th { "处理" }
                    } }
                    tbody {
                        @for fax in &faxes {
                            @let (f, a) = (fax[0], &fax[0].attachment);
                            tr {
                                td.nowrap { (format::time(&a.created_at)) }
                                td.nowrap { (a.fax_number.as_deref().unwrap_or("未知")) }
                                td.nowrap { a href={ "/tickets/" (a.ticket_id) } { (a.ticket_id) } }
                                td { (f.summary) }
                                td {
                                    @if let Some(code) = &f.department {
                                        (names.get(code).unwrap_or(code))
                                    }
                                }
                                td {
                                    @for (i, file) in fax.iter().enumerate() {
                                        @if i > 0 { br; }
                                        a href=(href(&file.attachment)) target="_blank" rel="noopener" { (file.attachment.filename) }
                                        " " span.muted { (size(file.attachment.size)) }
                                    }
                                }
                                td { a.button href={ "/tickets/" (a.ticket_id) "#reply-on-behalf" } { "确认为部门回复" } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The files of one received fax together (its TIFF and the PDF made of it arrive at once).
fn grouped(items: &[ReceivedFax]) -> Vec<Vec<&ReceivedFax>> {
    let mut out: Vec<Vec<&ReceivedFax>> = Vec::new();
    for f in items {
        let a = &f.attachment;
        match out.last_mut() {
            Some(group)
                if group[0].attachment.ticket_id == a.ticket_id
                    && group[0].attachment.created_at == a.created_at =>
            {
                group.push(f)
            }
            _ => out.push(vec![f]),
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn fax(status: &str) -> Attachment {
        Attachment {
            id: 7,
            ticket_id: "T20261205-000001".into(),
            filename: "fax.pdf".into(),
            content_type: "application/pdf".into(),
            size: 3000,
            source: "fax".into(),
            fax_number: Some("0871-64590534".into()),
            fax_status: Some(status.into()),
            added_by: "fax:0871-64590534".into(),
            created_at: "2026-12-05T02:00:00Z".into(),
        }
    }

    #[test]
    fn a_fax_awaiting_confirmation_is_chosen_in_the_reply_form() {
        let user = User {
            sid: "s".into(),
            username: "boss".into(),
            role: Role::Supervisor,
            department: None,
            token: "t".into(),
            csrf: "c0ffee".into(),
            address: String::new(),
            password_change: false,
        };
        let t = "T20261205-000001";
        let form = reply_on_behalf_form(t, &[fax("awaiting")], &user).into_string();
        assert!(form.contains("open") && form.contains("checked"), "{form}");
        assert!(
            form.contains("/tickets/T20261205-000001/on-behalf?csrf=c0ffee"),
            "{form}"
        );
        let done = reply_on_behalf_form(t, &[fax("confirmed")], &user).into_string();
        assert!(!done.contains("checked"), "{done}");
        let list = section(t, "accepted", &[fax("awaiting")], &user).into_string();
        assert!(
            list.contains("/tickets/T20261205-000001/attachments/7")
                && list.contains("收到的传真（0871-64590534）")
                && list.contains("待确认"),
            "{list}"
        );
        let named = |department: &str| ReceivedFax {
            attachment: fax("awaiting"),
            summary: "停水".into(),
            department: Some(department.into()),
        };
        let names = BTreeMap::from([("530100-swj".to_string(), "昆明市水务局".to_string())]);
        let page = faxes_page(&[named("530100-swj")], &names).into_string();
        assert!(
            page.contains("确认为部门回复") && page.contains("停水"),
            "{page}"
        );
        assert!(
            page.contains("昆明市水务局") && !page.contains("530100-swj"),
            "the department by its name: {page}"
        );
        let unknown = faxes_page(&[named("530100-xyz")], &names).into_string();
        assert!(
            unknown.contains("530100-xyz"),
            "a code without a name: {unknown}"
        );
    }
}
