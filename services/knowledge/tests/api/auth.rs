//! Tokens: missing, expired, wrongly signed, alg:none, wrong audience → 401; wrong role → 403.

use reqwest::Method;
use serde_json::json;
use shared::auth::{JwtKeys, Role};
use shared::config::Secret;

use crate::helpers::*;

/// One read and one write of every resource.
const READS: &[&str] = &[
    "/api/v1/regions",
    "/api/v1/departments",
    "/api/v1/departments/530100-rsj",
    "/api/v1/faqs",
    "/api/v1/faqs/530100-rsj-1",
    "/api/v1/scripts",
    "/api/v1/scripts/greeting",
    "/api/v1/liaisons/530100-rsj-L1",
    "/api/v1/change-requests",
    "/api/v1/accounts",
];

fn bad_tokens(app: &TestApp) -> Vec<(&'static str, String)> {
    let expired = app
        .keys
        .issue("op", Role::Admin, None, &shared::auth::ALL_AUDIENCES, -120)
        .unwrap();
    let other = JwtKeys::new(
        &Secret::new("another-secret-another-secret-another"),
        "knowledge",
    )
    .unwrap();
    let forged = other
        .issue("op", Role::Admin, None, &shared::auth::ALL_AUDIENCES, 600)
        .unwrap();
    let payload = forged.split('.').nth(1).unwrap().to_string();
    let alg_none = format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.");
    let wrong_aud = app
        .keys
        .issue("svc", Role::Admin, None, &["tickets", "notify"], 600)
        .unwrap();
    vec![
        ("expired", expired),
        ("wrong signature", forged),
        ("alg none", alg_none),
        ("wrong audience", wrong_aud),
        ("garbage", "not-a-jwt".into()),
    ]
}

#[tokio::test]
async fn every_api_route_needs_a_valid_token() {
    let app = TestApp::spawn().await;
    for path in READS {
        let res = app.get(path, None).await;
        problem(res, 401).await;
        for (what, token) in bad_tokens(&app) {
            let res = app.get(path, Some(&token)).await;
            assert_eq!(res.status(), 401, "{path} with {what}");
            assert_eq!(res.headers()["content-type"], "application/problem+json");
        }
    }
    let before = app.seq();
    for (what, token) in bad_tokens(&app) {
        let res = app
            .send(
                Method::POST,
                "/api/v1/departments",
                Some(&token),
                Some(json!({})),
            )
            .await;
        assert_eq!(res.status(), 401, "{what}");
    }
    assert_eq!(app.seq(), before);
}

#[tokio::test]
async fn every_signed_in_role_reads_the_directory() {
    let app = TestApp::spawn().await;
    for role in ALL_ROLES {
        let t = app.token(role);
        for path in &READS[..8] {
            let res = app.get(path, Some(&t)).await;
            assert_eq!(res.status(), 200, "{path} as {role:?}");
        }
    }
}

#[tokio::test]
async fn writes_are_forbidden_to_other_roles_whatever_the_body() {
    let app = TestApp::spawn().await;
    let before = app.seq();
    let writes: Vec<(Method, &str)> = vec![
        (Method::POST, "/api/v1/departments"),
        (Method::PATCH, "/api/v1/departments/530100-rsj"),
        (Method::POST, "/api/v1/liaisons"),
        (Method::PATCH, "/api/v1/liaisons/530100-rsj-L1"),
        (Method::POST, "/api/v1/faqs"),
        (Method::PATCH, "/api/v1/faqs/530100-rsj-1"),
        (Method::PUT, "/api/v1/scripts/greeting"),
        (Method::PATCH, "/api/v1/scripts/greeting"),
        (Method::POST, "/api/v1/import"),
        (Method::POST, "/api/v1/change-requests/1/apply"),
        (Method::POST, "/api/v1/change-requests/1/reject"),
    ];
    for role in NOT_EDITORS {
        let t = app.token(role);
        for (m, path) in &writes {
            for body in ["{\"name\":\"x\"}", "not json at all", ""] {
                let res = app.send_raw(m.clone(), path, Some(&t), body).await;
                problem(res, 403).await;
            }
        }
    }
    // An oversized body from an operator is still a 403, not a 413.
    let big = "x".repeat(300 * 1024);
    let res = app
        .send_raw(
            Method::POST,
            "/api/v1/departments",
            Some(&app.token(Role::Operator)),
            big,
        )
        .await;
    problem(res, 403).await;
    assert_eq!(app.seq(), before);
}
