//! End-to-end harness: starts `knowledge`, `tickets` and `notify` as separate processes of
//! the `hotline` binary, each with a fresh database, a real SMTP server inside the test, and
//! the fax spool in a temporary folder; then drives them over HTTP like a frontend would.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::Secret;
use shared::db::{TempDir, TestDatabase};

pub const SECRET: &str = "e2e-secret-e2e-secret-e2e-secret-0123456789";
pub const PASSWORD: &str = "e2e-password";

/// The `hotline` binary next to this test's own executable (scripts/test builds it first).
pub fn hotline_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("hotline");
    assert!(bin.exists(), "{} is missing: run `cargo build -p hotline` first (scripts/test does)", bin.display());
    bin
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// One message the SMTP server received.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub data: String,
}

#[derive(Clone)]
struct MailHandler {
    inbox: Arc<Mutex<Vec<Mail>>>,
    current: Mail,
    buffer: Vec<u8>,
}

impl mailin_embedded::Handler for MailHandler {
    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> mailin_embedded::Response {
        self.current = Mail { from: from.to_string(), to: to.to_vec(), data: String::new() };
        self.buffer.clear();
        mailin_embedded::response::OK
    }
    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buffer.extend_from_slice(buf);
        Ok(())
    }
    fn data_end(&mut self) -> mailin_embedded::Response {
        let mut mail = std::mem::take(&mut self.current);
        mail.data = String::from_utf8_lossy(&self.buffer).into_owned();
        self.inbox.lock().unwrap().push(mail);
        mailin_embedded::response::OK
    }
}

/// A real SMTP server on a free port, running for the rest of the test process.
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = MailHandler { inbox: inbox.clone(), current: Mail::default(), buffer: Vec::new() };
        let mut server = mailin_embedded::Server::new(handler);
        server.with_name("e2e.test").with_num_threads(4).with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, inbox }
    }

    pub fn mails(&self) -> Vec<Mail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits until a message to `rcpt` matching `pred` arrives.
    pub async fn wait_for(&self, rcpt: &str, what: &str, pred: impl Fn(&Mail) -> bool) -> Mail {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Some(m) = self.mails().into_iter().find(|m| m.to.iter().any(|t| t.contains(rcpt)) && pred(m)) {
                return m;
            }
            assert!(Instant::now() < deadline, "no mail to {rcpt} ({what}) within 30 s; got {:?}", self.mails().iter().map(|m| (&m.to, m.data.len())).collect::<Vec<_>>());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// One running service process.
pub struct Service {
    pub name: &'static str,
    pub port: u16,
    child: Option<Child>,
    env: Vec<(String, String)>,
    log: PathBuf,
}

impl Service {
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{}", self.port, path)
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new().create(true).append(true).open(&self.log).unwrap();
        let child = Command::new(hotline_binary())
            .arg(self.name)
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("RUST_LOG", "info,tantivy=warn")
            .envs(self.env.iter().cloned())
            .stdout(Stdio::from(log.try_clone().unwrap()))
            .stderr(Stdio::from(log))
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    /// SIGKILL: no clean shutdown.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub async fn restart(&mut self) {
        self.kill();
        self.spawn();
        self.wait_ready().await;
    }

    pub async fn wait_ready(&mut self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            if let Ok(r) = client.get(self.url("/readyz")).send().await {
                if r.status() == 200 {
                    return;
                }
            }
            if let Some(c) = self.child.as_mut() {
                if let Ok(Some(status)) = c.try_wait() {
                    panic!("{} exited with {status}: {}", self.name, std::fs::read_to_string(&self.log).unwrap_or_default());
                }
            }
            assert!(Instant::now() < deadline, "{} not ready in 120 s: {}", self.name, std::fs::read_to_string(&self.log).unwrap_or_default());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Service {
    fn drop(&mut self) {
        self.kill();
    }
}

pub struct Options {
    pub replicas: usize,
    /// RFC 3339 start of a manual clock for tickets (debug builds only).
    pub clock: Option<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options { replicas: 1, clock: None }
    }
}

/// The three services (`replicas` of each, sharing one database per service), an SMTP server,
/// and the folders they write to.
pub struct Stack {
    pub knowledge: Vec<Service>,
    pub tickets: Vec<Service>,
    pub notify: Vec<Service>,
    pub smtp: SmtpServer,
    pub dir: TempDir,
    pub http: reqwest::Client,
    keys: JwtKeys,
    _dbs: Vec<TestDatabase>,
}

pub const CENTRE_FAX: &str = "0871-96128000";
pub const CENTRE_EMAIL: &str = "centre@hotline.test";
pub const SUPERVISOR_EMAIL: &str = "supervisors@hotline.test";

pub fn reference_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/kb")
}

