//! Bad input is a problem+json 4xx with nothing changed; creation is idempotent and ticket
//! numbers stay unique under concurrency; dispatch checks the department with knowledge.

mod common;

use common::*;
use serde_json::{Value, json};

async fn assert_nothing_created(app: &TestApp, before: i64) {
    assert_eq!(app.ticket_count().await, before, "a ticket was created");
}

#[tokio::test]
async fn bad_tickets_are_refused_and_nothing_is_stored() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let op = app.operator();
    let before = app.ticket_count().await;
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut b = complaint_body(false);
    b["type"] = json!("gossip");
    cases.push(("unknown type", b));
    let mut b = complaint_body(false);
    b["caller"].as_object_mut().unwrap().remove("phone");
    cases.push(("missing caller phone", b));
    let mut b = complaint_body(false);
    b["caller"]["phone"] = json!("call me maybe");
    cases.push(("not a phone", b));
    let mut b = complaint_body(false);
    b["colour"] = json!("red");
    cases.push(("unknown field", b));
    let mut b = complaint_body(false);
    b["caller"]["age"] = json!(40);
    cases.push(("unknown nested field", b));
    let mut b = complaint_body(false);
    b["region"] = json!("Kunming");
    cases.push(("bad region", b));
    let mut b = complaint_body(false);
    b["summary"] = json!("   ");
    cases.push(("blank summary", b));
    let mut b = complaint_body(false);
    b["summary"] = json!("x".repeat(201));
    cases.push(("long summary", b));
    let mut b = complaint_body(false);
    b["cause"] = json!("weather");
    cases.push(("unknown cause", b));
    let mut b = no_info_body();
    b.as_object_mut().unwrap().remove("query");
    cases.push(("no-info without query", b));
    let mut b = complaint_body(false);
    b["caller"]["email"] = json!("not-an-address");
    cases.push(("bad email", b));
    let mut b = complaint_body(false);
    b["department"] = json!("../../admin");
    cases.push(("bad department code", b));
    let mut b = complaint_body(false);
    b["urgent"] = json!("yes");
    cases.push(("urgent not a bool", b));
    // Issue 16 finding 7: texts are plain, at this entry point as in knowledge.
    let mut b = complaint_body(false);
    b["summary"] = json!("<script>alert(1)</script>投诉");
    cases.push(("summary with a tag", b));
    let mut b = complaint_body(false);
    b["details"] = json!("见 <a href=\"javascript:x\">这里</a>");
    cases.push(("details with a link", b));
    let mut b = complaint_body(false);
    b["caller"]["name"] = json!("张<b>三</b>");
    cases.push(("caller name with a tag", b));
    for (name, body) in cases {
        let res = app.post("/api/v1/tickets", &op, body).await;
        assert!(res.status == 400, "{name}: {} {}", res.status, res.body);
        res.assert_problem(400, "bad_request");
    }
    // Malformed JSON, wrong content type, an empty body.
    for (body, ctype) in [
        ("{\"type\": ", "application/json"),
        ("type=complaint", "application/x-www-form-urlencoded"),
        ("", "application/json"),
    ] {
        let res = app
            .client
            .post(format!("{}/api/v1/tickets", app.base))
            .bearer_auth(&op)
            .header("content-type", ctype)
            .body(body)
            .send()
            .await
            .unwrap();
        TestApp::read(res).await.assert_problem(400, "bad_request");
    }
    // Page size is capped; unknown query parameters are refused.
    for q in [
        "per_page=100000",
        "page=0",
        "status=lost",
        "overdue=maybe",
        "due_within=forever",
        "colour=red",
    ] {
        app.get(&format!("/api/v1/tickets?{q}"), &app.supervisor())
            .await
            .assert_problem(400, "bad_request");
    }
    assert_nothing_created(&app, before).await;
}

