//! Test harness: the ticket service on port 0 with a fresh database (testkit's: SQLite, or
//! PostgreSQL when HOTLINE_TEST_DATABASE_URL is set), a manual clock, and a small real HTTP
//! server that stands in for the knowledge and notify services and records every call.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::{Value, json};
use shared::auth::Role;
use shared::clock::Clock;
use shared::config::Config;
use shared::settings::ServiceSettings;
// Each test binary uses its own part of these.
#[allow(unused_imports)]
pub use testkit::{SECRET, TempDir, TestDatabase, Tokens, eventually, free_port};
pub const GAJ: &str = "530100-gaj";
pub const RSJ: &str = "530100-rsj";
pub const ZFB: &str = "530100-zfb";

/// One request the stand-in peer received.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub key: Option<String>,
    pub body: Value,
}

#[derive(Default)]
struct PeerState {
    calls: Mutex<Vec<Recorded>>,
    down: AtomicBool,
}

/// The stand-in knowledge + notify service.
pub struct Peer {
    pub url: String,
    pub port: u16,
    state: Arc<PeerState>,
    handle: actix_web::dev::ServerHandle,
}

fn department(code: &str) -> Option<Value> {
    let liaison = |n: u8| {
        json!({
            "code": format!("{code}-L{n}"), "department": code, "name": format!("联络员{n}"),
            "phone": "0871-1234567", "mobile": "13900000000",
            "email": format!("{n}.{code}@example.org"), "fax": format!("0871-6000000{n}")
        })
    };
    match code {
        GAJ | RSJ | ZFB => Some(json!({
            "code": code, "name": format!("部门 {code}"), "region": "530100", "status": "active",
            "liaisons": [liaison(1), liaison(2)], "open_now": true
        })),
        "530100-old" => Some(json!({
            "code": code, "name": "旧机构", "region": "530100", "status": "merged",
            "successor": RSJ, "liaisons": []
        })),
        _ => None,
    }
}

async fn peer_handler(
    req: HttpRequest,
    body: web::Bytes,
    state: web::Data<Arc<PeerState>>,
) -> HttpResponse {
    if state.down.load(Ordering::SeqCst) {
        return HttpResponse::ServiceUnavailable().json(json!({"status": 503}));
    }
    let path = req.path().to_string();
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let body_json: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    state.calls.lock().unwrap().push(Recorded {
        method: req.method().to_string(),
        path: path.clone(),
        key: key.clone(),
        body: body_json.clone(),
    });
    if !req
        .headers()
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "))
    {
        return HttpResponse::Unauthorized().finish();
    }
    if let Some(code) = path.strip_prefix("/api/v1/departments/") {
        return match department(code) {
            Some(d) => HttpResponse::Ok().json(d),
            None => HttpResponse::NotFound()
                .content_type("application/problem+json")
                .json(json!({"status": 404, "code": "not_found"})),
        };
    }
    match path.as_str() {
        // Whose fax a number is (issue 18): 0871-70000001 is the public security bureau's.
        "/api/v1/departments" if req.query_string().contains("fax=") => {
            let ours = req.query_string().contains("fax=087170000001");
            let items: Vec<Value> = if ours {
                vec![json!({"code": GAJ})]
            } else {
                vec![]
            };
            HttpResponse::Ok()
                .json(json!({"items": items, "total": items.len(), "page": 1, "per_page": 100}))
        }
        "/api/v1/regions" => HttpResponse::Ok().json(json!([
            {"code": "530100", "name": "昆明市"}, {"code": "530102", "name": "五华区"}
        ])),
        "/api/v1/notifications" if body_json["to"] == "reject-me" => HttpResponse::BadRequest()
            .content_type("application/problem+json")
            .json(json!({"status": 400, "code": "bad_request", "detail": "invalid fax number"})),
        "/api/v1/notifications" => HttpResponse::Accepted()
            .json(json!({"id": format!("n-{}", key.unwrap_or_default()), "status": "queued"})),
        // The knowledge base's state for the health report: fixed figures, the months echoed.
        "/api/v1/reports/kb-health-now" => {
            let months = req
                .query_string()
                .split('&')
                .find_map(|p| p.strip_prefix("months="))
                .and_then(|m| m.parse::<u32>().ok())
                .unwrap_or(12);
            HttpResponse::Ok()
                .json(json!({"open_unanswered": 4, "stale_entries": 2, "months": months}))
        }
        "/api/v1/change-requests" => HttpResponse::Created().json(json!({
            "id": 77, "status": "pending", "ticket_id": body_json["ticket_id"]
        })),
        _ => HttpResponse::NotFound().finish(),
    }
}

