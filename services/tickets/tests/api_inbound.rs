//! `POST /api/v1/tickets/{id}/inbound` (issue 18): a received e-mail from notify. From a liaison
//! of the ticket's department it is their reply where the state takes one, else a note; from
//! anyone else notify's automatic match is refused (409) and a supervisor's attach is a note;
//! each message once; only services may post.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};

fn mail(key: &str, from: &str, attached_by: Option<&str>) -> Value {
    json!({
        "message_key": key, "from": from, "from_name": "联络员1", "subject": "回复：派单",
        "text": "已核实处理。", "received_at": "2026-12-05T02:00:00Z",
        "attachments": [{"filename": "回执.pdf", "content_type": "application/pdf", "size": 1234}],
        "attached_by": attached_by,
    })
}

#[tokio::test]
async fn received_mail_is_a_reply_a_note_or_refused() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = app.complaint(false).await;
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": RSJ}),
    )
    .await;
    app.must(&id, "accept", &app.liaison(RSJ), json!({})).await;
    let path = format!("/api/v1/tickets/{id}/inbound");
    let liaison = format!("1.{RSJ}@example.org");

    // Only services post; a person is refused whatever the body.
    let res = app
        .post(&path, &app.supervisor(), mail("m1", &liaison, None))
        .await;
    res.assert_problem(403, "forbidden");

    // A stranger's mail matched by notify is refused: it goes to the unmatched queue.
    let res = app
        .post(&path, &app.service(), mail("m0", "x@evil.example", None))
        .await;
    assert_eq!(res.status, 409, "{}", res.body);

    // The liaison's (address in another case): the reply, by e-mail; the ticket is replied.
    let upper = liaison.to_uppercase();
    let res = app
        .post(&path, &app.service(), mail("m1", &upper, None))
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body, json!({"recorded_as": "reply", "recorded": true}));
    let t = app
        .get(&format!("/api/v1/tickets/{id}"), &app.supervisor())
        .await;
    assert_eq!(t.body["status"], "replied", "{}", t.body);
    // Once per message.
    let res = app
        .post(&path, &app.service(), mail("m1", &liaison, None))
        .await;
    assert_eq!(res.body, json!({"recorded_as": "reply", "recorded": false}));

    // A second mail from the liaison: the state takes no reply now, so a note.
    let res = app
        .post(&path, &app.service(), mail("m2", &liaison, None))
        .await;
    assert_eq!(res.body, json!({"recorded_as": "note", "recorded": true}));
    // A supervisor attaches a stranger's mail by hand: a note in their name.
    let res = app
        .post(
            &path,
            &app.service(),
            mail("m3", "x@evil.example", Some("sup-1")),
        )
        .await;
    assert_eq!(res.body, json!({"recorded_as": "note", "recorded": true}));

    let events = app
        .get(&format!("/api/v1/tickets/{id}/events"), &app.supervisor())
        .await;
    let events = events.body.as_array().unwrap().clone();
    let reply: Vec<&Value> = events.iter().filter(|e| e["action"] == "reply").collect();
    assert_eq!(reply.len(), 1);
    assert_eq!(reply[0]["data"]["channel"], "email");
    assert_eq!(reply[0]["data"]["body"], "已核实处理。");
    assert_eq!(reply[0]["data"]["inbound"]["liaison"], "联络员1");
    let notes: Vec<&Value> = events
        .iter()
        .filter(|e| e["action"] == "inbound_mail")
        .collect();
    assert_eq!(notes.len(), 2, "{events:#?}");
    assert_eq!(notes[1]["actor"], "sup-1");
    assert_eq!(notes[1]["role"], "supervisor");
    assert_eq!(notes[1]["data"]["attachments"][0]["filename"], "回执.pdf");

    // No such ticket; a bad body.
    let res = app
        .post(
            "/api/v1/tickets/T20990101-000001/inbound",
            &app.service(),
            mail("m4", &liaison, None),
        )
        .await;
    res.assert_problem(404, "not_found");
    let res = app
        .post(&path, &app.service(), mail("", &liaison, None))
        .await;
    assert_eq!(res.status, 400, "{}", res.body);
}
