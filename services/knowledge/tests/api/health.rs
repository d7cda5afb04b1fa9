use crate::helpers::*;

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
