use reqwest::Method;
use serde_json::json;
use shared::auth::Role;

use crate::helpers::*;

async fn login(app: &TestApp, user: &str, password: &str) -> reqwest::StatusCode {
    app.send(
        Method::POST,
        "/api/v1/auth/login",
        None,
        Some(json!({"username": user, "password": password})),
    )
    .await
    .status()
}

#[tokio::test]
async fn admin_manages_accounts() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let created = json(
        app.send(
            Method::POST,
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({
                "username": "wang.li", "password": "a long password", "role": "operator"
            })),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(created["role"], "operator");
    assert!(created.get("password_hash").is_none());
    assert_eq!(login(&app, "wang.li", "a long password").await, 200);
    problem(
        app.send(
            Method::POST,
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"username": "wang.li", "password": "a long password", "role": "operator"})),
        )
        .await,
        409,
    )
    .await;

    let list = json(app.get("/api/v1/accounts", Some(&admin)).await, 200).await;
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["username"], "wang.li");
    json(app.get("/api/v1/accounts/wang.li", Some(&admin)).await, 200).await;
    problem(app.get("/api/v1/accounts/nobody", Some(&admin)).await, 404).await;

    // Make them a liaison of a department, then reset the password, then disable.
    let l = json(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/wang.li",
            Some(&admin),
            Some(json!({"role": "liaison", "department": "530100-rsj"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(l["department"], "530100-rsj");
    json(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/wang.li",
            Some(&admin),
            Some(json!({"password": "another password"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(login(&app, "wang.li", "a long password").await, 401);
    assert_eq!(login(&app, "wang.li", "another password").await, 200);
    json(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/wang.li",
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(login(&app, "wang.li", "another password").await, 401);
    // Back to operator: the department goes.
    let op = json(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/wang.li",
            Some(&admin),
            Some(json!({"role": "operator", "disabled": false})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(op["department"], serde_json::Value::Null);
}

#[tokio::test]
async fn only_admins_and_only_valid_accounts() {
    let app = TestApp::spawn().await;
    for role in [
        Role::Operator,
        Role::Liaison,
        Role::KbEditor,
        Role::Supervisor,
        Role::Service,
    ] {
        let t = app.token(role);
        problem(app.get("/api/v1/accounts", Some(&t)).await, 403).await;
        problem(
            app.send_raw(Method::POST, "/api/v1/accounts", Some(&t), "garbage")
                .await,
            403,
        )
        .await;
        problem(
            app.send_raw(Method::PATCH, "/api/v1/accounts/x", Some(&t), "{}")
                .await,
            403,
        )
        .await;
    }
    let admin = app.token(Role::Admin);
    for body in [
        json!({"username": "Bad Name", "password": "a long password", "role": "operator"}),
        json!({"username": "ok", "password": "short", "role": "operator"}),
        json!({"username": "ok", "password": "a long password", "role": "service"}),
        json!({"username": "ok", "password": "a long password", "role": "king"}),
        json!({"username": "ok", "password": "a long password", "role": "liaison"}),
        json!({"username": "ok", "password": "a long password", "role": "liaison", "department": "530100-none"}),
        json!({"username": "ok", "password": "a long password", "role": "operator", "department": "530100-rsj"}),
        json!({"username": "ok", "password": "a long password", "role": "operator", "admin": true}),
        json!({"username": "ok", "role": "operator"}),
    ] {
        problem(
            app.send(Method::POST, "/api/v1/accounts", Some(&admin), Some(body))
                .await,
            400,
        )
        .await;
    }
    problem(
        app.get("/api/v1/accounts?per_page=100000", Some(&admin))
            .await,
        400,
    )
    .await;
    let list = json(app.get("/api/v1/accounts", Some(&admin)).await, 200).await;
    assert_eq!(list["total"], 0);
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/nobody",
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await,
        404,
    )
    .await;
}

/// Issue 16, finding 8: the last active admin can be neither disabled nor demoted (nobody
/// could manage accounts afterwards); with a second admin both are allowed.
#[tokio::test]
async fn the_last_admin_stays_an_admin() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let create = |name: &'static str| {
        app.send(
            Method::POST,
            "/api/v1/accounts",
            Some(&admin),
            Some(json!({"username": name, "password": "a long password", "role": "admin"})),
        )
    };
    json(create("chief").await, 201).await;
    let patch = |name: &'static str, body: serde_json::Value| {
        let path = format!("/api/v1/accounts/{name}");
        let (app, admin) = (&app, admin.clone());
        async move {
            app.send(Method::PATCH, &path, Some(&admin), Some(body))
                .await
        }
    };
    let p = problem(patch("chief", json!({"disabled": true})).await, 409).await;
    assert!(p["detail"].as_str().unwrap().contains("last"), "{p}");
    problem(patch("chief", json!({"role": "operator"})).await, 409).await;
    assert_eq!(login(&app, "chief", "a long password").await, 200);

    json(create("deputy").await, 201).await;
    json(patch("chief", json!({"role": "supervisor"})).await, 200).await;
    problem(patch("deputy", json!({"disabled": true})).await, 409).await;
    // A disabled admin does not count: enabling the chief back as admin is fine.
    json(patch("chief", json!({"role": "admin"})).await, 200).await;
    json(patch("deputy", json!({"disabled": true})).await, 200).await;
    problem(patch("chief", json!({"disabled": true})).await, 409).await;
}

/// Issue 16, finding 8: sign-in and data answers carry callers' and accounts' details, so no
/// browser or proxy keeps them, and no browser guesses their type.
#[tokio::test]
async fn answers_are_neither_kept_nor_sniffed() {
    let app = TestApp::spawn().await;
    let signin = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "nobody", "password": "wrong password"})),
        )
        .await;
    let data = app
        .get("/api/v1/regions", Some(&app.token(Role::Operator)))
        .await;
    for r in [&signin, &data] {
        let h = r.headers();
        assert_eq!(
            h.get("x-content-type-options").unwrap(),
            "nosniff",
            "{}",
            r.url()
        );
        assert_eq!(h.get("cache-control").unwrap(), "no-store", "{}", r.url());
    }
}

async fn sign_in(app: &TestApp, user: &str, password: &str) -> String {
    let v = json(
        app.send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": user, "password": password})),
        )
        .await,
        200,
    )
    .await;
    v["access_token"].as_str().unwrap().to_string()
}

/// Waits until `token` is refused here (the revocation poll runs every half second).
async fn until_refused(app: &TestApp, token: &str) {
    testkit::eventually(10, "the ended token refused", || async {
        app.get("/api/v1/regions", Some(token)).await.status() == 401
    })
    .await;
}

/// Issue 16, finding 1: an admin demoted to operator, with a new password, once used the old
/// token to create a new admin. A token ends with any change of role, department, password
/// or state, and with signing out.
#[tokio::test]
async fn tokens_end_with_the_account_changing_and_with_signing_out() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let create_admin = |token: String, name: &'static str| {
        let app = &app;
        async move {
            app.send(
                Method::POST,
                "/api/v1/accounts",
                Some(&token),
                Some(json!({"username": name, "password": "a long password", "role": "admin"})),
            )
            .await
            .status()
        }
    };
    // Another admin, so that chen.admin is not the last one.
    assert_eq!(create_admin(admin.clone(), "root.admin").await, 201);
    assert_eq!(create_admin(admin.clone(), "chen.admin").await, 201);
    let old = sign_in(&app, "chen.admin", "a long password").await;
    assert_eq!(app.get("/api/v1/accounts", Some(&old)).await.status(), 200);

    json(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/chen.admin",
            Some(&admin),
            Some(json!({"role": "operator", "password": "another long password"})),
        )
        .await,
        200,
    )
    .await;
    until_refused(&app, &old).await;
    assert_eq!(create_admin(old.clone(), "mallory").await, 401);
    problem(app.get("/api/v1/accounts/mallory", Some(&admin)).await, 404).await;

    // A new sign-in works as what the account is now; signing out ends it.
    let new = sign_in(&app, "chen.admin", "another long password").await;
    assert_eq!(app.get("/api/v1/regions", Some(&new)).await.status(), 200);
    assert_eq!(create_admin(new.clone(), "mallory").await, 403);
    let out = app
        .send(Method::POST, "/api/v1/auth/logout", Some(&new), None)
        .await;
    assert_eq!(out.status(), 204);
    until_refused(&app, &new).await;

    // Disabling ends the tokens too; a change of nothing that a token claims does not.
    let third = sign_in(&app, "chen.admin", "another long password").await;
    json(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/chen.admin",
            Some(&admin),
            Some(json!({"disabled": false})),
        )
        .await,
        200,
    )
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(1_200)).await;
    assert_eq!(app.get("/api/v1/regions", Some(&third)).await.status(), 200);
    json(
        app.send(
            Method::PATCH,
            "/api/v1/accounts/chen.admin",
            Some(&admin),
            Some(json!({"disabled": true})),
        )
        .await,
        200,
    )
    .await;
    until_refused(&app, &third).await;
}
