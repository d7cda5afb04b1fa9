//! Journey 4: on a clock the test controls, a dispatched ticket nobody accepts passes its
//! deadline, is listed as overdue, and is escalated to the supervisors once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use e2e::journeys::ticket;
use e2e::{Options, SUPERVISOR_EMAIL, Stack, eventually, get, post};
use serde_json::{Value, json};
use shared::auth::Role;

fn at(v: &Value) -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap()
}

async fn escalations(stack: &Stack, supervisor: &str, id: &str) -> usize {
    let evs = get(
        &stack.http,
        &stack.t(&format!("/api/v1/tickets/{id}/events")),
        supervisor,
    )
    .await;
    evs.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "escalated")
        .count()
}

#[tokio::test]
async fn an_unaccepted_ticket_is_escalated_once() {
    // Friday 2026-11-27 09:00 China time.
    let stack = Stack::start(Options {
        clock: Some("2026-11-27T01:00:00Z".into()),
        ..Options::default()
    })
    .await;
    let http = &stack.http;
    let operator = stack.login_as("op-late", "operator", None).await;
    let supervisor = stack.login_as("sup-late", "supervisor", None).await;
    let liaison = stack.token(Role::Liaison, Some("530100-jtj"));

    let new = |summary: &str| {
        json!({"type": "complaint", "summary": summary, "details": "", "region": "530100",
               "department": "530100-jtj", "caller": {"phone": "13700001234"}})
    };
    let late = post(
        http,
        &stack.t("/api/v1/tickets"),
        &operator,
        new("公交站牌损坏无人修"),
    )
    .await;
    let ontime = post(
        http,
        &stack.t("/api/v1/tickets"),
        &operator,
        new("红绿灯时间太短"),
    )
    .await;
    let (late_id, ontime_id) = (
        late["id"].as_str().unwrap().to_string(),
        ontime["id"].as_str().unwrap().to_string(),
    );
    for id in [&late_id, &ontime_id] {
        let d = post(
            http,
            &stack.t(&format!("/api/v1/tickets/{id}/dispatch")),
            &supervisor,
            json!({"department": "530100-jtj"}),
        )
        .await;
        assert_eq!(d["status"], "dispatched");
    }
    // The department accepts one of them in time.
    post(
        http,
        &stack.t(&format!("/api/v1/tickets/{ontime_id}/accept")),
        &liaison,
        json!({}),
    )
    .await;

    let t = ticket(&stack, &supervisor, &late_id).await;
    assert_eq!(t["overdue"], false);
    let accept_due = at(&t["accept_due_at"]);
    let now = at(&json!("2026-11-27T01:00:00Z"));
    assert!(accept_due > now, "{t}");
    // Accept within one working day: by the end of Monday's working hours at the latest.
    assert!(
        accept_due <= at(&json!("2026-11-30T09:30:00Z")),
        "accept due {accept_due}"
    );
    let none = get(http, &stack.t("/api/v1/tickets?overdue=true"), &supervisor).await;
    assert_eq!(none["total"], 0, "{none}");

    // Move the clock one minute past the acceptance deadline.
    let minutes = (accept_due - now).num_minutes() + 1;
    stack.advance_clock(minutes).await;

    let t = ticket(&stack, &supervisor, &late_id).await;
    assert_eq!(t["overdue"], true, "{t}");
    let listed = get(http, &stack.t("/api/v1/tickets?overdue=true"), &supervisor).await;
    let ids: Vec<&str> = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [late_id.as_str()],
        "only the unaccepted ticket is overdue: {listed}"
    );
    assert_eq!(listed["items"][0]["overdue"], true);

    // One escalation e-mail to the supervisors, naming the ticket.
    let mail = stack
        .smtp
        .wait_for(SUPERVISOR_EMAIL, "overdue escalation", |m| {
            m.subject().contains(&late_id) || m.text().contains(&late_id)
        })
        .await;
    println!(
        "escalation e-mail: {} / {}",
        mail.subject(),
        mail.text().lines().next().unwrap_or_default()
    );
    eventually(10, "the escalated event", || async {
        (escalations(&stack, &supervisor, &late_id).await == 1).then_some(())
    })
    .await;

    // Later scans (every 300 ms here), even an hour later, do not escalate it again.
    tokio::time::sleep(Duration::from_secs(2)).await;
    stack.advance_clock(60).await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        escalations(&stack, &supervisor, &late_id).await,
        1,
        "one escalation per deadline"
    );
    assert_eq!(escalations(&stack, &supervisor, &ontime_id).await, 0);
    assert_eq!(
        stack.smtp.mails_to(SUPERVISOR_EMAIL).len(),
        1,
        "exactly one e-mail to the supervisors"
    );

    // The clock is a test device: without a manual clock the endpoint does not exist (checked
    // in tickets' own tests); a non-admin may not move it.
    let (s, _) = e2e::send(
        http,
        reqwest::Method::POST,
        &stack.t("/api/v1/test/clock"),
        &supervisor,
        Some(json!({"advance_minutes": 5})),
    )
    .await;
    assert_eq!(s, 403);
}
