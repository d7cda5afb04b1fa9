//! Issue 17, the service guide's duties around a ticket: 投诉升级 (operators and liaisons ask
//! for a supervisor), 主办 / 协办 (co-handling departments), 重复件 merged into the earlier
//! ticket, whose attitude a cause-C complaint was, the no-info routing rules the supervisors
//! keep, and the call record's detail (and the liaison's own calls).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

#[tokio::test]
async fn an_escalation_puts_the_ticket_on_the_supervisors_queue_until_one_supervises_it() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = app.complaint(false).await;
    let sup = app.supervisor();
    app.must(&id, "dispatch", &sup, json!({"department": GAJ}))
        .await;
    // A liaison of another department learns nothing; the lead's liaison and the operator ask.
    let other = app
        .action(&id, "escalate", &app.liaison(RSJ), json!({"reason": "x"}))
        .await;
    assert_eq!(other.status, 404);
    let blank = app
        .action(&id, "escalate", &app.operator(), json!({"reason": " "}))
        .await;
    blank.assert_problem(400, "bad_request");
    let t = app
        .must(
            &id,
            "escalate",
            &app.liaison(GAJ),
            json!({"reason": "来电人坚持要求领导答复"}),
        )
        .await;
    assert_eq!(t["escalation"]["reason"], "来电人坚持要求领导答复");
    assert_eq!(t["status"], "dispatched", "the state stays");
    let queue = app.get("/api/v1/tickets?escalated=true", &sup).await;
    assert_eq!(queue.body["total"], 1);
    assert_eq!(queue.body["items"][0]["id"], id.as_str());
    let by_supervisor = app
        .action(&id, "escalate", &sup, json!({"reason": "x"}))
        .await;
    by_supervisor.assert_problem(403, "forbidden");
    let t = app
        .must(&id, "supervise", &sup, json!({"note": "已联系科长回电"}))
        .await;
    assert!(t["escalation"].is_null());
    let queue = app.get("/api/v1/tickets?escalated=true", &sup).await;
    assert_eq!(queue.body["total"], 0);
    let events = app.events(&id).await;
    let asked = events
        .iter()
        .find(|e| e["action"] == "escalation_requested")
        .unwrap();
    assert_eq!(asked["role"], "liaison");
    let answered = events.iter().find(|e| e["action"] == "supervise").unwrap();
    assert_eq!(answered["data"]["escalation"], "来电人坚持要求领导答复");
}

