//! Deadlines in working time on the calendar this service owns, overdue listing and the
//! escalation job, with a manual clock.

mod common;

use common::*;
use serde_json::json;

async fn deadline(app: &TestApp, query: &str) -> serde_json::Value {
    let res = app
        .get(&format!("/api/v1/deadlines?{query}"), &app.operator())
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    res.body
}

#[tokio::test]
async fn deadlines_across_national_day_spring_festival_and_a_late_friday() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    // 国庆 2026: 13 working days from the next working day, with the 10-10 make-up Saturday.
    let d = deadline(&app, "type=complaint&from=2026-09-30T08:00:00Z").await;
    assert_eq!(d["due_at_local"], "2026-10-23 17:30");
    assert_eq!(d["rule"], "13 working days");
    // 春节 2026: taken Friday 02-13, 02-14 is a make-up workday, 02-15..02-23 off.
    let d = deadline(&app, "type=consultation&from=2026-02-13T02:00:00Z").await;
    assert_eq!(d["due_at_local"], "2026-02-25 17:30");
    assert_eq!(
        local(d["accept_due_at"].as_str().unwrap()),
        "2026-02-14 17:30"
    );
    let d = deadline(&app, "type=suggestion&from=2026-02-13T02:00:00Z").await;
    assert_eq!(d["due_at_local"], "2026-03-12 17:30");
    // Urgent, late on Friday 11-27: one working hour left, three on Monday.
    let d = deadline(&app, "type=complaint&urgent=true&from=2026-11-27T08:30:00Z").await;
    assert_eq!(d["due_at_local"], "2026-11-30 12:00");
    // Without `from`: the service clock (Thursday 2026-11-26 10:00).
    let d = deadline(&app, "type=consultation").await;
    assert_eq!(d["due_at_local"], "2026-12-01 17:30");
    // Bad queries.
    for q in [
        "type=gossip",
        "",
        "type=complaint&from=yesterday",
        "type=complaint&colour=red",
    ] {
        app.get(&format!("/api/v1/deadlines?{q}"), &app.operator())
            .await
            .assert_problem(400, "bad_request");
    }
}

#[tokio::test]
async fn a_complaint_taken_on_30_september_is_due_on_23_october() {
    let peer = Peer::start().await;
    let app = spawn_app_with(&peer.url, Some(cst("2026-09-30 16:00")), &[]).await;
    let t = app.create(complaint_body(false)).await;
    assert_eq!(local(t["due_at"].as_str().unwrap()), "2026-10-23 17:30");
    assert_eq!(t["overdue"], false);
    let id = t["id"].as_str().unwrap();
    assert!(id.starts_with("T20260930-"), "{id}");
    // Dispatched on the holiday's eve: accept by the first working day after it.
    let t = app
        .must(
            id,
            "dispatch",
            &app.supervisor(),
            json!({"department": GAJ}),
        )
        .await;
    assert_eq!(
        local(t["accept_due_at"].as_str().unwrap()),
        "2026-10-08 17:30"
    );
    // An urgent one taken late on a Friday is due Monday noon.
    let app2 = spawn_app_with(&peer.url, Some(cst("2026-11-27 16:30")), &[]).await;
    let t = app2.create(complaint_body(true)).await;
    assert_eq!(local(t["due_at"].as_str().unwrap()), "2026-11-30 12:00");
}

#[tokio::test]
async fn calendar_is_served_and_admins_add_a_year() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let res = app.get("/api/v1/calendar", &app.service()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(res.body["working_hours"], "09:00-12:00,13:30-17:30");
    let y = &res.body["years"][0];
    assert_eq!(y["year"], 2026);
    assert!(
        y["holidays"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h[2] == "国庆节")
    );
    assert!(
        y["adjusted_workdays"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d == "2026-10-10")
    );

    let year_2027 = json!({
        "year": 2027, "source": "test",
        "holidays": [["2027-01-01", "2027-01-03", "元旦"], ["2027-02-06", "2027-02-14", "春节"]],
        "adjusted_workdays": ["2027-02-20"]
    });
    // Only admins; bad bodies are refused and change nothing.
    app.put(
        "/api/v1/calendar/2027",
        &app.supervisor(),
        year_2027.clone(),
    )
    .await
    .assert_problem(403, "forbidden");
    app.put("/api/v1/calendar/2028", &app.admin(), year_2027.clone())
        .await
        .assert_problem(400, "bad_request");
    let mut unknown = year_2027.clone();
    unknown["extra"] = json!(1);
    app.put("/api/v1/calendar/2027", &app.admin(), unknown)
        .await
        .assert_problem(400, "bad_request");
    let before = deadline(&app, "type=consultation&from=2027-02-05T02:00:00Z").await;
    assert_eq!(
        before["due_at_local"], "2027-02-10 17:30",
        "plain weekdays before the year is known"
    );

    let res = app
        .put("/api/v1/calendar/2027", &app.admin(), year_2027)
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let years = app.get("/api/v1/calendar?year=2027", &app.operator()).await;
    assert_eq!(years.body["years"].as_array().unwrap().len(), 1);
    // Friday 2027-02-05: 3 working days skip the Spring Festival week.
    let after = deadline(&app, "type=consultation&from=2027-02-05T02:00:00Z").await;
    assert_eq!(after["due_at_local"], "2027-02-17 17:30");
}

