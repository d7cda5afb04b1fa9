//! Issue 16, finding 9: after a crash, what a replica had in flight waited out the whole lease
//! before anyone sent it again. A restarted replica takes back its own earlier run's leases at
//! once (they are marked with its lasting name, `HOTLINE_NOTIFY_REPLICA`); another replica's
//! leases are left to that replica.

mod common;

use common::*;
use diesel::prelude::*;
use notify::db::schema::notifications as n;
use serde_json::json;
use testkit::{SmtpBehaviour, SmtpServer, TestDatabase};

fn mail(to: &str) -> serde_json::Value {
    json!({"channel": "email", "to": to, "subject": "派单", "body": "请办理。"})
}

#[tokio::test]
async fn a_restarted_replica_sends_at_once_what_its_last_run_held() {
    let smtp = SmtpServer::start(SmtpBehaviour::default());
    let db = TestDatabase::new("notify").unwrap();
    // Ten minutes: waiting out a lease would time the test out.
    let settings = |workers: &str| {
        vec![
            ("smtp_url", smtp.url()),
            ("notify_lease_ms", "600000".to_string()),
            ("notify_replica", "r1".to_string()),
            ("notify_workers", workers.to_string()),
        ]
    };
    let api_only = start_notify(&db, &settings("0")).await;
    let mine = api_only.submit(&mail("mine@example.org"), None).await;
    let theirs = api_only.submit(&mail("theirs@example.org"), None).await;

    // As if r1's last run, and r2 which is still alive, had each claimed one when r1 died.
    let pool = shared::db::connect(&db.url, 1).unwrap();
    let until = shared::time::now_ms() + 600_000;
    let (m, t) = (mine.clone(), theirs.clone());
    shared::db::run(&pool, move |c| {
        for (id, holder) in [
            (&m, "r1|0a1b2c3d4e5f|w0-dead"),
            (&t, "r2|9f8e7d6c5b4a|w0-busy"),
        ] {
            diesel::update(n::table.find(id))
                .set((
                    n::status.eq("sending"),
                    n::locked_by.eq(Some(holder)),
                    n::locked_until.eq(Some(until)),
                ))
                .execute(c)
                .map_err(shared::db::DbError::from)?;
        }
        Ok(())
    })
    .await
    .unwrap();

    let restarted = start_notify(&db, &settings("1")).await;
    let sent = restarted.wait_status(&mine, "sent").await;
    assert_eq!(sent["to"], "mine@example.org");
    assert_eq!(smtp.mails_to("mine@example.org").len(), 1);
    // r2's job is r2's until its lease runs out.
    assert_eq!(restarted.get(&theirs).await["status"], "sending");
    assert!(smtp.mails_to("theirs@example.org").is_empty());
}