#[tokio::test]
async fn a_co_handler_sees_the_ticket_gives_its_part_and_the_lead_reply_completes_it() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = app.complaint(false).await;
    let sup = app.supervisor();
    app.must(&id, "dispatch", &sup, json!({"department": GAJ}))
        .await;
    let rsj = app.liaison(RSJ);
    assert_eq!(
        app.get(&format!("/api/v1/tickets/{id}"), &rsj).await.status,
        404
    );
    // Unknown to knowledge, the lead itself, a liaison: refused; nothing changes.
    let unknown = app
        .action(
            &id,
            "cohandlers",
            &sup,
            json!({"department": "530100-none"}),
        )
        .await;
    unknown.assert_problem(400, "bad_request");
    let lead = app
        .action(&id, "cohandlers", &sup, json!({"department": GAJ}))
        .await;
    lead.assert_problem(400, "bad_request");
    let by_liaison = app
        .action(
            &id,
            "cohandlers",
            &app.liaison(GAJ),
            json!({"department": RSJ}),
        )
        .await;
    by_liaison.assert_problem(403, "forbidden");
    let t = app
        .must(&id, "cohandlers", &sup, json!({"department": RSJ}))
        .await;
    assert_eq!(t["status"], "dispatched");
    let again = app
        .action(&id, "cohandlers", &sup, json!({"department": RSJ}))
        .await;
    again.assert_problem(409, "conflict");
    // The co-handler's liaisons were told, as a dispatch tells the lead's.
    eventually(5, "the co-handler's liaisons told", || async {
        peer.notifications_for(&id)
            .iter()
            .any(|n| n.body.to_string().contains(&format!("1.{RSJ}@example.org")))
    })
    .await;
    // The co-handler sees it, in its list too, but takes no lead action.
    let seen = app.get(&format!("/api/v1/tickets/{id}"), &rsj).await;
    assert_eq!(seen.status, 200);
    let listed = app.get("/api/v1/tickets", &rsj).await;
    assert_eq!(listed.body["total"], 1);
    let accept = app.action(&id, "accept", &rsj, json!({})).await;
    accept.assert_problem(403, "forbidden");
    let lead_part = app
        .action(
            &id,
            "cohandler-reply",
            &app.liaison(GAJ),
            json!({"body": "x"}),
        )
        .await;
    lead_part.assert_problem(403, "forbidden");
    app.must(
        &id,
        "cohandler-reply",
        &rsj,
        json!({"body": "社保部分：已核实缴费记录。"}),
    )
    .await;
    let gaj = app.liaison(GAJ);
    app.must(&id, "accept", &gaj, json!({})).await;
    let t = app
        .must(
            &id,
            "reply",
            &gaj,
            json!({"body": "已汇总协办意见答复来电人。"}),
        )
        .await;
    assert_eq!(t["status"], "replied");
    let part = app
        .action(&id, "cohandler-reply", &rsj, json!({"body": "迟到的意见"}))
        .await;
    part.assert_problem(409, "invalid_transition");
    let t = app.ticket(&id).await;
    assert_eq!(t["cohandlers"][0]["department"], RSJ);
    assert_eq!(t["cohandlers"][0]["reply"], "社保部分：已核实缴费记录。");
    assert_eq!(t["cohandlers"][0]["replied_by"], format!("liaison-{RSJ}"));
}

#[tokio::test]
async fn a_repeat_is_merged_into_the_earlier_ticket_and_both_keep_their_histories() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let first = app.complaint(false).await;
    let repeat = app.complaint(false).await;
    let t = app.ticket(&repeat).await;
    assert_eq!(t["repeat_of"], json!([first]));
    let sup = app.supervisor();
    let stranger = app
        .create(json!({
            "type": "complaint", "summary": "另一位来电人", "region": "530100",
            "department": GAJ, "caller": {"phone": "13700000000"}
        }))
        .await;
    let other_caller = app
        .action(&repeat, "merge", &sup, json!({"into": stranger["id"]}))
        .await;
    other_caller.assert_problem(400, "bad_request");
    let later = app
        .action(&first, "merge", &sup, json!({"into": repeat}))
        .await;
    later.assert_problem(400, "bad_request");
    let bad = app
        .action(&repeat, "merge", &sup, json!({"into": "not-a-ticket"}))
        .await;
    bad.assert_problem(400, "bad_request");
    let by_operator = app
        .action(&repeat, "merge", &app.operator(), json!({"into": first}))
        .await;
    by_operator.assert_problem(403, "forbidden");
    assert_eq!(
        app.ticket(&repeat).await["status"],
        "new",
        "nothing changed"
    );
    let t = app
        .must(
            &repeat,
            "merge",
            &sup,
            json!({"into": first, "note": "同一诉求"}),
        )
        .await;
    assert_eq!(t["status"], "closed", "closed without a cause");
    assert_eq!(app.ticket(&repeat).await["merged_into"], first.as_str());
    let earlier = app.ticket(&first).await;
    assert_eq!(earlier["merged"], json!([repeat]));
    let merged_in = app.events(&first).await;
    let e = merged_in
        .iter()
        .find(|e| e["action"] == "merged_in")
        .unwrap();
    assert_eq!(e["data"]["ticket"], repeat.as_str());
    assert_eq!(e["data"]["summary"], "办事窗口推诿");
    assert!(
        app.events(&repeat)
            .await
            .iter()
            .any(|e| e["action"] == "created")
    );
    let twice = app
        .action(&repeat, "merge", &sup, json!({"into": first}))
        .await;
    twice.assert_problem(409, "invalid_transition");
}

