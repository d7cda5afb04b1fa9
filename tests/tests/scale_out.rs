//! Scale-out: two replicas of each service behind round-robin balancers, one PostgreSQL. The
//! replenishment loop passes, both knowledge replicas answer the new entry, and the two notify
//! replicas share the queue without sending anything twice. PostgreSQL only: ignored by a plain
//! `cargo test`, run with `--include-ignored` where `HOTLINE_TEST_DATABASE_URL` names a server
//! (CI's PostgreSQL leg).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use e2e::journeys::{act, liaisons_of, replenishment_loop};
use e2e::{CENTRE_FAX, Options, Stack, eventually, is_postgres, post};
use serde_json::json;
use shared::auth::Role;

#[tokio::test]
#[ignore = "needs PostgreSQL (HOTLINE_TEST_DATABASE_URL=postgres://…): replicas share one"]
async fn two_replicas_of_each_service_on_one_postgresql() {
    assert!(
        is_postgres(),
        "set HOTLINE_TEST_DATABASE_URL=postgres://…: the replicas share one PostgreSQL"
    );
    let stack = Stack::start(Options {
        replicas: 2,
        ..Options::default()
    })
    .await;
    let http = &stack.http;

    // The loop, through the balancers; every knowledge replica must answer the new entry.
    let bases: Vec<String> = stack.knowledge.iter().map(|k| k.url("")).collect();
    let report = replenishment_loop(&stack, &bases).await;

    // A burst of urgent complaints: the fax and e-mail jobs are shared by both notify replicas.
    let operator = stack.login_as("op-scale", "operator", None).await;
    let supervisor = stack.login_as("sup-scale", "supervisor", None).await;
    let dept = "530100-rsj";
    let liaison = stack.token(Role::Liaison, Some(dept));
    let mut ids = Vec::new();
    for i in 0..6 {
        let t = post(
            http,
            &stack.t("/api/v1/tickets"),
            &operator,
            json!({"type": "complaint", "urgent": true, "summary": format!("紧急投诉 {i}"), "details": "",
                   "region": "530100", "department": dept, "caller": {"phone": "13900000000"}}),
        )
        .await;
        let id = t["id"].as_str().unwrap().to_string();
        act(
            &stack,
            &supervisor,
            &id,
            "dispatch",
            json!({"department": dept}),
        )
        .await;
        act(&stack, &liaison, &id, "accept", json!({})).await;
        let reply = json!({"body": format!("已处理 {i}")});
        act(&stack, &liaison, &id, "reply", reply).await;
        ids.push(id);
    }
    let people = liaisons_of(dept);
    let fax = people[0].fax.clone();
    eventually(60, "every fax", || async {
        (stack.faxes_to(&fax).len() >= 6 && stack.faxes_to(CENTRE_FAX).len() >= 6).then_some(())
    })
    .await;
    for p in &people {
        eventually(60, "every e-mail", || async {
            (stack.smtp.mails_to(&p.email).len() >= 6).then_some(())
        })
        .await;
    }
    // Let any straggler (a second send) arrive before counting.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(stack.faxes_to(&fax).len(), 6, "one fax per complaint");
    assert_eq!(
        stack.faxes_to(CENTRE_FAX).len(),
        6,
        "one reply fax per complaint"
    );
    for p in &people {
        assert_eq!(
            stack.smtp.mails_to(&p.email).len(),
            6,
            "one e-mail per complaint to {}",
            p.email
        );
    }
    let dups = stack.smtp.duplicates();
    assert!(dups.is_empty(), "nothing twice: {dups:?}");
    let fax_ids: std::collections::HashSet<String> = stack
        .faxes()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fax_ids.len(), stack.faxes().len(), "every fax job once");

    // Both notify replicas did work, and the balancers spread the calls.
    let spool = |r: usize| {
        std::fs::read_dir(stack.dir.path().join(format!("notify-{r}/fax")))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    println!(
        "fax spool files per notify replica: {} / {}",
        spool(0),
        spool(1)
    );
    for (name, b) in ["knowledge", "tickets", "notify"]
        .iter()
        .zip(&stack.balancers)
    {
        println!("{name} balancer connections per replica: {:?}", b.counts());
        if *name == "notify" {
            // Only the tickets relays call notify, each over one pooled keep-alive
            // connection, so one replica may carry all of them (the spool counts printed
            // above show which replica sent what; sharing one queue is notify's own test).
            assert!(b.counts().iter().any(|c| *c > 0), "notify was called");
        } else {
            assert!(
                b.counts().iter().all(|c| *c > 0),
                "{name}: every replica got connections"
            );
        }
    }
    report.print_and_check(&stack);
}
