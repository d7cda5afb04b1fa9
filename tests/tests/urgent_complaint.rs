//! Journey 3: an urgent complaint goes to the department's liaison by fax and e-mail at once,
//! the reply comes back to the centre by fax, and the callback decides: dissatisfied reopens,
//! satisfied closes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use e2e::journeys::{events, liaisons_of, ticket};
use e2e::{CENTRE_FAX, Options, Stack, eventually, post};
use serde_json::{Value, json};
use shared::auth::Role;

const DEPT: &str = "530100-rsj";

#[tokio::test]
async fn urgent_complaint_by_fax_and_email_with_callbacks() {
    let stack = Stack::start(Options::default()).await;
    let http = &stack.http;
    let operator = stack.login_as("op-urgent", "operator", None).await;
    let supervisor = stack.login_as("sup-urgent", "supervisor", None).await;
    let liaison = stack.token(Role::Liaison, Some(DEPT));
    let people = liaisons_of(DEPT);
    assert!(!people.is_empty());

    let created = post(
        http,
        &stack.t("/api/v1/tickets"),
        &operator,
        json!({"type": "complaint", "urgent": true, "cause": "attitude",
               "attitude_of": format!("liaison:{DEPT}"),
               "summary": "社保窗口工作人员态度恶劣,拒绝受理退休申请",
               "details": "来电人今天上午在昆明市人社局社保窗口办理退休,工作人员拒收材料并出言不逊。",
               "region": "530100", "department": DEPT,
               "caller": {"name": "王女士", "phone": "13987654321"}}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "new");
    assert!(
        created["due_at"].is_string(),
        "the caller is told the deadline: {created}"
    );

    // The supervisor dispatches; the liaison gets the fax and the e-mail at once.
    let t0 = Instant::now();
    let d = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        json!({"department": DEPT}),
    )
    .await;
    assert_eq!(d["status"], "dispatched");
    let mut fax_numbers: Vec<String> = people.iter().map(|p| p.fax.clone()).collect();
    fax_numbers.dedup();
    for number in &fax_numbers {
        let fax = eventually(20, "the urgent complaint fax", || async {
            stack.faxes_to(number).into_iter().next()
        })
        .await;
        assert!(
            fax["pdf_bytes"].as_u64().unwrap() > 1000,
            "a real PDF: {fax}"
        );
        assert!(
            fax["title"].as_str().unwrap_or_default().contains(&id)
                || fax["title"].as_str().unwrap_or_default().contains("投诉"),
            "{fax}"
        );
    }
    for p in &people {
        let mail = stack
            .smtp
            .wait_for(&p.email, "urgent complaint e-mail", |m| {
                m.subject().contains(&id) || m.text().contains(&id)
            })
            .await;
        let text = format!("{}\n{}", mail.subject(), mail.text());
        assert!(
            text.contains("态度恶劣"),
            "the e-mail says what the complaint is: {text}"
        );
        assert!(
            text.contains("昆明市人力资源和社会保障局") || text.contains(DEPT),
            "and to whom: {text}"
        );
    }
    println!(
        "urgent complaint: fax and e-mail to the liaison {:.1} s after dispatch",
        t0.elapsed().as_secs_f64()
    );
    assert!(t0.elapsed().as_secs() < 15, "at once");

    // The liaison sees the caller's number masked; another department does not see the ticket.
    let seen = ticket(&stack, &liaison, &id).await;
    assert_eq!(seen["caller"]["phone"], "139****4321", "{seen}");
    let other = stack.token(Role::Liaison, Some("530100-gaj"));
    let (s, _) = e2e::send(
        http,
        reqwest::Method::GET,
        &stack.t(&format!("/api/v1/tickets/{id}")),
        &other,
        None,
    )
    .await;
    assert_eq!(s, 404, "another department's ticket is not found");
    let (s, _) = e2e::send(
        http,
        reqwest::Method::POST,
        &stack.t(&format!("/api/v1/tickets/{id}/accept")),
        &other,
        Some(json!({})),
    )
    .await;
    assert_eq!(s, 404);
    // The operator who took the call sees the whole number.
    assert_eq!(
        ticket(&stack, &operator, &id).await["caller"]["phone"],
        "13987654321"
    );

    // Accept and reply: the reply goes to the centre by fax.
    let a = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/accept")),
        &liaison,
        json!({}),
    )
    .await;
    assert_eq!(a["status"], "accepted");
    let r = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/reply")),
        &liaison,
        json!({"body": "已约谈窗口工作人员并向来电人致歉,退休申请已受理。"}),
    )
    .await;
    assert_eq!(r["status"], "replied");
    let reply_fax = eventually(20, "the reply fax to the centre", || async {
        stack.faxes_to(CENTRE_FAX).into_iter().next()
    })
    .await;
    assert!(
        reply_fax["pdf_bytes"].as_u64().unwrap() > 1000,
        "{reply_fax}"
    );

    // Callback: dissatisfied reopens.
    let c = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/callback")),
        &operator,
        json!({"satisfaction": "dissatisfied", "note": "来电人表示只是道歉不够"}),
    )
    .await;
    assert_eq!(c["status"], "reopened", "{c}");

    // Re-dispatch, accept, reply again: a second fax to the liaison and to the centre.
    post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        json!({"department": DEPT}),
    )
    .await;
    for number in &fax_numbers {
        eventually(20, "the second urgent fax", || async {
            (stack.faxes_to(number).len() >= 2).then_some(())
        })
        .await;
    }
    post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/accept")),
        &liaison,
        json!({}),
    )
    .await;
    post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/reply")),
        &liaison,
        json!({"body": "已重新办理,退休待遇自下月起发放,并书面致歉。"}),
    )
    .await;
    eventually(20, "the second reply fax", || async {
        (stack.faxes_to(CENTRE_FAX).len() >= 2).then_some(())
    })
    .await;
    let c = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/callback")),
        &operator,
        json!({"satisfaction": "satisfied"}),
    )
    .await;
    assert_eq!(c["status"], "closed", "{c}");
    let closed = ticket(&stack, &operator, &id).await;
    assert_eq!(closed["satisfaction"], "satisfied");
    assert!(closed["closed_at"].is_string());

    // Delivery status flows back to the ticket: every fax and e-mail sent is on it.
    let sent_faxes = fax_numbers.len() * 2 + 2;
    let sent_mails = people.len() * 2;
    let evs: Vec<Value> = eventually(30, "the delivery events", || async {
        let evs = events(&stack, &supervisor, &id).await;
        let n = |ch: &str| {
            evs.iter()
                .filter(|e| {
                    e["action"] == "delivery"
                        && e["data"]["channel"] == ch
                        && e["data"]["status"] == "sent"
                })
                .count()
        };
        (n("fax") >= sent_faxes && n("email") >= sent_mails).then_some(evs)
    })
    .await;
    let actions: Vec<&str> = evs
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .filter(|a| *a != "delivery")
        .collect();
    assert_eq!(
        actions,
        [
            "created", "dispatch", "accept", "reply", "callback", "dispatch", "accept", "reply",
            "callback"
        ],
        "{evs:?}"
    );
    assert!(
        evs.iter().any(|e| e["action"] == "delivery"
            && e["data"]["channel"] == "fax"
            && e["data"]["to"]
                .as_str()
                .unwrap_or_default()
                .contains("96128000")),
        "the centre's fax is on the ticket"
    );

    // Exactly the messages expected, none twice.
    assert_eq!(stack.faxes().len(), sent_faxes, "{:?}", stack.faxes());
    for p in &people {
        assert_eq!(
            stack.smtp.mails_to(&p.email).len(),
            2,
            "one e-mail per dispatch to {}",
            p.email
        );
    }
    let ids: std::collections::HashSet<String> =
        stack.smtp.mails().iter().map(|m| m.message_id()).collect();
    assert_eq!(ids.len(), stack.smtp.mails().len(), "every Message-ID once");
    println!(
        "urgent complaint: {} fax(es), {} e-mail(s) sent",
        stack.faxes().len(),
        stack.smtp.mails().len()
    );
}
