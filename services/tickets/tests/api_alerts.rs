//! Issue 18: the hotline chases tickets by itself. An urgent complaint nobody dispatches goes
//! to the operator's department after the configured wait; a department is reminded before its
//! deadline, once; a liaison whose facts are rejected is told why; a reply for the centre waits
//! (and says so on the ticket) while the centre has no address.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::json;

/// The notifications of `template` the peer received for ticket `id`.
fn sent(peer: &Peer, id: &str, template: &str) -> Vec<Recorded> {
    peer.notifications_for(id)
        .into_iter()
        .filter(|n| n.body["template"] == template)
        .collect()
}

#[tokio::test]
async fn an_urgent_complaint_left_alone_is_dispatched_to_the_operators_department() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let waiting = app.complaint(true).await;
    let taken = app.complaint(true).await;
    app.must(
        &taken,
        "dispatch",
        &app.supervisor(),
        json!({"department": RSJ}),
    )
    .await;
    // Fourteen minutes: still the supervisors' to dispatch.
    app.clock.advance(chrono::Duration::minutes(14));
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(app.ticket(&waiting).await["status"], "new");
    // Fifteen: dispatched to the department the operator named, and the event says so.
    app.clock.advance(chrono::Duration::minutes(1));
    eventually(5, "the waiting complaint dispatched", || async {
        app.ticket(&waiting).await["status"] == "dispatched"
    })
    .await;
    let t = app.ticket(&waiting).await;
    assert_eq!(t["department"], GAJ);
    let ev = app.events(&waiting).await;
    let auto = ev.iter().find(|e| e["action"] == "dispatch").unwrap();
    assert_eq!(auto["actor"], "system");
    assert_eq!(auto["data"]["automatic"], true);
    assert_eq!(auto["data"]["waited_minutes"], 15);
    // The liaisons get it as from a supervisor's dispatch; the other ticket is untouched.
    eventually(5, "the liaisons' fax and mail", || async {
        sent(&peer, &waiting, "urgent_complaint").len() == 4
    })
    .await;
    let taken_events = app.events(&taken).await;
    assert_eq!(
        taken_events
            .iter()
            .filter(|e| e["action"] == "dispatch")
            .count(),
        1
    );
}

#[tokio::test]
async fn a_department_is_reminded_once_a_working_day_and_once_two_hours_before() {
    let peer = Peer::start().await;
    // Thursday 2026-11-26 10:00 China time.
    let app = spawn_app_with(&peer.url, Some(cst("2026-11-26 10:00")), &[]).await;
    let id = app.complaint(false).await;
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;
    let l = app.liaison(GAJ);
    app.must(&id, "accept", &l, json!({})).await;
    let due = app.ticket(&id).await["due_at"]
        .as_str()
        .unwrap()
        .parse::<chrono::DateTime<chrono::Utc>>()
        .unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert!(sent(&peer, &id, "deadline_reminder").is_empty(), "not yet");
    // The working day before the deadline (due at close of day: the same time a day earlier).
    app.clock
        .set(due - chrono::Duration::days(1) + chrono::Duration::minutes(1));
    let reminders = |n: usize| {
        let (peer, id) = (&peer, id.clone());
        async move {
            sent(peer, &id, "deadline_reminder").len() == n
                && sent(peer, &id, "sms_deadline_reminder").len() == n / 2
        }
    };
    eventually(5, "the day-ahead reminder", || reminders(2)).await;
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert!(reminders(2).await, "sent once");
    // Two working hours before: the second.
    app.clock.set(due - chrono::Duration::minutes(119));
    eventually(5, "the two-hour reminder", || reminders(4)).await;
    let ev = app.events(&id).await;
    let before: Vec<&str> = ev
        .iter()
        .filter(|e| e["action"] == "reminded")
        .map(|e| e["data"]["before"].as_str().unwrap())
        .collect();
    assert_eq!(before, vec!["1d", "2h"]);
    // A replied ticket is not reminded.
    app.must(&id, "reply", &l, json!({"body": "已处理"})).await;
}

#[tokio::test]
async fn a_liaison_whose_facts_are_rejected_is_told_why() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = app.no_info().await;
    let l = app.liaison(ZFB);
    app.must(&id, "accept", &l, json!({})).await;
    app.must(
        &id,
        "replenish",
        &l,
        json!({"department_code": "530100-dcglj", "answer": "0871-63100000", "note": "核实"}),
    )
    .await;
    app.must(
        &id,
        "knowledge-result",
        &app.service(),
        json!({"change_request_id": 77, "outcome": "rejected", "reason": "电话无法核实"}),
    )
    .await;
    eventually(5, "the rejection mails", || async {
        sent(&peer, &id, "facts_rejected").len() == 2
    })
    .await;
    for n in sent(&peer, &id, "facts_rejected") {
        assert_eq!(n.body["channel"], "email");
        assert_eq!(n.body["data"]["reason"], "电话无法核实");
        assert!(
            n.body["to"]
                .as_str()
                .unwrap()
                .ends_with(".530100-zfb@example.org")
        );
    }
}

#[tokio::test]
async fn a_reply_for_a_centre_without_addresses_waits_and_says_so() {
    let peer = Peer::start().await;
    let app = spawn_app_with(
        &peer.url,
        Some(default_start()),
        &[("centre_fax", ""), ("centre_email", "")],
    )
    .await;
    let id = app.complaint(true).await;
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;
    let l = app.liaison(GAJ);
    app.must(&id, "accept", &l, json!({})).await;
    app.must(&id, "reply", &l, json!({"body": "已整改"})).await;
    eventually(5, "the waiting event", || async {
        app.events(&id)
            .await
            .iter()
            .any(|e| e["action"] == "notification_waiting")
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    // Nothing went to the centre, the messages are still pending, and the ticket says once
    // which settings are missing.
    assert!(sent(&peer, &id, "liaison_reply").is_empty());
    assert!(app.outbox_pending().await >= 2);
    let waiting: Vec<_> = app
        .events(&id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "notification_waiting")
        .collect();
    assert_eq!(waiting.len(), 2, "one per message: fax and e-mail");
    let reasons: String = waiting
        .iter()
        .map(|e| e["data"]["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(
        reasons.contains("HOTLINE_CENTRE_FAX") && reasons.contains("HOTLINE_CENTRE_EMAIL"),
        "{reasons}"
    );
}