impl Stack {
    pub async fn start(opts: Options) -> Stack {
        let dir = TempDir::new("hotline-e2e").unwrap();
        let smtp = SmtpServer::start();
        let dbs: Vec<TestDatabase> = ["knowledge", "tickets", "notify"].iter().map(|s| TestDatabase::new(s).unwrap()).collect();
        let ports: Vec<Vec<u16>> = (0..3).map(|_| (0..opts.replicas).map(|_| free_port()).collect()).collect();
        let names = ["knowledge", "tickets", "notify"];
        let mut common: Vec<(String, String)> = vec![
            ("HOTLINE_JWT_SECRET".into(), SECRET.into()),
            ("HOTLINE_SMTP_URL".into(), format!("smtp://127.0.0.1:{}", smtp.port)),
            ("HOTLINE_MAIL_FROM".into(), "96128 <noreply@hotline.test>".into()),
            ("HOTLINE_FAX_TRANSPORT".into(), "spool".into()),
            ("HOTLINE_CENTRE_FAX".into(), CENTRE_FAX.into()),
            ("HOTLINE_CENTRE_EMAIL".into(), CENTRE_EMAIL.into()),
            ("HOTLINE_SUPERVISOR_EMAIL".into(), SUPERVISOR_EMAIL.into()),
            ("HOTLINE_KNOWLEDGE_IMPORT_DIR".into(), reference_data().display().to_string()),
        ];
        for (i, name) in names.iter().enumerate() {
            let up = name.to_uppercase();
            common.push((format!("HOTLINE_{up}_DATABASE_URL"), dbs[i].url.clone()));
            // Callers reach the first replica of each service (no load balancer in tests).
            common.push((format!("HOTLINE_{up}_URL"), format!("http://127.0.0.1:{}", ports[i][0])));
        }
        if let Some(c) = &opts.clock {
            common.push(("HOTLINE_TEST_CLOCK".into(), c.clone()));
        }
        let mut groups: Vec<Vec<Service>> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let mut group = Vec::new();
            for (r, port) in ports[i].iter().enumerate() {
                let data = dir.path().join(format!("{name}-{r}"));
                std::fs::create_dir_all(&data).unwrap();
                let mut env = common.clone();
                env.push(("HOTLINE_DATA_DIR".into(), data.display().to_string()));
                env.push((format!("HOTLINE_{}_PORT", name.to_uppercase()), port.to_string()));
                let mut svc = Service { name, port: *port, child: None, env, log: dir.path().join(format!("{name}-{r}.log")) };
                svc.spawn();
                group.push(svc);
                // Let the first replica run migrations alone.
                if r == 0 && opts.replicas > 1 {
                    group[0].wait_ready().await;
                }
            }
            groups.push(group);
        }
        for g in groups.iter_mut() {
            for s in g.iter_mut() {
                s.wait_ready().await;
            }
        }
        let notify = groups.pop().unwrap();
        let tickets = groups.pop().unwrap();
        let knowledge = groups.pop().unwrap();
        let keys = JwtKeys::new(&Secret::new(SECRET), "knowledge").unwrap();
        Stack { knowledge, tickets, notify, smtp, dir, http: reqwest::Client::new(), keys, _dbs: dbs }
    }

    pub fn fax_dir(&self) -> PathBuf {
        self.dir.path().join("notify-0").join("fax")
    }

    pub fn token(&self, role: Role, department: Option<&str>) -> String {
        self.keys.issue(&format!("e2e-{}", role.as_str()), role, department, &ALL_AUDIENCES, 3600).unwrap()
    }

    /// Creates an account through the admin API and logs in with it, as a person would.
    pub async fn login_as(&self, username: &str, role: &str, department: Option<&str>) -> String {
        let admin = self.token(Role::Admin, None);
        let mut body = json!({"username": username, "password": PASSWORD, "role": role});
        if let Some(d) = department {
            body["department"] = json!(d);
        }
        let res = self.http.post(self.knowledge[0].url("/api/v1/accounts")).bearer_auth(&admin).json(&body).send().await.unwrap();
        assert!(res.status().is_success() || res.status() == 409, "create account: {} {}", res.status(), res.text().await.unwrap());
        let res = self.http.post(self.knowledge[0].url("/api/v1/auth/login")).json(&json!({"username": username, "password": PASSWORD})).send().await.unwrap();
        assert_eq!(res.status(), 200, "login");
        let v: Value = res.json().await.unwrap();
        v["access_token"].as_str().unwrap().to_string()
    }
}

/// Small request helpers that fail the test with the answer's body.
pub async fn send(http: &reqwest::Client, method: reqwest::Method, url: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

pub async fn get(http: &reqwest::Client, url: &str, token: &str) -> Value {
    let (s, v) = send(http, reqwest::Method::GET, url, token, None).await;
    assert!((200..300).contains(&s), "GET {url}: {s} {v}");
    v
}

pub async fn post(http: &reqwest::Client, url: &str, token: &str, body: Value) -> Value {
    let (s, v) = send(http, reqwest::Method::POST, url, token, Some(body)).await;
    assert!((200..300).contains(&s), "POST {url}: {s} {v}");
    v
}

/// Polls `f` until it returns Some, for up to `secs` seconds.
pub async fn eventually<T, F, Fut>(secs: u64, what: &str, mut f: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = f().await {
            return v;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
