//! E-mail delivery against a real SMTP server started by the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::json;
use testkit::TestDatabase;

#[tokio::test]
async fn header_injection_in_the_subject_creates_no_header() {
    let smtp = SmtpServer::start(SmtpBehaviour::default());
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("smtp_url", smtp.url())]).await;
    let id = n
        .submit(
            &email(
                "liaison@dept.example",
                "投诉转办\r\nBcc: victim@evil.example\r\nX-Injected: yes",
                "正文第一行\r\nBcc: also@evil.example\r\n.\r\n结束",
            ),
            None,
        )
        .await;
    let v = n.wait_status(&id, "sent").await;
    assert_eq!(v["provider_id"], format!("<{id}@hotline>"));
    let got = smtp.with_id(&format!("<{id}@hotline>"));
    assert_eq!(got.len(), 1);
    let m = &got[0];
    // Only the real recipient was given to the server, and no header line was injected.
    assert_eq!(m.rcpt, vec!["liaison@dept.example".to_string()]);
    let head = m.headers().to_ascii_lowercase();
    assert!(!head.lines().any(|l| l.starts_with("bcc:")), "{head}");
    assert!(
        !head.lines().any(|l| l.starts_with("x-injected:")),
        "{head}"
    );
    assert!(m.subject().contains("投诉转办"), "{}", m.subject());
    assert!(
        m.subject().contains("Bcc: victim@evil.example"),
        "kept as text: {}",
        m.subject()
    );
    // The body is text; the lone dot line did not end the message early.
    let body = m.text();
    assert!(body.contains("结束"), "{body}");
    assert!(body.contains("Bcc: also@evil.example"));
    assert!(m.from.contains("hotline@localhost"));
}

#[tokio::test]
async fn smtp_down_then_up_delivers_exactly_once() {
    let port = free_port();
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("smtp_url", format!("smtp://127.0.0.1:{port}"))]).await;
    let id = n
        .submit(&email("a@dept.example", "测试", "服务器暂时不可用"), None)
        .await;
    // Connection refused is transient: the job waits and tries again.
    let v = n
        .wait_for(&id, Duration::from_secs(20), |v| {
            v["status"] == "failed" && v["attempts"].as_i64() >= Some(2)
        })
        .await;
    assert!(v["last_error"].as_str().unwrap().contains("SMTP"), "{v}");
    assert!(v["next_attempt_at"].is_string());
    let smtp = SmtpServer::start_on(port, SmtpBehaviour::default());
    let v = n.wait_status(&id, "sent").await;
    assert!(v["attempts"].as_i64().unwrap() >= 3);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(smtp.with_id(&format!("<{id}@hotline>")).len(), 1);
    assert_eq!(smtp.mails().len(), 1);
}

#[tokio::test]
async fn permanent_rejection_is_dead_at_once_and_can_be_retried() {
    let smtp = SmtpServer::start(SmtpBehaviour {
        reject_rcpt: Some("nobody@".into()),
        ..Default::default()
    });
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("smtp_url", smtp.url())]).await;
    let id = n
        .submit(&email("nobody@dept.example", "测试", "退信"), None)
        .await;
    let v = n.wait_status(&id, "dead").await;
    assert_eq!(v["attempts"], 1, "a 5xx is not retried: {v}");
    assert!(v["last_error"].as_str().unwrap().contains("550"), "{v}");
    // Dead ones are listed for supervisors.
    let res = n
        .client
        .get(format!("{}/api/v1/notifications?status=dead", n.base))
        .bearer_auth(token(shared::auth::Role::Supervisor))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let page: serde_json::Value = res.json().await.unwrap();
    assert_eq!(page["total"], 1);
    assert_eq!(page["items"][0]["id"], id.as_str());
    // A retry puts it back in the queue; it dies again (the server still refuses).
    let res = n
        .client
        .post(format!("{}/api/v1/notifications/{id}/retry", n.base))
        .bearer_auth(token(shared::auth::Role::Supervisor))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let queued: serde_json::Value = res.json().await.unwrap();
    assert_eq!(queued["status"], "queued");
    assert_eq!(queued["attempts"], 0);
    let v = n
        .wait_for(&id, Duration::from_secs(10), |v| {
            v["status"] == "dead" && v["updated_at"] != queued["updated_at"]
        })
        .await;
    assert_eq!(v["attempts"], 1);
    // Only a dead notification can be retried.
    let smtp_ok = n
        .submit(&email("someone@dept.example", "测试", "正常"), None)
        .await;
    n.wait_status(&smtp_ok, "sent").await;
    let res = n
        .client
        .post(format!("{}/api/v1/notifications/{smtp_ok}/retry", n.base))
        .bearer_auth(token(shared::auth::Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 409);
}