#[tokio::test]
async fn bad_actions_change_nothing() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let s = app.supervisor();
    let l = app.liaison(GAJ);
    let id = app.complaint(false).await;
    // A department that does not exist, or was merged, at dispatch.
    app.action(&id, "dispatch", &s, json!({"department": "530100-nosuch"}))
        .await
        .assert_problem(400, "bad_request");
    let merged = app
        .action(&id, "dispatch", &s, json!({"department": "530100-old"}))
        .await;
    merged.assert_problem(400, "bad_request");
    assert!(merged.body["detail"].as_str().unwrap().contains(RSJ));
    app.action(&id, "dispatch", &s, json!({"department": GAJ, "note": "x"}))
        .await
        .assert_problem(400, "bad_request");
    let t = app.ticket(&id).await;
    assert_eq!(t["status"], "new");
    app.must(&id, "dispatch", &s, json!({"department": GAJ}))
        .await;
    app.must(&id, "accept", &l, json!({})).await;
    let before = app.ticket(&id).await;
    let n = app.events(&id).await.len();
    // A reply of 1 MB, an empty one, one with unknown fields.
    let huge = "答".repeat(350_000);
    app.action(&id, "reply", &l, json!({"body": huge}))
        .await
        .assert_problem(413, "payload_too_large");
    app.action(&id, "reply", &l, json!({"body": "x".repeat(4001)}))
        .await
        .assert_problem(400, "bad_request");
    app.action(&id, "reply", &l, json!({"body": ""}))
        .await
        .assert_problem(400, "bad_request");
    app.action(&id, "reply", &l, json!({"body": "ok", "cc": "x"}))
        .await
        .assert_problem(400, "bad_request");
    app.action(&id, "reply", &l, json!({"body": "ok", "channel": "pigeon"}))
        .await
        .assert_problem(400, "bad_request");
    app.action(&id, "accept", &l, json!({"really": true}))
        .await
        .assert_problem(400, "bad_request");
    app.action(&id, "return", &l, json!({}))
        .await
        .assert_problem(400, "bad_request");
    app.action(&id, "extend", &l, json!({"until": "soon", "reason": "r"}))
        .await
        .assert_problem(400, "bad_request");
    let res = app
        .client
        .post(format!("{}/api/v1/tickets/{id}/reply", app.base))
        .bearer_auth(&l)
        .header("content-type", "application/json")
        .body("{\"body\": \"unterminated")
        .send()
        .await
        .unwrap();
    TestApp::read(res).await.assert_problem(400, "bad_request");
    assert_eq!(app.ticket(&id).await, before);
    assert_eq!(app.events(&id).await.len(), n);
    // Callback with a satisfaction out of range, once replied.
    app.must(&id, "reply", &l, json!({"body": "已办理"})).await;
    let before = app.ticket(&id).await;
    for sat in [json!("very_satisfied"), json!(5), json!(null)] {
        app.action(
            &id,
            "callback",
            &app.operator(),
            json!({"satisfaction": sat}),
        )
        .await
        .assert_problem(400, "bad_request");
    }
    assert_eq!(app.ticket(&id).await, before);
    // Replenish bodies: neither or both departments, a bad phone.
    let ni = app.no_info().await;
    let z = app.liaison(ZFB);
    app.must(&ni, "accept", &z, json!({})).await;
    for body in [
        json!({"note": "n"}),
        json!({"department_code": GAJ, "new_department": {"name": "a", "region": "530100", "phones": [{"label": "a", "number": "1234567"}], "address": "x"}, "note": "n"}),
        json!({"new_department": {"name": "a", "region": "530100", "phones": [{"label": "a", "number": "phone"}], "address": "x"}, "note": "n"}),
        json!({"department_code": GAJ}),
        json!({"department_code": GAJ, "note": "n", "extra": 1}),
        // A question without its answer: knowledge refuses such a change request for good,
        // which would leave the ticket replied and never closed. A blank question too.
        json!({"department_code": GAJ, "note": "n", "question": "q?"}),
        json!({"department_code": GAJ, "note": "n", "question": " ", "answer": "a."}),
    ] {
        app.action(&ni, "replenish", &z, body)
            .await
            .assert_problem(400, "bad_request");
    }
    assert_eq!(app.ticket(&ni).await["status"], "accepted");
    // Service endpoints: bad bodies.
    let svc = app.service();
    app.action(
        &ni,
        "knowledge-result",
        &svc,
        json!({"change_request_id": 1, "outcome": "maybe"}),
    )
    .await
    .assert_problem(400, "bad_request");
    app.action(
        &ni,
        "delivery",
        &svc,
        json!({"notification_id": "n1", "channel": "pigeon", "to": "x", "status": "sent"}),
    )
    .await
    .assert_problem(400, "bad_request");
    app.action(
        "T20990101-000001",
        "delivery",
        &svc,
        json!({"notification_id": "n1", "channel": "email", "to": "x", "status": "sent"}),
    )
    .await
    .assert_problem(404, "not_found");
}

