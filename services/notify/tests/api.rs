//! The HTTP surface: roles, idempotency, validation, reads, templates.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;
use shared::auth::Role;
use testkit::TestDatabase;

async fn status_of(res: reqwest::Response) -> (u16, serde_json::Value) {
    let s = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let v = res.json().await.unwrap_or(serde_json::Value::Null);
    if s >= 400 {
        assert_eq!(ct, "application/problem+json", "{v}");
    }
    (s, v)
}

#[tokio::test]
async fn only_services_and_admins_submit_and_only_supervisors_and_admins_read() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("notify_workers", "0".into())]).await;
    let body = email("a@dept.example", "主题", "正文");
    let url = format!("{}/api/v1/notifications", n.base);
    let res = n.client.post(&url).json(&body).send().await.unwrap();
    assert_eq!(status_of(res).await.0, 401);
    for role in [
        Role::Operator,
        Role::Liaison,
        Role::KbEditor,
        Role::Supervisor,
    ] {
        let res = n
            .client
            .post(&url)
            .bearer_auth(token(role))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(status_of(res).await.0, 403, "{role:?}");
    }
    let res = n
        .client
        .post(&url)
        .bearer_auth(token(Role::Admin))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (s, v) = status_of(res).await;
    assert_eq!(s, 202);
    assert_eq!(v["status"], "queued");
    let id = v["id"].as_str().unwrap();
    for (role, expected) in [
        (Role::Operator, 403),
        (Role::Service, 403),
        (Role::Supervisor, 200),
        (Role::Admin, 200),
    ] {
        let res = n
            .client
            .get(format!("{url}/{id}"))
            .bearer_auth(token(role))
            .send()
            .await
            .unwrap();
        assert_eq!(status_of(res).await.0, expected, "{role:?}");
    }
    let res = n
        .client
        .get(format!("{url}/nope"))
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 404);
    // Stored before the answer: it is there, queued, with nothing tried yet (no workers).
    let v = n.get(id).await;
    assert_eq!(v["status"], "queued");
    assert_eq!(v["attempts"], 0);
    assert_eq!(v["subject"], "主题");
}

#[tokio::test]
async fn idempotency_key_gives_the_same_notification_or_a_conflict() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("notify_workers", "0".into())]).await;
    let body = json!({"channel": "email", "to": "a@dept.example", "template": "dispatch",
                      "data": ticket_data("T1"), "ticket_id": "T1"});
    let first = n.submit(&body, Some("outbox-1-0")).await;
    let again = n.submit(&body, Some("outbox-1-0")).await;
    assert_eq!(first, again);
    // Key order inside `data` does not make it another request.
    let mut data = ticket_data("T1");
    let summary = data.as_object_mut().unwrap().remove("summary").unwrap();
    data["summary"] = summary;
    let reordered = json!({"ticket_id": "T1", "data": data,
                           "template": "dispatch", "to": "a@dept.example", "channel": "email"});
    assert_eq!(n.submit(&reordered, Some("outbox-1-0")).await, first);
    let mut other = body.clone();
    other["to"] = json!("b@dept.example");
    let (s, v) = status_of(n.post(&other, Some("outbox-1-0")).await).await;
    assert_eq!(s, 409, "{v}");
    let other_key = n.submit(&body, Some("outbox-1-1")).await;
    assert_ne!(other_key, first);
    let no_key_1 = n.submit(&body, None).await;
    let no_key_2 = n.submit(&body, None).await;
    assert_ne!(no_key_1, no_key_2);
    // Many at once with one key: one notification.
    let mut set = tokio::task::JoinSet::new();
    for _ in 0..8 {
        let (client, base, body) = (n.client.clone(), n.base.clone(), body.clone());
        set.spawn(async move {
            let res = client
                .post(format!("{base}/api/v1/notifications"))
                .bearer_auth(token(Role::Service))
                .header("idempotency-key", "race-1")
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 202);
            let v: serde_json::Value = res.json().await.unwrap();
            v["id"].as_str().unwrap().to_string()
        });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(r) = set.join_next().await {
        ids.insert(r.unwrap());
    }
    assert_eq!(ids.len(), 1);
}

