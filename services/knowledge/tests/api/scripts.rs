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
        "昆明市人力资源和社会保障局的办公电话是0871-63200001、0871-63200002，工作时间是周一至周五 09:00-12:00、13:30-17:00；周六 09:00-12:00（周六上午延时服务,法定节假日除外）。"
    );
    assert_eq!(
        s["template"], "{target_department}的办公电话是{phone}，工作时间是{hours}。",
        "the template's punctuation is full-width, whatever the file said"
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
    assert_eq!(s["text"], "请不要挂机，昆明市人民政府办公室马上为您接通。");
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

/// Issue 17: each script says who says it and at which step; the list gives an audience's
/// scripts in the order of a call, filled as one script is; the wait and the caller's title
/// are filled from the query; editors' ASCII punctuation is made full-width.
#[tokio::test]
async fn scripts_are_listed_by_audience_and_step_and_filled_from_the_query() {
    let app = TestApp::spawn().await;
    let op = app.token(Role::Operator);
    let ed = app.token(Role::KbEditor);
    for (key, body) in [
        (
            "wait_long",
            json!({"title": "较长等待", "text": "大约需要{minutes}分钟,请您稍候.", "audience": "both", "step": "wait"}),
        ),
        (
            "authority",
            json!({"title": "升级", "text": "{title},我会尽力处理好您的问题。", "audience": "both", "step": "escalation", "note": "来电人要求找领导时"}),
        ),
        (
            "wrong_transfer",
            json!({"title": "转接错误", "text": "我这里是{department}。", "audience": "liaison", "step": "transfer", "note": "耐心解释"}),
        ),
    ] {
        let res = app
            .send(
                Method::PUT,
                &format!("/api/v1/scripts/{key}"),
                Some(&ed),
                Some(body),
            )
            .await;
        assert_eq!(res.status(), 201, "{key}");
    }
    let wait = json(
        app.get("/api/v1/scripts/wait_long?minutes=5", Some(&op))
            .await,
        200,
    )
    .await;
    assert_eq!(wait["text"], "大约需要5分钟，请您稍候。");
    assert_eq!(wait["template"], "大约需要{minutes}分钟，请您稍候。");
    assert_eq!(
        (wait["audience"].as_str(), wait["step"].as_str()),
        (Some("both"), Some("wait"))
    );
    let sir = json(
        app.get(
            "/api/v1/scripts/authority?title=%E7%8E%8B%E5%85%88%E7%94%9F",
            Some(&op),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(sir["text"], "王先生，我会尽力处理好您的问题。");
    assert_eq!(sir["note"], "来电人要求找领导时");
    // An operator's list: theirs and everyone's, none of the liaison's, by step.
    let ops = json(
        app.get(
            "/api/v1/scripts?audience=operator&department=530100-zfb",
            Some(&op),
        )
        .await,
        200,
    )
    .await;
    let keys: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    assert!(!keys.contains(&"wrong_transfer"), "{keys:?}");
    assert!(
        keys.contains(&"wait_long") && keys.contains(&"authority"),
        "{keys:?}"
    );
    let steps: Vec<&str> = ops
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    let order = [
        "answer",
        "wait",
        "transfer",
        "complaint",
        "escalation",
        "close",
    ];
    let rank = |s: &str| order.iter().position(|o| *o == s).unwrap();
    assert!(
        steps.windows(2).all(|w| rank(w[0]) <= rank(w[1])),
        "{steps:?}"
    );
    let greeting = ops
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["key"] == "greeting")
        .unwrap();
    assert_eq!(
        greeting["text"],
        "您好！昆明市人民政府办公室，请问有什么可以帮您？"
    );
    let liaison = json(
        app.get("/api/v1/scripts?audience=liaison&step=transfer", Some(&op))
            .await,
        200,
    )
    .await;
    assert_eq!(liaison.as_array().unwrap().len(), 1);
    assert_eq!(liaison[0]["key"], "wrong_transfer");
    for bad in [
        "/api/v1/scripts?audience=boss",
        "/api/v1/scripts?step=later",
        "/api/v1/scripts/wait_long?minutes=0",
        "/api/v1/scripts/wait_long?minutes=many",
        "/api/v1/scripts/authority?title=%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B%E7%8E%8B",
        "/api/v1/scripts/wait_long?ticket=T2026%3Cscript%3E",
    ] {
        let res = app.get(bad, Some(&op)).await;
        let status = res.status().as_u16();
        assert!(matches!(status, 400 | 404), "{bad}: {status}");
        problem(res, status).await;
    }
}
