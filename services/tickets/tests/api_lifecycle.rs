//! Every lifecycle action from every state over HTTP: allowed ones answer 200 with the next
//! state and an event; forbidden ones answer 409 `invalid_transition` and change nothing.

mod common;

use common::*;
use serde_json::{Value, json};

/// (path, who, body) of every action.
fn actions(app: &TestApp) -> Vec<(&'static str, String, Value)> {
    let l = app.liaison(GAJ);
    let s = app.supervisor();
    let o = app.operator();
    vec![
        ("dispatch", s.clone(), json!({"department": GAJ})),
        ("accept", l.clone(), json!({})),
        ("return", l.clone(), json!({"reason": "不属于本单位职责"})),
        (
            "return/reject",
            s.clone(),
            json!({"reason": "属于贵单位职责"}),
        ),
        (
            "reply",
            l.clone(),
            json!({"body": "已核实并处理", "channel": "phone"}),
        ),
        (
            "extend",
            l.clone(),
            json!({"until": "2027-06-30T09:00:00Z", "reason": "需要现场调查"}),
        ),
        ("extend/approve", s.clone(), json!({})),
        ("extend/refuse", s.clone(), json!({"reason": "时间充足"})),
        ("supervise", s.clone(), json!({"note": "请加快办理"})),
        (
            "callback:satisfied",
            o.clone(),
            json!({"satisfaction": "satisfied"}),
        ),
        (
            "callback:basically_satisfied",
            o.clone(),
            json!({"satisfaction": "基本满意"}),
        ),
        (
            "callback:dissatisfied",
            o.clone(),
            json!({"satisfaction": "dissatisfied", "note": "未解决"}),
        ),
        ("reopen", s.clone(), json!({"reason": "来电人再次反映"})),
        ("close", s.clone(), json!({"note": "办结"})),
        ("replenish", l, json!({"department_code": GAJ, "note": "n"})),
    ]
}

/// Brings a fresh complaint (department 530100-gaj) to `state` through the API.
async fn ticket_in(app: &TestApp, state: &str) -> String {
    let id = app.complaint(false).await;
    let l = app.liaison(GAJ);
    let s = app.supervisor();
    let o = app.operator();
    let steps: &[(&str, &str)] = match state {
        "new" => &[],
        "dispatched" => &[("dispatch", "s")],
        "accepted" => &[("dispatch", "s"), ("accept", "l")],
        "returned" => &[("dispatch", "s"), ("return", "l")],
        "replied" => &[("dispatch", "s"), ("accept", "l"), ("reply", "l")],
        "reopened" => &[
            ("dispatch", "s"),
            ("accept", "l"),
            ("reply", "l"),
            ("callback", "o-"),
        ],
        "closed" => &[
            ("dispatch", "s"),
            ("accept", "l"),
            ("reply", "l"),
            ("callback", "o+"),
        ],
        other => panic!("{other}"),
    };
    for (action, who) in steps {
        let (token, body) = match (*action, *who) {
            ("dispatch", _) => (&s, json!({"department": GAJ})),
            ("accept", _) => (&l, json!({})),
            ("return", _) => (&l, json!({"reason": "r"})),
            ("reply", _) => (&l, json!({"body": "答复"})),
            ("callback", "o-") => (&o, json!({"satisfaction": "dissatisfied"})),
            ("callback", _) => (&o, json!({"satisfaction": "satisfied"})),
            _ => unreachable!(),
        };
        app.must(&id, action, token, body).await;
    }
    assert_eq!(app.ticket(&id).await["status"], state);
    id
}

/// The state after `action` from `state` for a complaint, or None when it must be refused.
fn expected(state: &str, action: &str) -> Option<&'static str> {
    Some(match (state, action) {
        ("new", "dispatch") => "dispatched",
        ("new", "supervise") => "new",
        ("new", "close") => "closed",
        ("dispatched", "accept") => "accepted",
        ("dispatched", "return") => "returned",
        ("dispatched", "extend") => "dispatched",
        ("dispatched", "supervise") => "dispatched",
        ("accepted", "return") => "returned",
        ("accepted", "reply") => "replied",
        ("accepted", "extend") => "accepted",
        ("accepted", "supervise") => "accepted",
        ("returned", "dispatch") => "dispatched",
        ("returned", "return/reject") => "dispatched",
        ("returned", "supervise") => "returned",
        ("replied", "callback:satisfied") => "closed",
        ("replied", "callback:basically_satisfied") => "closed",
        ("replied", "callback:dissatisfied") => "reopened",
        ("replied", "reopen") => "reopened",
        ("replied", "close") => "closed",
        ("replied", "supervise") => "replied",
        ("reopened", "dispatch") => "dispatched",
        ("reopened", "supervise") => "reopened",
        ("closed", "reopen") => "reopened",
        _ => return None,
    })
}

