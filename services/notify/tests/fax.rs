//! Fax: PDF rendering and the transports, against a real HTTP server standing in for a
//! commercial fax gateway and a real SMTP server for the e-mail-to-fax gateway.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use serde_json::json;
use testkit::TestDatabase;

fn pdf_text(bytes: &[u8]) -> (String, usize) {
    let doc = lopdf::Document::load_mem(bytes).unwrap();
    let pages: Vec<u32> = doc.get_pages().keys().copied().collect();
    let mut text = String::new();
    for p in &pages {
        text.push_str(&doc.extract_text(&[*p]).unwrap());
        text.push('\n');
    }
    (text, pages.len())
}

fn fax_request(number: &str) -> serde_json::Value {
    json!({
        "channel": "fax", "to": number, "template": "urgent_complaint", "ticket_id": "T20261127-0042",
        "data": {"ticket_id": "T20261127-0042", "type": "complaint", "urgent": "true",
                 "summary": "自来水管爆裂，街道被淹", "details": "盘龙区北京路一段自来水管爆裂，水已漫过人行道，请尽快派人抢修。",
                 "region": "530102", "department": "530100-sws", "department_name": "昆明市水务局",
                 "due_at": "2026-11-28T12:00:00+08:00"}
    })
}

#[tokio::test]
async fn gateway_failing_twice_then_accepting_sends_one_fax() {
    let gateway = HttpStandIn::start(Arc::new(|n| {
        if n <= 2 {
            (500, json!({"error": "modem busy"}), Duration::ZERO)
        } else {
            (200, json!({"job_id": format!("GW-{n}")}), Duration::ZERO)
        }
    }))
    .await;
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(
        &db,
        &[
            ("fax_transport", "http".into()),
            ("fax_http_url", gateway.url("/v1/faxes")),
        ],
    )
    .await;
    let id = n.submit(&fax_request("+86-871-6459-0534"), None).await;
    let v = n.wait_status(&id, "sent").await;
    assert_eq!(v["attempts"], 3, "{v}");
    assert_eq!(v["provider_id"], "GW-3", "the gateway's job id is kept");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let calls = gateway.calls();
    assert_eq!(calls.len(), 3);
    assert_eq!(
        calls.iter().filter(|c| c.status == 200).count(),
        1,
        "one fax"
    );
    for c in &calls {
        assert_eq!(c.path, "/v1/faxes");
        assert_eq!(c.form_field("to").as_deref(), Some("+8687164590534"));
        assert_eq!(
            c.form_field("notification_id").as_deref(),
            Some(id.as_str())
        );
        assert_eq!(c.header("idempotency-key"), Some(id.as_str()));
        let pdf = c.form_file("file").unwrap();
        assert!(pdf.starts_with(b"%PDF"));
    }
    let (text, _) = pdf_text(&calls[2].form_file("file").unwrap());
    assert!(text.contains("昆明市水务局"), "{text}");
}

/// notify sending faxes to `gateway`, asking it first at `lookup` (a path).
async fn with_lookup(db: &TestDatabase, gateway: &HttpStandIn, lookup: &str) -> Notify {
    let settings = [
        ("fax_transport", "http".into()),
        ("fax_http_url", gateway.url("/v1/faxes")),
        ("fax_http_lookup_url", gateway.url(lookup)),
    ];
    start_notify(db, &settings).await
}

/// Issue 16, finding 9: before sending, notify asks the gateway whether it already has the
/// fax (an earlier attempt that reached it, whose answer a crash or a timeout lost). A fax it
/// has is not sent again and its job id is kept; one it lacks is sent; an unsure answer is
/// waited out, never sent blindly.
#[tokio::test]
async fn a_fax_the_gateway_already_has_is_not_sent_again() {
    let gateway = HttpStandIn::start_routed(Arc::new(|_, method, path| {
        match (method, path) {
            // The gateway holds the fax of the one notification whose lookup path ends in -has.
            ("GET", p) if p.ends_with("/has") => {
                (200, json!({"job_id": "GW-EARLIER"}), Duration::ZERO)
            }
            ("GET", p) if p.ends_with("/unsure") => (503, json!({}), Duration::ZERO),
            ("GET", _) => (404, json!({"error": "no such job"}), Duration::ZERO),
            _ => (200, json!({"job_id": "GW-NEW"}), Duration::ZERO),
        }
    }))
    .await;
    let db = TestDatabase::new("notify").unwrap();
    let n = with_lookup(&db, &gateway, "/v1/faxes/by-reference/{notification_id}").await;
    let id = n.submit(&fax_request("0871-64590534"), None).await;
    let v = n.wait_status(&id, "sent").await;
    assert_eq!(v["provider_id"], "GW-NEW", "{v}");
    let calls = gateway.calls();
    let methods: Vec<(&str, &str)> = calls
        .iter()
        .map(|c| (c.method.as_str(), c.path.as_str()))
        .collect();
    let lookup = format!("/v1/faxes/by-reference/{id}");
    assert_eq!(
        methods,
        vec![("GET", lookup.as_str()), ("POST", "/v1/faxes")],
        "asked first, then sent"
    );
    drop(calls);

    // The same notifications, as if an earlier attempt had reached the gateway: the lookup
    // paths are made to end in `has` / `unsure` by a template per notify instance.
    let db2 = TestDatabase::new("notify").unwrap();
    let has = with_lookup(&db2, &gateway, "/v1/faxes/{notification_id}/has").await;
    let before = gateway.calls().len();
    let id = has.submit(&fax_request("0871-64590534"), None).await;
    let v = has.wait_status(&id, "sent").await;
    assert_eq!(
        v["provider_id"], "GW-EARLIER",
        "the gateway's own job is kept"
    );
    let after: Vec<HttpCall> = gateway.calls().into_iter().skip(before).collect();
    assert_eq!(after.len(), 1, "one lookup, no second fax");
    assert_eq!(after[0].method, "GET");

    let db3 = TestDatabase::new("notify").unwrap();
    let unsure = with_lookup(&db3, &gateway, "/v1/faxes/{notification_id}/unsure").await;
    let before = gateway.calls().len();
    let id = unsure.submit(&fax_request("0871-64590534"), None).await;
    // Retried (backoff 200 ms in tests), never sent while the gateway cannot say.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let v = unsure.get(&id).await;
    assert_ne!(v["status"], "sent", "{v}");
    assert_ne!(v["status"], "dead", "{v}");
    assert!(v["attempts"].as_i64().unwrap() >= 2, "{v}");
    assert!(v["last_error"].as_str().unwrap().contains("lookup"), "{v}");
    let after: Vec<HttpCall> = gateway.calls().into_iter().skip(before).collect();
    assert!(
        after.iter().all(|c| c.method == "GET"),
        "no fax sent blindly"
    );
}

