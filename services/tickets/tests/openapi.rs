//! The committed `openapi/tickets.json` equals what the code serves. `UPDATE_OPENAPI=1`
//! rewrites it.

mod common;

use common::*;

#[test]
fn openapi_document_matches_the_committed_file() {
    let doc = shared::web::openapi_json(&tickets::routes::api().openapi());
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/tickets.json");
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &doc).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == doc,
        "openapi/tickets.json is out of date; run UPDATE_OPENAPI=1 cargo test -p tickets --test openapi"
    );
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    for p in [
        "/api/v1/calls",
        "/api/v1/tickets",
        "/api/v1/tickets/{id}",
        "/api/v1/tickets/{id}/events",
        "/api/v1/tickets/{id}/dispatch",
        "/api/v1/tickets/{id}/return/reject",
        "/api/v1/tickets/{id}/extend/approve",
        "/api/v1/tickets/{id}/replenish",
        "/api/v1/tickets/{id}/knowledge-result",
        "/api/v1/tickets/{id}/delivery",
        "/api/v1/calendar",
        "/api/v1/calendar/{year}",
        "/api/v1/deadlines",
        "/api/v1/reports/calls/daily",
        "/api/v1/reports/replenishment",
    ] {
        assert!(v["paths"][p].is_object(), "{p} missing");
    }
    assert!(v["paths"]["/api/v1/test/clock"].is_null());
}

#[tokio::test]
async fn operational_routes_answer_without_a_token() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    for path in ["/healthz", "/readyz", "/metrics", "/openapi.json"] {
        let res = app
            .client
            .get(format!("{}{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
    }
    let res = app
        .send(
            reqwest::Method::GET,
            "/api/v1/nothing",
            Some(&app.operator()),
            None,
            &[],
        )
        .await;
    res.assert_problem(404, "not_found");
}

/// Issue 17: a served path asked with another method is a 405 naming the methods it takes.
#[tokio::test]
async fn a_wrong_method_is_405_with_allow() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let token = app.operator();
    let cases = [
        (reqwest::Method::DELETE, "/api/v1/tickets", "GET, POST"),
        (
            reqwest::Method::PUT,
            "/api/v1/tickets/T20261205-000001",
            "GET",
        ),
        (reqwest::Method::GET, "/api/v1/tickets/T1/dispatch", "POST"),
        (reqwest::Method::POST, "/healthz", "GET"),
    ];
    for (method, path, allow) in cases {
        let res = app.send(method, path, Some(&token), None, &[]).await;
        res.assert_problem(405, "method_not_allowed");
        assert_eq!(res.headers["allow"], allow, "{path}");
    }
    let res = app
        .send(
            reqwest::Method::DELETE,
            "/api/v1/tickets/T1/x",
            Some(&token),
            None,
            &[],
        )
        .await;
    res.assert_problem(404, "not_found");
}

/// Issue 17: the enums are documented with the names the server takes (`complaint`, not
/// `Complaint`), so that a client generated from the document can create a ticket.
#[test]
fn documented_enum_values_are_the_wire_values() {
    use tickets::domain::{Cause, Classification, Outcome, ReplyChannel, Status, TicketType};
    fn names<T: Copy + Into<String>>(all: &[T]) -> Vec<String> {
        all.iter().map(|t| (*t).into()).collect()
    }
    let doc = shared::web::openapi_json(&tickets::routes::api().openapi());
    let v: serde_json::Value = serde_json::from_str(&doc).unwrap();
    let cases = [
        ("TicketType", names(TicketType::ALL)),
        ("Status", names(Status::ALL)),
        ("Cause", names(Cause::ALL)),
        ("Classification", names(Classification::ALL)),
        ("Outcome", names(Outcome::ALL)),
        ("ReplyChannel", names(ReplyChannel::ALL)),
    ];
    for (name, wire) in cases {
        let documented: Vec<String> = v["components"]["schemas"][name]["enum"]
            .as_array()
            .unwrap_or_else(|| panic!("{name} has no enum"))
            .iter()
            .map(|s| s.as_str().unwrap().to_string())
            .collect();
        assert_eq!(documented, wire, "{name}");
    }
    // What the document now says is what the server reads.
    let kind: TicketType = serde_json::from_str("\"no_info\"").unwrap();
    assert_eq!(kind, TicketType::NoInfo);
}
