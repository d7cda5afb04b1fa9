//! Test support: a real SMTP server (tokio, speaking SMTP to lettre), an HTTP fax gateway and a
//! ticket service stand-in (actix-web), and helpers to start notify on a fresh database.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::{Config, Secret};
use shared::db::{TempDir, TestDatabase};
use shared::settings::ServiceSettings;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

pub fn token(role: Role) -> String {
    JwtKeys::new(&Secret::new(SECRET), "notify")
        .unwrap()
        .issue(
            "tester",
            role,
            (role == Role::Liaison).then_some("530100-hbj"),
            &ALL_AUDIENCES,
            600,
        )
        .unwrap()
}

/// A port that was free a moment ago.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

// ---------------------------------------------------------------- SMTP

#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub rcpt: Vec<String>,
    /// The message as sent after DATA (dot-unstuffed, CRLF line ends).
    pub data: String,
}

impl Received {
    pub fn headers(&self) -> &str {
        self.data.split("\r\n\r\n").next().unwrap_or("")
    }
    pub fn header(&self, name: &str) -> Option<String> {
        let prefix = format!("{}:", name.to_ascii_lowercase());
        let head = self.headers();
        let mut lines = head.split("\r\n").peekable();
        while let Some(l) = lines.next() {
            if l.to_ascii_lowercase().starts_with(&prefix) {
                let mut v = l[prefix.len()..].trim().to_string();
                while lines
                    .peek()
                    .is_some_and(|n| n.starts_with(' ') || n.starts_with('\t'))
                {
                    v.push_str(lines.next().unwrap());
                }
                return Some(v);
            }
        }
        None
    }
    pub fn message_id(&self) -> String {
        self.header("message-id").unwrap_or_default()
    }
    /// The Subject decoded from RFC 2047 encoded-words.
    pub fn subject(&self) -> String {
        decode_words(&self.header("subject").unwrap_or_default())
    }
}

pub fn decode_words(v: &str) -> String {
    use base64::Engine;
    let mut out = String::new();
    for part in v.split_whitespace() {
        let lower = part.to_ascii_lowercase();
        if lower.starts_with("=?utf-8?b?") && part.ends_with("?=") {
            let b = &part[10..part.len() - 2];
            let bytes = base64::engine::general_purpose::STANDARD.decode(b).unwrap();
            out.push_str(&String::from_utf8_lossy(&bytes));
        } else if lower.starts_with("=?utf-8?q?") && part.ends_with("?=") {
            out.push_str(&decode_qp(&part[10..part.len() - 2].replace('_', " ")));
        } else {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part);
        }
    }
    out
}

pub fn decode_qp(s: &str) -> String {
    let mut bytes = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i + 2 < b.len() {
            if b[i + 1] == b'\r' && b[i + 2] == b'\n' {
                i += 3;
                continue;
            }
            if let Ok(v) =
                u8::from_str_radix(std::str::from_utf8(&b[i + 1..i + 3]).unwrap_or("zz"), 16)
            {
                bytes.push(v);
                i += 3;
                continue;
            }
        }
        bytes.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes).to_string()
}

/// The decoded text of a single-part text message.
pub fn text_body(r: &Received) -> String {
    use base64::Engine;
    let body = r.data.split_once("\r\n\r\n").map_or("", |x| x.1);
    match r
        .header("content-transfer-encoding")
        .map(|s| s.to_ascii_lowercase())
    {
        Some(e) if e == "base64" => {
            let clean: String = body.chars().filter(|c| !c.is_whitespace()).collect();
            String::from_utf8_lossy(
                &base64::engine::general_purpose::STANDARD
                    .decode(clean)
                    .unwrap(),
            )
            .to_string()
        }
        Some(e) if e == "quoted-printable" => decode_qp(body),
        _ => body.to_string(),
    }
}

#[derive(Default)]
pub struct SmtpBehaviour {
    /// RCPT TO addresses containing this get `550`.
    pub reject_rcpt: Option<String>,
    /// Wait this long after the message is stored and before `250` (a slow server; a client
    /// killed during the wait has delivered without knowing it).
    pub delay_after_data: Duration,
}

pub struct SmtpServer {
    pub port: u16,
    pub received: Arc<Mutex<Vec<Received>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl SmtpServer {
    pub async fn start(behaviour: SmtpBehaviour) -> SmtpServer {
        Self::start_on(0, behaviour).await
    }

    pub async fn start_on(port: u16, behaviour: SmtpBehaviour) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let received = Arc::new(Mutex::new(Vec::new()));
        let store = received.clone();
        let behaviour = Arc::new(behaviour);
        let task = tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else {
                    continue;
                };
                let store = store.clone();
                let behaviour = behaviour.clone();
                tokio::spawn(async move {
                    let _ = session(sock, store, behaviour).await;
                });
            }
        });
        SmtpServer {
            port,
            received,
            task,
        }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    pub fn messages(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub fn with_id(&self, message_id: &str) -> Vec<Received> {
        self.messages()
            .into_iter()
            .filter(|m| m.message_id() == message_id)
            .collect()
    }
}

