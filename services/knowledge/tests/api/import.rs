use std::time::Instant;

use reqwest::Method;
use serde_json::{Value, json};
use shared::auth::Role;

use crate::helpers::*;

fn file<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["file"] == name)
        .unwrap_or_else(|| panic!("no {name} in {report}"))
}

#[tokio::test]
async fn reference_data_imports_once_and_again_changes_nothing() {
    let app = TestApp::spawn_with(Options {
        import: None,
        extra: vec![("import_dir".into(), reference_data().display().to_string())],
    })
    .await;
    let admin = app.token(Role::Admin);
    let started = Instant::now();
    let report = json(
        app.send_raw(Method::POST, "/api/v1/import", Some(&admin), "")
            .await,
        200,
    )
    .await;
    let first = started.elapsed();
    assert_eq!(file(&report, "regions.jsonl")["created"], 146);
    assert_eq!(file(&report, "departments.jsonl")["created"], 5816);
    assert_eq!(file(&report, "liaisons.jsonl")["created"], 7417);
    assert_eq!(file(&report, "faqs.jsonl")["created"], 10344);
    assert_eq!(file(&report, "scripts.jsonl")["created"], 22);
    for f in report["files"].as_array().unwrap() {
        assert_eq!(f["rejected"], json!([]), "{f}");
    }
    let seq = app.seq();
    let started = Instant::now();
    let again = json(
        app.send_raw(
            Method::POST,
            "/api/v1/import",
            Some(&app.token(Role::KbEditor)),
            "",
        )
        .await,
        200,
    )
    .await;
    let second = started.elapsed();
    for f in again["files"].as_array().unwrap() {
        assert_eq!(f["created"], 0, "{f}");
        assert_eq!(f["updated"], 0, "{f}");
    }
    assert_eq!(file(&again, "faqs.jsonl")["unchanged"], 10344);
    assert_eq!(app.seq(), seq, "a second import writes nothing");
    eprintln!(
        "IMPORT reference data ({}): first {:?} (server-side {} ms), again {:?}",
        if app.pool.get().unwrap().is_sqlite() {
            "sqlite"
        } else {
            "postgres"
        },
        first,
        report["took_ms"],
        second
    );

    // Demo accounts for every department with a liaison, in seconds (one Argon2 hash).
    let started = Instant::now();
    let seeded = app
        .with_conn(|c| knowledge::seed_demo_accounts(c, "hotline-demo"))
        .unwrap();
    let seed_time = started.elapsed();
    eprintln!("SEED {seeded} demo accounts in {seed_time:?}");
    assert!(seeded > 5000, "{seeded}");
    assert!(seed_time.as_secs() < 10);
    let res = app
        .send(
            Method::POST,
            "/api/v1/auth/login",
            None,
            Some(json!({"username": "liaison-530100-zfb", "password": "hotline-demo"})),
        )
        .await;
    assert_eq!(json(res, 200).await["department"], "530100-zfb");

    let op = app.token(Role::Operator);
    let d = json(
        app.get("/api/v1/departments/530100-zfb", Some(&op)).await,
        200,
    )
    .await;
    assert!(!d["liaisons"].as_array().unwrap().is_empty());
    let list = json(
        app.get("/api/v1/departments?region=530100&per_page=100", Some(&op))
            .await,
        200,
    )
    .await;
    assert!(list["total"].as_i64().unwrap() > 100);
}

#[tokio::test]
async fn first_start_import_runs_before_ready() {
    let app = TestApp::spawn().await;
    let report = app.first_import.clone().expect("first-start import ran");
    assert_eq!(report.created(), 4 + 6 + 3 + 4 + 3);
    assert_eq!(app.get("/readyz", None).await.status(), 200);
    // The bulk import announced itself in kb_changes.
    let changes = app
        .with_conn(|c| knowledge::db::changes::since(c, 0))
        .unwrap();
    assert!(
        changes
            .iter()
            .any(|(_, e, c)| e == "department" && c == "530100-rsj")
    );
}