#[tokio::test]
async fn every_transition_and_every_forbidden_one() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let states = [
        "new",
        "dispatched",
        "accepted",
        "returned",
        "replied",
        "reopened",
        "closed",
    ];
    let mut allowed = 0;
    let mut refused = 0;
    for state in states {
        for (action, token, body) in actions(&app) {
            let id = ticket_in(&app, state).await;
            let before = app.ticket(&id).await;
            let events_before = app.events(&id).await.len();
            let path = action.split(':').next().unwrap();
            let res = app.action(&id, path, &token, body).await;
            match expected(state, action) {
                Some(next) => {
                    assert_eq!(res.status, 200, "{action} from {state}: {}", res.body);
                    assert_eq!(res.body["status"], next, "{action} from {state}");
                    let events = app.events(&id).await;
                    assert_eq!(events.len(), events_before + 1, "{action} from {state}");
                    let last = events.last().unwrap();
                    assert_eq!(last["from_status"], state);
                    assert_eq!(last["to_status"], next);
                    assert!(!last["actor"].as_str().unwrap().is_empty());
                    assert!(last["at"].is_string());
                    allowed += 1;
                }
                None => {
                    res.assert_problem(409, "invalid_transition");
                    let after = app.ticket(&id).await;
                    assert_eq!(after, before, "{action} from {state} changed the ticket");
                    assert_eq!(app.events(&id).await.len(), events_before);
                    refused += 1;
                }
            }
        }
    }
    assert_eq!(allowed, 23);
    assert_eq!(refused, 7 * 15 - 23);
}

#[tokio::test]
async fn return_rejected_goes_back_to_the_state_it_came_from() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = ticket_in(&app, "accepted").await;
    let l = app.liaison(GAJ);
    let t = app
        .must(&id, "return", &l, json!({"reason": "非本单位"}))
        .await;
    assert_eq!(t["status"], "returned");
    assert_eq!(t["returned_from"], "accepted");
    let t = app
        .must(
            &id,
            "return/reject",
            &app.supervisor(),
            json!({"reason": "就是你们"}),
        )
        .await;
    assert_eq!(t["status"], "accepted");
    assert_eq!(t["department"], GAJ);
    // A supervisor may instead re-dispatch a returned ticket to another department.
    app.must(&id, "return", &l, json!({"reason": "非本单位"}))
        .await;
    let t = app
        .must(
            &id,
            "dispatch",
            &app.supervisor(),
            json!({"department": RSJ}),
        )
        .await;
    assert_eq!(t["status"], "dispatched");
    assert_eq!(t["department"], RSJ);
    // ... after which the first department no longer sees it.
    app.get(&format!("/api/v1/tickets/{id}"), &l)
        .await
        .assert_problem(404, "not_found");
}