#[tokio::test]
async fn overdue_tickets_are_listed_and_escalated_once() {
    let peer = Peer::start().await;
    // Only the test-clock hook scans here (the background scan is covered in api_outbox).
    let app = spawn_app_with(
        &peer.url,
        Some(default_start()),
        &[("tickets_escalation_interval_ms", "600000")],
    )
    .await;
    let s = app.supervisor();
    let late = app.complaint(false).await;
    app.must(&late, "dispatch", &s, json!({"department": GAJ}))
        .await;
    let calm = app.complaint(false).await;
    let t = app.ticket(&late).await;
    // Accept within one working day: Friday 2026-11-27 17:30.
    assert_eq!(
        local(t["accept_due_at"].as_str().unwrap()),
        "2026-11-27 17:30"
    );
    assert_eq!(
        local(t["next_due_at"].as_str().unwrap()),
        "2026-11-27 17:30"
    );

    let near = app.get("/api/v1/tickets?due_within=36h", &s).await;
    assert_eq!(near.body["total"], 1, "{}", near.body);
    assert_eq!(near.body["items"][0]["id"], late.as_str());
    assert_eq!(
        app.get("/api/v1/tickets?overdue=true", &s).await.body["total"],
        0
    );

    // Two days later (Saturday), the accept deadline has passed.
    let res = app
        .post(
            "/api/v1/test/clock",
            &app.admin(),
            json!({"advance_minutes": 2 * 24 * 60}),
        )
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    assert_eq!(
        res.body["escalated"], 1,
        "the scan runs when the clock moves"
    );
    let over = app.get("/api/v1/tickets?overdue=true", &s).await;
    assert_eq!(over.body["total"], 1);
    assert_eq!(over.body["items"][0]["id"], late.as_str());
    assert_eq!(over.body["items"][0]["overdue"], true);
    assert_eq!(app.ticket(&calm).await["overdue"], false);
    let not_over = app.get("/api/v1/tickets?overdue=false", &s).await;
    assert_eq!(not_over.body["total"], 1);

    // Escalated once: one event, one e-mail per supervisor.
    eventually(5, "the escalated event", || async {
        app.events(&late)
            .await
            .iter()
            .any(|e| e["action"] == "escalated")
    })
    .await;
    eventually(5, "peer.notifications_for(&late).len() >= 3", || async {
        peer.notifications_for(&late).len() >= 3
    })
    .await;
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let escalations: Vec<_> = app
        .events(&late)
        .await
        .into_iter()
        .filter(|e| e["action"] == "escalated")
        .collect();
    assert_eq!(escalations.len(), 1);
    assert_eq!(escalations[0]["data"]["deadline"], "accept");
    let mails: Vec<_> = peer
        .notifications_for(&late)
        .into_iter()
        .filter(|n| n.body["template"] == "overdue_escalation")
        .collect();
    let to: Vec<&str> = mails
        .iter()
        .map(|n| n.body["to"].as_str().unwrap())
        .collect();
    assert_eq!(to, vec!["boss@hotline.example", "deputy@hotline.example"]);
    assert_eq!(mails[0].body["channel"], "email");
    assert_eq!(mails[0].body["data"]["ticket_id"], late.as_str());

    // Accepting starts the reply deadline; when that passes too, a second escalation.
    app.must(&late, "accept", &app.liaison(GAJ), json!({}))
        .await;
    app.post(
        "/api/v1/test/clock",
        &app.admin(),
        json!({"advance_minutes": 30 * 24 * 60}),
    )
    .await;
    eventually(5, "a second escalated event", || async {
        app.events(&late)
            .await
            .iter()
            .filter(|e| e["action"] == "escalated")
            .count()
            == 2
    })
    .await;
    // The never-dispatched one is overdue by now as well, and escalated on its own.
    eventually(5, "the escalated event", || async {
        app.events(&calm)
            .await
            .iter()
            .any(|e| e["action"] == "escalated")
    })
    .await;
}

#[tokio::test]
async fn the_test_clock_is_admin_only_and_absent_on_a_real_clock() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    app.post(
        "/api/v1/test/clock",
        &app.supervisor(),
        json!({"advance_minutes": 5}),
    )
    .await
    .assert_problem(403, "forbidden");
    app.post(
        "/api/v1/test/clock",
        &app.admin(),
        json!({"advance_minutes": -5}),
    )
    .await
    .assert_problem(400, "bad_request");
    let real = spawn_app_with(&peer.url, None, &[]).await;
    real.post(
        "/api/v1/test/clock",
        &real.admin(),
        json!({"advance_minutes": 5}),
    )
    .await
    .assert_problem(404, "not_found");
    let doc = tickets::routes::api().openapi();
    assert!(!doc.paths.paths.keys().any(|p| p.contains("test")));
}
