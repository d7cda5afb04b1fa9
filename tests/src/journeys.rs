//! Journeys more than one test walks: the replenishment loop (its own test and the scale-out
//! test), and the reference data a journey checks against.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shared::auth::Role;

use crate::{Stack, eventually, get, post, reference_data, send, try_eventually};

/// A liaison as the vendored reference data lists it.
#[derive(Debug, Clone)]
pub struct Liaison {
    pub name: String,
    pub email: String,
    pub fax: String,
}

/// The liaisons of `department` in data/kb/liaisons.jsonl.
pub fn liaisons_of(department: &str) -> Vec<Liaison> {
    std::fs::read_to_string(reference_data().join("liaisons.jsonl"))
        .unwrap()
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["department"] == department)
        .map(|v| Liaison {
            name: v["name"].as_str().unwrap_or_default().into(),
            email: v["email"].as_str().unwrap_or_default().into(),
            fax: v["fax"].as_str().unwrap_or_default().into(),
        })
        .collect()
}

pub fn enc(q: &str) -> String {
    let mut out = String::new();
    for b in q.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `GET /api/v1/search?q=` on one knowledge base URL.
pub async fn search(stack: &Stack, base: &str, token: &str, q: &str) -> Value {
    get(
        &stack.http,
        &format!("{base}/api/v1/search?q={}&limit=10", enc(q)),
        token,
    )
    .await
}

/// Whether a search answer names the Dianchi authority confidently among its first three hits.
pub fn finds(answer: &Value, code: &str) -> bool {
    answer["confident"] == true
        && answer["items"].as_array().is_some_and(|items| {
            items
                .iter()
                .take(3)
                .any(|h| h["code"] == code || h["department"]["code"] == code)
        })
}

/// The first page of knowledge's unanswered-queries report; `filter` is `""` or `"status=…&"`.
async fn unanswered(stack: &Stack, token: &str, filter: &str) -> Vec<Value> {
    let url = stack.k(&format!("/api/v1/reports/unanswered?{filter}per_page=100"));
    let page = get(&stack.http, &url, token).await;
    page["items"].as_array().cloned().unwrap_or_default()
}

/// Performs a ticket action (`dispatch`, `accept`, `reply`, …) that must succeed.
pub async fn act(stack: &Stack, token: &str, id: &str, action: &str, body: Value) -> Value {
    post(
        &stack.http,
        &stack.t(&format!("/api/v1/tickets/{id}/{action}")),
        token,
        body,
    )
    .await
}

pub async fn ticket(stack: &Stack, token: &str, id: &str) -> Value {
    get(
        &stack.http,
        &stack.t(&format!("/api/v1/tickets/{id}")),
        token,
    )
    .await
}

pub async fn events(stack: &Stack, token: &str, id: &str) -> Vec<Value> {
    get(
        &stack.http,
        &stack.t(&format!("/api/v1/tickets/{id}/events")),
        token,
    )
    .await
    .as_array()
    .cloned()
    .unwrap_or_default()
}

/// What the loop measured.
#[derive(Debug)]
pub struct LoopReport {
    pub ticket_id: String,
    pub entry_code: String,
    /// Ticket created → closed, by the ticket's own timestamps.
    pub loop_time: Duration,
    /// The query as the unanswered report recorded it.
    pub recorded_query: Option<String>,
    /// Steps that did not do what a user expects (the test fails on them at its end).
    pub defects: Vec<String>,
}

impl LoopReport {
    /// Prints what the loop took and sent; fails the test with every defect it met.
    pub fn print_and_check(&self, stack: &Stack) {
        println!(
            "loop time {:.1} s; messages sent: {} e-mail(s), {} fax(es); ticket {} → {}",
            self.loop_time.as_secs_f64(),
            stack.smtp.mails().len(),
            stack.faxes().len(),
            self.ticket_id,
            self.entry_code
        );
        assert!(
            self.defects.is_empty(),
            "the loop ran to its end, but:\n- {}",
            self.defects.join("\n- ")
        );
    }
}

pub const QUERY: &str = "昆明市滇池管理局电话";
pub const DIANCHI: &str = "昆明市滇池管理局";
pub const DIANCHI_PHONE: &str = "0871-63112345";

/// The missing-information loop of issue 6, step by step, asserting what each person would
/// see. `knowledge_bases` are the knowledge URLs that must all answer the new entry at the end
/// (every replica).
pub async fn replenishment_loop(stack: &Stack, knowledge_bases: &[String]) -> LoopReport {
    let http = &stack.http;
    let operator = stack.login_as("op-dianchi", "operator", None).await;
    let supervisor = stack.login_as("sup-dianchi", "supervisor", None).await;
    let editor = stack.login_as("editor-dianchi", "kb_editor", None).await;
    let liaison = stack.token(Role::Liaison, Some("530100-zfb"));
    let zfb = liaisons_of("530100-zfb");
    assert!(
        !zfb.is_empty(),
        "the reference data has a liaison for 530100-zfb"
    );

    // What a user would see go wrong without the rest of the loop being blocked by it: the
    // loop goes on, and the test fails at its end with the list.
    let mut defects: Vec<String> = Vec::new();

    // 1. The operator searches; the knowledge base has nothing confident.
    let first = search(stack, &stack.k(""), &operator, QUERY).await;
    if first["confident"] != false {
        let top: Vec<&str> = first["items"]
            .as_array()
            .unwrap()
            .iter()
            .take(3)
            .map(|h| h["title"].as_str().unwrap_or_default())
            .collect();
        defects.push(format!("GET /api/v1/search?q={QUERY} before the loop: expected confident=false (nothing names 滇池管理局), got confident={} with top hits {top:?}", first["confident"]));
    }
    assert!(
        !first["items"].as_array().unwrap().iter().any(|h| h["title"]
            .as_str()
            .unwrap_or_default()
            .contains("滇池管理局")),
        "nothing about the Dianchi authority yet: {first}"
    );

    // 2. The query shows up in the unanswered report (written behind the search).
    let recorded_query = try_eventually(10, || async {
        unanswered(stack, &supervisor, "")
            .await
            .iter()
            .find(|i| i["query"].as_str().unwrap_or_default().contains("滇池"))
            .map(|i| i["query"].as_str().unwrap().to_string())
    })
    .await;
    if recorded_query.is_none() {
        defects.push(format!("GET /api/v1/reports/unanswered: expected an open entry for {QUERY} within 10 s of the search, got none"));
    }

    // 3. The operator logs a no-info ticket; it is dispatched to the government office at once.
    let created = post(
        http,
        &stack.t("/api/v1/tickets"),
        &operator,
        json!({
            "type": "no_info", "urgent": false, "summary": "来电查询昆明市滇池管理局电话,知识库无此信息",
            "details": "来电人想投诉滇池边的违建,要找滇池管理局", "region": "530100", "query": QUERY,
            "caller": {"name": "李先生", "phone": "13800001111"}
        }),
    )
    .await;
    let started = Instant::now();
    let id = created["id"].as_str().unwrap().to_string();
    assert_eq!(created["status"], "dispatched", "{created}");
    assert_eq!(created["department"], "530100-zfb", "{created}");
    assert!(created["due_at"].is_string(), "{created}");

    // 4. The government office's liaison gets an e-mail naming the ticket and the question.
    for l in &zfb {
        let mail = stack
            .smtp
            .wait_for(&l.email, "no-info request", |m| {
                m.subject().contains(&id) || m.text().contains(&id)
            })
            .await;
        let text = format!("{}\n{}", mail.subject(), mail.text());
        assert!(
            text.contains(QUERY) || text.contains("滇池"),
            "the e-mail says what was asked: {text}"
        );
    }

    // 5. The liaison sees it among the department's tickets and accepts it.
    let mine = get(
        http,
        &stack.t("/api/v1/tickets?status=dispatched"),
        &liaison,
    )
    .await;
    assert!(
        mine["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["id"] == id.as_str()),
        "{mine}"
    );
    let accepted = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/accept")),
        &liaison,
        json!({}),
    )
    .await;
    assert_eq!(accepted["status"], "accepted");

    // 6. First facts, with a wrong phone number.
    let facts = |phone: &str| {
        json!({
            "new_department": {"name": DIANCHI, "region": "530100",
                "phones": [{"label": "办公室", "number": phone}], "address": "昆明市西山区滇池路1号"},
            "question": "昆明市滇池管理局的电话是多少?",
            "answer": format!("昆明市滇池管理局办公室电话{phone},地址昆明市西山区滇池路1号,工作日9:00-17:00。"),
            "note": "滇池保护治理由昆明市滇池管理局负责"
        })
    };
    let replied = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/replenish")),
        &liaison,
        facts("0871-6311234"),
    )
    .await;
    assert_eq!(replied["status"], "replied", "{replied}");

    // 7. A change request carrying the ticket id appears in knowledge for the editors.
    let pending = |exclude: Option<i64>| {
        let editor = editor.clone();
        let id = id.clone();
        async move {
            eventually(20, "a pending change request for the ticket", || async {
                let page = get(
                    http,
                    &stack.k("/api/v1/change-requests?status=pending"),
                    &editor,
                )
                .await;
                page["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| {
                        c["ticket_id"] == id.as_str() && Some(c["id"].as_i64().unwrap()) != exclude
                    })
                    .cloned()
            })
            .await
        }
    };
    let cr1 = pending(None).await;
    assert_eq!(cr1["new_department"]["name"], DIANCHI, "{cr1}");
    assert_eq!(cr1["region"], "530100", "{cr1}");
    let cr1_id = cr1["id"].as_i64().unwrap();

    // 8. The editor rejects it with a reason; the ticket goes back to the liaison with it.
    let reason = "电话号码少一位,请与官网核对后再提交";
    let rejected = post(
        http,
        &stack.k(&format!("/api/v1/change-requests/{cr1_id}/reject")),
        &editor,
        json!({"reason": reason}),
    )
    .await;
    assert_eq!(rejected["status"], "rejected", "{rejected}");
    eventually(
        20,
        "the ticket back to accepted after the rejection",
        || async { (ticket(stack, &liaison, &id).await["status"] == "accepted").then_some(()) },
    )
    .await;
    let evs = events(stack, &liaison, &id).await;
    assert!(
        evs.iter().any(|e| e["action"] == "knowledge_rejected"
            && e["data"]["reason"]
                .as_str()
                .unwrap_or_default()
                .contains(reason)),
        "the reason is on the ticket: {evs:?}"
    );

    // 9. The liaison replenishes again, correctly; the editor applies it.
    let again = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/replenish")),
        &liaison,
        facts(DIANCHI_PHONE),
    )
    .await;
    assert_eq!(again["status"], "replied", "{again}");
    let cr2 = pending(Some(cr1_id)).await;
    let cr2_id = cr2["id"].as_i64().unwrap();
    assert!(
        cr2["answer"].as_str().unwrap().contains(DIANCHI_PHONE),
        "{cr2}"
    );
    let applied = post(
        http,
        &stack.k(&format!("/api/v1/change-requests/{cr2_id}/apply")),
        &editor,
        json!({}),
    )
    .await;
    assert_eq!(applied["status"], "applied", "{applied}");
    let entry_code = applied["entry_code"]
        .as_str()
        .expect("apply answers the entry code")
        .to_string();

    // 10. The same search now answers, on every replica, with the new phone number.
    for base in knowledge_bases {
        let t0 = Instant::now();
        let hit = eventually(10, &format!("{base} to answer {QUERY}"), || async {
            let a = search(stack, base, &operator, QUERY).await;
            let items = a["items"].as_array().cloned().unwrap_or_default();
            let top = items
                .iter()
                .take(3)
                .find(|h| h["code"] == entry_code.as_str() || h["department"]["name"] == DIANCHI)
                .cloned();
            (a["confident"] == true).then_some(top).flatten()
        })
        .await;
        println!(
            "{base} answers the new entry {:.1} s after apply",
            t0.elapsed().as_secs_f64()
        );
        let shown = hit.to_string();
        assert!(
            shown.contains(DIANCHI_PHONE) || shown.contains("63112345"),
            "the hit shows the phone: {hit}"
        );
    }
    let faq = get(
        http,
        &stack.k(&format!("/api/v1/faqs/{entry_code}")),
        &operator,
    )
    .await;
    assert!(
        faq["answer"]
            .as_str()
            .unwrap_or_default()
            .contains(DIANCHI_PHONE),
        "{faq}"
    );

    // 11. The ticket closes with the entry's code.
    let closed = eventually(20, "the ticket closed with the entry", || async {
        let t = ticket(stack, &operator, &id).await;
        (t["status"] == "closed").then_some(t)
    })
    .await;
    assert_eq!(closed["entry_code"], entry_code.as_str(), "{closed}");
    let evs = events(stack, &operator, &id).await;
    assert!(
        evs.iter().any(|e| e["action"] == "knowledge_applied"
            && e["data"]["entry_code"] == entry_code.as_str()),
        "{evs:?}"
    );
    let ms = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    let loop_time = (ms(&closed["closed_at"]) - ms(&closed["created_at"]))
        .to_std()
        .unwrap();
    println!(
        "replenishment loop: ticket {id} created → closed with {entry_code} in {:.1} s (wall {:.1} s, incl. one rejection)",
        loop_time.as_secs_f64(),
        started.elapsed().as_secs_f64()
    );

    // 12. The unanswered report marks the query answered.
    if let Some(recorded) = &recorded_query {
        let marked = try_eventually(15, || async {
            unanswered(stack, &supervisor, "status=answered&")
                .await
                .iter()
                .any(|i| i["query"] == recorded.as_str() && i["answered_at"].is_string())
        })
        .await;
        let open = get(
            http,
            &stack.k("/api/v1/reports/unanswered?per_page=100"),
            &supervisor,
        )
        .await;
        let still_open = open["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["query"] == recorded.as_str());
        if marked.is_none() || still_open {
            defects.push(format!("GET /api/v1/reports/unanswered: expected `{recorded}` answered after the entry was applied; answered={} still open={still_open}", marked.is_some()));
        }
    }

    // 13. Time from ticket to answer per region.
    let report = get(http, &stack.t("/api/v1/reports/replenishment"), &supervisor).await;
    let kunming = report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["region"] == "530100")
        .cloned()
        .unwrap_or_else(|| panic!("530100 in {report}"));
    assert!(
        kunming["opened"].as_i64().unwrap() >= 1 && kunming["closed"].as_i64().unwrap() >= 1,
        "{kunming}"
    );
    assert!(kunming["median_seconds_to_answer"].is_i64(), "{kunming}");
    println!("replenishment report for 530100: {kunming}");

    // Nobody but supervisors reads that report.
    let (s, _) = send(
        http,
        reqwest::Method::GET,
        &stack.t("/api/v1/reports/replenishment"),
        &operator,
        None,
    )
    .await;
    assert_eq!(s, 403);

    LoopReport {
        ticket_id: id,
        entry_code,
        loop_time,
        recorded_query,
        defects,
    }
}