#[tokio::test]
async fn extension_request_then_approve_or_refuse_moves_the_deadline() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = ticket_in(&app, "accepted").await;
    let l = app.liaison(GAJ);
    let s = app.supervisor();
    let due = app.ticket(&id).await["due_at"].clone();
    // Ending before the current deadline is bad input.
    app.action(
        &id,
        "extend",
        &l,
        json!({"until": "2026-11-27T00:00:00Z", "reason": "r"}),
    )
    .await
    .assert_problem(400, "bad_request");
    let t = app
        .must(
            &id,
            "extend",
            &l,
            json!({"until": "2026-12-31T09:30:00Z", "reason": "需要调查"}),
        )
        .await;
    assert_eq!(t["extension"]["until"], "2026-12-31T09:30:00Z");
    assert_eq!(t["due_at"], due, "the deadline moves only when approved");
    app.action(
        &id,
        "extend",
        &l,
        json!({"until": "2027-01-31T09:30:00Z", "reason": "r"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    // Liaisons cannot approve their own extension.
    app.action(&id, "extend/approve", &l, json!({}))
        .await
        .assert_problem(403, "forbidden");
    let t = app
        .must(&id, "extend/approve", &s, json!({"note": "同意"}))
        .await;
    assert_eq!(local(t["due_at"].as_str().unwrap()), "2026-12-31 17:30");
    assert!(t["extension"].is_null());
    // A second request, refused: the deadline stays.
    app.must(
        &id,
        "extend",
        &l,
        json!({"until": "2027-01-29T09:30:00Z", "reason": "再延"}),
    )
    .await;
    let t = app
        .must(&id, "extend/refuse", &s, json!({"reason": "不予延期"}))
        .await;
    assert_eq!(local(t["due_at"].as_str().unwrap()), "2026-12-31 17:30");
    // After the deadline an extension can no longer be asked for.
    app.send(
        reqwest::Method::POST,
        "/api/v1/test/clock",
        Some(&app.admin()),
        Some(&json!({"advance_minutes": 60 * 24 * 40})),
        &[],
    )
    .await;
    app.action(
        &id,
        "extend",
        &l,
        json!({"until": "2027-03-01T09:30:00Z", "reason": "r"}),
    )
    .await
    .assert_problem(409, "invalid_transition");
    let kinds: Vec<String> = app
        .events(&id)
        .await
        .iter()
        .map(|e| e["action"].as_str().unwrap().to_string())
        .collect();
    for k in ["extend_requested", "extend_approved", "extend_refused"] {
        assert!(kinds.contains(&k.to_string()), "{kinds:?}");
    }
}

#[tokio::test]
async fn no_info_ticket_replenish_and_knowledge_results() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = app.no_info().await;
    let t = app.ticket(&id).await;
    assert_eq!(t["status"], "dispatched");
    assert_eq!(t["department"], ZFB);
    let l = app.liaison(ZFB);
    let body = json!({
        "new_department": {"name": "昆明市滇池管理局", "region": "530100",
            "phones": [{"label": "办公室", "number": "0871-63100000"}], "address": "昆明市滇池路1号"},
        "question": "昆明市滇池管理局电话", "answer": "0871-63100000", "note": "新机构"
    });
    // Not before it is accepted; a no-info ticket has no plain reply.
    app.action(&id, "replenish", &l, body.clone())
        .await
        .assert_problem(409, "invalid_transition");
    app.must(&id, "accept", &l, json!({})).await;
    app.action(&id, "reply", &l, json!({"body": "x"}))
        .await
        .assert_problem(409, "invalid_transition");
    // Only the liaison may replenish.
    app.action(&id, "replenish", &app.supervisor(), body.clone())
        .await
        .assert_problem(403, "forbidden");
    let t = app.must(&id, "replenish", &l, body).await;
    assert_eq!(t["status"], "replied");
    // The relay posts the change request to knowledge and records its id.
    eventually(5, "the change_request_created event", || async {
        app.events(&id).await.iter().any(|e| {
            e["action"] == "change_request_created" && e["data"]["change_request_id"] == 77
        })
    })
    .await;
    let cr: Vec<_> = peer
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v1/change-requests")
        .collect();
    assert_eq!(cr[0].body["ticket_id"], id);
    assert_eq!(cr[0].body["region"], "530100");
    assert_eq!(cr[0].body["submitted_by"], "liaison-530100-zfb");
    assert_eq!(cr[0].body["new_department"]["name"], "昆明市滇池管理局");
    assert!(cr[0].key.as_deref().unwrap().starts_with("tickets-outbox-"));

    let svc = app.service();
    // Rejected: back to accepted with the reason.
    let t = app
        .must(
            &id,
            "knowledge-result",
            &svc,
            json!({"change_request_id": 77, "outcome": "rejected", "reason": "电话无法核实"}),
        )
        .await;
    assert_eq!(t["status"], "accepted");
    let ev = app.events(&id).await;
    let last = ev.last().unwrap();
    assert_eq!(last["action"], "knowledge_rejected");
    assert_eq!(last["data"]["reason"], "电话无法核实");
    // The same report again changes nothing.
    let again = app
        .must(
            &id,
            "knowledge-result",
            &svc,
            json!({"change_request_id": 77, "outcome": "rejected", "reason": "电话无法核实"}),
        )
        .await;
    assert_eq!(again["status"], "accepted");
    assert_eq!(app.events(&id).await.len(), ev.len());
    // Tried again and applied: closed with the entry's code.
    app.must(
        &id,
        "replenish",
        &l,
        json!({"department_code": "530100-dcglj", "answer": "0871-63100000", "note": "再次提交"}),
    )
    .await;
    // An answer alone answers the caller's own question: the request carries the query.
    eventually(5, "the change request posted", || async {
        peer.calls().iter().any(|c| {
            c.path == "/api/v1/change-requests"
                && c.body["answer"] == "0871-63100000"
                && c.body["note"] == "再次提交"
                && c.body["question"] == "昆明市滇池管理局电话"
        })
    })
    .await;
    let t = app
        .must(
            &id,
            "knowledge-result",
            &svc,
            json!({"change_request_id": 78, "outcome": "applied", "entry_code": "530100-dcglj-faq-1"}),
        )
        .await;
    assert_eq!(t["status"], "closed");
    assert_eq!(t["entry_code"], "530100-dcglj-faq-1");
    let last = app.events(&id).await.last().unwrap().clone();
    assert_eq!(last["action"], "knowledge_applied");
    assert_eq!(last["data"]["entry_code"], "530100-dcglj-faq-1");
    // Only services report knowledge results.
    app.action(
        &id,
        "knowledge-result",
        &app.supervisor(),
        json!({"change_request_id": 79, "outcome": "applied"}),
    )
    .await
    .assert_problem(403, "forbidden");
    // The replenishment report counts it, with the time to the answer.
    let r = app
        .get("/api/v1/reports/replenishment", &app.supervisor())
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let region = &r.body["regions"][0];
    assert_eq!(region["region"], "530100");
    assert_eq!(region["opened"], 1);
    assert_eq!(region["closed"], 1);
    assert_eq!(
        region["median_seconds_to_answer"], 0,
        "the test clock did not move"
    );
    app.get("/api/v1/reports/replenishment", &app.operator())
        .await
        .assert_problem(403, "forbidden");
}

/// Issue 17: a complaint is closed with its cause (A policy, B handling, C attitude); a
/// supervisor sets or corrects it at any time, the event keeping the old and the new; the
/// list filters by it.
#[tokio::test]
async fn a_complaint_closes_with_its_cause_which_a_supervisor_may_correct() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let s = app.supervisor();
    let mut body = complaint_body(false);
    body.as_object_mut().unwrap().remove("cause");
    let id = app.create(body).await["id"].as_str().unwrap().to_string();
    let res = app
        .action(&id, "close", &s, json!({"note": "来电人撤诉"}))
        .await;
    res.assert_problem(400, "bad_request");
    assert!(
        res.body["detail"].as_str().unwrap().contains("cause"),
        "{}",
        res.body
    );
    assert_eq!(app.ticket(&id).await["status"], "new");
    // Only complaints have a cause; only supervisors set it.
    let ni = app.no_info().await;
    app.action(&ni, "cause", &s, json!({"cause": "policy"}))
        .await
        .assert_problem(409, "invalid_transition");
    app.action(&id, "cause", &app.operator(), json!({"cause": "policy"}))
        .await
        .assert_problem(403, "forbidden");
    app.action(&id, "cause", &s, json!({"cause": "rude"}))
        .await
        .assert_problem(400, "");
    // Closed with its cause given on the way.
    let t = app
        .must(
            &id,
            "close",
            &s,
            json!({"note": "来电人撤诉", "cause": "handling"}),
        )
        .await;
    assert_eq!(t["status"], "closed");
    assert_eq!(t["cause"], "handling");
    // Corrected afterwards: the event says from what to what.
    let t = app
        .must(
            &id,
            "cause",
            &s,
            json!({"cause": "attitude", "note": "复核录音，属态度问题", "attitude_of": "liaison:530100-gaj"}),
        )
        .await;
    assert_eq!(t["cause"], "attitude");
    assert_eq!(t["attitude_of"], "liaison:530100-gaj");
    assert_eq!(t["status"], "closed");
    let ev = app.events(&id).await;
    let set = ev.iter().find(|e| e["action"] == "cause_set").unwrap();
    assert_eq!(set["data"]["from"], "handling");
    assert_eq!(set["data"]["to"], "attitude");
    // The list by cause.
    let other = app.complaint(false).await;
    let list = app.get("/api/v1/tickets?cause=attitude", &s).await;
    assert_eq!(list.body["total"], 1, "{}", list.body);
    assert_eq!(list.body["items"][0]["id"], id.as_str());
    let list = app.get("/api/v1/tickets?cause=handling", &s).await;
    assert_eq!(list.body["items"][0]["id"], other.as_str());
    app.get("/api/v1/tickets?cause=rude", &s)
        .await
        .assert_problem(400, "");
}

