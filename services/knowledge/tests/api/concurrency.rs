//! Ten writers at once. On SQLite a transaction that read first and wrote later failed with
//! "database is locked" (a 500) when another writer got in between; on PostgreSQL two new FAQ
//! entries of one department took the same next `<department>-<n>` code (a 409 carrying the
//! database's message). Every write must succeed, each entry with its own code.

use reqwest::Method;
use serde_json::{Value, json};
use shared::auth::Role;

use crate::helpers::*;

const WRITERS: usize = 10;

/// Sends `bodies` to `path` all at once and returns the answers, in order.
async fn at_once(
    app: &TestApp,
    token: &str,
    requests: Vec<(String, Option<Value>)>,
) -> Vec<(u16, Value)> {
    let tasks: Vec<_> = requests
        .into_iter()
        .map(|(path, body)| {
            let mut req = app
                .client
                .request(Method::POST, app.url(&path))
                .bearer_auth(token);
            if let Some(b) = body {
                req = req.json(&b);
            }
            tokio::spawn(async move {
                let res = req.send().await.expect("request");
                let status = res.status().as_u16();
                (status, res.json::<Value>().await.unwrap_or(Value::Null))
            })
        })
        .collect();
    let mut answers = Vec::new();
    for t in tasks {
        answers.push(t.await.expect("task"));
    }
    answers
}

fn distinct_codes(answers: &[(u16, Value)], field: &str) -> usize {
    let mut codes: Vec<&str> = answers
        .iter()
        .filter_map(|(_, body)| body[field].as_str())
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes.len()
}

#[tokio::test]
async fn ten_editors_adding_faq_entries_to_one_department_at_once() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::KbEditor);
    let requests = (0..WRITERS)
        .map(|i| {
            let body = json!({"department": "530100-rsj", "question": format!("第{i}个问题?"),
                "answer": "带身份证办理。"});
            ("/api/v1/faqs".to_string(), Some(body))
        })
        .collect();
    let answers = at_once(&app, &token, requests).await;
    for (status, body) in &answers {
        assert_eq!(*status, 201, "{body}");
    }
    assert_eq!(distinct_codes(&answers, "code"), WRITERS, "{answers:?}");
}

#[tokio::test]
async fn ten_change_requests_applied_at_once() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::KbEditor);
    let mut ids = Vec::new();
    for i in 0..WRITERS {
        let body = json!({"department_code": "530100-rsj", "question": format!("第{i}个问题?"),
            "answer": "带身份证办理。", "note": "来自工单"});
        let res = app
            .send(
                Method::POST,
                "/api/v1/change-requests",
                Some(&token),
                Some(body),
            )
            .await;
        ids.push(json(res, 201).await["id"].as_i64().unwrap());
    }
    let requests = ids
        .iter()
        .map(|id| (format!("/api/v1/change-requests/{id}/apply"), None))
        .collect();
    let answers = at_once(&app, &token, requests).await;
    for (status, body) in &answers {
        assert_eq!(*status, 200, "{body}");
    }
    assert_eq!(
        distinct_codes(&answers, "entry_code"),
        WRITERS,
        "{answers:?}"
    );
}