#[tokio::test]
async fn creation_is_idempotent_per_key() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let op = app.operator();
    let post = |body: Value, key: &'static str| {
        let app = &app;
        let op = op.clone();
        async move {
            app.send(
                reqwest::Method::POST,
                "/api/v1/tickets",
                Some(&op),
                Some(&body),
                &[("Idempotency-Key", key)],
            )
            .await
        }
    };
    let first = post(complaint_body(false), "k-1").await;
    assert_eq!(first.status, 201);
    let again = post(complaint_body(false), "k-1").await;
    assert_eq!(again.status, 201);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(again.headers["idempotent-replayed"], "true");
    post(complaint_body(true), "k-1")
        .await
        .assert_problem(409, "conflict");
    let other = post(complaint_body(false), "k-2").await;
    assert_ne!(other.body["id"], first.body["id"]);
    assert_eq!(app.ticket_count().await, 2);
    // The same key from another operator is another ticket.
    let res = app
        .send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            Some(&app.operator2()),
            Some(&complaint_body(false)),
            &[("Idempotency-Key", "k-1")],
        )
        .await;
    assert_ne!(res.body["id"], first.body["id"]);
    // The first event is the creation.
    let ev = app.events(first.body["id"].as_str().unwrap()).await;
    assert_eq!(ev.len(), 1);
    assert_eq!(ev[0]["action"], "created");
    assert_eq!(ev[0]["actor"], "op1");
}

