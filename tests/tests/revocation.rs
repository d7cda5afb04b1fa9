//! Issue 16, finding 1: a disabled supervisor's token once still closed a ticket. A token that
//! ended at knowledge (the account changed, or its owner signed out) is refused by tickets and
//! notify too: each service asks knowledge for ended tokens every half second.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::{Options, Stack, eventually};
use serde_json::json;
use shared::auth::Role;

#[tokio::test]
async fn a_disabled_supervisor_is_refused_by_every_service() {
    let stack = Stack::start(Options::default()).await;
    let http = &stack.http;
    let supervisor = stack.login_as("sup-revoked", "supervisor", None).await;
    let tickets = stack.tickets[0].url("/api/v1/tickets");
    let notifications = stack.notify[0].url("/api/v1/notifications");
    for url in [&tickets, &notifications] {
        let r = http.get(url).bearer_auth(&supervisor).send().await.unwrap();
        assert_eq!(r.status(), 200, "{url}");
    }

    let admin = stack.token(Role::Admin, None);
    let r = http
        .patch(stack.knowledge[0].url("/api/v1/accounts/sup-revoked"))
        .bearer_auth(&admin)
        .json(&json!({"disabled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);

    for url in [&tickets, &notifications] {
        eventually(10, "the ended token refused", || async {
            let r = http.get(url).bearer_auth(&supervisor).send().await.unwrap();
            r.status() == 401
        })
        .await;
    }
    let r = http
        .get(&tickets)
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}
