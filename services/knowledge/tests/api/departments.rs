use reqwest::Method;
use serde_json::{Value, json};
use shared::auth::Role;

use crate::helpers::*;

fn new_department() -> Value {
    json!({
        "code": "530100-jyj",
        "region": "530100",
        "kind": "jyj",
        "name": "昆明市教育体育局",
        "aliases": ["昆明教育局"],
        "phones": [{"label": "办公室", "number": "0871-63500001"}],
        "fax": null,
        "address": "昆明市教育路1号",
        "directions": null,
        "service_locations": [],
        "hours": {"weekly": [{"days": [1,2,3,4,5], "ranges": [["09:00","12:00"],["13:30","17:30"]]}], "note": "法定节假日除外"},
        "status": "active"
    })
}

#[tokio::test]
async fn department_detail_has_what_an_operator_reads_out() {
    let app = TestApp::spawn().await;
    let t = app.token(Role::Operator);
    let d = json(
        app.get("/api/v1/departments/530100-rsj", Some(&t)).await,
        200,
    )
    .await;
    assert_eq!(d["name"], "昆明市人力资源和社会保障局");
    assert_eq!(d["region_name"], "昆明市");
    assert_eq!(d["phones"][0]["number"], "0871-63200001");
    assert_eq!(d["fax"], "0871-63200000");
    assert_eq!(d["address"], "昆明市滇池路100号");
    assert!(d["directions"].as_str().unwrap().contains("3路"));
    assert_eq!(
        d["hours_text"],
        "周一至周五 09:00-12:00、13:30-17:00；周六 09:00-12:00（周六上午延时服务,法定节假日除外）"
    );
    assert_eq!(d["hours"]["weekly"][0]["days"], json!([1, 2, 3, 4, 5]));
    assert!(d["open_now"].is_boolean());
    assert_eq!(d["service_locations"][0], "昆明市政务服务中心 3楼 8号窗口");
    assert_eq!(d["status"], "active");
    assert_eq!(d["liaisons"][0]["code"], "530100-rsj-L1");
    assert_eq!(d["liaisons"][0]["email"], "rsj.530100.1@example.org");
    assert_eq!(d["liaisons"][0]["fax"], "0871-63200000");
    // Published entries only: the draft 530100-rsj-3 is not listed.
    assert_eq!(d["faqs"], json!(["530100-rsj-1", "530100-rsj-2"]));

    let merged = json(
        app.get("/api/v1/departments/530100-old-scj-0", Some(&t))
            .await,
        200,
    )
    .await;
    assert_eq!(merged["status"], "merged");
    assert_eq!(merged["successor"], "530100-scj");
    assert_eq!(
        merged["successor_department"]["name"],
        "昆明市市场监督管理局"
    );
    assert_eq!(merged["open_now"], Value::Null);

    problem(
        app.get("/api/v1/departments/530100-nope", Some(&t)).await,
        404,
    )
    .await;
    problem(
        app.get("/api/v1/departments/bad%20code", Some(&t)).await,
        404,
    )
    .await;
}

#[tokio::test]
async fn service_token_reads_a_department_for_dispatch() {
    let app = TestApp::spawn().await;
    let svc = app.keys.service_token("tickets", "knowledge").unwrap();
    let d = json(
        app.get("/api/v1/departments/530100-zfb", Some(&svc)).await,
        200,
    )
    .await;
    assert_eq!(d["liaisons"][0]["email"], "zfb.530100.1@example.org");
}