impl Peer {
    pub async fn start() -> Peer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        Self::start_on(listener).await
    }

    pub async fn start_at(port: u16) -> Peer {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        Self::start_on(listener).await
    }

    async fn start_on(listener: TcpListener) -> Peer {
        let port = listener.local_addr().unwrap().port();
        let state = Arc::new(PeerState::default());
        let data = state.clone();
        let server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .app_data(web::Data::new(data.clone()))
                .default_service(web::to(peer_handler))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Peer {
            url: format!("http://127.0.0.1:{port}"),
            port,
            state,
            handle,
        }
    }

    pub fn set_down(&self, down: bool) {
        self.state.down.store(down, Ordering::SeqCst);
    }

    pub async fn stop(&self) {
        self.handle.stop(false).await;
    }

    pub fn calls(&self) -> Vec<Recorded> {
        self.state.calls.lock().unwrap().clone()
    }

    /// Notifications posted, one per idempotency key (retries of a key count once).
    pub fn notifications(&self) -> Vec<Recorded> {
        let mut seen = HashMap::new();
        for c in self.calls() {
            if c.path == "/api/v1/notifications" {
                seen.entry(c.key.clone()).or_insert(c);
            }
        }
        let mut v: Vec<Recorded> = seen.into_values().collect();
        v.sort_by(|a, b| a.key.cmp(&b.key));
        v
    }

    pub fn notifications_for(&self, ticket: &str) -> Vec<Recorded> {
        self.notifications()
            .into_iter()
            .filter(|n| n.body["ticket_id"] == ticket)
            .collect()
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub tokens: Tokens,
    pub clock: Clock,
    pub state: tickets::startup::AppState,
    pub db_url: String,
    _db: Option<TestDatabase>,
    _dir: TempDir,
}

/// Thursday 2026-11-26 10:00 in China.
pub fn default_start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 26, 2, 0, 0).unwrap()
}

/// `2026-09-30 16:00` China time as UTC.
pub fn cst(text: &str) -> DateTime<Utc> {
    shared::calendar::cst()
        .from_local_datetime(
            &chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap(),
        )
        .unwrap()
        .with_timezone(&Utc)
}