#[tokio::test]
async fn gateway_refusing_the_fax_makes_it_dead_at_once() {
    let gateway = HttpStandIn::start(Arc::new(|_| {
        (
            422,
            json!({"error": "number not reachable"}),
            Duration::ZERO,
        )
    }))
    .await;
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(
        &db,
        &[
            ("fax_transport", "http".into()),
            ("fax_http_url", gateway.url("/send")),
        ],
    )
    .await;
    let id = n.submit(&fax_request("0871-64590534"), None).await;
    let v = n.wait_status(&id, "dead").await;
    assert_eq!(v["attempts"], 1);
    assert!(v["last_error"].as_str().unwrap().contains("422"), "{v}");
    assert_eq!(gateway.calls().len(), 1);
}

#[tokio::test]
async fn invalid_fax_numbers_are_refused_and_nothing_is_stored() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[]).await;
    for bad in [
        "12345",
        "0871 64590534",
        "0871-6459;rm -rf /",
        "$(reboot)",
        "`id`",
        "1234567890123456789012",
        "86+8716459",
        "",
        "传真号码",
    ] {
        let res = n.post(&fax_request(bad), None).await;
        assert_eq!(res.status(), 400, "{bad}");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    assert_eq!(n.total().await, 0);
}

#[tokio::test]
async fn spooled_fax_pdf_carries_the_chinese_text_header_and_footer() {
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("hotline_name", "云南12345热线".into())]).await;
    let mut req = fax_request("0871-64590534");
    // A long body: it must flow onto a second page.
    req["data"]["details"] = json!("居民反映情况如下，请核实处理。".repeat(120));
    let id = n.submit(&req, None).await;
    let v = n.wait_status(&id, "sent").await;
    assert_eq!(v["provider_id"], format!("spool:{id}"));
    let dir = n.dir.path().join("fax");
    let pdf = std::fs::read(dir.join(format!("{id}.pdf"))).unwrap();
    let job: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join(format!("{id}.json"))).unwrap()).unwrap();
    assert_eq!(job["number"], "087164590534");
    assert_eq!(job["pdf"], format!("{id}.pdf"));
    let (text, pages) = pdf_text(&pdf);
    assert!(pages >= 2, "{pages} page(s)");
    for expected in [
        "云南12345热线",
        "工单编号：T20261127-0042",
        "承办部门：昆明市水务局",
        "办理时限：2026-11-28 12:00",
        "自来水管爆裂，街道被淹",
        "居民反映情况如下",
        &format!("第 1 / {pages} 页"),
        &format!("第 {pages} / {pages} 页"),
        "发送：云南12345热线",
        "发送时间：",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in\n{text}");
    }
    // The font is subset per document, not embedded whole.
    assert!(pdf.len() < 100_000, "{} bytes", pdf.len());
}

#[tokio::test]
async fn email_to_fax_gateway_gets_the_pdf_attached() {
    let smtp = SmtpServer::start(SmtpBehaviour::default());
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(
        &db,
        &[
            ("smtp_url", smtp.url()),
            ("fax_transport", "email".into()),
            ("fax_email_template", "{number}@fax.example".into()),
        ],
    )
    .await;
    let id = n.submit(&fax_request("0871-64590534"), None).await;
    n.wait_status(&id, "sent").await;
    let m = &smtp.with_id(&format!("<{id}@hotline>"))[0];
    assert_eq!(m.rcpt, vec!["087164590534@fax.example".to_string()]);
    assert!(
        m.data.contains("Content-Type: application/pdf"),
        "{}",
        m.headers()
    );
    assert!(
        m.data.contains(&format!("{id}.pdf")),
        "{}",
        &m.data[..m.data.len().min(3000)]
    );
}
