//! Test support: an HTTP fax gateway and a ticket service stand-in (actix-web), and helpers to
//! start notify on a fresh database; the SMTP server, database and waiting come from testkit.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use shared::auth::Role;
use shared::config::Config;
use shared::settings::ServiceSettings;

// Each test binary uses its own part of these.
#[allow(unused_imports)]
pub use testkit::{
    Mail, SECRET, SmtpBehaviour, SmtpServer, TempDir, TestDatabase, eventually, free_port,
};

/// A token for `role` (a liaison of `530100-hbj`).
pub fn token(role: Role) -> String {
    testkit::Tokens::default().issue(
        role,
        "tester",
        (role == Role::Liaison).then_some("530100-hbj"),
    )
}

// ---------------------------------------------------------------- HTTP stand-ins

/// One request as an HTTP stand-in received it.
#[derive(Debug, Clone)]
pub struct HttpCall {
    pub method: String,
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
/// A script that also sees each request's method and path.
pub type RoutedScript =
    Arc<dyn Fn(usize, &str, &str) -> (u16, serde_json::Value, Duration) + Send + Sync>;

impl HttpStandIn {
    pub async fn start(script: Script) -> HttpStandIn {
        HttpStandIn::start_routed(Arc::new(move |n, _, _| script(n))).await
    }

    pub async fn start_routed(script: RoutedScript) -> HttpStandIn {
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
                        let (status, answer, delay) = script(n, req.method().as_str(), req.path());
                        calls.lock().unwrap().push(HttpCall {
                            method: req.method().to_string(),
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
        let found = testkit::try_eventually(limit.as_secs(), || async {
            let v = self.get(id).await;
            done(&v).then_some(v)
        })
        .await;
        match found {
            Some(v) => v,
            None => panic!("timed out waiting; last state {}", self.get(id).await),
        }
    }

    /// How many notifications are stored (as an admin lists them).
    pub async fn total(&self) -> i64 {
        let res = self
            .client
            .get(format!("{}/api/v1/notifications", self.base))
            .bearer_auth(token(Role::Admin))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        let page: serde_json::Value = res.json().await.unwrap();
        page["total"].as_i64().unwrap()
    }

    pub async fn wait_status(&self, id: &str, status: &str) -> serde_json::Value {
        self.wait_for(id, Duration::from_secs(30), |v| v["status"] == status)
            .await
    }
}

/// The data the ticket service sends with a template about a ticket (every value the
/// e-mail, fax and SMS templates about a ticket need).
pub fn ticket_data(ticket_id: &str) -> serde_json::Value {
    serde_json::json!({
        "ticket_id": ticket_id, "type": "complaint", "urgent": "false",
        "summary": "小区噪音扰民", "details": "夜间施工至凌晨两点。", "region": "530102",
        "department": "530100-hbj", "department_name": "昆明市生态环境局",
        "due_at": "2026-12-01 17:30",
    })
}

pub fn email(to: &str, subject: &str, body: &str) -> serde_json::Value {
    serde_json::json!({"channel": "email", "to": to, "subject": subject, "body": body})
}

/// This test binary started again as a child that runs only `test`, with notify's usual
/// settings (`db`, data folder `dir`, `port`) and `env`: the crash tests kill it at will, as
/// an operating system kills a process. `flag` tells the child it is one.
pub fn spawn_child(
    test: &str,
    flag: &str,
    db: &testkit::TestDatabase,
    dir: &testkit::TempDir,
    port: u16,
    env: &[(&str, String)],
) -> std::process::Child {
    let mut cmd = std::process::Command::new(std::env::current_exe().unwrap());
    cmd.args([test, "--exact", "--include-ignored"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .env(flag, "1")
        .env("HOTLINE_JWT_SECRET", SECRET)
        .env("HOTLINE_DATA_DIR", dir.path())
        .env("HOTLINE_NOTIFY_DATABASE_URL", &db.url)
        .env("HOTLINE_NOTIFY_PORT", port.to_string())
        .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    cmd.spawn().unwrap()
}