/// Issue 18: a department that answered by fax, phone or on paper has its reply recorded by
/// the centre (代回复): the ticket is replied as if the liaison had answered, the centre and
/// the caller hear of it, and the event says who recorded it and who replied.
#[tokio::test]
async fn the_centre_records_a_reply_a_department_gave_by_fax() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let s = app.supervisor();
    let id = app.complaint(true).await;
    app.must(&id, "dispatch", &s, json!({"department": GAJ}))
        .await;
    let body = json!({"body": "已约谈窗口负责人，书面致歉。", "channel": "fax",
                      "replied_by": "王科长（办公室）"});
    // Only supervisors; not a channel of the system itself; not a no-info ticket.
    app.action(&id, "reply-on-behalf", &app.liaison(GAJ), body.clone())
        .await
        .assert_problem(403, "forbidden");
    let mut system = body.clone();
    system["channel"] = json!("system");
    app.action(&id, "reply-on-behalf", &s, system)
        .await
        .assert_problem(400, "bad_request");
    let ni = app.no_info().await;
    app.action(&ni, "reply-on-behalf", &s, body.clone())
        .await
        .assert_problem(409, "invalid_transition");
    // Recorded before the liaison even signed for it in the system.
    let t = app.must(&id, "reply-on-behalf", &s, body).await;
    assert_eq!(t["status"], "replied");
    assert_eq!(t["reply"], "已约谈窗口负责人，书面致歉。");
    let ev = app.events(&id).await;
    let reply = ev.iter().find(|e| e["action"] == "reply").unwrap();
    assert_eq!(reply["actor"], "sup1");
    assert_eq!(reply["role"], "supervisor");
    assert_eq!(reply["data"]["on_behalf"], true);
    assert_eq!(reply["data"]["channel"], "fax");
    assert_eq!(reply["data"]["replied_by"], "王科长（办公室）");
    // The centre's copies and the caller's mail go as for a liaison's reply.
    testkit::eventually(5, "the reply's notifications", || async {
        let sent = peer.notifications_for(&id);
        sent.iter()
            .filter(|n| n.body["template"] == "liaison_reply")
            .count()
            == 2
            && sent.iter().any(|n| n.body["template"] == "caller_reply")
    })
    .await;
}

