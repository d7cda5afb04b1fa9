//! A ticket's attachments and received faxes (issue 18): upload, list and download for those
//! who may read the ticket; kinds told by their first bytes (415 otherwise), a size limit
//! (413); the files of a received mail kept; a received fax attached to its department's one
//! urgent complaint awaiting confirmation, and confirmed by 代回复 with it attached.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use base64::Engine as _;
use common::*;
use serde_json::{Value, json};
use shared::auth::Role;

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n";
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0";
const DOCX: &[u8] = b"PK\x03\x04\x14\0\x06\0word/document.xml";

async fn upload(app: &TestApp, id: &str, token: &str, name: &str, bytes: &[u8]) -> Res {
    let res = app
        .client
        .post(format!(
            "{}/api/v1/tickets/{id}/attachments?filename={name}",
            app.base
        ))
        .bearer_auth(token)
        .header("content-type", "application/octet-stream")
        .body(bytes.to_vec())
        .send()
        .await
        .unwrap();
    TestApp::read(res).await
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[tokio::test]
async fn files_are_kept_checked_and_served_to_those_who_see_the_ticket() {
    let peer = Peer::start().await;
    let app = spawn_app_with(
        &peer.url,
        Some(default_start()),
        &[("tickets_attachment_max_bytes", "2000")],
    )
    .await;
    let id = app.complaint(false).await;
    let list_path = format!("/api/v1/tickets/{id}/attachments");

    // The creator uploads a scan; it is listed with its kind told by its bytes.
    let res = upload(&app, &id, &app.operator(), "%E5%9B%9E%E6%89%A7.pdf", PDF).await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.body["filename"], "回执.pdf");
    assert_eq!(res.body["content_type"], "application/pdf");
    assert_eq!(res.body["size"], PDF.len());
    assert_eq!(res.body["added_by"], "op1");
    let aid = res.body["id"].as_i64().unwrap();

    // Anything else is refused and nothing is kept: another kind, too large, empty.
    upload(&app, &id, &app.operator(), "a.pdf", DOCX)
        .await
        .assert_problem(415, "unsupported_media_type");
    let big = [PDF, &vec![b' '; 2000]].concat();
    upload(&app, &id, &app.operator(), "big.pdf", &big)
        .await
        .assert_problem(413, "payload_too_large");
    upload(&app, &id, &app.operator(), "e.pdf", b"")
        .await
        .assert_problem(400, "bad_request");
    // Who may not read the ticket learns nothing; who may not hold tickets is refused.
    upload(&app, &id, &app.operator2(), "x.pdf", PDF)
        .await
        .assert_problem(404, "not_found");
    upload(&app, &id, &app.admin(), "x.pdf", PDF)
        .await
        .assert_problem(403, "forbidden");

    let list = app.get(&list_path, &app.supervisor()).await;
    assert_eq!(list.status, 200, "{}", list.body);
    assert_eq!(list.body.as_array().unwrap().len(), 1, "{}", list.body);
    assert_eq!(list.body[0]["source"], "upload");

    // Served with its kind, to be shown in place, only to those who see the ticket.
    let file = app
        .client
        .get(format!("{}{list_path}/{aid}", app.base))
        .bearer_auth(app.supervisor())
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "application/pdf");
    let disposition = file.headers()["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("inline;") && disposition.contains("%E5%9B%9E%E6%89%A7.pdf"),
        "{disposition}"
    );
    assert_eq!(file.bytes().await.unwrap().as_ref(), PDF);
    app.get(&format!("{list_path}/{aid}"), &app.liaison(RSJ))
        .await
        .assert_problem(404, "not_found");
    app.get(&list_path, &app.operator2())
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("{list_path}/999999"), &app.supervisor())
        .await
        .assert_problem(404, "not_found");

    // The upload is in the ticket's history.
    let events = app.events(&id).await;
    let added: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "attachment_added")
        .collect();
    assert_eq!(added.len(), 1);
    assert_eq!(added[0]["data"]["attachment"]["id"], aid);

    // A received mail's PDF and PNG files become attachments; a Word file is listed, not kept.
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;
    let mail = json!({
        "message_key": "m-files", "from": format!("1.{GAJ}@example.org"), "subject": "回复",
        "text": "见附件。", "received_at": "2026-12-05T02:00:00Z",
        "attachments": [
            {"filename": "照片.png", "content_type": "image/png", "size": PNG.len(), "data": b64(PNG)},
            {"filename": "说明.docx", "content_type": "application/msword", "size": DOCX.len(), "data": b64(DOCX)},
        ],
    });
    let res = app
        .post(
            &format!("/api/v1/tickets/{id}/inbound"),
            &app.service(),
            mail,
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let list = app.get(&list_path, &app.liaison(GAJ)).await;
    let names: Vec<&str> = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["filename"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["回执.pdf", "照片.png"]);
    assert_eq!(list.body[1]["source"], "mail");
    let events = app.events(&id).await;
    let note = events
        .iter()
        .find(|e| e["action"] == "inbound_mail")
        .unwrap();
    let files = note["data"]["attachments"].as_array().unwrap();
    assert_eq!(files[0]["attachment_id"], list.body[1]["id"]);
    assert!(files[1]["not_kept"].as_str().is_some(), "{files:?}");
}

