use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use reqwest::Method;
use serde_json::{Value, json};
use shared::auth::Role;

use crate::helpers::*;

#[derive(Debug, Clone)]
struct Call {
    path: String,
    key: Option<String>,
    authorized: bool,
    body: Value,
}

#[derive(Clone, Default)]
struct Recorder {
    calls: Arc<Mutex<Vec<Call>>>,
    /// Answer 503 to this many knowledge-result posts first.
    fail_first: Arc<Mutex<usize>>,
    /// Then answer every post with this status (200 when unset).
    status: Arc<Mutex<Option<u16>>>,
}

async fn record(req: HttpRequest, body: web::Bytes, rec: web::Data<Recorder>) -> HttpResponse {
    if req.path() == "/api/v1/calendar" {
        return HttpResponse::Ok()
            .json(json!({"years": [], "working_hours": "09:00-12:00,13:30-17:30"}));
    }
    // What is sent for tickets' reports (the topic words at start) is not what these tests
    // follow.
    if req.path().starts_with("/api/v1/reports/") {
        return HttpResponse::Ok().json(json!({"ok": true}));
    }
    {
        let mut f = rec.fail_first.lock().unwrap();
        if *f > 0 {
            *f -= 1;
            return HttpResponse::ServiceUnavailable().finish();
        }
    }
    rec.calls.lock().unwrap().push(Call {
        path: req.path().to_string(),
        key: req
            .headers()
            .get("idempotency-key")
            .map(|v| v.to_str().unwrap().to_string()),
        authorized: req.headers().contains_key("authorization"),
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    });
    let status = rec.status.lock().unwrap().unwrap_or(200);
    HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
        .json(json!({"ok": status == 200}))
}

