//! Issue 17: every operation's documented example, read from the committed
//! `openapi/tickets.json`, is sent to the running service and gets a documented success status.
//! The tickets the examples name are made by the examples themselves: the run takes
//! T20261205-000001 through its whole lifecycle, T20261205-000002 through return, refused
//! extension and a reply on the department's behalf, T20261205-000003 (no-info) through
//! replenish and the knowledge service's result, and T20261205-000004 is merged into -000001.

mod common;

use common::*;
use testkit::examples::{assert_all_run, committed};

/// Who sends a step's example.
#[derive(Clone, Copy)]
enum Who {
    Operator,
    Supervisor,
    Admin,
    Service,
    Liaison(&'static str),
}

/// One request: an operation's example, by whom; `on` sends it to another ticket to prepare
/// that ticket's state (the step then counts as setup, not as the operation's run).
struct Step {
    op: &'static str,
    who: Who,
    on: Option<&'static str>,
}

const fn run(op: &'static str, who: Who) -> Step {
    Step { op, who, on: None }
}

const fn prepare(op: &'static str, who: Who, on: &'static str) -> Step {
    Step {
        op,
        who,
        on: Some(on),
    }
}

const T2: &str = "T20261205-000002";
const T3: &str = "T20261205-000003";

/// Operations the run cannot take, with the reason.
const NOT_RUN: &[(&str, &str)] = &[
    (
        "inbound_fax",
        "the department is found by its fax number at the knowledge service, which the stand-in here does not answer; e2e inbound_mail runs it against the real one",
    ),
    (
        "upload",
        "its body is a file, not JSON: api_attachments sends files",
    ),
    (
        "download",
        "it needs an uploaded file: api_attachments downloads them",
    ),
];

#[tokio::test]
async fn every_documented_example_gets_its_documented_status() {
    use Who::*;
    let examples = committed("tickets");
    let peer = Peer::start().await;
    // The day the examples' ticket numbers are from (a Saturday; taking tickets never stops).
    let app = spawn_app_with(&peer.url, Some(cst("2026-12-05 10:00")), &[]).await;
    let steps = [
        run("create_call", Operator),
        run("rate_call", Service),
        run("list_calls", Operator),
        // T20261205-000001: the whole lifecycle.
        run("dispatch", Supervisor),
        run("escalate", Operator),
        run("accept", Liaison(GAJ)),
        run("add_cohandler", Supervisor),
        run("cohandler_reply", Liaison(RSJ)),
        run("extend", Liaison(GAJ)),
        run("extend_approve", Supervisor),
        run("supervise", Supervisor),
        run("set_cause", Supervisor),
        run("reply", Liaison(GAJ)),
        run("callback", Operator),
        run("reopen", Supervisor),
        run("get_ticket", Supervisor),
        run("ticket_events", Supervisor),
        run("list", Supervisor),
        run("received_faxes", Supervisor),
        run("operators", Supervisor),
        // T20261205-000002: returned and kept, an extension refused, replied on behalf.
        prepare("dispatch", Supervisor, T2),
        run("return_ticket", Liaison(GAJ)),
        run("return_reject", Supervisor),
        prepare("extend", Liaison(GAJ), T2),
        run("extend_refuse", Supervisor),
        run("delivery", Service),
        run("inbound", Service),
        run("reply_on_behalf", Supervisor),
        run("close", Supervisor),
        // T20261205-000003, a no-info ticket (made below): the government office answers.
        prepare("accept", Liaison(ZFB), T3),
        run("replenish", Liaison(ZFB)),
        run("knowledge_result", Service),
        // T20261205-000004, the same caller again (made below), merged into -000001.
        run("merge", Supervisor),
        run("add_route", Supervisor),
        run("list_routes", Supervisor),
        run("delete_route", Supervisor),
        run("list_tickets", Supervisor),
        run("calls_daily", Supervisor),
        run("replenishment", Supervisor),
        run("departments", Supervisor),
        run("kb_health", Supervisor),
        run("search_counts", Service),
        run("topics", Supervisor),
        run("topic_words", Service),
        run("get_calendar", Operator),
        run("put_calendar", Admin),
        run("deadlines", Operator),
    ];
    let token = |who: Who| match who {
        Operator => app.operator(),
        Supervisor => app.supervisor(),
        Admin => app.admin(),
        Service => app.service(),
        Liaison(dept) => app.liaison(dept),
    };
    // T20261205-000001 and -000002 are both made by the creation example; -000003, a no-info
    // ticket, by the test; -000004 by the creation example again.
    for _ in 0..2 {
        examples["create_ticket"]
            .run(&app.client, &app.base, &app.operator())
            .await;
    }
    let no_info = app.create(no_info_body()).await;
    assert_eq!(no_info["id"], T3);
    examples["create_ticket"]
        .run(&app.client, &app.base, &app.operator())
        .await;
    for step in &steps {
        let example = &examples[step.op];
        let example = match step.on {
            Some(ticket) => example.on("id", ticket),
            None => example.clone(),
        };
        example.run(&app.client, &app.base, &token(step.who)).await;
    }
    let ran: Vec<&str> = std::iter::once("create_ticket")
        .chain(steps.iter().filter(|s| s.on.is_none()).map(|s| s.op))
        .collect();
    assert_all_run(&examples, &ran, NOT_RUN);
    // The lifecycles ended where the examples lead.
    for (ticket, status) in [
        ("T20261205-000001", "reopened"),
        (T2, "closed"),
        (T3, "closed"),
        ("T20261205-000004", "closed"),
    ] {
        let t = app
            .get(&format!("/api/v1/tickets/{ticket}"), &app.supervisor())
            .await;
        assert_eq!(t.body["status"], status, "{ticket}: {}", t.body);
    }
}
