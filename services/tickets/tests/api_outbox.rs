//! The outbox relay against a real HTTP server standing in for notify and knowledge: who is
//! notified of what, with which idempotency keys, and that nothing is lost while the peer is
//! down.

mod common;

use std::time::Duration;

use common::*;
use serde_json::json;

#[tokio::test]
async fn urgent_complaint_faxes_and_mails_the_liaisons_and_the_reply_goes_to_the_centre() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let id = app.complaint(true).await;
    // Issue 18: an urgent complaint waiting for dispatch alerts the supervisors at once, by
    // e-mail and SMS, with the ticket number in the subject's data.
    eventually(5, "the supervisors alerted", || async {
        peer.notifications_for(&id).len() == 3
    })
    .await;
    let alerts = peer.notifications_for(&id);
    let mut to: Vec<(&str, &str, &str)> = alerts
        .iter()
        .map(|n| {
            (
                n.body["template"].as_str().unwrap(),
                n.body["channel"].as_str().unwrap(),
                n.body["to"].as_str().unwrap(),
            )
        })
        .collect();
    to.sort();
    assert_eq!(
        to,
        vec![
            ("sms_urgent_alert", "sms", "13800000001"),
            ("urgent_alert", "email", "boss@hotline.example"),
            ("urgent_alert", "email", "deputy@hotline.example"),
        ]
    );
    assert!(
        alerts
            .iter()
            .all(|n| n.body["data"]["ticket_id"] == id.as_str())
    );
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;
    let of = |template: &'static str| {
        let peer = &peer;
        let id = id.clone();
        move || {
            peer.notifications_for(&id)
                .into_iter()
                .filter(|n| n.body["template"] == template)
                .collect::<Vec<_>>()
        }
    };
    eventually(5, "fax, mail and SMS to the liaisons", || async {
        of("urgent_complaint")().len() == 4 && of("sms_dispatch")().len() == 1
    })
    .await;
    // Both liaisons share one mobile number: one text.
    assert_eq!(of("sms_dispatch")()[0].body["to"], "13900000000");
    let sent = of("urgent_complaint")();
    let mut faxes: Vec<&str> = sent
        .iter()
        .filter(|n| n.body["channel"] == "fax")
        .map(|n| n.body["to"].as_str().unwrap())
        .collect();
    faxes.sort();
    assert_eq!(faxes, vec!["0871-60000001", "0871-60000002"]);
    let mut mails: Vec<&str> = sent
        .iter()
        .filter(|n| n.body["channel"] == "email")
        .map(|n| n.body["to"].as_str().unwrap())
        .collect();
    mails.sort();
    assert_eq!(
        mails,
        vec!["1.530100-gaj@example.org", "2.530100-gaj@example.org"]
    );
    for n in &sent {
        assert_eq!(n.body["template"], "urgent_complaint");
        assert_eq!(n.body["data"]["ticket_id"], id.as_str());
        assert_eq!(n.body["data"]["department_name"], "部门 530100-gaj");
        assert_eq!(n.body["data"]["urgent"], "true");
        assert!(
            n.body["data"]["due_at"]
                .as_str()
                .unwrap()
                .starts_with("2026-")
        );
        let key = n.key.as_deref().unwrap();
        assert!(key.ends_with("-0") || key.ends_with("-1"), "{key}");
    }
    // The reply goes back to the hotline centre by fax, and to the caller by e-mail.
    let l = app.liaison(GAJ);
    app.must(&id, "accept", &l, json!({})).await;
    app.must(&id, "reply", &l, json!({"body": "已约谈窗口负责人并整改"}))
        .await;
    eventually(5, "the centre's fax and mail, and the caller's", || async {
        of("liaison_reply")().len() == 2 && of("caller_reply")().len() == 1
    })
    .await;
    let mut centre: Vec<(String, String)> = of("liaison_reply")()
        .iter()
        .map(|n| (n.body["channel"].to_string(), n.body["to"].to_string()))
        .collect();
    centre.sort();
    assert_eq!(
        centre,
        vec![
            (
                "\"email\"".to_string(),
                "\"centre@hotline.example\"".to_string()
            ),
            ("\"fax\"".to_string(), "\"0871-96128\"".to_string()),
        ]
    );
    assert_eq!(
        of("liaison_reply")()[0].body["data"]["reply"],
        "已约谈窗口负责人并整改"
    );
    let sent = peer.notifications_for(&id);
    let caller = sent
        .iter()
        .find(|n| n.body["template"] == "caller_reply")
        .unwrap();
    assert_eq!(caller.body["to"], "caller@example.org");
    // The relay marks a row sent after notify has answered: wait for it, as the other
    // outbox tests do (it raced the check once under load).
    eventually(5, "app.outbox_pending().await == 0", || async {
        app.outbox_pending().await == 0
    })
    .await;

    // Notify reports deliveries back; a repeated report is recorded once.
    let svc = app.service();
    let report = json!({"notification_id": "n-1", "channel": "fax", "to": "0871-96128", "status": "sent", "provider_id": "fax-9"});
    let res = app.action(&id, "delivery", &svc, report.clone()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["recorded"], true);
    let res = app.action(&id, "delivery", &svc, report).await;
    assert_eq!(res.body["recorded"], false);
    let deliveries: Vec<_> = app
        .events(&id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "delivery")
        .collect();
    assert_eq!(deliveries.len(), 1);
    assert_eq!(deliveries[0]["data"]["provider_id"], "fax-9");
    // Liaisons see the recipient of deliveries masked (it may be the caller's address).
    let res = app
        .get(&format!("/api/v1/tickets/{id}/events"), &app.liaison(GAJ))
        .await;
    let d = res
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "delivery")
        .unwrap()
        .clone();
    assert_eq!(d["data"]["to"], "***");
    // Only services may report.
    app.action(
        &id,
        "delivery",
        &app.supervisor(),
        json!({"notification_id": "n-2", "channel": "fax", "to": "x", "status": "dead"}),
    )
    .await
    .assert_problem(403, "forbidden");
}

