use reqwest::Method;
use serde_json::json;
use shared::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn editor_adds_and_changes_a_liaison() {
    let app = TestApp::spawn().await;
    let t = app.token(Role::KbEditor);
    let op = app.token(Role::Operator);
    let l = json(
        app.get("/api/v1/liaisons/530100-rsj-L1", Some(&op)).await,
        200,
    )
    .await;
    assert_eq!(l["name"], "李四");
    problem(app.get("/api/v1/liaisons/nope", Some(&op)).await, 404).await;

    let new = json!({"code": "530100-rsj-L2", "department": "530100-rsj", "name": "赵六",
        "phone": "0871-63200010", "mobile": "13900000010", "email": "l2@example.org", "fax": "0871-63200000"});
    json(
        app.send(
            Method::POST,
            "/api/v1/liaisons",
            Some(&t),
            Some(new.clone()),
        )
        .await,
        201,
    )
    .await;
    problem(
        app.send(Method::POST, "/api/v1/liaisons", Some(&t), Some(new))
            .await,
        409,
    )
    .await;
    let d = json(
        app.get("/api/v1/departments/530100-rsj", Some(&op)).await,
        200,
    )
    .await;
    assert_eq!(d["liaisons"].as_array().unwrap().len(), 2);

    let seq = app.seq();
    let changed = json(
        app.send(
            Method::PATCH,
            "/api/v1/liaisons/530100-rsj-L2",
            Some(&t),
            Some(json!({"email": "new@example.org"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(changed["email"], "new@example.org");
    assert_eq!(app.seq(), seq + 1);
    // Issue 16, finding 7: an address or fax number the mailer or fax would refuse is refused
    // when it is entered, by the rules notify and tickets use.
    for body in [
        json!({"email": "\"x y\"@example.org"}),
        json!({"email": "l2@localhost"}),
        json!({"fax": "0871-1234567; rm -rf /"}),
    ] {
        problem(
            app.send(
                Method::PATCH,
                "/api/v1/liaisons/530100-rsj-L2",
                Some(&t),
                Some(body),
            )
            .await,
            400,
        )
        .await;
    }
    assert_eq!(app.seq(), seq + 1);

    for body in [
        json!({"email": "not an email"}),
        json!({"department": "530100-none"}),
        json!({"name": "x".repeat(101)}),
        json!({"nickname": "x"}),
    ] {
        problem(
            app.send(
                Method::PATCH,
                "/api/v1/liaisons/530100-rsj-L2",
                Some(&t),
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
            "/api/v1/liaisons/none-L9",
            Some(&t),
            Some(json!({"name": "x"})),
        )
        .await,
        404,
    )
    .await;
    problem(
        app.send(
            Method::POST,
            "/api/v1/liaisons",
            Some(&t),
            Some(json!({"code": "x-L1", "department": "530100-none",
            "name": "a", "phone": "", "mobile": "", "email": "", "fax": ""})),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.send(
            Method::POST,
            "/api/v1/liaisons",
            Some(&t),
            Some(json!({"code": "x-L1"})),
        )
        .await,
        400,
    )
    .await;
    assert_eq!(app.seq(), seq + 1);
}

/// Issue 16, finding 7: a fax number or address stored before the entry points checked them
/// is on the supervisors' list, not found out when an urgent complaint's fax fails.
#[tokio::test]
async fn contacts_that_will_not_work_are_reported_to_supervisors() {
    use diesel::prelude::*;
    use knowledge::db::schema::liaisons::dsl as l;
    let app = TestApp::spawn().await;
    let sup = app.token(Role::Supervisor);
    let before = json(app.get("/api/v1/reports/contacts", Some(&sup)).await, 200).await;
    assert_eq!(
        before,
        serde_json::json!([]),
        "the fixtures' contacts all work"
    );
    app.with_conn(|c| {
        diesel::update(l::liaisons.filter(l::code.eq("530100-rsj-L1")))
            .set((
                l::email.eq("\"x y\"@example.org"),
                l::fax.eq("0871-1234567; rm -rf /"),
            ))
            .execute(c)
    })
    .unwrap();
    let found = json(app.get("/api/v1/reports/contacts", Some(&sup)).await, 200).await;
    let rows: Vec<(String, String)> = found
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["liaison"].to_string(),
                p["field"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        rows.contains(&("\"530100-rsj-L1\"".into(), "email".into())),
        "{found}"
    );
    assert!(
        rows.contains(&("\"530100-rsj-L1\"".into(), "fax".into())),
        "{found}"
    );
    assert!(rows.contains(&("null".into(), "none".into())), "{found}");
    assert_eq!(found[0]["department"], "530100-rsj");
    let op = app.token(Role::Operator);
    problem(app.get("/api/v1/reports/contacts", Some(&op)).await, 403).await;
}
