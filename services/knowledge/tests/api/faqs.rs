use reqwest::Method;
use serde_json::json;
use shared::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn readers_see_published_entries_editors_see_all() {
    let app = TestApp::spawn().await;
    let op = app.token(Role::Operator);
    let ed = app.token(Role::KbEditor);
    let f = json(app.get("/api/v1/faqs/530100-rsj-1", Some(&op)).await, 200).await;
    assert_eq!(f["authorized"], true);
    assert_eq!(f["keywords"], json!(["社保卡"]));
    problem(app.get("/api/v1/faqs/530100-rsj-3", Some(&op)).await, 404).await;
    json(app.get("/api/v1/faqs/530100-rsj-3", Some(&ed)).await, 200).await;
    problem(app.get("/api/v1/faqs/530100-rsj-99", Some(&ed)).await, 404).await;

    let list = json(
        app.get("/api/v1/faqs?department=530100-rsj", Some(&op))
            .await,
        200,
    )
    .await;
    assert_eq!(list["total"], 2);
    let list = json(
        app.get("/api/v1/faqs?department=530100-rsj&status=draft", Some(&op))
            .await,
        200,
    )
    .await;
    assert_eq!(list["total"], 2, "a reader's status filter is ignored");
    let list = json(
        app.get("/api/v1/faqs?department=530100-rsj", Some(&ed))
            .await,
        200,
    )
    .await;
    assert_eq!(list["total"], 3);
    let list = json(app.get("/api/v1/faqs?status=draft", Some(&ed)).await, 200).await;
    assert_eq!(list["total"], 1);
    problem(app.get("/api/v1/faqs?status=gone", Some(&ed)).await, 400).await;
    problem(
        app.get("/api/v1/faqs?per_page=100000", Some(&op)).await,
        400,
    )
    .await;
}