async fn session(
    sock: tokio::net::TcpStream,
    store: Arc<Mutex<Vec<Received>>>,
    behaviour: Arc<SmtpBehaviour>,
) -> std::io::Result<()> {
    let (r, mut w) = sock.into_split();
    let mut r = BufReader::new(r);
    w.write_all(b"220 test.smtp ESMTP ready\r\n").await?;
    let mut from = String::new();
    let mut rcpt = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if r.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let cmd = line.trim_end().to_string();
        let upper = cmd.to_ascii_uppercase();
        if upper.starts_with("EHLO") {
            w.write_all(b"250-test.smtp\r\n250-8BITMIME\r\n250 SIZE 20000000\r\n")
                .await?;
        } else if upper.starts_with("HELO") {
            w.write_all(b"250 test.smtp\r\n").await?;
        } else if upper.starts_with("MAIL FROM:") {
            from = cmd[10..].trim().to_string();
            rcpt.clear();
            w.write_all(b"250 OK\r\n").await?;
        } else if upper.starts_with("RCPT TO:") {
            let to = cmd[8..]
                .trim()
                .trim_matches(|c| c == '<' || c == '>')
                .to_string();
            if behaviour
                .reject_rcpt
                .as_ref()
                .is_some_and(|r| to.contains(r.as_str()))
            {
                w.write_all(b"550 5.1.1 No such user\r\n").await?;
            } else {
                rcpt.push(to);
                w.write_all(b"250 OK\r\n").await?;
            }
        } else if upper == "DATA" {
            w.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n")
                .await?;
            let mut data = String::new();
            loop {
                line.clear();
                if r.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                let l = line.strip_prefix('.').unwrap_or(&line);
                data.push_str(l);
            }
            store.lock().unwrap().push(Received {
                from: from.clone(),
                rcpt: std::mem::take(&mut rcpt),
                data,
            });
            if !behaviour.delay_after_data.is_zero() {
                tokio::time::sleep(behaviour.delay_after_data).await;
            }
            w.write_all(b"250 2.0.0 OK queued\r\n").await?;
        } else if upper == "QUIT" {
            w.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else if upper == "RSET" || upper == "NOOP" {
            w.write_all(b"250 OK\r\n").await?;
        } else {
            w.write_all(b"502 Command not implemented\r\n").await?;
        }
    }
}

// ---------------------------------------------------------------- HTTP stand-ins

/// One request as an HTTP stand-in received it.
#[derive(Debug, Clone)]
pub struct HttpCall {
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub status: u16,
}

impl HttpCall {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap()
    }
    /// A text field of a multipart/form-data body.
    pub fn form_field(&self, name: &str) -> Option<String> {
        let text = String::from_utf8_lossy(&self.body);
        let marker = format!("name=\"{name}\"");
        let at = text.find(&marker)?;
        let rest = &text[at..];
        let start = rest.find("\r\n\r\n")? + 4;
        let end = rest[start..].find("\r\n--")?;
        Some(rest[start..start + end].to_string())
    }
    /// The bytes of a file part of a multipart/form-data body.
    pub fn form_file(&self, name: &str) -> Option<Vec<u8>> {
        let marker = format!("name=\"{name}\"");
        let pos = find(&self.body, marker.as_bytes())?;
        let start = pos + find(&self.body[pos..], b"\r\n\r\n")? + 4;
        let end = start + find(&self.body[start..], b"\r\n--")?;
        Some(self.body[start..end].to_vec())
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// A tiny HTTP server that records every request and answers from a script: the n-th request
/// gets `answer(n)` = (status, JSON body, delay before answering).
pub struct HttpStandIn {
    pub port: u16,
    pub calls: Arc<Mutex<Vec<HttpCall>>>,
    pub count: Arc<AtomicUsize>,
    handle: actix_web::dev::ServerHandle,
}

pub type Script = Arc<dyn Fn(usize) -> (u16, serde_json::Value, Duration) + Send + Sync>;

impl HttpStandIn {
    pub async fn start(script: Script) -> HttpStandIn {
        use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
        let calls = Arc::new(Mutex::new(Vec::new()));
        let count = Arc::new(AtomicUsize::new(0));
        let (c2, n2) = (calls.clone(), count.clone());
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let server = HttpServer::new(move || {
            let calls = c2.clone();
            let count = n2.clone();
            let script = script.clone();
            App::new()
                .app_data(web::PayloadConfig::new(20 * 1024 * 1024))
                .default_service(web::to(move |req: HttpRequest, body: web::Bytes| {
                    let calls = calls.clone();
                    let count = count.clone();
                    let script = script.clone();
                    async move {
                        let n = count.fetch_add(1, Ordering::SeqCst) + 1;
                        let (status, answer, delay) = script(n);
                        calls.lock().unwrap().push(HttpCall {
                            path: req.path().to_string(),
                            headers: req
                                .headers()
                                .iter()
                                .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_string()))
                                .collect(),
                            body: body.to_vec(),
                            status,
                        });
                        if !delay.is_zero() {
                            tokio::time::sleep(delay).await;
                        }
                        HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap())
                            .json(answer)
                    }
                }))
        })
        .workers(2)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        HttpStandIn {
            port,
            calls,
            count,
            handle,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn calls(&self) -> Vec<HttpCall> {
        self.calls.lock().unwrap().clone()
    }
}

