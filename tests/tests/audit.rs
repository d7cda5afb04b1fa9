//! Issue 16, the audit log across services: an operator's look-up of a caller's full number at
//! the tickets service reaches knowledge's audit log through the tickets outbox, once, named
//! by the operator; the admin finds it there beside the sign-in.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::{Options, Stack, eventually};
use serde_json::Value;
use shared::auth::Role;

#[tokio::test]
async fn a_caller_number_look_up_at_tickets_is_in_the_audit_log() {
    let stack = Stack::start(Options::default()).await;
    let http = &stack.http;
    let operator = stack.login_as("op-audited", "operator", None).await;
    let r = http
        .get(stack.tickets[0].url("/api/v1/tickets?caller_phone=13912345678"))
        .bearer_auth(&operator)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    let admin = stack.token(Role::Admin, None);
    let url = stack.knowledge[0].url("/api/v1/audit?actor=op-audited&action=caller_number_read");
    let found: Value = eventually(30, "the look-up in the audit log", || async {
        let v: Value = http
            .get(&url)
            .bearer_auth(&admin)
            .send()
            .await
            .ok()?
            .json()
            .await
            .ok()?;
        (v["total"] == 1).then_some(v)
    })
    .await;
    let entry = &found["items"][0];
    assert_eq!(entry["service"], "tickets");
    assert_eq!(entry["role"], "operator");
    assert_eq!(
        entry["target"], "139****5678",
        "the log keeps the number masked"
    );
    assert_eq!(entry["details"]["found"], 0);
    // The sign-in that preceded it is there too.
    let signins: Value = http
        .get(stack.knowledge[0].url("/api/v1/audit?actor=op-audited&action=sign_in"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(signins["total"], 1);
}
