//! Who sees what: the liaison isolation matrix, operators' own lists and phone search,
//! masking of caller numbers, and role checks.

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn liaison_isolation_matrix() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let s = app.supervisor();
    // One ticket per department, each dispatched and accepted.
    let gaj = app.complaint(false).await;
    app.must(&gaj, "dispatch", &s, json!({"department": GAJ}))
        .await;
    let rsj = app.complaint(false).await;
    app.must(&rsj, "dispatch", &s, json!({"department": RSJ}))
        .await;
    let own = app.liaison(GAJ);
    let other = app.liaison(RSJ);

    // The owner sees and lists it; the phone is masked for liaisons.
    let res = app.get(&format!("/api/v1/tickets/{gaj}"), &own).await;
    assert_eq!(res.status, 200);
    assert_eq!(res.body["caller"]["phone"], "139****1234");
    assert!(res.body["caller"]["email"].is_null());
    let list = app.get("/api/v1/tickets", &own).await;
    let ids: Vec<&str> = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![gaj.as_str()]);
    assert_eq!(list.body["total"], 1);
    // Liaisons cannot probe callers' numbers.
    app.get("/api/v1/tickets?caller_phone=13912341234", &own)
        .await
        .assert_problem(403, "forbidden");
    // Asking for another department's list gives nothing.
    let list = app
        .get(&format!("/api/v1/tickets?department={RSJ}"), &own)
        .await;
    assert_eq!(list.body["total"], 0);

    // Every path on the other department's ticket is a 404 and changes nothing.
    let before = app.ticket(&rsj).await;
    let n_events = app.events(&rsj).await.len();
    app.get(&format!("/api/v1/tickets/{rsj}"), &own)
        .await
        .assert_problem(404, "not_found");
    app.get(&format!("/api/v1/tickets/{rsj}/events"), &own)
        .await
        .assert_problem(404, "not_found");
    let bodies = [
        ("dispatch", json!({"department": GAJ})),
        ("accept", json!({})),
        ("return", json!({"reason": "r"})),
        ("return/reject", json!({"reason": "r"})),
        ("reply", json!({"body": "b"})),
        (
            "extend",
            json!({"until": "2027-01-01T00:00:00Z", "reason": "r"}),
        ),
        ("extend/approve", json!({})),
        ("extend/refuse", json!({"reason": "r"})),
        ("supervise", json!({"note": "n"})),
        ("callback", json!({"satisfaction": "satisfied"})),
        ("reopen", json!({"reason": "r"})),
        ("close", json!({"note": "n"})),
        ("replenish", json!({"department_code": GAJ, "note": "n"})),
        // Bad bodies too: still 404, not 400, so nothing leaks.
        ("reply", json!({"body": ""})),
    ];
    for (action, body) in &bodies {
        app.action(&rsj, action, &own, body.clone())
            .await
            .assert_problem(404, "not_found");
    }
    // A ticket that does not exist looks the same.
    app.get("/api/v1/tickets/T20990101-000001", &own)
        .await
        .assert_problem(404, "not_found");
    assert_eq!(app.ticket(&rsj).await, before);
    assert_eq!(app.events(&rsj).await.len(), n_events);

    // The other liaison acts on their own ticket; on the first one, 404 again.
    app.must(&rsj, "accept", &other, json!({})).await;
    app.action(&gaj, "accept", &other, json!({}))
        .await
        .assert_problem(404, "not_found");
    // On their own ticket a supervisor-only action is 403.
    app.action(&gaj, "supervise", &own, json!({"note": "n"}))
        .await
        .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn operators_list_their_own_and_find_any_by_number_or_phone() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let mine = app.complaint(false).await;
    let mut body = complaint_body(false);
    // Issue 17: written with the country code, stored and found as the caller's number.
    body["caller"]["phone"] = json!("+86 138-0000-2222");
    let res = app.post("/api/v1/tickets", &app.operator2(), body).await;
    assert_eq!(res.status, 201);
    let theirs = res.body["id"].as_str().unwrap().to_string();
    // The creator sees the full number.
    assert_eq!(res.body["caller"]["phone"], "13800002222");

    let list = app.get("/api/v1/tickets", &app.operator()).await;
    assert_eq!(list.body["total"], 1);
    assert_eq!(list.body["items"][0]["id"], mine.as_str());
    assert_eq!(
        list.body["items"][0]["caller"]["phone"], "139****1234",
        "lists mask numbers"
    );

    // A caller rings back: found by number, however it is written, with progress and reply.
    let s = app.supervisor();
    app.must(&theirs, "dispatch", &s, json!({"department": GAJ}))
        .await;
    let l = app.liaison(GAJ);
    app.must(&theirs, "accept", &l, json!({})).await;
    app.must(&theirs, "reply", &l, json!({"body": "已安排专人办理"}))
        .await;
    let found = app
        .get(
            "/api/v1/tickets?caller_phone=138%200000%202222",
            &app.operator(),
        )
        .await;
    assert_eq!(found.body["total"], 1, "{}", found.body);
    assert_eq!(found.body["items"][0]["id"], theirs.as_str());
    let found = app
        .get(
            "/api/v1/tickets?caller_phone=008613800002222",
            &app.operator(),
        )
        .await;
    assert_eq!(found.body["total"], 1, "{}", found.body);
    // Opened with the caller on the line (the number however written), not without.
    let t = app
        .get(
            &format!("/api/v1/tickets/{theirs}?caller_phone=138%200000%202222"),
            &app.operator(),
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.body);
    assert_eq!(t.body["status"], "replied");
    assert_eq!(t.body["reply"], "已安排专人办理");
    assert_eq!(t.body["caller"]["phone"], "13800002222");
    let ev = app
        .get(
            &format!("/api/v1/tickets/{theirs}/events?caller_phone=13800002222"),
            &app.operator(),
        )
        .await;
    assert_eq!(ev.status, 200);
    for path in [
        format!("/api/v1/tickets/{theirs}"),
        format!("/api/v1/tickets/{theirs}/events"),
        format!("/api/v1/tickets/{theirs}?caller_phone=13912341234"),
    ] {
        app.get(&path, &app.operator())
            .await
            .assert_problem(404, "not_found");
    }
    // Their own, and the one they did not create to the one who did.
    let own = app
        .get(&format!("/api/v1/tickets/{mine}"), &app.operator())
        .await;
    assert_eq!(own.status, 200);
    let other = app
        .get(&format!("/api/v1/tickets/{theirs}"), &app.operator2())
        .await;
    assert_eq!(other.status, 200);

    // Supervisors list all.
    assert_eq!(app.ticket_count().await, 2);
    // Roles without ticket access.
    for token in [
        app.admin(),
        app.token(shared::auth::Role::KbEditor, "kb", None),
    ] {
        app.get("/api/v1/tickets", &token)
            .await
            .assert_problem(403, "forbidden");
        app.get(&format!("/api/v1/tickets/{mine}"), &token)
            .await
            .assert_problem(403, "forbidden");
        app.post("/api/v1/tickets", &token, complaint_body(false))
            .await
            .assert_problem(403, "forbidden");
    }
    // Liaisons do not create tickets; without a token nothing works.
    app.post("/api/v1/tickets", &l, complaint_body(false))
        .await
        .assert_problem(403, "forbidden");
    let res = app
        .send(reqwest::Method::GET, "/api/v1/tickets", None, None, &[])
        .await;
    res.assert_problem(401, "unauthorized");
}