/// Issue 17: a ticket from a caller who complained about the same department within the
/// repeat window (30 days) is a repeat (重复件): it names the earlier ones, newest first, on its
/// answer and in its `created` event; another department or an older ticket does not count.
#[tokio::test]
async fn a_repeat_complaint_names_the_earlier_ones() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let s = app.supervisor();
    let first = app.complaint(false).await;
    app.clock.advance(chrono::Duration::days(31));
    let second = app.complaint(false).await;
    assert!(
        app.ticket(&second).await["repeat_of"]
            .as_array()
            .unwrap()
            .is_empty(),
        "31 days on: not a repeat"
    );
    app.clock.advance(chrono::Duration::days(2));
    // The same caller, written another way, about the same department.
    let mut body = complaint_body(false);
    body["caller"]["phone"] = json!("+86 139 1234 1234");
    let third = app.create(body).await["id"].as_str().unwrap().to_string();
    let t = app.get(&format!("/api/v1/tickets/{third}"), &s).await;
    assert_eq!(t.body["repeat_of"], json!([second]), "{}", t.body);
    let ev = app.events(&third).await;
    assert_eq!(ev[0]["data"]["repeat_of"], json!([second]));
    // Another department: not a repeat.
    let mut other = complaint_body(false);
    other["department"] = json!(RSJ);
    let fourth = app.create(other).await["id"].as_str().unwrap().to_string();
    assert!(
        app.ticket(&fourth).await["repeat_of"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let _ = first;
}
