//! Journey 5: faults. Notify down during an urgent complaint loses nothing and doubles
//! nothing; knowledge down during intake still takes the ticket.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use e2e::journeys::{events, liaisons_of, ticket};
use e2e::{CENTRE_FAX, Options, SUPERVISOR_EMAIL, Stack, eventually, get, post, send};
use serde_json::json;
use shared::auth::Role;

const DEPT: &str = "530100-rsj";

#[tokio::test]
async fn notify_down_during_an_urgent_complaint_loses_nothing() {
    let mut stack = Stack::start(Options::default()).await;
    let operator = stack.login_as("op-fault", "operator", None).await;
    let supervisor = stack.login_as("sup-fault", "supervisor", None).await;
    let liaison = stack.token(Role::Liaison, Some(DEPT));
    let people = liaisons_of(DEPT);
    let http = stack.http.clone();

    let created = post(
        &http,
        &stack.t("/api/v1/tickets"),
        &operator,
        json!({"type": "complaint", "urgent": true, "summary": "医保报销被拖延三个月", "details": "",
               "region": "530100", "department": DEPT, "caller": {"phone": "13611112222"}}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();

    // Notify goes down (SIGKILL), then the complaint is dispatched.
    stack.notify[0].kill();
    let d = post(
        &http,
        &stack.t(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        json!({"department": DEPT}),
    )
    .await;
    assert_eq!(
        d["status"], "dispatched",
        "dispatch does not wait for notify"
    );
    // The relay keeps trying meanwhile; nothing can arrive.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(stack.faxes().is_empty() && stack.smtp.mails().is_empty());

    // Notify comes back: the fax and the e-mails arrive.
    stack.notify[0].restart().await;
    let fax = &people[0].fax;
    eventually(30, "the fax after notify restarted", || async {
        (!stack.faxes_to(fax).is_empty()).then_some(())
    })
    .await;
    for p in &people {
        stack
            .smtp
            .wait_for(&p.email, "the e-mail after notify restarted", |m| {
                m.text().contains(&id) || m.subject().contains(&id)
            })
            .await;
    }
    stack
        .smtp
        .wait_for(
            SUPERVISOR_EMAIL,
            "the supervisors' alert after notify restarted",
            |m| m.subject().contains(&id),
        )
        .await;
    // A kill between the SMTP server's acceptance and notify's record of it would send
    // that mail again after the restart (at least once, by design); the test kills notify
    // again only when every message of the first round is recorded as sent.
    eventually(
        30,
        "every first-round notification recorded as sent",
        || async {
            let page = get(
                &http,
                &stack.n(&format!("/api/v1/notifications?ticket_id={id}")),
                &supervisor,
            )
            .await;
            let items = page["items"].as_array().cloned().unwrap_or_default();
            (items.len() >= 2 + people.len() && items.iter().all(|n| n["status"] == "sent"))
                .then_some(())
        },
    )
    .await;

    // Down again while the liaison replies: the reply fax reaches the centre later.
    post(
        &http,
        &stack.t(&format!("/api/v1/tickets/{id}/accept")),
        &liaison,
        json!({}),
    )
    .await;
    stack.notify[0].kill();
    post(
        &http,
        &stack.t(&format!("/api/v1/tickets/{id}/reply")),
        &liaison,
        json!({"body": "已核实并加急办理报销。"}),
    )
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    stack.notify[0].restart().await;
    eventually(30, "the centre's fax after notify restarted", || async {
        (!stack.faxes_to(CENTRE_FAX).is_empty()).then_some(())
    })
    .await;

    // Delivery events reach the ticket; then check that nothing came twice.
    eventually(30, "delivery events for every message", || async {
        let evs = events(&stack, &supervisor, &id).await;
        let n = evs
            .iter()
            .filter(|e| e["action"] == "delivery" && e["data"]["status"] == "sent")
            .count();
        (n >= 2 + people.len()).then_some(())
    })
    .await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        stack.faxes_to(fax).len(),
        1,
        "the liaison's fax exactly once"
    );
    assert_eq!(
        stack.faxes_to(CENTRE_FAX).len(),
        1,
        "the centre's fax exactly once"
    );
    for p in &people {
        assert_eq!(
            stack.smtp.mails_to(&p.email).len(),
            1,
            "one e-mail to {}",
            p.email
        );
    }
    assert!(
        stack.smtp.duplicates().is_empty(),
        "{:?}",
        stack.smtp.duplicates()
    );
    println!(
        "notify down twice: {} fax(es), {} e-mail(s), each once",
        stack.faxes().len(),
        stack.smtp.mails().len()
    );
}

#[tokio::test]
async fn knowledge_down_during_intake_still_takes_the_ticket() {
    let mut stack = Stack::start(Options::default()).await;
    let operator = stack.login_as("op-kdown", "operator", None).await;
    let supervisor = stack.login_as("sup-kdown", "supervisor", None).await;
    let http = stack.http.clone();

    stack.knowledge[0].kill();

    // The operator still takes the complaint, and a no-info ticket.
    let (s, complaint) = send(
        &http,
        reqwest::Method::POST,
        &stack.t("/api/v1/tickets"),
        &operator,
        Some(json!({"type": "complaint", "summary": "办事窗口中午不开门", "details": "", "region": "530100",
                    "department": DEPT, "caller": {"phone": "13522223333"}})),
    )
    .await;
    assert_eq!(s, 201, "{complaint}");
    let id = complaint["id"].as_str().unwrap().to_string();
    let (s, no_info) = send(
        &http,
        reqwest::Method::POST,
        &stack.t("/api/v1/tickets"),
        &operator,
        Some(
            json!({"type": "no_info", "summary": "查询滇池游船码头电话", "region": "530100",
                    "query": "滇池游船码头电话", "caller": {"phone": "13522224444"}}),
        ),
    )
    .await;
    assert_eq!(s, 201, "{no_info}");
    assert_eq!(no_info["status"], "dispatched");

    // Dispatch needs knowledge to check the department: a clean 503 problem, nothing changed.
    let res = http
        .post(stack.t(&format!("/api/v1/tickets/{id}/dispatch")))
        .bearer_auth(&supervisor)
        .json(&json!({"department": DEPT}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 503);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["status"], 503, "{problem}");
    let t = ticket(&stack, &supervisor, &id).await;
    assert_eq!(t["status"], "new", "{t}");
    let evs = events(&stack, &supervisor, &id).await;
    assert_eq!(evs.len(), 1, "only `created`: {evs:?}");

    // Knowledge comes back: dispatch works, and the no-info request reaches its liaison.
    stack.knowledge[0].restart().await;
    let d = post(
        &http,
        &stack.t(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        json!({"department": DEPT}),
    )
    .await;
    assert_eq!(d["status"], "dispatched");
    let no_info_id = no_info["id"].as_str().unwrap().to_string();
    for p in liaisons_of("530100-zfb") {
        stack
            .smtp
            .wait_for(
                &p.email,
                "the no-info request after knowledge restarted",
                |m| m.text().contains(&no_info_id) || m.subject().contains(&no_info_id),
            )
            .await;
    }
    for p in liaisons_of(DEPT) {
        stack
            .smtp
            .wait_for(&p.email, "the dispatch e-mail", |m| {
                m.text().contains(&id) || m.subject().contains(&id)
            })
            .await;
    }
}