pub fn local(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .unwrap()
        .with_timezone(&shared::calendar::cst())
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub async fn spawn_app(peer_url: &str) -> TestApp {
    spawn_app_with(peer_url, Some(default_start()), &[]).await
}

pub async fn spawn_app_with(
    peer_url: &str,
    start: Option<DateTime<Utc>>,
    extra: &[(&str, &str)],
) -> TestApp {
    let db = TestDatabase::new("tickets").unwrap();
    let url = db.url.clone();
    let clock = start.map(Clock::manual);
    build_app(peer_url, &url, Some(db), clock, extra).await
}

/// A second replica on the same database and clock.
pub async fn spawn_replica(of: &TestApp, peer_url: &str) -> TestApp {
    spawn_replica_with(of, peer_url, &[]).await
}

pub async fn spawn_replica_with(of: &TestApp, peer_url: &str, extra: &[(&str, &str)]) -> TestApp {
    build_app(peer_url, &of.db_url, None, Some(of.clock.clone()), extra).await
}

async fn build_app(
    peer_url: &str,
    db_url: &str,
    db: Option<TestDatabase>,
    clock: Option<Clock>,
    extra: &[(&str, &str)],
) -> TestApp {
    let dir = TempDir::new("tk").unwrap();
    let mut pairs: Vec<(String, String)> = vec![
        ("jwt_secret", SECRET),
        ("tickets_database_url", db_url),
        ("tickets_port", "0"),
        ("data_dir", dir.path().to_str().unwrap()),
        ("knowledge_url", peer_url),
        ("notify_url", peer_url),
        ("tickets_relay_interval_ms", "50"),
        ("tickets_relay_max_backoff_ms", "300"),
        ("tickets_escalation_interval_ms", "100"),
        (
            "supervisor_email",
            "boss@hotline.example, deputy@hotline.example",
        ),
        ("centre_fax", "0871-96128"),
        ("centre_email", "centre@hotline.example"),
        ("supervisor_mobile", "13800000001"),
        ("tickets_db_pool_size", "8"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // `extra` replaces a default (an empty value unsets it).
    pairs.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
    pairs.extend(
        extra
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    let config = Config::from_pairs(pairs);
    let mut settings = ServiceSettings::from_config("tickets", &config).unwrap();
    if let Some(clock) = clock {
        settings.clock = clock;
    }
    let clock = settings.clock.clone();
    let app = tickets::Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let state = app.state.clone();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        base,
        client: reqwest::Client::new(),
        tokens: Tokens::new(SECRET),
        clock,
        state,
        db_url: db_url.to_string(),
        _db: db,
        _dir: dir,
    }
}

pub struct Res {
    pub status: u16,
    pub content_type: String,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
}

impl Res {
    /// A problem+json answer with this status and code.
    pub fn assert_problem(&self, status: u16, code: &str) {
        assert_eq!(self.status, status, "{}", self.body);
        assert_eq!(
            self.content_type, "application/problem+json",
            "{}",
            self.body
        );
        if !code.is_empty() {
            assert_eq!(self.body["code"], code, "{}", self.body);
        }
    }
}

impl TestApp {
    pub fn token(&self, role: Role, sub: &str, department: Option<&str>) -> String {
        self.tokens.issue(role, sub, department)
    }
    pub fn operator(&self) -> String {
        self.token(Role::Operator, "op1", None)
    }
    pub fn operator2(&self) -> String {
        self.token(Role::Operator, "op2", None)
    }
    pub fn supervisor(&self) -> String {
        self.token(Role::Supervisor, "sup1", None)
    }
    pub fn admin(&self) -> String {
        self.token(Role::Admin, "admin1", None)
    }
    pub fn service(&self) -> String {
        self.token(Role::Service, "knowledge", None)
    }
    pub fn liaison(&self, dept: &str) -> String {
        self.token(Role::Liaison, &format!("liaison-{dept}"), Some(dept))
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Res {
        let mut req = self.client.request(method, format!("{}{path}", self.base));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.unwrap();
        Self::read(res).await
    }

    pub async fn read(res: reqwest::Response) -> Res {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let text = res.text().await.unwrap();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Res {
            status,
            content_type,
            headers,
            body,
        }
    }

    /// A file the service answers 200 with: its headers and bytes.
    pub async fn download(&self, path: &str, token: &str) -> (reqwest::header::HeaderMap, Vec<u8>) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let headers = res.headers().clone();
        (headers, res.bytes().await.unwrap().to_vec())
    }

    /// Each query of `path` is a 400 whose detail names its field (`(query, field)`), and
    /// only supervisors read it (403 for an operator, a liaison and an admin).
    pub async fn assert_report_refusals(&self, path: &str, bad: &[(&str, &str)]) {
        let sup = self.supervisor();
        for (query, field) in bad {
            let res = self.get(&format!("{path}?{query}"), &sup).await;
            res.assert_problem(400, "bad_request");
            let detail = res.body["detail"].as_str().unwrap_or_default();
            assert!(detail.contains(field), "{query}: {detail}");
        }
        for token in [self.operator(), self.liaison(GAJ), self.admin()] {
            self.get(path, &token).await.assert_problem(403, "");
        }
    }

    pub async fn get(&self, path: &str, token: &str) -> Res {
        self.send(reqwest::Method::GET, path, Some(token), None, &[])
            .await
    }

    pub async fn post(&self, path: &str, token: &str, body: Value) -> Res {
        self.send(reqwest::Method::POST, path, Some(token), Some(&body), &[])
            .await
    }

    pub async fn put(&self, path: &str, token: &str, body: Value) -> Res {
        self.send(reqwest::Method::PUT, path, Some(token), Some(&body), &[])
            .await
    }

    /// Creates a ticket as operator `op1`; answers its JSON.
    pub async fn create(&self, body: Value) -> Value {
        let res = self.post("/api/v1/tickets", &self.operator(), body).await;
        assert_eq!(res.status, 201, "{}", res.body);
        res.body
    }

    pub async fn complaint(&self, urgent: bool) -> String {
        let t = self.create(complaint_body(urgent)).await;
        t["id"].as_str().unwrap().to_string()
    }

    pub async fn no_info(&self) -> String {
        let t = self.create(no_info_body()).await;
        t["id"].as_str().unwrap().to_string()
    }

    pub async fn action(&self, id: &str, action: &str, token: &str, body: Value) -> Res {
        self.post(&format!("/api/v1/tickets/{id}/{action}"), token, body)
            .await
    }

    /// Performs an action that must succeed; answers the ticket.
    pub async fn must(&self, id: &str, action: &str, token: &str, body: Value) -> Value {
        let res = self.action(id, action, token, body).await;
        assert_eq!(res.status, 200, "{action}: {}", res.body);
        res.body
    }

    pub async fn ticket(&self, id: &str) -> Value {
        let res = self
            .get(&format!("/api/v1/tickets/{id}"), &self.supervisor())
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        res.body
    }

    pub async fn events(&self, id: &str) -> Vec<Value> {
        let res = self
            .get(&format!("/api/v1/tickets/{id}/events"), &self.supervisor())
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        res.body.as_array().unwrap().clone()
    }

    /// How many tickets exist (supervisor's list total).
    pub async fn ticket_count(&self) -> i64 {
        let res = self
            .get("/api/v1/tickets?per_page=1", &self.supervisor())
            .await;
        res.body["total"].as_i64().unwrap()
    }

    pub async fn outbox_pending(&self) -> i64 {
        let counts = shared::db::run(&self.state.pool, tickets::db::outbox::counts)
            .await
            .unwrap();
        counts
            .into_iter()
            .filter(|(s, _)| s == "pending")
            .map(|(_, n)| n)
            .sum()
    }
}

pub fn complaint_body(urgent: bool) -> Value {
    json!({
        "type": "complaint", "urgent": urgent, "cause": "handling",
        "summary": "办事窗口推诿", "details": "多次前往未办理",
        "region": "530100", "department": GAJ,
        "caller": {"name": "张先生", "phone": "13912341234", "email": "caller@example.org"}
    })
}

pub fn no_info_body() -> Value {
    json!({
        "type": "no_info", "summary": "查无滇池管理局电话", "region": "530100",
        "query": "昆明市滇池管理局电话",
        "caller": {"phone": "13800001111"}
    })
}

/// The shared strings of an Excel workbook (every text cell), as its XML holds them.
pub fn xlsx_strings(bytes: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut strings)
        .unwrap();
    strings
}

/// The words of a PDF, as poppler's `pdftotext` reads it (scripts/hylafax-setup installs it),
/// one space between each.
pub fn pdf_words(bytes: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!(
        "report-{}-{}.pdf",
        std::process::id(),
        rand::random::<u64>()
    ));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils; scripts/hylafax-setup installs it)");
    std::fs::remove_file(&path).ok();
    assert!(out.status.success(), "pdftotext: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A random generator for a random run, from `REPORT_SEED` when set (to replay a failure),
/// else a fresh seed; the seed is printed and returned for the failure messages.
pub fn report_rng() -> (u64, rand::rngs::StdRng) {
    use rand::{Rng, SeedableRng};
    let seed = std::env::var("REPORT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random());
    eprintln!("REPORT_SEED={seed}");
    (seed, rand::rngs::StdRng::seed_from_u64(seed))
}