/// A stand-in for the tickets service that records what it is sent.
fn spawn_tickets(fail_first: usize) -> (String, Recorder) {
    let rec = Recorder::default();
    *rec.fail_first.lock().unwrap() = fail_first;
    let data = web::Data::new(rec.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .default_service(web::to(record))
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    (format!("http://127.0.0.1:{port}"), rec)
}

async fn app_with_tickets(fail_first: usize) -> (TestApp, Recorder) {
    let (url, rec) = spawn_tickets(fail_first);
    let app = TestApp::spawn_with(Options {
        extra: vec![
            ("tickets_url".into(), url),
            ("knowledge_relay_interval_ms".into(), "50".into()),
        ],
        ..Options::default()
    })
    .await;
    (app, rec)
}

async fn wait_for_calls(rec: &Recorder, n: usize) -> Vec<Call> {
    for _ in 0..200 {
        let calls = rec.calls.lock().unwrap().clone();
        if calls.len() >= n {
            return calls;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("tickets got {:?}", rec.calls.lock().unwrap());
}

async fn create(app: &TestApp, token: &str, key: Option<&str>, body: Value) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/api/v1/change-requests"))
        .bearer_auth(token)
        .json(&body);
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn liaison_proposal_applied_and_reported_to_the_ticket() {
    let (app, rec) = app_with_tickets(1).await;
    let liaison = app.token(Role::Liaison); // 530100-rsj
    // The liaison's facts for a ticket, as tickets files them after the liaison's replenish.
    let svc = app.keys.service_token("tickets", "knowledge").unwrap();
    let body = json!({"ticket_id": "T-2026-0001", "department_code": "530100-rsj",
        "question": "灵活就业人员怎么参保?", "submitted_by": "test-liaison",
        "answer": "携带身份证到政务服务中心3楼8号窗口办理。", "note": "来自查无信息工单"});
    let cr = json(create(&app, &svc, Some("k-1"), body.clone()).await, 201).await;
    assert_eq!(cr["status"], "pending");
    assert_eq!(cr["department_code"], "530100-rsj");
    assert_eq!(cr["ticket_id"], "T-2026-0001");
    assert_eq!(cr["submitted_by"], "test-liaison");
    let id = cr["id"].as_i64().unwrap();
    let again = json(create(&app, &svc, Some("k-1"), body).await, 200).await;
    assert_eq!(again["id"], id);
    // The same key from someone else is their own request.
    let other = app.token(Role::KbEditor);
    let theirs = json(
        create(
            &app,
            &other,
            Some("k-1"),
            json!({"department_code": "530100-zfb", "note": "n"}),
        )
        .await,
        201,
    )
    .await;
    assert_ne!(theirs["id"], id);
    let mine = json(
        app.get(&format!("/api/v1/change-requests/{id}"), Some(&liaison))
            .await,
        200,
    )
    .await;
    assert_eq!(mine["note"], "来自查无信息工单");
    problem(
        app.get(
            &format!("/api/v1/change-requests/{id}"),
            Some(&app.liaison_token("530100-zfb")),
        )
        .await,
        404,
    )
    .await;
    problem(
        app.get(
            &format!("/api/v1/change-requests/{id}"),
            Some(&app.token(Role::Operator)),
        )
        .await,
        403,
    )
    .await;

    let ed = app.token(Role::KbEditor);
    let pending = json(
        app.get("/api/v1/change-requests?status=pending", Some(&ed))
            .await,
        200,
    )
    .await;
    assert_eq!(pending["total"], 2);
    let seq = app.seq();
    let applied = json(
        app.send(
            Method::POST,
            &format!("/api/v1/change-requests/{id}/apply"),
            Some(&ed),
            None,
        )
        .await,
        200,
    )
    .await;
    assert_eq!(applied["status"], "applied");
    assert_eq!(applied["entry_code"], "530100-rsj-4");
    let changes = app
        .with_conn(|c| knowledge::db::changes::since(c, seq))
        .unwrap();
    assert_eq!(
        changes
            .iter()
            .map(|c| (c.1.as_str(), c.2.as_str()))
            .collect::<Vec<_>>(),
        vec![("faq", "530100-rsj-4")]
    );
    let op = app.token(Role::Operator);
    let faq = json(app.get("/api/v1/faqs/530100-rsj-4", Some(&op)).await, 200).await;
    assert_eq!(faq["status"], "published");
    assert_eq!(faq["authorized"], true);
    let d = json(
        app.get("/api/v1/departments/530100-rsj", Some(&op)).await,
        200,
    )
    .await;
    assert!(
        d["faqs"]
            .as_array()
            .unwrap()
            .contains(&json!("530100-rsj-4"))
    );
    problem(
        app.send(
            Method::POST,
            &format!("/api/v1/change-requests/{id}/apply"),
            Some(&ed),
            None,
        )
        .await,
        409,
    )
    .await;
    problem(
        app.send(
            Method::POST,
            &format!("/api/v1/change-requests/{id}/reject"),
            Some(&ed),
            Some(json!({"reason": "x"})),
        )
        .await,
        409,
    )
    .await;
    let done = json(
        app.get(&format!("/api/v1/change-requests/{id}"), Some(&ed))
            .await,
        200,
    )
    .await;
    assert_eq!(done["status"], "applied");
    assert_eq!(done["decided_by"], "test-kb_editor");

    // The first post got a 503; the relay tried again.
    let calls = wait_for_calls(&rec, 1).await;
    let c = &calls[0];
    assert_eq!(c.path, "/api/v1/tickets/T-2026-0001/knowledge-result");
    assert_eq!(c.key.as_deref(), Some(format!("cr-{id}").as_str()));
    assert!(c.authorized);
    assert_eq!(
        c.body,
        json!({"change_request_id": id, "outcome": "applied", "entry_code": "530100-rsj-4"})
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rec.calls.lock().unwrap().len(), 1, "delivered once");
}

#[tokio::test]
async fn rejection_is_reported_and_new_departments_are_created() {
    let (app, rec) = app_with_tickets(0).await;
    let svc = app.keys.service_token("tickets", "knowledge").unwrap();
    let cr = json(
        create(
            &app,
            &svc,
            Some("t-9"),
            json!({"ticket_id": "T-9", "region": "530100",
        "department_code": "530100-zfb", "note": "wrong", "submitted_by": "张三"}),
        )
        .await,
        201,
    )
    .await;
    let id = cr["id"].as_i64().unwrap();
    assert_eq!(cr["submitted_by"], "张三");
    let ed = app.token(Role::Admin);
    problem(
        app.send(
            Method::POST,
            &format!("/api/v1/change-requests/{id}/reject"),
            Some(&ed),
            Some(json!({})),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.send(
            Method::POST,
            &format!("/api/v1/change-requests/{id}/reject"),
            Some(&ed),
            Some(json!({"reason": ""})),
        )
        .await,
        400,
    )
    .await;
    let r = json(
        app.send(
            Method::POST,
            &format!("/api/v1/change-requests/{id}/reject"),
            Some(&ed),
            Some(json!({"reason": "信息不全"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(r["status"], "rejected");
    let calls = wait_for_calls(&rec, 1).await;
    assert_eq!(calls[0].path, "/api/v1/tickets/T-9/knowledge-result");
    assert_eq!(
        calls[0].body,
        json!({"change_request_id": id, "outcome": "rejected", "reason": "信息不全"})
    );

    // A department not yet in the directory, without a ticket: no report.
    let editor = app.token(Role::KbEditor);
    let cr = json(create(&app, &editor, None, json!({"new_department": {"name": "昆明市数据局", "region": "530100",
        "phones": [{"label": "办公室", "number": "0871-63600001"}], "address": "昆明市数据路1号", "hours": "09:00-12:00,13:30-17:00"},
        "note": "新成立"})).await, 201).await;
    let id2 = cr["id"].as_i64().unwrap();
    let applied = json(
        app.send(
            Method::POST,
            &format!("/api/v1/change-requests/{id2}/apply"),
            Some(&editor),
            None,
        )
        .await,
        200,
    )
    .await;
    let code = applied["entry_code"].as_str().unwrap().to_string();
    assert_eq!(code, format!("530100-cr{id2}"));
    let d = json(
        app.get(
            &format!("/api/v1/departments/{code}"),
            Some(&app.token(Role::Operator)),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(d["name"], "昆明市数据局");
    assert_eq!(d["hours_text"], "周一至周五 09:00-12:00、13:30-17:00");
    let all = json(app.get("/api/v1/change-requests", Some(&editor)).await, 200).await;
    assert_eq!(all["total"], 2);
    let applied_list = json(
        app.get("/api/v1/change-requests?status=applied", Some(&editor))
            .await,
        200,
    )
    .await;
    assert_eq!(applied_list["total"], 1);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rec.calls.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn who_may_propose_and_bad_proposals() {
    let app = TestApp::spawn().await;
    let liaison = app.token(Role::Liaison); // 530100-rsj
    let base = json!({"department_code": "530100-zfb", "note": "n"});
    problem(create(&app, &liaison, None, base.clone()).await, 403).await;
    problem(
        create(
            &app,
            &liaison,
            None,
            json!({"new_department": {"name": "x", "region": "530100"}, "note": "n"}),
        )
        .await,
        403,
    )
    .await;
    for role in [Role::Operator, Role::Supervisor] {
        problem(
            create(&app, &app.token(role), None, base.clone()).await,
            403,
        )
        .await;
        problem(
            app.send_raw(
                Method::POST,
                "/api/v1/change-requests",
                Some(&app.token(role)),
                "nonsense",
            )
            .await,
            403,
        )
        .await;
    }
    problem(
        app.get("/api/v1/change-requests", Some(&liaison)).await,
        403,
    )
    .await;
    let ed = app.token(Role::KbEditor);
    for body in [
        json!({"department_code": "530100-zfb"}),
        json!({"department_code": "530100-zfb", "note": "n", "colour": "red"}),
        json!({"department_code": "530100-zfb", "note": "n", "question": "q?"}),
        json!({"department_code": "530100-none", "note": "n"}),
        json!({"note": "n"}),
        json!({"department_code": "530100-zfb", "note": "n".repeat(2001)}),
        json!({"department_code": "530100-zfb", "note": "n", "ticket_id": "../../admin"}),
        json!({"department_code": "530100-zfb", "note": "n", "answer": "<script>x</script>", "question": "q"}),
        json!({"new_department": {"name": "x", "region": "999999"}, "note": "n"}),
        json!({"new_department": {"name": "x", "region": "530100", "fax": "1"}, "note": "n"}),
    ] {
        problem(create(&app, &ed, None, body).await, 400).await;
    }
    let list = json(app.get("/api/v1/change-requests", Some(&ed)).await, 200).await;
    assert_eq!(list["total"], 0);
    problem(
        app.get("/api/v1/change-requests?status=maybe", Some(&ed))
            .await,
        400,
    )
    .await;
    problem(
        app.get("/api/v1/change-requests?per_page=100000", Some(&ed))
            .await,
        400,
    )
    .await;
    problem(app.get("/api/v1/change-requests/999", Some(&ed)).await, 404).await;
    problem(app.get("/api/v1/change-requests/abc", Some(&ed)).await, 404).await;
    problem(
        app.send(
            Method::POST,
            "/api/v1/change-requests/999/apply",
            Some(&ed),
            None,
        )
        .await,
        404,
    )
    .await;
    problem(
        app.send(
            Method::POST,
            "/api/v1/change-requests/999/reject",
            Some(&ed),
            Some(json!({"reason": "r"})),
        )
        .await,
        404,
    )
    .await;
}

/// Issue 16, finding 2: a liaison's facts cannot name a ticket (facts for a ticket go through
/// the ticket, where tickets checks that it is a no-info ticket of the liaison's own
/// department waiting for facts), and a liaison signs only as themselves.
#[tokio::test]
async fn a_liaison_cannot_file_facts_against_a_ticket_or_sign_as_another() {
    let (app, rec) = app_with_tickets(0).await;
    let liaison = app.token(Role::Liaison); // 530100-rsj
    let r = create(
        &app,
        &liaison,
        None,
        json!({"ticket_id": "T20261205-000001", "question": "滇池归谁管？",
               "answer": "昆明市滇池管理局。", "note": "n"}),
    )
    .await;
    assert_eq!(r.status(), 403);
    let p: Value = r.json().await.unwrap();
    assert!(p["detail"].as_str().unwrap().contains("replenish"), "{p}");
    let ed = app.token(Role::KbEditor);
    let listed = json(app.get("/api/v1/change-requests", Some(&ed)).await, 200).await;
    assert_eq!(listed["total"], 0, "nothing was stored: {listed}");

    let cr = json(
        create(
            &app,
            &liaison,
            None,
            json!({"note": "新增咨询电话", "submitted_by": "liaison-530100-zfb"}),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(cr["submitted_by"], "test-liaison");
    assert!(rec.calls.lock().unwrap().is_empty());
}

/// Issue 16, finding 2: when tickets refuses a result (no such ticket, a state that takes
/// none), it is final: recorded as dead and counted, not posted again for ever.
#[tokio::test]
async fn a_result_tickets_refuses_is_dead_not_retried() {
    let (app, rec) = app_with_tickets(0).await;
    *rec.status.lock().unwrap() = Some(404);
    let svc = app.keys.service_token("tickets", "knowledge").unwrap();
    let cr = json(
        create(
            &app,
            &svc,
            Some("t-404"),
            json!({"ticket_id": "T20261205-000404", "region": "530100",
                   "department_code": "530100-zfb", "note": "wrong"}),
        )
        .await,
        201,
    )
    .await;
    let id = cr["id"].as_i64().unwrap();
    let ed = app.token(Role::KbEditor);
    let r = app
        .send(
            Method::POST,
            &format!("/api/v1/change-requests/{id}/reject"),
            Some(&ed),
            Some(json!({"reason": "信息不全"})),
        )
        .await;
    assert_eq!(r.status(), 200);
    wait_for_calls(&rec, 1).await;
    let mut dead = false;
    for _ in 0..100 {
        let metrics = app.get("/metrics", None).await.text().await.unwrap();
        if metrics.contains("knowledge_outbox_dead{service=\"knowledge\"} 1") {
            dead = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(dead, "the refused result is counted dead");
    // The first retry would come after a second; two seconds later there is still one call.
    tokio::time::sleep(Duration::from_millis(2_000)).await;
    assert_eq!(rec.calls.lock().unwrap().len(), 1);
}