fn fax_mail(key: &str, number: &str) -> Value {
    json!({
        "message_key": key, "from": "fax@gateway.example", "subject": format!("传真 来自 {number}"),
        "text": "", "received_at": "2026-12-05T02:00:00Z", "fax": number,
        "attachments": [{"filename": "fax.pdf", "content_type": "application/pdf", "size": PDF.len(), "data": b64(PDF)}],
    })
}

#[tokio::test]
async fn a_received_fax_waits_on_the_urgent_complaint_until_confirmed() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    // An urgent complaint at the public security bureau, whose fax is 0871-70000001; a
    // non-urgent one there does not count.
    let id = app.complaint(true).await;
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;
    let calm = app.complaint(false).await;
    app.must(
        &calm,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;

    // Only services offer faxes.
    app.post(
        "/api/v1/faxes/inbound",
        &app.supervisor(),
        fax_mail("f1", "0871 7000 0001"),
    )
    .await
    .assert_problem(403, "forbidden");
    let res = app
        .post(
            "/api/v1/faxes/inbound",
            &app.service(),
            fax_mail("f1", "+86 871 7000 0001"),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body, json!({"ticket_id": id, "recorded": true}));
    let again = app
        .post(
            "/api/v1/faxes/inbound",
            &app.service(),
            fax_mail("f1", "0871-70000001"),
        )
        .await;
    assert_eq!(again.body, json!({"ticket_id": id, "recorded": false}));
    // A stranger's fax: no department has the number (the reason, for the unmatched queue).
    let res = app
        .post(
            "/api/v1/faxes/inbound",
            &app.service(),
            fax_mail("f2", "0871-99999999"),
        )
        .await;
    res.assert_problem(409, "conflict");
    assert!(
        res.body["detail"]
            .as_str()
            .unwrap()
            .contains("不是知识库中任何部门的传真"),
        "{}",
        res.body
    );

    // The fax waits for a supervisor; the state is unchanged.
    let faxes = app.get("/api/v1/faxes", &app.supervisor()).await;
    assert_eq!(faxes.status, 200, "{}", faxes.body);
    let waiting = faxes.body.as_array().unwrap();
    assert_eq!(waiting.len(), 1, "{}", faxes.body);
    assert_eq!(waiting[0]["ticket_id"], id);
    assert_eq!(waiting[0]["fax_status"], "awaiting");
    assert_eq!(waiting[0]["summary"], "办事窗口推诿");
    let fax_id = waiting[0]["id"].as_i64().unwrap();
    assert_eq!(app.ticket(&id).await["status"], "dispatched");
    let received = app.events(&id).await;
    assert!(received.iter().any(|e| e["action"] == "fax_received"));
    // Operators confirm only where the centre lets them; the ticket says who may.
    app.get("/api/v1/faxes", &app.operator())
        .await
        .assert_problem(403, "forbidden");
    let may = |t: Value| t["reply_on_behalf"].clone();
    let path = format!("/api/v1/tickets/{id}");
    assert_eq!(may(app.get(&path, &app.supervisor()).await.body), true);
    assert_eq!(may(app.get(&path, &app.operator()).await.body), false);

    // Confirming: 代回复 by fax with the fax attached. A file the ticket does not have is
    // refused and nothing changes.
    let confirm = |attachments: Value| json!({"channel": "fax", "replied_by": "王科长", "body": "已到现场处理。", "attachments": attachments});
    let res = app
        .action(
            &id,
            "reply-on-behalf",
            &app.supervisor(),
            confirm(json!([fax_id + 100])),
        )
        .await;
    res.assert_problem(400, "bad_request");
    let res = app
        .action(
            &id,
            "reply-on-behalf",
            &app.operator(),
            confirm(json!([fax_id])),
        )
        .await;
    res.assert_problem(403, "forbidden");
    assert_eq!(app.ticket(&id).await["status"], "dispatched");
    app.must(
        &id,
        "reply-on-behalf",
        &app.supervisor(),
        confirm(json!([fax_id])),
    )
    .await;
    assert_eq!(app.ticket(&id).await["status"], "replied");
    assert_eq!(
        may(app.get(&path, &app.supervisor()).await.body),
        false,
        "replied already"
    );
    let faxes = app.get("/api/v1/faxes", &app.supervisor()).await;
    assert_eq!(faxes.body, json!([]));
    let list = app
        .get(
            &format!("/api/v1/tickets/{id}/attachments"),
            &app.supervisor(),
        )
        .await;
    assert_eq!(list.body[0]["fax_status"], "confirmed");
    let events = app.events(&id).await;
    let reply = events.iter().find(|e| e["action"] == "reply").unwrap();
    assert_eq!(reply["data"]["on_behalf"], true);
    assert_eq!(reply["data"]["attachments"][0]["filename"], "fax.pdf");

    // The fax of a department with two urgent complaints waiting is left to a person.
    let two = [app.complaint(true).await, app.complaint(true).await];
    for t in &two {
        app.must(t, "dispatch", &app.supervisor(), json!({"department": GAJ}))
            .await;
    }
    let res = app
        .post(
            "/api/v1/faxes/inbound",
            &app.service(),
            fax_mail("f3", "0871-70000001"),
        )
        .await;
    res.assert_problem(409, "conflict");
    assert!(
        res.body["detail"].as_str().unwrap().contains("2 件"),
        "{}",
        res.body
    );
}

#[tokio::test]
async fn operators_record_replies_on_behalf_where_configured() {
    let peer = Peer::start().await;
    let app = spawn_app_with(
        &peer.url,
        Some(default_start()),
        &[("tickets_operators_reply_on_behalf", "true")],
    )
    .await;
    let id = app.complaint(false).await;
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;
    let body = json!({"channel": "phone", "replied_by": "李科长", "body": "已办理。"});
    let path = format!("/api/v1/tickets/{id}");
    assert_eq!(
        app.get(&path, &app.operator()).await.body["reply_on_behalf"],
        true
    );
    // Not another operator's ticket; their own, yes.
    app.action(&id, "reply-on-behalf", &app.operator2(), body.clone())
        .await
        .assert_problem(404, "not_found");
    let t = app
        .must(&id, "reply-on-behalf", &app.operator(), body)
        .await;
    assert_eq!(t["status"], "replied");
    let events = app.events(&id).await;
    let reply = events.iter().find(|e| e["action"] == "reply").unwrap();
    assert_eq!(reply["role"], Role::Operator.as_str());
    assert_eq!(reply["actor"], "op1");
    let faxes = app.get("/api/v1/faxes", &app.operator()).await;
    assert_eq!(faxes.status, 200, "{}", faxes.body);
}
