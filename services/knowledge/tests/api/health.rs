use crate::helpers::*;
use reqwest::Method;
use shared::auth::Role;

#[tokio::test]
async fn operational_routes_need_no_token() {
    let app = TestApp::spawn().await;
    let res = app.get("/healthz", None).await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    assert_eq!(app.get("/readyz", None).await.status(), 200);
    assert_eq!(app.get("/metrics", None).await.status(), 200);
    let doc = json(app.get("/openapi.json", None).await, 200).await;
    assert!(doc["paths"]["/api/v1/departments/{code}"].is_object());
    assert_eq!(app.get("/docs/", None).await.status(), 200);
}

#[tokio::test]
async fn unknown_path_is_a_problem() {
    let app = TestApp::spawn().await;
    problem(app.get("/api/v1/nope", None).await, 404).await;
}

/// Issue 17: a served path asked with another method is a 405 naming the methods it takes.
#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let app = TestApp::spawn().await;
    let token = app.token(Role::Operator);
    let cases = [
        (Method::DELETE, "/api/v1/departments", "GET, POST"),
        (Method::PUT, "/api/v1/faqs/faq-1", "GET, PATCH"),
        (Method::GET, "/api/v1/auth/login", "POST"),
    ];
    for (method, path, allow) in cases {
        let res = app.send(method, path, Some(&token), None).await;
        assert_eq!(res.headers()["allow"], allow, "{path}");
        let body = problem(res, 405).await;
        assert_eq!(body["code"], "method_not_allowed", "{body}");
    }
    let res = app
        .send(Method::DELETE, "/api/v1/faqs/x/y", Some(&token), None)
        .await;
    problem(res, 404).await;
}