#[tokio::test]
async fn ordinary_dispatch_and_no_info_mail_the_liaisons() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let ni = app.no_info().await;
    // Two mails and a text asking the government office to sign for it (one shared mobile).
    eventually(5, "peer.notifications_for(&ni).len() == 3", || async {
        peer.notifications_for(&ni).len() == 3
    })
    .await;
    let sent = peer.notifications_for(&ni);
    let (texts, mails): (Vec<_>, Vec<_>) = sent.iter().partition(|n| n.body["channel"] == "sms");
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].body["template"], "sms_dispatch");
    for n in mails {
        assert_eq!(n.body["template"], "no_info_request");
        assert_eq!(n.body["channel"], "email");
        assert!(
            n.body["to"]
                .as_str()
                .unwrap()
                .ends_with(".530100-zfb@example.org")
        );
        assert_eq!(n.body["data"]["query"], "昆明市滇池管理局电话");
    }
    let id = app.complaint(false).await;
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": RSJ}),
    )
    .await;
    eventually(5, "peer.notifications_for(&id).len() == 3", || async {
        peer.notifications_for(&id).len() == 3
    })
    .await;
    assert!(peer.notifications_for(&id).iter().all(|n| {
        (n.body["template"] == "dispatch" && n.body["channel"] == "email")
            || (n.body["template"] == "sms_dispatch" && n.body["channel"] == "sms")
    }));
    // A non-urgent reply without a caller e-mail notifies nobody.
    let mut body = complaint_body(false);
    body["caller"].as_object_mut().unwrap().remove("email");
    let quiet = app.create(body).await["id"].as_str().unwrap().to_string();
    app.must(
        &quiet,
        "dispatch",
        &app.supervisor(),
        json!({"department": RSJ}),
    )
    .await;
    let l = app.liaison(RSJ);
    app.must(&quiet, "accept", &l, json!({})).await;
    app.must(&quiet, "reply", &l, json!({"body": "答复"})).await;
    eventually(5, "app.outbox_pending().await == 0", || async {
        app.outbox_pending().await == 0
    })
    .await;
    assert_eq!(
        peer.notifications_for(&quiet).len(),
        3,
        "only the dispatch mails and text"
    );
}