#[tokio::test]
async fn bad_lines_are_reported_with_line_numbers_and_never_half_applied() {
    let app = TestApp::spawn().await;
    let ed = app.token(Role::KbEditor);
    let good = r#"{"address": null, "aliases": [], "code": "530100-new", "directions": null, "fax": null, "hours": null, "kind": "new", "name": "新部门", "phones": [], "region": "530100", "service_locations": [], "status": "active"}"#;
    let unknown_field = good
        .replace("530100-new", "530100-a")
        .replace("\"kind\"", "\"colour\": 1, \"kind\"");
    let unknown_region = good
        .replace("530100-new", "530100-b")
        .replace("\"region\": \"530100\"", "\"region\": \"999999\"");
    let html = good
        .replace("530100-new", "530100-c")
        .replace("新部门", "<b>新部门</b>");
    let text = [
        good,
        "",
        "{not json",
        &unknown_field,
        &unknown_region,
        &html,
        good,
    ]
    .join("\n");
    let seq = app.seq();
    let report = json(
        app.send(
            Method::POST,
            "/api/v1/import",
            Some(&ed),
            Some(json!({"departments": text})),
        )
        .await,
        200,
    )
    .await;
    let f = file(&report, "departments.jsonl");
    assert_eq!(f["created"], 1);
    let lines: Vec<i64> = f["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_i64().unwrap())
        .collect();
    assert_eq!(lines, vec![3, 4, 5, 6, 7]);
    assert!(
        f["rejected"][1]["error"]
            .as_str()
            .unwrap()
            .contains("colour")
    );
    assert!(
        f["rejected"][2]["error"]
            .as_str()
            .unwrap()
            .contains("999999")
    );
    assert!(
        f["rejected"][4]["error"]
            .as_str()
            .unwrap()
            .contains("duplicate")
    );
    let op = app.token(Role::Operator);
    json(
        app.get("/api/v1/departments/530100-new", Some(&op)).await,
        200,
    )
    .await;
    for code in ["530100-a", "530100-b", "530100-c"] {
        problem(
            app.get(&format!("/api/v1/departments/{code}"), Some(&op))
                .await,
            404,
        )
        .await;
    }
    let changes = app
        .with_conn(|c| knowledge::db::changes::since(c, seq))
        .unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].2, "530100-new");

    // A changed line is an update; the same line again is unchanged.
    let changed = good.replace("新部门", "新部门(更名)");
    let report = json(
        app.send(
            Method::POST,
            "/api/v1/import",
            Some(&ed),
            Some(json!({"departments": changed})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(file(&report, "departments.jsonl")["updated"], 1);
    let report = json(
        app.send(
            Method::POST,
            "/api/v1/import",
            Some(&ed),
            Some(json!({"departments": changed})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(file(&report, "departments.jsonl")["unchanged"], 1);

    // FAQ and liaison lines naming unknown departments are rejected.
    let faq = r#"{"answer": "a", "authorized": true, "code": "x-1", "department": "530100-none", "keywords": [], "question": "q", "status": "published"}"#;
    let report = json(
        app.send(
            Method::POST,
            "/api/v1/import",
            Some(&ed),
            Some(json!({"faqs": faq})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(file(&report, "faqs.jsonl")["rejected"][0]["line"], 1);
}

#[tokio::test]
async fn bad_import_requests_are_problems() {
    let app = TestApp::spawn().await;
    let ed = app.token(Role::KbEditor);
    let seq = app.seq();
    problem(
        app.send(Method::POST, "/api/v1/import", Some(&ed), Some(json!({})))
            .await,
        400,
    )
    .await;
    problem(
        app.send(
            Method::POST,
            "/api/v1/import",
            Some(&ed),
            Some(json!({"calendar": "x"})),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.send_raw(Method::POST, "/api/v1/import", Some(&ed), "{\"faqs\": ")
            .await,
        400,
    )
    .await;
    assert_eq!(app.seq(), seq);
    // With no upload the server's directory (the fixtures) is imported: all unchanged.
    let report = json(
        app.send_raw(Method::POST, "/api/v1/import", Some(&ed), "")
            .await,
        200,
    )
    .await;
    assert_eq!(file(&report, "departments.jsonl")["unchanged"], 6);
    assert_eq!(app.seq(), seq);
}