#[tokio::test]
async fn bad_requests_are_problems_and_store_nothing() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("notify_workers", "0".into())]).await;
    let cases = [
        json!({"channel": "sms", "to": "a@b.example", "subject": "s", "body": "b"}),
        json!({"channel": "email", "to": "not-an-address", "subject": "s", "body": "b"}),
        json!({"channel": "email", "to": "a@b.example", "body": "no subject"}),
        json!({"channel": "email", "to": "a@b.example", "subject": "s", "body": "b", "bcc": "x@y.example"}),
        json!({"channel": "email", "to": "a@b.example", "template": "no_such_template"}),
        json!({"channel": "email", "to": "a@b.example", "template": "dispatch", "body": "both"}),
        json!({"channel": "email", "to": "a@b.example", "template": "dispatch", "data": {"x": {"y": 1}}}),
        json!({"channel": "email", "to": "a@b.example", "subject": "s", "body": "b", "ticket_id": "../../etc"}),
        json!({"channel": "email", "to": "a@b.example", "subject": "s", "body": "b",
               "attachments": [{"filename": "a.pdf", "content_type": "application/pdf", "content_base64": "***"}]}),
        json!({"channel": "email", "to": "a@b.example", "subject": "s", "body": "x".repeat(60_000)}),
        json!({"channel": "fax", "to": "0871-1234567", "subject": "s", "body": "b",
               "attachments": [{"filename": "a.pdf", "content_type": "application/pdf", "content_base64": "JVBERg=="}]}),
        json!([]),
    ];
    for body in &cases {
        let (s, v) = status_of(n.post(body, Some("k-bad")).await).await;
        assert_eq!(s, 400, "{body}: {v}");
    }
    let res = n
        .client
        .post(format!("{}/api/v1/notifications", n.base))
        .bearer_auth(token(Role::Service))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 400);
    let res = n
        .client
        .post(format!("{}/api/v1/notifications", n.base))
        .bearer_auth(token(Role::Service))
        .header("idempotency-key", "x".repeat(300))
        .json(&email("a@b.example", "s", "b"))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 400);
    let res = n
        .client
        .get(format!("{}/api/v1/notifications?status=lost", n.base))
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 400);
    let res = n
        .client
        .get(format!("{}/api/v1/notifications?per_page=1000", n.base))
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 400);
    let res = n
        .client
        .get(format!("{}/api/v1/notifications", n.base))
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    let (_, page) = status_of(res).await;
    assert_eq!(page["total"], 0);
    // The key was never stored, so it is still free.
    n.submit(&email("a@b.example", "s", "b"), Some("k-bad"))
        .await;
}

#[tokio::test]
async fn lists_page_and_filter() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("notify_workers", "0".into())]).await;
    for i in 0..5 {
        let mut b = email("a@b.example", &format!("s{i}"), "b");
        b["ticket_id"] = json!(if i < 2 { "T-A" } else { "T-B" });
        n.submit(&b, None).await;
    }
    let get = |q: &str| {
        let url = format!("{}/api/v1/notifications?{q}", n.base);
        let client = n.client.clone();
        async move {
            let res = client
                .get(url)
                .bearer_auth(token(Role::Supervisor))
                .send()
                .await
                .unwrap();
            status_of(res).await.1
        }
    };
    let p = get("per_page=2&page=2").await;
    assert_eq!(p["total"], 5);
    assert_eq!(p["items"].as_array().unwrap().len(), 2);
    assert_eq!(p["page"], 2);
    let p = get("ticket_id=T-A").await;
    assert_eq!(p["total"], 2);
    let p = get("status=queued").await;
    assert_eq!(p["total"], 5);
    let p = get("status=sent").await;
    assert_eq!(p["total"], 0);
    // Queue depth on /metrics (refreshed in the background).
    let metrics_url = format!("{}/metrics", n.base);
    let mut text = String::new();
    for _ in 0..50 {
        text = n
            .client
            .get(&metrics_url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if text.contains("notify_jobs_queued") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        text.contains("notify_jobs_queued{service=\"notify\"}"),
        "{text}"
    );
}

