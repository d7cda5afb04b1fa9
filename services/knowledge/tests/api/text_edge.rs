//! Text the databases cannot store is refused at the edge (issue 16, finding 4): a NUL byte
//! in a path, a query or a JSON string is a problem+json 400 on both backends (PostgreSQL
//! answered 500 before), and nothing is written.

use reqwest::Method;
use shared::auth::Role;

use crate::helpers::{TestApp, problem};

#[tokio::test]
async fn nul_bytes_are_refused_in_paths_queries_and_bodies() {
    let app = TestApp::spawn().await;
    let admin = app.token(Role::Admin);
    let editor = app.token(Role::KbEditor);
    let seq = app.seq();
    for path in [
        "/api/v1/accounts/a%00b",
        "/api/v1/departments/a%00b",
        "/api/v1/faqs/a%00b",
        "/api/v1/departments?q=a%00b",
        "/api/v1/search?q=%E6%98%86%00",
    ] {
        let res = app.get(path, Some(&admin)).await;
        problem(res, 400).await;
    }
    let login = app
        .send_raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            r#"{"username":"a\u0000b","password":"x"}"#,
        )
        .await;
    let body = problem(login, 400).await;
    assert_eq!(body["code"], "bad_request", "{body}");
    let faq = app
        .send_raw(
            Method::POST,
            "/api/v1/faqs",
            Some(&editor),
            r#"{"department":"530100-rsj","question":"q\u0000","answer":"a"}"#,
        )
        .await;
    problem(faq, 400).await;
    // An escaped backslash before `u0000` is ordinary text, not a NUL.
    let fine = app
        .send_raw(
            Method::POST,
            "/api/v1/auth/login",
            None,
            r#"{"username":"a\\u0000b","password":"x"}"#,
        )
        .await;
    assert_eq!(fine.status(), 401);
    assert_eq!(app.seq(), seq, "something was written");
}