#[tokio::test]
async fn a_cause_c_complaint_names_whose_attitude_it_was_and_is_found_by_it() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = app.complaint(false).await;
    let sup = app.supervisor();
    let missing = app
        .action(
            &id,
            "close",
            &sup,
            json!({"note": "n", "cause": "attitude"}),
        )
        .await;
    missing.assert_problem(400, "bad_request");
    let malformed = app
        .action(
            &id,
            "cause",
            &sup,
            json!({"cause": "attitude", "attitude_of": "boss"}),
        )
        .await;
    malformed.assert_problem(400, "bad_request");
    assert_eq!(
        app.ticket(&id).await["cause"],
        "handling",
        "nothing changed"
    );
    app.must(
        &id,
        "cause",
        &sup,
        json!({"cause": "attitude", "attitude_of": "operator:op7", "note": "录音核实"}),
    )
    .await;
    let t = app
        .must(&id, "close", &sup, json!({"note": "已向来电人致歉"}))
        .await;
    assert_eq!(
        (t["cause"].as_str(), t["attitude_of"].as_str()),
        (Some("attitude"), Some("operator:op7"))
    );
    let found = app
        .get("/api/v1/tickets?attitude_of=operator:op7", &sup)
        .await;
    assert_eq!(found.body["total"], 1);
    let none = app
        .get("/api/v1/tickets?attitude_of=liaison:530100-gaj", &sup)
        .await;
    assert_eq!(none.body["total"], 0);
    app.get("/api/v1/tickets?attitude_of=nobody", &sup)
        .await
        .assert_problem(400, "bad_request");
    let ev = app.events(&id).await;
    let set = ev.iter().find(|e| e["action"] == "cause_set").unwrap();
    assert_eq!(
        (set["data"]["from"].as_str(), set["data"]["to"].as_str()),
        (Some("handling"), Some("attitude"))
    );
    assert_eq!(set["data"]["attitude_of"], "operator:op7");
}

#[tokio::test]
async fn no_info_tickets_follow_the_supervisors_routing_rules() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    let rule = json!({"region": "530100", "words": ["社保", "养老保险"], "department": RSJ});
    app.post("/api/v1/no-info-routes", &app.operator(), rule.clone())
        .await
        .assert_problem(403, "forbidden");
    for bad in [
        json!({"region": "5301", "words": ["社保"], "department": RSJ}),
        json!({"region": "530100", "words": [" "], "department": RSJ}),
        json!({"region": "530100", "words": ["社保"], "department": "530100-none"}),
        json!({"region": "530100", "words": ["<b>社保</b>"], "department": RSJ}),
    ] {
        app.post("/api/v1/no-info-routes", &sup, bad)
            .await
            .assert_problem(400, "bad_request");
    }
    let added = app.post("/api/v1/no-info-routes", &sup, rule).await;
    assert_eq!(added.status, 201, "{}", added.body);
    let listed = app.get("/api/v1/no-info-routes", &app.operator()).await;
    assert_eq!(listed.body.as_array().unwrap().len(), 1);
    // A county's no-info ticket about 养老保险 goes to the rule's department.
    let mut body = no_info_body();
    body["region"] = json!("530102");
    body["query"] = json!("养老保险断缴了怎么补缴");
    let t = app.create(body).await;
    assert_eq!(
        (t["department"].as_str(), t["status"].as_str()),
        (Some(RSJ), Some("dispatched"))
    );
    let created = app.events(t["id"].as_str().unwrap()).await;
    assert_eq!(created[0]["data"]["routed"]["word"], "养老保险");
    // Anything else still goes to the government office.
    let other = app.create(no_info_body()).await;
    assert_eq!(other["department"], ZFB);
    let id = added.body["id"].as_i64().unwrap();
    let path = format!("/api/v1/no-info-routes/{id}");
    let res = app
        .send(reqwest::Method::DELETE, &path, Some(&sup), None, &[])
        .await;
    assert_eq!(res.status, 204);
    let res = app
        .send(reqwest::Method::DELETE, &path, Some(&sup), None, &[])
        .await;
    res.assert_problem(404, "not_found");
}