#[tokio::test]
async fn relay_survives_the_peer_being_down_then_up() {
    let port = free_port();
    let app = spawn_app(&format!("http://127.0.0.1:{port}")).await;
    // Created while nothing listens: the ticket is taken, the mail waits in the outbox.
    let ni = app.no_info().await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(app.outbox_pending().await, 2, "the mail and the text");
    let peer = Peer::start_at(port).await;
    eventually(10, "peer.notifications_for(&ni).len() == 3", || async {
        peer.notifications_for(&ni).len() == 3
    })
    .await;
    eventually(5, "app.outbox_pending().await == 0", || async {
        app.outbox_pending().await == 0
    })
    .await;

    // Down again, this time answering 503; an urgent dispatch cannot be checked (503) ...
    peer.set_down(true);
    let id = app.complaint(true).await;
    app.action(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await
    .assert_problem(503, "service_unavailable");
    // ... but once dispatched, notifications wait through an outage of notify.
    peer.set_down(false);
    app.must(
        &id,
        "dispatch",
        &app.supervisor(),
        json!({"department": GAJ}),
    )
    .await;
    peer.set_down(true);
    tokio::time::sleep(Duration::from_millis(400)).await;
    peer.set_down(false);
    // The supervisors' three alerts, then two faxes, two mails and a text to the liaisons.
    eventually(10, "peer.notifications_for(&id).len() == 8", || async {
        peer.notifications_for(&id).len() == 8
    })
    .await;
    eventually(5, "app.outbox_pending().await == 0", || async {
        app.outbox_pending().await == 0
    })
    .await;
    // Each message went out under one key, however often it was tried.
    let keys: Vec<_> = peer
        .notifications()
        .iter()
        .map(|n| n.key.clone().unwrap())
        .collect();
    assert_eq!(keys.len(), 11);
}

#[tokio::test]
async fn change_request_waits_for_knowledge() {
    let port = free_port();
    let app = spawn_app(&format!("http://127.0.0.1:{port}")).await;
    let ni = app.no_info().await;
    let z = app.liaison(ZFB);
    app.must(&ni, "accept", &z, json!({})).await;
    app.must(&ni, "replenish", &z, json!({"department_code": "530100-dcglj", "question": "滇池管理局电话", "answer": "0871-63100000", "note": "补充"}))
        .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(
        !app.events(&ni)
            .await
            .iter()
            .any(|e| e["action"] == "change_request_created")
    );
    let peer = Peer::start_at(port).await;
    eventually(10, "the change_request_created event", || async {
        app.events(&ni)
            .await
            .iter()
            .any(|e| e["action"] == "change_request_created")
    })
    .await;
    let posted: Vec<_> = peer
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v1/change-requests")
        .collect();
    let keys: std::collections::BTreeSet<_> = posted.iter().map(|c| c.key.clone()).collect();
    assert_eq!(keys.len(), 1, "one change request, however often posted");
    assert_eq!(posted[0].body["department_code"], "530100-dcglj");
    assert_eq!(posted[0].body["ticket_id"], ni.as_str());
}

#[tokio::test]
async fn a_notification_notify_refuses_is_marked_failed_on_the_ticket() {
    let peer = Peer::start().await;
    let app = spawn_app_with(
        &peer.url,
        Some(default_start()),
        &[("centre_fax", "reject-me")],
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
    app.must(&id, "reply", &l, json!({"body": "已处理"})).await;
    eventually(5, "the notification_failed event", || async {
        app.events(&id)
            .await
            .iter()
            .any(|e| e["action"] == "notification_failed")
    })
    .await;
    let failed = app
        .events(&id)
        .await
        .into_iter()
        .find(|e| e["action"] == "notification_failed")
        .unwrap();
    assert!(failed["data"]["error"].as_str().unwrap().contains("400"));
    // The other messages went out; nothing is left pending, nothing retried forever.
    eventually(5, "app.outbox_pending().await == 0", || async {
        app.outbox_pending().await == 0
    })
    .await;
    assert!(
        peer.notifications_for(&id)
            .iter()
            .any(|n| n.body["template"] == "caller_reply")
    );
}

#[tokio::test]
async fn two_replicas_escalate_once_and_send_each_message_once() {
    let peer = Peer::start().await;
    let a = spawn_app(&peer.url).await;
    let b = spawn_replica(&a, &peer.url).await;
    let id = a.complaint(false).await;
    b.must(&id, "dispatch", &b.supervisor(), json!({"department": GAJ}))
        .await;
    // Both replicas scan and relay; the clock they share passes the accept deadline.
    a.clock.advance(chrono::Duration::days(3));
    eventually(5, "two overdue_escalation notifications", || async {
        peer.notifications_for(&id)
            .iter()
            .filter(|n| n.body["template"] == "overdue_escalation")
            .count()
            == 2
    })
    .await;
    tokio::time::sleep(Duration::from_millis(800)).await;
    let escalated = b
        .events(&id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "escalated")
        .count();
    assert_eq!(escalated, 1);
    // Every message was posted exactly once: the replicas never held the same outbox row.
    let posts: Vec<_> = peer
        .calls()
        .into_iter()
        .filter(|c| c.path == "/api/v1/notifications")
        .collect();
    let keys: std::collections::BTreeSet<_> = posts.iter().map(|c| c.key.clone()).collect();
    assert_eq!(posts.len(), keys.len());
    assert_eq!(
        keys.len(),
        5,
        "2 dispatch mails + 1 text + 2 escalation mails"
    );
}
