//! Issue 16, the audit log: sign-ins (with their address), account changes and knowledge
//! decisions are recorded by the knowledge service itself; the other services' events arrive
//! once each; only the admin reads the log and nothing changes it.

use reqwest::Method;
use serde_json::{Value, json};
use shared::auth::Role;

use crate::helpers::*;

async fn log(app: &TestApp, query: &str) -> Value {
    let admin = app.token(Role::Admin);
    json(
        app.get(&format!("/api/v1/audit?{query}"), Some(&admin))
            .await,
        200,
    )
    .await
}

async fn sign_in(app: &TestApp, user: &str, password: &str, from: &str) -> u16 {
    app.client
        .post(app.url("/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"username": user, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

#[tokio::test]
async fn sign_ins_and_account_changes_are_logged_with_who_and_where() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let created = app
        .send(
            Method::POST,
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"username": "op7", "password": "op7-password", "role": "operator"})),
        )
        .await;
    json(created, 201).await;
    // The test client is the trusted proxy (127.0.0.1): the forwarded address is the browser's.
    assert_eq!(
        sign_in(&app, "op7", "wrong-password", "10.1.2.3").await,
        401
    );
    assert_eq!(sign_in(&app, "op7", "op7-password", "10.1.2.4").await, 200);
    let patched = app
        .send(
            Method::PATCH,
            "/api/v1/accounts/op7",
            Some(&admin),
            Some(json!({"role": "supervisor"})),
        )
        .await;
    json(patched, 200).await;

    let failed = log(&app, "action=sign_in_failed").await;
    assert_eq!(failed["total"], 1, "{failed}");
    assert_eq!(failed["items"][0]["actor"], "op7");
    assert_eq!(failed["items"][0]["address"], "10.1.2.3");
    let ok = log(&app, "action=sign_in&actor=op7").await;
    assert_eq!(ok["items"][0]["address"], "10.1.2.4");
    assert_eq!(ok["items"][0]["role"], "operator");
    let about = log(&app, "target=op7").await;
    let actions: Vec<&str> = about["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    // Newest first.
    assert_eq!(
        actions,
        [
            "account_changed",
            "sign_in",
            "sign_in_failed",
            "account_created"
        ]
    );
    let changed = &about["items"][0];
    assert_eq!(changed["actor"], "test-admin");
    assert_eq!(changed["details"]["role"]["from"], "operator");
    assert_eq!(changed["details"]["role"]["to"], "supervisor");

    // Dates: nothing before the epoch's start, everything since an hour ago.
    let since = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc3339();
    let recent = log(&app, &format!("from={}", urlencoding(&since))).await;
    assert_eq!(recent["total"], 4);
    let none = log(&app, "to=2000-01-01T00:00:00Z").await;
    assert_eq!(none["total"], 0);
}

fn urlencoding(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn other_services_events_are_kept_once_and_only_the_admin_reads_the_log() {
    let app = TestApp::spawn().await;
    let service = app.keys.service_token("tickets", "knowledge").unwrap();
    // A recent event: one past the retention (180 days) may be pruned by the job that runs at
    // start, between the two posts below.
    let at = shared::time::now_ms();
    let event = json!({"at": at, "actor": "operator", "role": "operator",
        "action": "caller_number_read", "target": "139****1234", "details": {"found": 2},
        "key": "42"});
    for expected in [201, 200] {
        let res = app
            .send(
                Method::POST,
                "/api/v1/audit",
                Some(&service),
                Some(event.clone()),
            )
            .await;
        assert_eq!(res.status().as_u16(), expected);
    }
    let read = log(&app, "action=caller_number_read").await;
    assert_eq!(read["total"], 1);
    assert_eq!(read["items"][0]["service"], "tickets");
    assert_eq!(read["items"][0]["target"], "139****1234");
    assert_eq!(read["items"][0]["details"]["found"], 2);

    // Bad events change nothing.
    let mut bad = event.clone();
    bad["action"] = json!("DROP TABLE audit_log");
    bad["key"] = json!("43");
    problem(
        app.send(Method::POST, "/api/v1/audit", Some(&service), Some(bad))
            .await,
        400,
    )
    .await;
    // Only a service reports events; only the admin reads them.
    for role in [Role::Operator, Role::Supervisor, Role::Admin] {
        let t = app.token(role);
        problem(
            app.send(Method::POST, "/api/v1/audit", Some(&t), Some(event.clone()))
                .await,
            403,
        )
        .await;
    }
    for role in [
        Role::Operator,
        Role::Supervisor,
        Role::KbEditor,
        Role::Service,
    ] {
        let t = app.token(role);
        problem(app.get("/api/v1/audit", Some(&t)).await, 403).await;
    }
    // Nothing edits or removes an entry.
    let admin = app.token(Role::Admin);
    for method in [Method::PUT, Method::PATCH, Method::DELETE] {
        let res = app
            .send(method.clone(), "/api/v1/audit", Some(&admin), None)
            .await;
        assert!(res.status().is_client_error(), "{method}");
    }
    assert_eq!(log(&app, "").await["total"], 1);
}