#[tokio::test]
async fn calls_are_recorded_masked_and_counted_per_day() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let call = |sat: serde_json::Value, class: &str| {
        json!({"caller_phone": "13912345678", "classification": class, "outcome": "answered",
               "department": GAJ, "duration_seconds": 95, "satisfaction": sat})
    };
    let res = app
        .post(
            "/api/v1/calls",
            &app.operator(),
            call(json!("满意"), "basic_query"),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.body);
    assert_eq!(res.body["satisfaction"], "satisfied");
    assert_eq!(res.body["caller_phone"], "139****5678");
    app.post(
        "/api/v1/calls",
        &app.operator(),
        call(json!("dissatisfied"), "complaint"),
    )
    .await;
    app.post(
        "/api/v1/calls",
        &app.operator2(),
        call(json!(null), "consultation"),
    )
    .await;
    // Out-of-range satisfaction, unknown classification.
    app.post(
        "/api/v1/calls",
        &app.operator(),
        call(json!("very_happy"), "complaint"),
    )
    .await
    .assert_problem(400, "bad_request");
    app.post(
        "/api/v1/calls",
        &app.operator(),
        call(json!("satisfied"), "gossip"),
    )
    .await
    .assert_problem(400, "bad_request");

    let mine = app.get("/api/v1/calls", &app.operator()).await;
    assert_eq!(mine.body["total"], 2, "operators see their own");
    let all = app.get("/api/v1/calls", &app.supervisor()).await;
    assert_eq!(all.body["total"], 3);
    assert!(
        all.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["caller_phone"] == "139****5678")
    );

    let r = app
        .get(
            "/api/v1/reports/calls/daily?from=2026-11-25&to=2026-11-26",
            &app.supervisor(),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let days = r.body["days"].as_array().unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0]["total"], 0);
    assert_eq!(days[1]["date"], "2026-11-26");
    assert_eq!(days[1]["total"], 3);
    assert_eq!(days[1]["classification"]["complaint"], 1);
    assert_eq!(days[1]["satisfaction"]["satisfied"], 1);
    assert_eq!(days[1]["satisfaction"]["dissatisfied"], 1);
    assert_eq!(days[1]["satisfaction"]["none"], 1);
    app.get("/api/v1/reports/calls/daily", &app.operator())
        .await
        .assert_problem(403, "forbidden");
    app.get(
        "/api/v1/reports/calls/daily?from=2026-12-01&to=2026-11-01",
        &app.supervisor(),
    )
    .await
    .assert_problem(400, "bad_request");
}