#[tokio::test]
async fn review_path_with_revisions() {
    let app = TestApp::spawn().await;
    let ed = app.token(Role::KbEditor);
    let op = app.token(Role::Operator);
    let created = json(
        app.send(Method::POST, "/api/v1/faqs", Some(&ed), Some(json!({
            "department": "530100-rsj", "question": "养老保险怎么查?", "answer": "可在政务服务网查询。",
            "keywords": ["养老"], "note": "来电多"
        }))).await,
        201,
    )
    .await;
    // The code follows the department's highest number.
    assert_eq!(created["code"], "530100-rsj-4");
    assert_eq!(created["status"], "draft");
    problem(app.get("/api/v1/faqs/530100-rsj-4", Some(&op)).await, 404).await;
    // Issue 16, finding 8: a draft's text is not read through its revisions either.
    let sup = app.token(Role::Supervisor);
    problem(
        app.get("/api/v1/faqs/530100-rsj-4/revisions", Some(&sup))
            .await,
        404,
    )
    .await;

    // draft → published skips review: 409, nothing changed.
    let seq = app.seq();
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-4",
            Some(&ed),
            Some(json!({"status": "published"})),
        )
        .await,
        409,
    )
    .await;
    assert_eq!(app.seq(), seq);
    json(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-4",
            Some(&ed),
            Some(json!({"status": "pending"})),
        )
        .await,
        200,
    )
    .await;
    let admin = app.token(Role::Admin);
    json(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-4",
            Some(&admin),
            Some(json!({"status": "published", "authorized": true, "note": "审核通过"})),
        )
        .await,
        200,
    )
    .await;
    let f = json(app.get("/api/v1/faqs/530100-rsj-4", Some(&op)).await, 200).await;
    assert_eq!(f["status"], "published");
    json(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-4",
            Some(&ed),
            Some(json!({"answer": "可在一部手机办事通查询。"})),
        )
        .await,
        200,
    )
    .await;
    json(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-4",
            Some(&ed),
            Some(json!({"status": "retired"})),
        )
        .await,
        200,
    )
    .await;
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-4",
            Some(&ed),
            Some(json!({"answer": "x"})),
        )
        .await,
        409,
    )
    .await;
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-4",
            Some(&ed),
            Some(json!({"status": "published"})),
        )
        .await,
        409,
    )
    .await;
    problem(app.get("/api/v1/faqs/530100-rsj-4", Some(&op)).await, 404).await;

    let revs = json(
        app.get("/api/v1/faqs/530100-rsj-4/revisions", Some(&ed))
            .await,
        200,
    )
    .await;
    let revs = revs.as_array().unwrap();
    assert_eq!(revs.len(), 5);
    let states: Vec<&str> = revs.iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(
        states,
        ["draft", "pending", "published", "published", "retired"]
    );
    assert_eq!(revs[0]["changed_by"], "test-kb_editor");
    assert_eq!(revs[0]["note"], "来电多");
    assert_eq!(revs[2]["changed_by"], "test-admin");
    assert_eq!(revs[2]["note"], "审核通过");
    assert_eq!(revs[3]["answer"], "可在一部手机办事通查询。");
    assert!(revs[0]["changed_at"].as_str().unwrap().ends_with('Z'));
    // A supervisor reads what callers were told: the published versions and the retirement.
    let heard = json(
        app.get("/api/v1/faqs/530100-rsj-4/revisions", Some(&sup))
            .await,
        200,
    )
    .await;
    let states: Vec<&str> = heard
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["published", "published", "retired"]);
    problem(
        app.get("/api/v1/faqs/530100-rsj-4/revisions", Some(&op))
            .await,
        403,
    )
    .await;
    problem(
        app.get("/api/v1/faqs/530100-rsj-99/revisions", Some(&ed))
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn bad_faq_bodies_change_nothing() {
    let app = TestApp::spawn().await;
    let ed = app.token(Role::KbEditor);
    let seq = app.seq();
    for (body, status) in [
        (json!({"department": "530100-rsj", "question": "q?"}), 400),
        (
            json!({"department": "530100-rsj", "question": "q?", "answer": "a", "extra": 1}),
            400,
        ),
        (
            json!({"department": "530100-none", "question": "q?", "answer": "a"}),
            400,
        ),
        (
            json!({"department": "530100-rsj", "question": "q?", "answer": "a".repeat(5001)}),
            400,
        ),
        (
            json!({"department": "530100-rsj", "question": "q?", "answer": "<b>bold</b>"}),
            400,
        ),
        (
            json!({"department": "530100-rsj", "question": "q?", "answer": "a", "status": "published"}),
            400,
        ),
        (
            json!({"code": "530100-rsj-1", "department": "530100-rsj", "question": "q?", "answer": "a"}),
            409,
        ),
    ] {
        problem(
            app.send(Method::POST, "/api/v1/faqs", Some(&ed), Some(body))
                .await,
            status,
        )
        .await;
    }
    for body in [
        json!({"status": "gone"}),
        json!({"question": ""}),
        json!({"department": "530100-none"}),
        json!({"answer": 5}),
    ] {
        problem(
            app.send(
                Method::PATCH,
                "/api/v1/faqs/530100-rsj-1",
                Some(&ed),
                Some(body),
            )
            .await,
            400,
        )
        .await;
    }
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-99",
            Some(&ed),
            Some(json!({"answer": "x"})),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(app.seq(), seq);
    let revs = json(
        app.get("/api/v1/faqs/530100-rsj-1/revisions", Some(&ed))
            .await,
        200,
    )
    .await;
    assert_eq!(revs.as_array().unwrap().len(), 1);
}

/// Issue 17: an authorised answer says who authorised it and when; with
/// `knowledge_operator_answers=authorized` operators see authorised answers only (the entry,
/// the list and search), while supervisors still see every published one.
#[tokio::test]
async fn authorised_answers_say_who_and_operators_may_be_kept_to_them() {
    let app = TestApp::spawn_with(Options {
        extra: vec![("knowledge_operator_answers".into(), "authorized".into())],
        ..Options::default()
    })
    .await;
    let ed = app.token(Role::KbEditor);
    let op = app.token(Role::Operator);
    let sup = app.token(Role::Supervisor);
    let imported = json(app.get("/api/v1/faqs/530100-rsj-1", Some(&sup)).await, 200).await;
    assert_eq!(imported["authorized_by"], "import");
    assert!(imported["authorized_at"].is_string());
    let unauthorised = json(app.get("/api/v1/faqs/530100-rsj-2", Some(&sup)).await, 200).await;
    assert!(unauthorised.get("authorized_by").is_none());
    problem(app.get("/api/v1/faqs/530100-rsj-2", Some(&op)).await, 404).await;
    let list = json(
        app.get("/api/v1/faqs?department=530100-rsj", Some(&op))
            .await,
        200,
    )
    .await;
    let codes: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["530100-rsj-1"]);
    let found = json(app.get("/api/v1/search?q=失业登记", Some(&op)).await, 200).await;
    assert!(
        found["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|h| h["code"] != "530100-rsj-2"),
        "{found}"
    );
    let for_sup = json(app.get("/api/v1/search?q=失业登记", Some(&sup)).await, 200).await;
    assert!(
        for_sup["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["code"] == "530100-rsj-2")
    );
    // An editor authorises it: by and when are theirs; un-authorising clears them.
    let f = json(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-2",
            Some(&ed),
            Some(json!({"authorized": true})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(f["authorized_by"], "test-kb_editor");
    json(app.get("/api/v1/faqs/530100-rsj-2", Some(&op)).await, 200).await;
    let f = json(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-2",
            Some(&ed),
            Some(json!({"authorized": false})),
        )
        .await,
        200,
    )
    .await;
    assert!(
        f.get("authorized_by").is_none() && f.get("authorized_at").is_none(),
        "{f}"
    );
}
