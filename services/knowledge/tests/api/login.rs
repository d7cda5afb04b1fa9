use serde_json::json;
use shared::auth::{JwtKeys, Role};
use shared::config::Secret;

use crate::helpers::*;

#[tokio::test]
async fn demo_accounts_sign_in_with_a_token_for_all_services() {
    let app = TestApp::spawn().await;
    let started = std::time::Instant::now();
    let n = app
        .with_conn(|c| knowledge::seed_demo_accounts(c, "hotline-demo"))
        .unwrap();
    assert_eq!(n, 4 + 3);
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(
        app.with_conn(|c| knowledge::seed_demo_accounts(c, "other"))
            .unwrap(),
        0
    );

    let res = app
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "liaison-530100-rsj", "password": "hotline-demo"})),
        )
        .await;
    let body = json(res, 200).await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["role"], "liaison");
    assert_eq!(body["department"], "530100-rsj");
    assert!(body["expires_in"].as_i64().unwrap() > 0);
    let token = body["access_token"].as_str().unwrap();
    for aud in ["knowledge", "tickets", "notify"] {
        let keys = JwtKeys::new(&Secret::new(SECRET), aud).unwrap();
        let claims = keys.verify(token).unwrap();
        assert_eq!(claims.role, Role::Liaison);
        assert_eq!(claims.department.as_deref(), Some("530100-rsj"));
    }
    json(
        app.get("/api/v1/departments/530100-rsj", Some(token)).await,
        200,
    )
    .await;

    let editor = json(
        app.send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "editor", "password": "hotline-demo"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(editor["role"], "kb_editor");
}

#[tokio::test]
async fn wrong_passwords_are_401_then_rate_limited() {
    let app = TestApp::spawn().await;
    app.with_conn(|c| knowledge::seed_demo_accounts(c, "hotline-demo"))
        .unwrap();
    let login = |u: &str, p: &str| json!({"username": u, "password": p});
    for _ in 0..5 {
        let body = problem(
            app.send(
                reqwest::Method::POST,
                "/api/v1/auth/login",
                None,
                Some(login("operator", "wrong")),
            )
            .await,
            401,
        )
        .await;
        assert_eq!(body["detail"], "wrong username or password");
    }
    // The sixth try inside the minute is refused even with the right password.
    let res = app
        .send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(login("operator", "hotline-demo")),
        )
        .await;
    assert!(res.headers().contains_key("retry-after"));
    problem(res, 429).await;
    // Another username from the same address is not affected.
    json(
        app.send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(login("admin", "hotline-demo")),
        )
        .await,
        200,
    )
    .await;
    // Unknown users look like wrong passwords.
    let body = problem(
        app.send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(login("nobody", "x")),
        )
        .await,
        401,
    )
    .await;
    assert_eq!(body["detail"], "wrong username or password");
    problem(
        app.send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin"})),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.send(
            reqwest::Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "admin", "password": "x", "otp": 1})),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.send_raw(reqwest::Method::POST, "/api/v1/auth/login", None, "{")
            .await,
        400,
    )
    .await;
}
