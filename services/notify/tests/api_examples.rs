//! Issue 17: every operation's documented example, read from the committed
//! `openapi/notify.json`, is sent to the running service and gets a documented success status.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use shared::auth::Role;
use testkit::examples::{assert_all_run, committed};

/// Operations the run cannot take, with the reason.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "attach_inbound",
        "needs a received mail in the unmatched queue, which only the IMAP poller makes (tests/imap.rs)",
    ),
    (
        "dismiss_inbound",
        "needs a received mail in the unmatched queue, which only the IMAP poller makes (tests/imap.rs)",
    ),
];

#[tokio::test]
async fn every_documented_example_gets_its_documented_status() {
    let examples = committed("notify");
    // The mail server refuses the example's liaison address, so that the notification dies
    // at once and can be retried.
    let smtp = SmtpServer::start(SmtpBehaviour {
        reject_rcpt: Some("liaison@".into()),
        ..Default::default()
    });
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("smtp_url", smtp.url())]).await;
    let send = |op: &str, role: Role| {
        let example = examples[op].clone();
        let (client, base) = (n.client.clone(), n.base.clone());
        async move { example.run(&client, &base, &token(role)).await }
    };
    let created = send("create_notification", Role::Service).await;
    let id = created["id"].as_str().unwrap().to_string();
    let documented = &examples["get_notification"].path_params["id"];
    assert_eq!(
        id.len(),
        documented.len(),
        "the documented id has the form of a real one"
    );
    // Notification ids are random: the example's id stands for the one just made.
    let on_it = |op: &str| examples[op].on("id", &id);
    n.wait_status(&id, "dead").await;
    on_it("get_notification")
        .run(&n.client, &n.base, &token(Role::Supervisor))
        .await;
    on_it("retry_notification")
        .run(&n.client, &n.base, &token(Role::Supervisor))
        .await;
    send("list_notifications", Role::Supervisor).await;
    send("list_templates", Role::Admin).await;
    send("get_template", Role::Admin).await;
    send("put_template", Role::Admin).await;
    send("list_inbound", Role::Supervisor).await;
    let ran = [
        "create_notification",
        "get_notification",
        "retry_notification",
        "list_notifications",
        "list_templates",
        "get_template",
        "put_template",
        "list_inbound",
    ];
    assert_all_run(&examples, &ran, NOT_RUN);
}