#[tokio::test]
async fn a_call_record_says_what_came_of_it_and_liaisons_log_their_own_calls() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let op = app.operator();
    let answered = app
        .post("/api/v1/calls", &op, json!({
            "caller_phone": "13800001111", "classification": "basic_query", "outcome": "answered",
            "department": RSJ, "duration_seconds": 60,
            "entry_code": "530100-rsj-3", "entry_authorized": false
        }))
        .await;
    assert_eq!(answered.status, 201, "{}", answered.body);
    assert_eq!(
        (
            answered.body["entry_code"].as_str(),
            answered.body["entry_authorized"].as_bool()
        ),
        (Some("530100-rsj-3"), Some(false))
    );
    assert_eq!(answered.body["via"], "hotline");
    let reported = app
        .post(
            "/api/v1/calls",
            &op,
            json!({
                "caller_phone": "13800001111", "classification": "basic_query",
                "outcome": "number_reported", "department": RSJ, "duration_seconds": 30,
                "number_given": "0871-63200001"
            }),
        )
        .await;
    assert_eq!(reported.body["number_given"], "0871-63200001");
    for (bad, why) in [
        (
            json!({"outcome": "answered", "number_given": "0871-1"}),
            "number_given with answered",
        ),
        (
            json!({"outcome": "answered", "transfer_connected": true}),
            "transfer_connected with answered",
        ),
        (
            json!({"outcome": "answered", "entry_authorized": true}),
            "entry_authorized alone",
        ),
        (
            json!({"outcome": "number_reported", "number_given": "call me; rm"}),
            "not a number",
        ),
        (
            json!({"outcome": "answered", "via": "direct"}),
            "an operator's direct call",
        ),
    ] {
        let mut body = json!({"caller_phone": "13800001111", "classification": "basic_query", "duration_seconds": 10});
        body.as_object_mut()
            .unwrap()
            .extend(bad.as_object().unwrap().clone());
        let res = app.post("/api/v1/calls", &op, body).await;
        assert_eq!(res.status, 400, "{why}: {}", res.body);
    }
    // A liaison logs a call transferred to the department and one taken directly.
    let gaj = app.liaison(GAJ);
    let logged = app
        .post("/api/v1/calls", &gaj, json!({
            "caller_phone": "13900002222", "classification": "consultation", "outcome": "answered",
            "duration_seconds": 120, "note": "户籍迁移材料"
        }))
        .await;
    assert_eq!(logged.status, 201, "{}", logged.body);
    assert_eq!(
        (
            logged.body["via"].as_str(),
            logged.body["department"].as_str()
        ),
        (Some("transferred"), Some(GAJ))
    );
    let direct = app
        .post("/api/v1/calls", &gaj, json!({
            "caller_phone": "13900002223", "classification": "basic_query", "outcome": "answered",
            "duration_seconds": 60, "via": "direct"
        }))
        .await;
    assert_eq!(direct.body["via"], "direct");
    let elsewhere = app
        .post("/api/v1/calls", &gaj, json!({
            "caller_phone": "13900002223", "classification": "basic_query", "outcome": "answered",
            "duration_seconds": 60, "department": RSJ
        }))
        .await;
    elsewhere.assert_problem(400, "bad_request");
    // The liaison lists their department's calls only; the operator their own.
    let mine = app.get("/api/v1/calls", &gaj).await;
    assert_eq!(mine.body["total"], 2, "{}", mine.body);
    let other = app.get("/api/v1/calls", &app.liaison(RSJ)).await;
    assert_eq!(
        other.body["total"], 0,
        "the operator's calls about RSJ are not its liaison's log"
    );
    let ops = app.get("/api/v1/calls", &op).await;
    assert_eq!(ops.body["total"], 2);
}