#[tokio::test]
async fn list_filters_by_region_and_text_and_pages() {
    let app = TestApp::spawn().await;
    let t = app.token(Role::Operator);
    let all = json(app.get("/api/v1/departments", Some(&t)).await, 200).await;
    assert_eq!(all["total"], 6);
    assert_eq!(all["page"], 1);
    assert_eq!(all["per_page"], 20);
    // A prefecture covers its counties.
    let kunming = json(
        app.get("/api/v1/departments?region=530100", Some(&t)).await,
        200,
    )
    .await;
    assert_eq!(kunming["total"], 5);
    let wuhua = json(
        app.get("/api/v1/departments?region=530102", Some(&t)).await,
        200,
    )
    .await;
    assert_eq!(wuhua["total"], 1);
    // Name and alias substrings.
    let q = json(
        app.get("/api/v1/departments?q=%E4%BA%BA%E7%A4%BE", Some(&t))
            .await,
        200,
    )
    .await; // 人社
    assert_eq!(q["total"], 2);
    let alias = json(
        app.get("/api/v1/departments?q=%E7%89%88%E7%BA%B3", Some(&t))
            .await,
        200,
    )
    .await; // 版纳
    assert_eq!(alias["items"][0]["code"], "532800-zfb");
    // A received fax's number, in the form a fax gateway writes it (issue 18).
    let fax = json(
        app.get(
            "/api/v1/departments?fax=%2B86%20871%206320%200000",
            Some(&t),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(fax["total"], 1, "{fax}");
    assert_eq!(fax["items"][0]["code"], "530100-rsj");
    let stranger = json(
        app.get("/api/v1/departments?fax=0871-1", Some(&t)).await,
        200,
    )
    .await;
    assert_eq!(stranger["total"], 0);
    let none = json(app.get("/api/v1/departments?q=%25", Some(&t)).await, 200).await;
    assert_eq!(none["total"], 0, "LIKE wildcards are literal");
    let p2 = json(
        app.get("/api/v1/departments?per_page=2&page=2", Some(&t))
            .await,
        200,
    )
    .await;
    assert_eq!(p2["items"].as_array().unwrap().len(), 2);
    assert_eq!(p2["total"], 6);
    problem(
        app.get("/api/v1/departments?per_page=100000", Some(&t))
            .await,
        400,
    )
    .await;
    problem(app.get("/api/v1/departments?page=0", Some(&t)).await, 400).await;
    problem(app.get("/api/v1/departments?page=abc", Some(&t)).await, 400).await;
    problem(
        app.get("/api/v1/departments?region=999999", Some(&t)).await,
        400,
    )
    .await;
    let long = "人".repeat(101);
    problem(
        app.get(&format!("/api/v1/departments?q={long}"), Some(&t))
            .await,
        400,
    )
    .await;
}

#[tokio::test]
async fn editor_creates_and_changes_a_department() {
    let app = TestApp::spawn().await;
    let t = app.token(Role::KbEditor);
    let seq = app.seq();
    let created = json(
        app.send(
            Method::POST,
            "/api/v1/departments",
            Some(&t),
            Some(new_department()),
        )
        .await,
        201,
    )
    .await;
    assert_eq!(created["code"], "530100-jyj");
    assert!(app.seq() > seq);
    let changes = app
        .with_conn(|c| knowledge::db::changes::since(c, seq))
        .unwrap();
    assert_eq!(
        changes,
        vec![(seq + 1, "department".to_string(), "530100-jyj".to_string())]
    );
    problem(
        app.send(
            Method::POST,
            "/api/v1/departments",
            Some(&t),
            Some(new_department()),
        )
        .await,
        409,
    )
    .await;

    let admin = app.token(Role::Admin);
    let patched = json(
        app.send(
            Method::PATCH,
            "/api/v1/departments/530100-jyj",
            Some(&admin),
            Some(json!({"phones": [{"label": "总机", "number": "0871-63500009"}], "fax": "0871-63500000"})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(patched["phones"][0]["number"], "0871-63500009");
    assert_eq!(patched["name"], "昆明市教育体育局");
    let d = json(
        app.get("/api/v1/departments/530100-jyj", Some(&t)).await,
        200,
    )
    .await;
    assert_eq!(d["fax"], "0871-63500000");
    assert_eq!(
        d["hours_text"],
        "周一至周五 09:00-12:00、13:30-17:30（法定节假日除外）"
    );

    // Merge it into another, then clear the fax with null.
    let merged = json(
        app.send(
            Method::PATCH,
            "/api/v1/departments/530100-jyj",
            Some(&t),
            Some(json!({"status": "merged", "successor": "530100-zfb", "fax": null})),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(merged["successor"], "530100-zfb");
    assert_eq!(merged["fax"], Value::Null);
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/departments/530100-jyj",
            Some(&t),
            Some(json!({"status": "merged", "successor": "530100-none"})),
        )
        .await,
        400,
    )
    .await;
    let active = json(
        app.send(
            Method::PATCH,
            "/api/v1/departments/530100-jyj",
            Some(&t),
            Some(json!({"status": "active"})),
        )
        .await,
        200,
    )
    .await;
    assert!(active.get("successor").is_none());
    problem(
        app.send(
            Method::PATCH,
            "/api/v1/departments/530100-nope",
            Some(&t),
            Some(json!({"name": "x"})),
        )
        .await,
        404,
    )
    .await;
}

#[tokio::test]
async fn bad_department_bodies_change_nothing() {
    let app = TestApp::spawn().await;
    let t = app.token(Role::KbEditor);
    let seq = app.seq();
    let before = json(
        app.get("/api/v1/departments/530100-rsj", Some(&t)).await,
        200,
    )
    .await;
    let mut cases: Vec<(String, u16)> = vec![("{\"code\": ".into(), 400), ("[]".into(), 400)];
    let mut unknown = new_department();
    unknown["colour"] = json!("red");
    cases.push((unknown.to_string(), 400));
    let mut missing = new_department();
    missing.as_object_mut().unwrap().remove("name");
    cases.push((missing.to_string(), 400));
    let mut long = new_department();
    long["name"] = json!("长".repeat(101));
    cases.push((long.to_string(), 400));
    let mut html = new_department();
    html["address"] = json!("<script>alert(1)</script>");
    cases.push((html.to_string(), 400));
    let mut region = new_department();
    region["region"] = json!("999999");
    cases.push((region.to_string(), 400));
    let mut hours = new_department();
    hours["hours"]["weekly"][0]["ranges"][0] = json!(["17:00", "09:00"]);
    cases.push((hours.to_string(), 400));
    let mut merged = new_department();
    merged["status"] = json!("merged");
    cases.push((merged.to_string(), 400));
    // Issue 16, finding 7: a fax number notify would refuse later (so the urgent fax would
    // silently never go) is refused here, when it is entered.
    let mut fax = new_department();
    fax["fax"] = json!("0871-1234567; rm -rf /");
    cases.push((fax.to_string(), 400));
    cases.push((format!("{{\"x\": \"{}\"}}", "a".repeat(70 * 1024)), 413));
    for (body, status) in cases {
        let res = app
            .send_raw(Method::POST, "/api/v1/departments", Some(&t), body.clone())
            .await;
        problem(res, status).await;
    }
    for body in [
        json!({"name": ""}),
        json!({"nmae": "typo"}),
        json!({"phones": [{"label": "a", "number": "1", "extra": 1}]}),
        json!({"region": "999999"}),
        json!({"status": "closed"}),
        json!({"successor": "530100-zfb"}),
        json!({"fax": "传真 0871-1234567"}),
    ] {
        let res = app
            .send(
                Method::PATCH,
                "/api/v1/departments/530100-rsj",
                Some(&t),
                Some(body),
            )
            .await;
        problem(res, 400).await;
    }
    // Not JSON at all.
    let res = app
        .client
        .post(app.url("/api/v1/departments"))
        .bearer_auth(&t)
        .header("content-type", "text/plain")
        .body(new_department().to_string())
        .send()
        .await
        .unwrap();
    problem(res, 400).await;
    assert_eq!(app.seq(), seq);
    let after = json(
        app.get("/api/v1/departments/530100-rsj", Some(&t)).await,
        200,
    )
    .await;
    assert_eq!(before, after);
    problem(
        app.get("/api/v1/departments/530100-jyj", Some(&t)).await,
        404,
    )
    .await;
}

/// A stand-in for tickets that serves the 2026 calendar.
fn spawn_calendar() -> String {
    use actix_web::{App, HttpResponse, HttpServer, web};
    let year: Value =
        serde_json::from_str(include_str!("../../../../data/kb/calendar-2026.json")).unwrap();
    let answer = json!({"years": [year], "working_hours": "09:00-12:00,13:30-17:30"});
    let server = HttpServer::new(move || {
        let answer = answer.clone();
        App::new().route(
            "/api/v1/calendar",
            web::get().to(move || {
                let answer = answer.clone();
                async move { HttpResponse::Ok().json(answer) }
            }),
        )
    })
    .workers(1)
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    tokio::spawn(server.run());
    format!("http://127.0.0.1:{port}")
}

async fn open_now(app: &TestApp, token: &str) -> Value {
    let res = app.get("/api/v1/departments/530100-rsj", Some(token)).await;
    json(res, 200).await["open_now"].clone()
}

#[tokio::test]
async fn open_now_follows_the_working_day_calendar_from_tickets() {
    let app = TestApp::spawn_with(Options {
        extra: vec![
            ("tickets_url".into(), spawn_calendar()),
            // Thursday 2026-10-01 10:00 in Kunming: National Day.
            ("test_clock".into(), "2026-10-01T02:00:00Z".into()),
        ],
        ..Options::default()
    })
    .await;
    let t = app.token(Role::Operator);
    // The calendar arrives in the background; until then plain weekdays say "open".
    let mut closed = false;
    for _ in 0..100 {
        if open_now(&app, &t).await == json!(false) {
            closed = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(closed, "a public holiday closes the department");
    let at = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .unwrap()
            .with_timezone(&chrono::Utc)
    };
    // Saturday 2026-10-10 15:00 is a make-up workday.
    app.clock.set(at("2026-10-10T07:00:00Z"));
    assert_eq!(open_now(&app, &t).await, json!(true));
    // Sunday 2026-10-11 10:00: closed.
    app.clock.set(at("2026-10-11T02:00:00Z"));
    assert_eq!(open_now(&app, &t).await, json!(false));
    // Saturday 2026-10-17 10:00: the Saturday-morning service.
    app.clock.set(at("2026-10-17T02:00:00Z"));
    assert_eq!(open_now(&app, &t).await, json!(true));
    // Monday 2026-10-12 12:30: lunch.
    app.clock.set(at("2026-10-12T04:30:00Z"));
    assert_eq!(open_now(&app, &t).await, json!(false));
}