#[tokio::test]
async fn concurrent_creations_get_unique_numbers() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let op = app.operator();
    let mut tasks = Vec::new();
    for i in 0..40 {
        let client = app.client.clone();
        let url = format!("{}/api/v1/tickets", app.base);
        let op = op.clone();
        // Half of them twice with the same key: those must not double.
        let key = format!("key-{}", i % 20);
        tasks.push(tokio::spawn(async move {
            let res = client
                .post(url)
                .bearer_auth(op)
                .header("Idempotency-Key", key)
                .json(&complaint_body(false))
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let body: Value = res.json().await.unwrap();
            (status, body["id"].as_str().unwrap_or_default().to_string())
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        let (status, id) = t.await.unwrap();
        assert_eq!(status, 201);
        ids.push(id);
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 20);
    assert_eq!(app.ticket_count().await, 20);
    assert!(ids.iter().all(|id| id.starts_with("T20261126-")));
    // Numbers are unique; on PostgreSQL a creation that lost a race may leave a gap.
    let last: i64 = ids.last().unwrap()[10..].parse().unwrap();
    assert!((20..=40).contains(&last), "{ids:?}");
}

#[tokio::test]
async fn knowledge_down_dispatch_is_503_but_intake_works() {
    let port = free_port();
    let app = spawn_app(&format!("http://127.0.0.1:{port}")).await;
    // Intake never calls knowledge.
    let id = app.complaint(true).await;
    let ni = app.no_info().await;
    assert_eq!(app.ticket(&ni).await["status"], "dispatched");
    let res = app
        .action(
            &id,
            "dispatch",
            &app.supervisor(),
            json!({"department": GAJ}),
        )
        .await;
    res.assert_problem(503, "service_unavailable");
    let t = app.ticket(&id).await;
    assert_eq!(t["status"], "new");
    assert!(t["department"] == GAJ);
    assert_eq!(app.events(&id).await.len(), 1);
    // An action refused by state is refused before asking knowledge at all.
    app.action(
        &ni,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await
    .assert_problem(409, "invalid_transition");
}

/// Issue 16, finding 4: a NUL byte in a path, query or JSON string is a 400 on both backends
/// (PostgreSQL answered 500), and nothing is stored.
#[tokio::test]
async fn nul_bytes_are_refused_at_the_edge() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let op = app.operator();
    let before = app.ticket_count().await;
    for path in [
        "/api/v1/tickets/a%00b",
        "/api/v1/tickets/a%00b/events",
        "/api/v1/tickets?caller_phone=138%0000",
        "/api/v1/tickets?department=a%00b",
    ] {
        app.get(path, &app.supervisor())
            .await
            .assert_problem(400, "bad_request");
    }
    let mut b = complaint_body(false);
    b["summary"] = json!("a\u{0}b");
    app.post("/api/v1/tickets", &op, b)
        .await
        .assert_problem(400, "bad_request");
    let res = app
        .post(
            "/api/v1/tickets/a%00b/accept",
            &app.liaison("530100-rsj"),
            json!({}),
        )
        .await;
    res.assert_problem(400, "bad_request");
    assert_nothing_created(&app, before).await;
}

/// Issue 16, finding 8: a body sent a few bytes at a time no longer holds the connection for as
/// long as the sender likes; the answer is a 408 problem+json once the body's time is up.
#[tokio::test]
async fn a_trickled_body_is_cut_off_with_a_408() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let before = app.ticket_count().await;
    let addr = app.base.trim_start_matches("http://").to_string();
    let mut stream = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let head = format!(
        "POST /api/v1/tickets HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\n\
         Content-Type: application/json\r\nContent-Length: 400\r\n\r\n{{\"type\":",
        app.operator()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let started = std::time::Instant::now();
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    // Keep trickling a byte a second until the server answers (or far past its limit).
    while started.elapsed() < std::time::Duration::from_secs(30) {
        match tokio::time::timeout(std::time::Duration::from_secs(1), stream.read(&mut buf)).await {
            Ok(Ok(0)) => break,
            Ok(Ok(n)) => {
                answer.extend_from_slice(&buf[..n]);
                if answer.windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Ok(Err(_)) => break,
            Err(_) => {
                let _ = stream.write_all(b" ").await;
            }
        }
    }
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert!(text.contains("application/problem+json"), "{text}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(20),
        "answered after {:?}",
        started.elapsed()
    );
    assert_eq!(app.ticket_count().await, before);
}

/// Issue 16, finding 8: an over-long URI is a 414 and over-large headers a 431, both
/// problem+json, and nothing is stored (below actix-web's own parser limit of 128 kB, past
/// which the parser answers before any of our code runs).
#[tokio::test]
async fn over_long_uris_and_headers_are_problems() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    let before = app.ticket_count().await;
    let long = format!("/api/v1/tickets?caller_phone={}", "1".repeat(9_000));
    app.get(&long, &sup)
        .await
        .assert_problem(414, "uri_too_long");
    let padding = "x".repeat(20_000);
    let res = app
        .send(
            reqwest::Method::POST,
            "/api/v1/tickets",
            Some(&app.operator()),
            Some(&complaint_body(false)),
            &[("x-padding", padding.as_str())],
        )
        .await;
    res.assert_problem(431, "headers_too_large");
    assert_nothing_created(&app, before).await;
    // Within the limits the same requests are answered as usual.
    app.get("/api/v1/tickets?caller_phone=13800000000", &sup)
        .await;
    let res = app
        .send(
            reqwest::Method::GET,
            "/api/v1/tickets",
            Some(&sup),
            None,
            &[("x-padding", "x")],
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
}

/// Issue 17: a body that does not fit names the field as a JSON pointer, not a line and column.
#[tokio::test]
async fn a_bad_body_names_its_field() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut b = complaint_body(false);
    b["type"] = json!("gossip");
    cases.push(("/type", b));
    let mut b = complaint_body(false);
    b["caller"].as_object_mut().unwrap().remove("phone");
    cases.push(("/caller/phone", b));
    let mut b = complaint_body(false);
    b["caller"]["age"] = json!(40);
    cases.push(("/caller/age", b));
    let mut b = complaint_body(false);
    b["urgent"] = json!("yes");
    cases.push(("/urgent", b));
    for (pointer, body) in cases {
        let res = app.post("/api/v1/tickets", &app.operator(), body).await;
        res.assert_problem(400, "bad_request");
        assert_eq!(res.body["pointer"], pointer, "{}", res.body);
        let detail = res.body["detail"].as_str().unwrap();
        assert!(
            detail.contains(pointer) && !detail.contains("line 1"),
            "{detail}"
        );
    }
    let id = app.complaint(false).await;
    let res = app
        .post(
            &format!("/api/v1/tickets/{id}/dispatch"),
            &app.supervisor(),
            json!({"dept": RSJ}),
        )
        .await;
    res.assert_problem(400, "bad_request");
    assert_eq!(res.body["pointer"], "/dept", "{}", res.body);
}