#[tokio::test]
async fn without_smtp_messages_are_written_as_eml_files() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[]).await;
    let id = n
        .submit(
            &json!({
                "channel": "email", "to": "caller@example.org", "template": "caller_reply",
                "data": {"ticket_id": "T-1", "caller_name": "张先生", "reply": "已为您办理。"}
            }),
            None,
        )
        .await;
    n.wait_status(&id, "sent").await;
    let path = n.dir.path().join("mail").join(format!("{id}.eml"));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains(&format!("Message-ID: <{id}@hotline>")),
        "{text}"
    );
    assert!(text.contains("To: caller@example.org"));
}

#[tokio::test]
async fn template_text_reaches_the_mailbox_and_the_ticket_hears_of_it() {
    let smtp = SmtpServer::start(SmtpBehaviour::default());
    // The ticket service is briefly unavailable, then accepts the report.
    let tickets = HttpStandIn::start(Arc::new(|n| {
        if n == 1 {
            (503, json!({"title": "down"}), Duration::ZERO)
        } else {
            (200, json!({"ok": true}), Duration::ZERO)
        }
    }))
    .await;
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(
        &db,
        &[("smtp_url", smtp.url()), ("tickets_url", tickets.url(""))],
    )
    .await;
    let id = n
        .submit(
            &json!({
                "channel": "email", "to": "liaison@dept.example", "template": "dispatch",
                "ticket_id": "T20261127-0007",
                "data": {"ticket_id": "T20261127-0007", "type": "complaint", "summary": "小区噪音扰民",
                         "details": "夜间施工至凌晨两点。", "region": "530102",
                         "department": "530100-hbj", "department_name": "昆明市生态环境局",
                         "due_at": "2026-12-01T17:30:00+08:00"}
            }),
            Some("outbox-7-0"),
        )
        .await;
    n.wait_status(&id, "sent").await;
    let m = &smtp.with_id(&format!("<{id}@hotline>"))[0];
    assert!(m.subject().contains("T20261127-0007"), "{}", m.subject());
    let body = m.text();
    assert!(body.contains("昆明市生态环境局联络员"), "{body}");
    assert!(body.contains("夜间施工至凌晨两点。"), "{body}");
    assert!(body.contains("投诉"), "{body}");
    let v = n
        .wait_for(&id, Duration::from_secs(20), |v| {
            v["reported_at"].is_string()
        })
        .await;
    assert_eq!(v["status"], "sent");
    let calls = tickets.calls();
    assert_eq!(calls.len(), 2, "one refused, one accepted");
    let last = calls.last().unwrap();
    assert_eq!(last.path, "/api/v1/tickets/T20261127-0007/delivery");
    assert!(last.header("authorization").unwrap().starts_with("Bearer "));
    assert_eq!(
        last.header("idempotency-key").unwrap(),
        format!("delivery-{id}-sent")
    );
    let body = last.json();
    assert_eq!(body["notification_id"], id.as_str());
    assert_eq!(body["channel"], "email");
    assert_eq!(body["to"], "liaison@dept.example");
    assert_eq!(body["status"], "sent");
    assert_eq!(body["provider_id"], format!("<{id}@hotline>"));
}
