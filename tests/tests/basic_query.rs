//! Journey 1: an operator answers a basic query from the knowledge base and records the call;
//! a supervisor sees the call, the caller's number masked.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::journeys::{enc, search};
use e2e::{Options, Stack, get, post, send};
use serde_json::json;

#[tokio::test]
async fn operator_answers_a_basic_query_and_records_the_call() {
    let stack = Stack::start(Options::default()).await;
    let http = &stack.http;
    let operator = stack.login_as("op-basic", "operator", None).await;
    let supervisor = stack.login_as("sup-basic", "supervisor", None).await;

    // The greeting the operator reads out.
    let scripts = get(http, &stack.k("/api/v1/scripts"), &operator).await;
    assert!(
        scripts.to_string().contains("96128政务信息查询专线"),
        "the hotline greeting: {scripts}"
    );

    // A department by its everyday short name: the department itself first, with its phone.
    let dep = search(&stack, &stack.k(""), &operator, "昆明市人社局").await;
    assert_eq!(dep["confident"], true, "{dep}");
    let top = &dep["items"][0];
    assert_eq!(top["kind"], "department", "{dep}");
    assert_eq!(top["code"], "530100-rsj", "{dep}");
    assert_eq!(
        top["department"]["name"], "昆明市人力资源和社会保障局",
        "{dep}"
    );
    assert!(
        !top["department"]["phones"].as_array().unwrap().is_empty(),
        "{top}"
    );
    assert_eq!(
        top["authorized"], true,
        "a directory entry may be read out: {top}"
    );

    // A question: the authorized FAQ answer is among the first three.
    let q = "安宁市身份证丢了怎么补办";
    let faq_hits = search(&stack, &stack.k(""), &operator, q).await;
    assert_eq!(faq_hits["confident"], true, "{faq_hits}");
    let hit = faq_hits["items"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .find(|h| h["code"] == "530115-gaj-1")
        .cloned()
        .unwrap_or_else(|| panic!("530115-gaj-1 in the top 3: {faq_hits}"));
    assert_eq!(hit["kind"], "faq");
    assert_eq!(hit["authorized"], true, "{hit}");
    assert_eq!(hit["department"]["code"], "530115-gaj", "{hit}");

    // The operator opens the entry and reads the authorized answer out.
    let faq = get(http, &stack.k("/api/v1/faqs/530115-gaj-1"), &operator).await;
    assert_eq!(faq["authorized"], true, "{faq}");
    assert!(faq["answer"].as_str().unwrap().contains("户口簿"), "{faq}");
    // The directory entry of the department behind it, for a transfer.
    let gaj = get(http, &stack.k("/api/v1/departments/530115-gaj"), &operator).await;
    assert!(!gaj["phones"].as_array().unwrap().is_empty(), "{gaj}");

    // Region filter: the same question narrowed to Anning still finds it.
    let narrowed = get(
        http,
        &stack.k(&format!("/api/v1/search?q={}&region=530115", enc(q))),
        &operator,
    )
    .await;
    assert!(
        narrowed["items"]
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .any(|h| h["code"] == "530115-gaj-1"),
        "{narrowed}"
    );

    // The call record with the caller's rating (一次一评).
    let call = post(
        http,
        &stack.t("/api/v1/calls"),
        &operator,
        json!({"caller_phone": "139 1234 5678", "classification": "basic_query", "outcome": "answered",
               "department": "530115-gaj", "duration_seconds": 95, "satisfaction": "满意",
               "note": "补办身份证,已读授权解答"}),
    )
    .await;
    assert_eq!(call["satisfaction"], "satisfied", "{call}");
    assert_eq!(call["classification"], "basic_query");
    assert!(
        !call.to_string().contains("13912345678"),
        "the answer masks the phone: {call}"
    );

    // The supervisor sees the call, the number masked.
    let calls = get(
        http,
        &stack.t("/api/v1/calls?classification=basic_query"),
        &supervisor,
    )
    .await;
    let seen = calls["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == call["id"])
        .cloned()
        .unwrap_or_else(|| panic!("the call in {calls}"));
    assert_eq!(seen["caller_phone"], "139****5678", "{seen}");
    assert_eq!(seen["operator"], call["operator"]);
    assert_eq!(seen["department"], "530115-gaj");
    assert!(!calls.to_string().contains("13912345678"), "{calls}");
    let daily = get(http, &stack.t("/api/v1/reports/calls/daily"), &supervisor).await;
    let today = daily["days"].as_array().unwrap().last().cloned().unwrap();
    assert_eq!(today["total"], 1, "{daily}");
    assert_eq!(today["satisfaction"]["satisfied"], 1, "{daily}");
    assert_eq!(today["classification"]["basic_query"], 1, "{daily}");

    // A liaison reads only the calls their department logged (issue 17), not the hotline's;
    // an anonymous caller may not search.
    let liaison = stack.token(shared::auth::Role::Liaison, Some("530115-gaj"));
    let (s, body) = send(
        http,
        reqwest::Method::GET,
        &stack.t("/api/v1/calls"),
        &liaison,
        None,
    )
    .await;
    assert_eq!(s, 200, "{body}");
    assert_eq!(body["total"], 0, "{body}");
    let anon = http
        .get(stack.k("/api/v1/search?q=x"))
        .send()
        .await
        .unwrap();
    assert_eq!(anon.status(), 401);
}