#[tokio::test]
async fn templates_are_seeded_editable_and_used() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("notify_workers", "0".into())]).await;
    let url = format!("{}/api/v1/templates", n.base);
    let res = n
        .client
        .get(&url)
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    let (s, all) = status_of(res).await;
    assert_eq!(s, 200);
    let names: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "caller_reply",
            "deadline_reminder",
            "dispatch",
            "facts_rejected",
            "liaison_reply",
            "no_info_request",
            "overdue_escalation",
            "sms_deadline_reminder",
            "sms_dispatch",
            "sms_urgent_alert",
            "urgent_alert",
            "urgent_complaint",
        ]
    );
    let dispatch = all
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == "dispatch")
        .unwrap();
    assert!(
        dispatch["variables"]
            .as_array()
            .unwrap()
            .contains(&json!("department_name")),
        "{dispatch}"
    );
    let res = n
        .client
        .get(&url)
        .bearer_auth(token(Role::Supervisor))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 403);
    // A misspelt or unknown placeholder is refused when the template is saved, by name.
    for (subject, body, named) in [
        (
            "新派单 {ticket_id}",
            "请办理：{summary}（{unknown}）",
            "`unknown`",
        ),
        (
            "新派单 {{ ticket_id }}",
            "传真至 {{ centre_fxa }}",
            "`centre_fxa`",
        ),
        ("新派单 {{ tickt_id }}", "请办理", "`tickt_id`"),
        (
            "新派单",
            "{{ ticket_id }} 请办理：{summary}",
            "`{{ summary }}`",
        ),
    ] {
        let res = n
            .client
            .put(format!("{url}/dispatch"))
            .bearer_auth(token(Role::Admin))
            .json(&json!({"subject": subject, "body": body}))
            .send()
            .await
            .unwrap();
        let (s, v) = status_of(res).await;
        assert_eq!(s, 400, "{subject} / {body}: {v}");
        assert!(v["detail"].as_str().unwrap().contains(named), "{v}");
    }
    let res = n
        .client
        .put(format!("{url}/dispatch"))
        .bearer_auth(token(Role::Admin))
        .json(&json!({"subject": "{{ 1 + }}", "body": "b"}))
        .send()
        .await
        .unwrap();
    let (s, v) = status_of(res).await;
    assert_eq!(s, 400, "a template that does not parse: {v}");
    // The older `{name}` syntax is still taken, and stored as minijinja's.
    let res = n
        .client
        .put(format!("{url}/dispatch"))
        .bearer_auth(token(Role::Admin))
        .json(&json!({"subject": "新派单 {ticket_id}",
                      "body": "请办理：{{ summary }}{% if centre_email is defined %}（{{ centre_email }}）{% endif %}"}))
        .send()
        .await
        .unwrap();
    let (s, t) = status_of(res).await;
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["subject"], "新派单 {{ ticket_id }}");
    assert_eq!(t["updated_by"], "tester");
    for (body, expected) in [
        (json!({"subject": "", "body": "b"}), 400),
        (json!({"subject": "s", "body": "b", "extra": 1}), 400),
    ] {
        let res = n
            .client
            .put(format!("{url}/dispatch"))
            .bearer_auth(token(Role::Admin))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(status_of(res).await.0, expected);
    }
    let res = n
        .client
        .put(format!("{url}/made_up"))
        .bearer_auth(token(Role::Admin))
        .json(&json!({"subject": "s", "body": "b"}))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 404);
    let id = n
        .submit(
            &json!({"channel": "email", "to": "a@b.example", "template": "dispatch",
                    "data": {"ticket_id": "T9", "summary": "路灯不亮"}}),
            None,
        )
        .await;
    let v = n.get(&id).await;
    assert_eq!(v["subject"], "新派单 T9");
    assert_eq!(
        v["body"], "请办理：路灯不亮",
        "no centre e-mail configured: left out"
    );
    assert_eq!(v["template"], "dispatch");
    // A value the template needs and the request lacks: 400 naming it, nothing stored.
    let res = n
        .post(
            &json!({"channel": "email", "to": "a@b.example", "template": "dispatch",
                    "data": {"ticket_id": "T10", "summary": null}}),
            None,
        )
        .await;
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let (s, v) = status_of(res).await;
    assert_eq!(s, 400, "{v}");
    let detail = v["detail"].as_str().unwrap();
    assert!(
        detail.contains("`summary`") && !detail.contains("`ticket_id`"),
        "{v}"
    );
    assert_eq!(n.total().await, 1, "only the first one");
}

/// Issue 17: a served path asked with another method is a 405 naming the methods it takes.
#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("notify_workers", "0".into())]).await;
    let cases = [
        (
            reqwest::Method::DELETE,
            "/api/v1/notifications",
            "GET, POST",
        ),
        (
            reqwest::Method::POST,
            "/api/v1/templates/ticket_dispatched",
            "GET, PUT",
        ),
        (
            reqwest::Method::GET,
            "/api/v1/notifications/n-1/retry",
            "POST",
        ),
    ];
    for (method, path, allow) in cases {
        let res = n
            .client
            .request(method, format!("{}{path}", n.base))
            .bearer_auth(token(Role::Admin))
            .send()
            .await
            .unwrap();
        assert_eq!(res.headers()["allow"], allow, "{path}");
        let (status, body) = status_of(res).await;
        assert_eq!((status, &body["code"]), (405, &json!("method_not_allowed")));
    }
    let res = n
        .client
        .delete(format!("{}/api/v1/notifications/n-1/x", n.base))
        .bearer_auth(token(Role::Admin))
        .send()
        .await
        .unwrap();
    assert_eq!(status_of(res).await.0, 404);
}
