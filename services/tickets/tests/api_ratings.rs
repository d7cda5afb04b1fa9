//! Issue 17: the caller's rating after the tone, posted by the phone system against the call
//! (by its number or the switch's own reference): once, within the window, on the configured
//! scale; the call record shows it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

fn call(call_ref: Option<&str>) -> serde_json::Value {
    let mut c = json!({
        "caller_phone": "+86 139 1234 5678", "classification": "consultation",
        "outcome": "answered", "duration_seconds": 240
    });
    if let Some(r) = call_ref {
        c["call_ref"] = json!(r);
    }
    c
}

#[tokio::test]
async fn the_phone_system_rates_a_call_once_within_the_window() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let op = app.operator();
    let res = app
        .post("/api/v1/calls", &op, call(Some("PBX-2026-0001")))
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    let id = res.body["id"].as_i64().unwrap();
    assert_eq!(res.body["caller_phone"], "139****5678");
    assert!(res.body["satisfaction"].is_null());
    let svc = app.service();

    // Only the phone system (a service) rates; keys off the scale and empty bodies are 400.
    let path = format!("/api/v1/calls/{id}/rating");
    app.post(&path, &op, json!({"key": 1}))
        .await
        .assert_problem(403, "forbidden");
    for bad in [
        json!({"key": 4}),
        json!({"key": 0}),
        json!({}),
        json!({"key": 1, "satisfaction": "满意"}),
    ] {
        app.post(&path, &svc, bad)
            .await
            .assert_problem(400, "bad_request");
    }
    for missing in ["999999", "0", "x", "ref:", "ref:含空格"] {
        app.post(
            &format!("/api/v1/calls/{missing}/rating"),
            &svc,
            json!({"key": 1}),
        )
        .await
        .assert_problem(404, "not_found");
    }
    app.post("/api/v1/calls/ref:NO-SUCH/rating", &svc, json!({"key": 1}))
        .await
        .assert_problem(404, "not_found");

    // Key 2 is 基本满意; by the switch's reference; the same report again changes nothing.
    app.clock.advance(chrono::Duration::minutes(10));
    let by_ref = "/api/v1/calls/ref:PBX-2026-0001/rating";
    let rated = app.post(by_ref, &svc, json!({"key": 2})).await;
    assert_eq!(rated.status, 200, "{}", rated.body);
    assert_eq!(rated.body["satisfaction"], "basically_satisfied");
    assert!(rated.body["rated_at"].is_string());
    let again = app
        .post(&path, &svc, json!({"satisfaction": "基本满意"}))
        .await;
    assert_eq!(again.status, 200, "{}", again.body);
    assert_eq!(again.body["rated_at"], rated.body["rated_at"]);
    // Another rating is refused.
    app.post(&path, &svc, json!({"key": 3}))
        .await
        .assert_problem(409, "conflict");
    let list = app.get("/api/v1/calls", &app.supervisor()).await;
    assert_eq!(list.body["items"][0]["satisfaction"], "basically_satisfied");

    // A call rated after the window (30 minutes after it ended) is refused, nothing stored.
    let late = app.post("/api/v1/calls", &op, call(None)).await;
    let late_id = late.body["id"].as_i64().unwrap();
    app.clock.advance(chrono::Duration::minutes(35));
    app.post(
        &format!("/api/v1/calls/{late_id}/rating"),
        &svc,
        json!({"key": 1}),
    )
    .await
    .assert_problem(409, "conflict");
    let list = app.get("/api/v1/calls", &app.supervisor()).await;
    assert!(
        list.body["items"][0]["satisfaction"].is_null(),
        "{}",
        list.body
    );

    // A reference is the switch's: given twice, the second call is refused.
    app.post("/api/v1/calls", &op, call(Some("PBX-2026-0001")))
        .await
        .assert_problem(409, "conflict");
    app.post("/api/v1/calls", &op, call(Some("含空格 ref")))
        .await
        .assert_problem(400, "bad_request");
}

#[tokio::test]
async fn the_scale_is_configuration() {
    let peer = Peer::start().await;
    let app = spawn_app_with(
        &peer.url,
        Some(default_start()),
        &[("tickets_rating_scale", "满意,不满意")],
    )
    .await;
    let res = app.post("/api/v1/calls", &app.operator(), call(None)).await;
    let id = res.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/calls/{id}/rating");
    let svc = app.service();
    app.post(&path, &svc, json!({"key": 3}))
        .await
        .assert_problem(400, "bad_request");
    app.post(&path, &svc, json!({"satisfaction": "basically_satisfied"}))
        .await
        .assert_problem(400, "bad_request");
    let rated = app.post(&path, &svc, json!({"key": 2})).await;
    assert_eq!(rated.body["satisfaction"], "dissatisfied", "{}", rated.body);
}
