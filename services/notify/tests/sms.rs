//! SMS: the spool transport end to end through the API, and the HTTP transport against a real
//! HTTP server standing in for a commercial SMS gateway (one cannot run here).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::json;
use testkit::TestDatabase;

fn sms_dispatch(to: &str) -> serde_json::Value {
    json!({
        "channel": "sms", "to": to, "template": "sms_dispatch", "ticket_id": "T20261205-0003",
        "data": ticket_data("T20261205-0003"),
    })
}

#[tokio::test]
async fn spooled_text_messages_are_templated_counted_and_reported() {
    let tickets =
        HttpStandIn::start(Arc::new(|_| (200, json!({"ok": true}), Duration::ZERO))).await;
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(
        &db,
        &[
            ("hotline_name", "12345热线".into()),
            ("tickets_url", tickets.url("")),
        ],
    )
    .await;
    let id = n
        .submit(&sms_dispatch("+86 138-0013-8000"), Some("outbox-3-0"))
        .await;
    let v = n.wait_status(&id, "sent").await;
    assert_eq!(v["channel"], "sms");
    assert_eq!(v["to"], "13800138000", "stored normalised");
    assert_eq!(v["provider_id"], format!("spool:{id}"));
    assert_eq!(v["subject"], "派单签收提醒 T20261205-0003");
    let text = v["body"].as_str().unwrap();
    assert!(
        text.starts_with("【12345热线】贵单位有一件投诉工单待签收：T20261205-0003，小区噪音扰民。"),
        "{text}"
    );
    assert!(text.contains("2026-12-01 17:30前办结回复"), "{text}");
    let chars = text.chars().count();
    assert_eq!(
        v["segments"],
        if chars <= 70 { 1 } else { chars.div_ceil(67) },
        "{chars} characters"
    );
    let job: serde_json::Value = serde_json::from_slice(
        &std::fs::read(n.dir.path().join("sms").join(format!("{id}.json"))).unwrap(),
    )
    .unwrap();
    assert_eq!(job["to"], "13800138000");
    assert_eq!(job["text"], text);
    assert_eq!(job["segments"], v["segments"]);
    assert_eq!(job["id"], id.as_str());
    // The same key and request: the same message, not a second one.
    assert_eq!(
        n.submit(&sms_dispatch("+86 138-0013-8000"), Some("outbox-3-0"))
            .await,
        id
    );
    // The ticket hears of it, on the SMS channel.
    n.wait_for(&id, Duration::from_secs(20), |v| {
        v["reported_at"].is_string()
    })
    .await;
    let report = tickets.calls().last().unwrap().json();
    assert_eq!(report["channel"], "sms");
    assert_eq!(report["to"], "13800138000");
    assert_eq!(report["status"], "sent");

    // A plain text of 150 characters is three messages (67 per part); the reminder template
    // fills in too.
    let long = n
        .submit(
            &json!({"channel": "sms", "to": "0086 139 1234 1234", "body": "请".repeat(150)}),
            None,
        )
        .await;
    let v = n.wait_status(&long, "sent").await;
    assert_eq!(
        (v["segments"].as_i64(), v["subject"].as_str()),
        (Some(3), Some("短信"))
    );
    let reminder = n
        .submit(
            &json!({"channel": "sms", "to": "13912341234", "template": "sms_deadline_reminder",
                    "data": ticket_data("T20261205-0004")}),
            None,
        )
        .await;
    let v = n.wait_status(&reminder, "sent").await;
    let text = v["body"].as_str().unwrap();
    assert!(
        text.contains("工单T20261205-0004（小区噪音扰民）将于2026-12-01 17:30到期"),
        "{text}"
    );
    assert_eq!(v["segments"], 1, "{text}");
}

#[tokio::test]
async fn gateway_busy_or_limiting_is_retried_and_its_message_id_kept() {
    let gateway = HttpStandIn::start(Arc::new(|n| match n {
        1 => (503, json!({"error": "maintenance"}), Duration::ZERO),
        2 => (429, json!({"error": "rate limited"}), Duration::ZERO),
        _ => (
            200,
            json!({"code": "OK", "message_id": format!("SM-{n}")}),
            Duration::ZERO,
        ),
    }))
    .await;
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(
        &db,
        &[
            ("sms_transport", "http".into()),
            ("sms_http_url", gateway.url("/v1/sms")),
            ("sms_http_token", "gw-secret".into()),
        ],
    )
    .await;
    let id = n.submit(&sms_dispatch("13800138000"), None).await;
    let v = n.wait_status(&id, "sent").await;
    assert_eq!(v["attempts"], 3, "{v}");
    assert_eq!(v["provider_id"], "SM-3", "the gateway's message id is kept");
    assert!(v["last_error"].as_str().unwrap().contains("429"), "{v}");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let calls = gateway.calls();
    assert_eq!(calls.len(), 3, "one message accepted, nothing after");
    for c in &calls {
        assert_eq!(c.path, "/v1/sms");
        assert_eq!(c.header("authorization"), Some("Bearer gw-secret"));
        assert_eq!(c.header("idempotency-key"), Some(id.as_str()));
        assert!(
            c.header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        let body = c.json();
        assert_eq!(body["to"], "13800138000");
        assert_eq!(body["notification_id"], id.as_str());
        assert_eq!(body["text"], v["body"]);
        assert_eq!(body["segments"], v["segments"]);
    }
}

#[tokio::test]
async fn gateway_refusing_the_message_makes_it_dead_at_once() {
    let gateway = HttpStandIn::start(Arc::new(|_| {
        (400, json!({"error": "blacklisted"}), Duration::ZERO)
    }))
    .await;
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(
        &db,
        &[
            ("sms_transport", "http".into()),
            ("sms_http_url", gateway.url("/send")),
            ("sms_http_token", "k-123".into()),
            ("sms_http_key_header", "X-API-Key".into()),
        ],
    )
    .await;
    let id = n
        .submit(
            &json!({"channel": "sms", "to": "15012345678", "body": "测试短信"}),
            None,
        )
        .await;
    let v = n.wait_status(&id, "dead").await;
    assert_eq!(v["attempts"], 1);
    let error = v["last_error"].as_str().unwrap();
    assert!(
        error.contains("400") && error.contains("blacklisted"),
        "{v}"
    );
    let calls = gateway.calls();
    assert_eq!(calls.len(), 1);
    assert_eq!(calls[0].header("x-api-key"), Some("k-123"));
    assert_eq!(calls[0].header("authorization"), None);
}

#[tokio::test]
async fn bad_numbers_and_texts_are_refused_and_nothing_is_stored() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("notify_workers", "0".into())]).await;
    let mut cases: Vec<serde_json::Value> = [
        "12800138000",
        "1380013800",
        "0871-64590534",
        "+1 415 555 0100",
        "138 0013 8000; reboot",
        "短信号码",
        "",
    ]
    .iter()
    .map(|to| sms_dispatch(to))
    .collect();
    cases.push(json!({"channel": "sms", "to": "13800138000", "body": "长".repeat(501)}));
    cases.push(json!({"channel": "sms", "to": "13800138000", "body": "   "}));
    // A template value missing: refused by name.
    cases.push(
        json!({"channel": "sms", "to": "13800138000", "template": "sms_dispatch",
                      "data": {"ticket_id": "T1"}}),
    );
    for body in &cases {
        let res = n.post(body, None).await;
        assert_eq!(res.status(), 400, "{body}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let v: serde_json::Value = res.json().await.unwrap();
        assert!(v["detail"].is_string(), "{v}");
    }
    assert_eq!(n.total().await, 0);
}