impl Drop for HttpStandIn {
    fn drop(&mut self) {
        let h = self.handle.clone();
        drop(h.stop(false));
    }
}

// ---------------------------------------------------------------- notify

pub struct Notify {
    pub base: String,
    pub app_state: notify::startup::AppState,
    pub jobs: notify::jobs::Jobs,
    pub dir: Arc<TempDir>,
    pub client: reqwest::Client,
}

/// Fast retries for tests; `extra` overrides or adds configuration keys.
pub fn test_config(db_url: &str, dir: &TempDir, extra: &[(&str, String)]) -> Config {
    let mut c = Config::from_pairs([
        ("jwt_secret", SECRET.to_string()),
        ("notify_database_url", db_url.to_string()),
        ("notify_port", "0".to_string()),
        ("data_dir", dir.path().to_str().unwrap().to_string()),
        ("notify_poll_ms", "100".to_string()),
        ("notify_backoff_ms", "200".to_string()),
        ("notify_backoff_max_ms", "1000".to_string()),
        ("notify_lease_ms", "10000".to_string()),
        ("smtp_timeout_secs", "5".to_string()),
        ("tickets_url", "http://127.0.0.1:9".to_string()),
        ("centre_fax", "0871-12345".to_string()),
    ]);
    for (k, v) in extra {
        c.set(*k, v.clone());
    }
    c
}

pub async fn start_notify(db: &TestDatabase, extra: &[(&str, String)]) -> Notify {
    let dir = Arc::new(TempDir::new("notify-test").unwrap());
    start_notify_in(db, dir, extra).await
}

pub async fn start_notify_in(
    db: &TestDatabase,
    dir: Arc<TempDir>,
    extra: &[(&str, String)],
) -> Notify {
    let config = test_config(&db.url, &dir, extra);
    let settings = ServiceSettings::from_config("notify", &config).unwrap();
    let app = notify::Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    let app_state = app.state.clone();
    let jobs = app.jobs.clone();
    tokio::spawn(app.run_until_stopped());
    Notify {
        base,
        app_state,
        jobs,
        dir,
        client: reqwest::Client::new(),
    }
}

impl Notify {
    pub async fn post(&self, body: &serde_json::Value, key: Option<&str>) -> reqwest::Response {
        let mut req = self
            .client
            .post(format!("{}/api/v1/notifications", self.base))
            .bearer_auth(token(Role::Service))
            .json(body);
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        req.send().await.unwrap()
    }

    /// Posts and returns the new id (expects 202).
    pub async fn submit(&self, body: &serde_json::Value, key: Option<&str>) -> String {
        let res = self.post(body, key).await;
        let status = res.status();
        let text = res.text().await.unwrap();
        assert_eq!(status, 202, "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        v["id"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, id: &str) -> serde_json::Value {
        let res = self
            .client
            .get(format!("{}/api/v1/notifications/{id}", self.base))
            .bearer_auth(token(Role::Supervisor))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Polls until the notification satisfies `done`, or panics after `limit`.
    pub async fn wait_for(
        &self,
        id: &str,
        limit: Duration,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let start = Instant::now();
        loop {
            let v = self.get(id).await;
            if done(&v) {
                return v;
            }
            assert!(start.elapsed() < limit, "timed out waiting; last state {v}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn wait_status(&self, id: &str, status: &str) -> serde_json::Value {
        self.wait_for(id, Duration::from_secs(30), |v| v["status"] == status)
            .await
    }
}

/// Waits until `cond` holds, checking every 50 ms, or panics with `what` after `limit`.
pub async fn eventually(limit: Duration, what: &str, cond: impl Fn() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(start.elapsed() < limit, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub fn email(to: &str, subject: &str, body: &str) -> serde_json::Value {
    serde_json::json!({"channel": "email", "to": to, "subject": subject, "body": body})
}
