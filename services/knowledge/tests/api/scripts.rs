use reqwest::Method;
use serde_json::json;
use shared::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn scripts_fill_from_a_department() {
    let app = TestApp::spawn().await;
    let op = app.token(Role::Operator);
    let all = json(app.get("/api/v1/scripts", Some(&op)).await, 200).await;
    assert_eq!(all.as_array().unwrap().len(), 3);
    let s = json(
        app.get(
            "/api/v1/scripts/report_number?department=530100-rsj",
            Some(&op),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(
        s["text"],
        "昆明市人力资源和社会保障局的办公电话是0871-63200001、0871-63200002,工作时间是周一至周五 09:00-12:00、13:30-17:00；周六 09:00-12:00（周六上午延时服务,法定节假日除外）。"
    );
    assert_eq!(
        s["template"],
        "{target_department}的办公电话是{phone},工作时间是{hours}。"
    );
    assert_eq!(s["unfilled"], json!([]));
    let g = json(
        app.get(
            "/api/v1/scripts/hotline_greeting?department=530100-rsj",
            Some(&op),
        )
        .await,
        200,
    )
    .await;
    // Issue 17: the agent is the signed-in account.
    assert_eq!(g["unfilled"], json!([]));
    assert!(
        g["text"]
            .as_str()
            .unwrap()
            .contains("工号test-operator为您服务")
    );
    let plain = json(app.get("/api/v1/scripts/greeting", Some(&op)).await, 200).await;
    assert_eq!(plain["text"], plain["template"]);
    problem(app.get("/api/v1/scripts/nope", Some(&op)).await, 404).await;
    problem(
        app.get("/api/v1/scripts/greeting?department=530100-none", Some(&op))
            .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn editors_put_and_patch_scripts() {
    let app = TestApp::spawn().await;
    let ed = app.token(Role::KbEditor);
    let op = app.token(Role::Operator);
    json(
        app.send(
            Method::PUT,
            "/api/v1/scripts/hold",
            Some(&ed),
            Some(json!({"title": "保持", "text": "请不要挂机,{department}马上为您接通。"})),
        )
        .await,
        201,
    )
    .await;
    let seq = app.seq();
    json(
        app.send(
            Method::PUT,
            "/api/v1/scripts/hold",
            Some(&ed),
            Some(json!({"title": "保持", "text": "请不要挂机,{department}马上为您接通。"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(app.seq(), seq, "an identical PUT writes nothing");
    json(
        app.send(
            Method::PATCH,
            "/api/v1/scripts/hold",
            Some(&ed),
            Some(json!({"title": "请勿挂机"})),
        )
        .await,
        200,
    )
    .await;
    let s = json(
        app.get("/api/v1/scripts/hold?department=530100-zfb", Some(&op))
            .await,
        200,
    )
    .await;
    assert_eq!(s["title"], "请勿挂机");
    assert_eq!(s["text"], "请不要挂机,昆明市人民政府办公室马上为您接通。");
    let seq = app.seq();
    for body in [
        json!({"title": ""}),
        json!({"text": "x".repeat(2001)}),
        json!({"body": "x"}),
    ] {
        problem(
            app.send(Method::PATCH, "/api/v1/scripts/hold", Some(&ed), Some(body))
                .await,
            400,
        )
        .await;
    }
    problem(
        app.send(
            Method::PUT,
            "/api/v1/scripts/hold",
            Some(&ed),
            Some(json!({"title": "t"})),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.send(
            Method::PUT,
            "/api/v1/scripts/bad%20key",
            Some(&ed),
            Some(json!({"title": "t", "text": "x"})),
        )
        .await,
        400,
    )
    .await;
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/scripts/nope",
            Some(&ed),
            Some(json!({"title": "t"})),
        )
        .await,
        404,
    )
    .await;
    assert_eq!(app.seq(), seq);
}

/// Issue 17: a wrong transfer names both departments, the one answering (`department`) and the
/// one the caller needs (`target`), whose number the script reads out.
#[tokio::test]
async fn scripts_name_this_department_and_the_one_the_caller_needs() {
    let app = TestApp::spawn().await;
    let op = app.token(Role::Operator);
    let edit = app.token(Role::KbEditor);
    let body = json!({"title": "转接错误",
        "text": "我这里是{department}，您咨询的问题请致电{target_department}（{phone}）查询。"});
    let put = app
        .send(
            Method::PUT,
            "/api/v1/scripts/wrong_transfer",
            Some(&edit),
            Some(body),
        )
        .await;
    assert!(put.status().is_success());
    let s = json(
        app.get(
            "/api/v1/scripts/wrong_transfer?department=530100-zfb&target=530100-rsj",
            Some(&op),
        )
        .await,
        200,
    )
    .await;
    let text = s["text"].as_str().unwrap();
    assert!(text.starts_with("我这里是昆明市人民政府办公室"), "{text}");
    assert!(
        text.contains("请致电昆明市人力资源和社会保障局（0871-63200001、0871-63200002）查询"),
        "{text}"
    );
    assert_eq!(s["unfilled"], json!([]));
    // Only the target: this department stays to be said.
    let only = json(
        app.get(
            "/api/v1/scripts/wrong_transfer?target=530100-rsj",
            Some(&op),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(only["unfilled"], json!(["department"]));
    // A code that names no department is a problem answer, as for `department`.
    problem(
        app.get("/api/v1/scripts/wrong_transfer?target=..%2Fx", Some(&op))
            .await,
        404,
    )
    .await;
}
