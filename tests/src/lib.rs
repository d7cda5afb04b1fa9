//! End-to-end harness: starts `knowledge`, `tickets` and `notify` as separate processes of
//! the `hotline` binary, each with a fresh database, a real SMTP server inside the test, and
//! the fax spool in a temporary folder; then drives them over HTTP like a frontend would.
//!
//! - `HOTLINE_TEST_DATABASE_URL=postgres://…`: every service on its own fresh PostgreSQL
//!   database (replicas of one service share it); SQLite files otherwise.
//! - `HOTLINE_E2E_DATA=subset`: import about a quarter of the reference data (faster start).
//! - With `Options { replicas: n > 1 }` each service sits behind a round-robin TCP balancer
//!   (`balancer.rs`) that the services and the test use; `stack.knowledge[i].url()` reaches
//!   one replica directly.
//! - Background jobs run at test speed (relay every 200 ms, backoff capped at 2–3 s, escalation
//!   scan every 300 ms, notify lease 10 s), set through the services' own `HOTLINE_*` keys.
//! - A failing test prints the last 40 log lines of every service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shared::auth::Role;
pub use testkit::{
    Mail, SmtpBehaviour, SmtpServer, TempDir, TestDatabase, Tokens, eventually, free_port,
    free_ports, is_postgres, try_eventually,
};

pub mod balancer;
pub mod browser;
pub mod journeys;
use balancer::Balancer;

pub const SECRET: &str = "e2e-secret-e2e-secret-e2e-secret-0123456789";
pub const PASSWORD: &str = "e2e-password";

/// The `hotline` binary next to this test's own executable (scripts/test builds it first).
pub fn hotline_binary() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let bin = dir.join("hotline");
    assert!(
        bin.exists(),
        "{} is missing: run `cargo build -p hotline` first (scripts/test does)",
        bin.display()
    );
    bin
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

    /// Starts `hotline <name>` with `env` (on top of PATH and RUST_LOG), logging to `log`;
    /// `port` is where `wait_ready` looks.
    pub fn start(
        name: &'static str,
        port: u16,
        env: Vec<(String, String)>,
        log: PathBuf,
    ) -> Service {
        let mut s = Service {
            name,
            port,
            child: None,
            env,
            log,
        };
        s.spawn();
        s
    }

    /// What the process has logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
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
            if let Ok(r) = client.get(self.url("/readyz")).send().await
                && r.status() == 200
            {
                return;
            }
            if let Some(c) = self.child.as_mut()
                && let Ok(Some(status)) = c.try_wait()
            {
                panic!(
                    "{} exited with {status}: {}",
                    self.name,
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready in 120 s: {}",
                self.name,
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
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
    /// Which reference data knowledge imports on its first start.
    pub data: RefData,
    /// More settings for every service (`HOTLINE_IMAP_URL` for the inbound-mail journey).
    pub env: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        let data = match std::env::var("HOTLINE_E2E_DATA").as_deref() {
            Ok("subset") => RefData::Subset,
            _ => RefData::Full,
        };
        Options {
            replicas: 1,
            clock: None,
            data,
            env: Vec::new(),
        }
    }
}

/// The vendored reference data whole (the default: a stack starts in 2-8 s in a debug build,
/// import and search index included), or the part the journeys use, `HOTLINE_E2E_DATA=subset`:
/// every region, and the departments (with their liaisons and FAQ) of the province, Kunming,
/// Chuxiong and Dali and their counties, about a quarter of the whole, for a faster start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefData {
    Full,
    Subset,
}

/// Prefecture-level regions whose departments (and their counties') the subset keeps.
pub const SUBSET_PREFECTURES: &[&str] = &["530100", "532300", "532900"];

/// Writes the subset's JSONL files into `dir`: regions (all of them, so region names and
/// filters keep working), the departments of the province and of the kept prefectures and
/// their counties, and those departments' liaisons and FAQ entries.
pub fn write_subset(dir: &Path) {
    let src = reference_data();
    let lines = |name: &str| -> Vec<(String, Value)> {
        std::fs::read_to_string(src.join(name))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| (l.to_string(), serde_json::from_str(l).unwrap()))
            .collect()
    };
    std::fs::create_dir_all(dir).unwrap();
    let regions = lines("regions.jsonl");
    let mut kept: std::collections::HashSet<String> =
        ["530000"].iter().map(|s| s.to_string()).collect();
    for (_, r) in &regions {
        let code = r["code"].as_str().unwrap_or_default();
        let parent = r["parent"].as_str().unwrap_or_default();
        if SUBSET_PREFECTURES.contains(&code) || SUBSET_PREFECTURES.contains(&parent) {
            kept.insert(code.to_string());
        }
    }
    let write = |name: &str, rows: Vec<&String>| {
        let text: String = rows.iter().map(|l| format!("{l}\n")).collect();
        std::fs::write(dir.join(name), text).unwrap();
    };
    write("regions.jsonl", regions.iter().map(|(l, _)| l).collect());
    let departments = lines("departments.jsonl");
    let mut codes: std::collections::HashSet<String> = departments
        .iter()
        .filter(|(_, d)| kept.contains(d["region"].as_str().unwrap_or_default()))
        .map(|(_, d)| d["code"].as_str().unwrap_or_default().to_string())
        .collect();
    // A merged department answers with its successor: keep that one too.
    for (_, d) in &departments {
        if let Some(s) = d["successor"].as_str()
            && codes.contains(d["code"].as_str().unwrap_or_default())
        {
            codes.insert(s.to_string());
        }
    }
    write(
        "departments.jsonl",
        departments
            .iter()
            .filter(|(_, d)| codes.contains(d["code"].as_str().unwrap_or_default()))
            .map(|(l, _)| l)
            .collect(),
    );
    for name in ["liaisons.jsonl", "faqs.jsonl"] {
        let rows = lines(name);
        write(
            name,
            rows.iter()
                .filter(|(_, r)| codes.contains(r["department"].as_str().unwrap_or_default()))
                .map(|(l, _)| l)
                .collect(),
        );
    }
    {
        let name = "scripts.jsonl";
        std::fs::copy(src.join(name), dir.join(name)).unwrap();
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
    tokens: Tokens,
    /// How long `start` took (processes, migrations, import, search index).
    pub start_time: Duration,
    /// knowledge, tickets, notify balancers when there are replicas.
    pub balancers: Vec<Balancer>,
    _dbs: Vec<TestDatabase>,
}

impl Drop for Stack {
    /// A failed journey shows the end of every service's log (the temp dir goes away).
    fn drop(&mut self) {
        if !std::thread::panicking() {
            return;
        }
        for s in self
            .knowledge
            .iter()
            .chain(&self.tickets)
            .chain(&self.notify)
        {
            let text = std::fs::read_to_string(&s.log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = &lines[lines.len().saturating_sub(40)..];
            eprintln!(
                "---- {} (port {}) log, last {} lines ----\n{}",
                s.name,
                s.port,
                tail.len(),
                tail.join("\n")
            );
        }
    }
}

pub const CENTRE_FAX: &str = "0871-96128000";
pub const CENTRE_EMAIL: &str = "centre@hotline.test";
pub const SUPERVISOR_EMAIL: &str = "supervisors@hotline.test";
pub const SUPERVISOR_MOBILE: &str = "13800009612";

pub fn reference_data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../data/kb")
}

impl Stack {
    pub async fn start(opts: Options) -> Stack {
        let started = Instant::now();
        let dir = TempDir::new("hotline-e2e").unwrap();
        let import_dir = match opts.data {
            RefData::Full => reference_data(),
            RefData::Subset => {
                let d = dir.path().join("kb");
                write_subset(&d);
                d
            }
        };
        let smtp = SmtpServer::start(SmtpBehaviour::default());
        let dbs: Vec<TestDatabase> = ["knowledge", "tickets", "notify"]
            .iter()
            .map(|s| TestDatabase::new(s).unwrap())
            .collect();
        let all = free_ports(3 * opts.replicas);
        let ports: Vec<Vec<u16>> = all.chunks(opts.replicas).map(<[u16]>::to_vec).collect();
        let names = ["knowledge", "tickets", "notify"];
        let mut common: Vec<(String, String)> = vec![
            ("HOTLINE_JWT_SECRET".into(), SECRET.into()),
            (
                "HOTLINE_SMTP_URL".into(),
                format!("smtp://127.0.0.1:{}", smtp.port),
            ),
            ("HOTLINE_MAIL_FROM".into(), "noreply@hotline.test".into()),
            ("HOTLINE_MAIL_FROM_NAME".into(), "96128".into()),
            ("HOTLINE_FAX_TRANSPORT".into(), "spool".into()),
            ("HOTLINE_CENTRE_FAX".into(), CENTRE_FAX.into()),
            ("HOTLINE_CENTRE_EMAIL".into(), CENTRE_EMAIL.into()),
            ("HOTLINE_SUPERVISOR_EMAIL".into(), SUPERVISOR_EMAIL.into()),
            ("HOTLINE_SUPERVISOR_MOBILE".into(), SUPERVISOR_MOBILE.into()),
            (
                "HOTLINE_KNOWLEDGE_IMPORT_DIR".into(),
                import_dir.display().to_string(),
            ),
            // Background work at test speed: a journey waits seconds, not minutes.
            ("HOTLINE_TICKETS_RELAY_INTERVAL_MS".into(), "200".into()),
            ("HOTLINE_TICKETS_RELAY_MAX_BACKOFF_MS".into(), "2000".into()),
            (
                "HOTLINE_TICKETS_ESCALATION_INTERVAL_MS".into(),
                "300".into(),
            ),
            ("HOTLINE_KNOWLEDGE_RELAY_INTERVAL_MS".into(), "200".into()),
            ("HOTLINE_NOTIFY_POLL_MS".into(), "200".into()),
            ("HOTLINE_NOTIFY_BACKOFF_MS".into(), "500".into()),
            ("HOTLINE_NOTIFY_BACKOFF_MAX_MS".into(), "3000".into()),
            ("HOTLINE_NOTIFY_LEASE_MS".into(), "10000".into()),
        ];
        // With replicas, each service sits behind a round-robin balancer that callers use.
        let balancers: Vec<Balancer> = if opts.replicas > 1 {
            ports.iter().map(|p| Balancer::start(p.clone())).collect()
        } else {
            Vec::new()
        };
        for (i, name) in names.iter().enumerate() {
            let up = name.to_uppercase();
            common.push((format!("HOTLINE_{up}_DATABASE_URL"), dbs[i].url.clone()));
            let url = match balancers.get(i) {
                Some(b) => b.url(),
                None => format!("http://127.0.0.1:{}", ports[i][0]),
            };
            common.push((format!("HOTLINE_{up}_URL"), url));
        }
        if let Some(c) = &opts.clock {
            common.push(("HOTLINE_TEST_CLOCK".into(), c.clone()));
        }
        common.extend(opts.env.iter().cloned());
        let mut groups: Vec<Vec<Service>> = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let mut group = Vec::new();
            for (r, port) in ports[i].iter().enumerate() {
                let data = dir.path().join(format!("{name}-{r}"));
                std::fs::create_dir_all(&data).unwrap();
                let mut env = common.clone();
                env.push(("HOTLINE_DATA_DIR".into(), data.display().to_string()));
                env.push((
                    format!("HOTLINE_{}_PORT", name.to_uppercase()),
                    port.to_string(),
                ));
                let mut svc = Service {
                    name,
                    port: *port,
                    child: None,
                    env,
                    log: dir.path().join(format!("{name}-{r}.log")),
                };
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
        let tokens = Tokens::new(SECRET);
        let start_time = started.elapsed();
        println!(
            "stack started in {:.1} s ({} replica(s) of each service, {:?} reference data, {})",
            start_time.as_secs_f64(),
            opts.replicas,
            opts.data,
            if is_postgres() {
                "PostgreSQL"
            } else {
                "SQLite"
            }
        );
        Stack {
            knowledge,
            tickets,
            notify,
            smtp,
            dir,
            // With replicas, one connection per request: the balancer then spreads the test's
            // own calls over every replica (a pooled connection would stick to one).
            http: if opts.replicas > 1 {
                reqwest::Client::builder()
                    .pool_max_idle_per_host(0)
                    .build()
                    .unwrap()
            } else {
                reqwest::Client::new()
            },
            tokens,
            start_time,
            balancers,
            _dbs: dbs,
        }
    }

    pub fn fax_dir(&self) -> PathBuf {
        self.dir.path().join("notify-0").join("fax")
    }

    /// Every fax job spooled by any notify replica: the `<id>.json` files of their `fax/`
    /// folders, parsed (`{id, number, title, pdf, created_at}`).
    pub fn faxes(&self) -> Vec<Value> {
        let mut out = Vec::new();
        for r in 0..self.notify.len() {
            let dir = self.dir.path().join(format!("notify-{r}")).join("fax");
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for e in entries.flatten() {
                let p = e.path();
                if p.extension().is_some_and(|x| x == "json")
                    && let Ok(v) = serde_json::from_str::<Value>(
                        &std::fs::read_to_string(&p).unwrap_or_default(),
                    )
                {
                    let pdf = dir.join(v["pdf"].as_str().unwrap_or_default());
                    let mut v = v;
                    v["pdf_bytes"] = json!(std::fs::metadata(&pdf).map(|m| m.len()).unwrap_or(0));
                    out.push(v);
                }
            }
        }
        out
    }

    /// Faxes to `number` (compared without spaces and dashes).
    pub fn faxes_to(&self, number: &str) -> Vec<Value> {
        let want = digits(number);
        self.faxes()
            .into_iter()
            .filter(|f| digits(f["number"].as_str().unwrap_or_default()) == want)
            .collect()
    }

    /// A knowledge URL: through the balancer when there are replicas.
    pub fn k(&self, path: &str) -> String {
        self.front(0, path)
    }
    pub fn t(&self, path: &str) -> String {
        self.front(1, path)
    }
    pub fn n(&self, path: &str) -> String {
        self.front(2, path)
    }
    fn front(&self, i: usize, path: &str) -> String {
        match self.balancers.get(i) {
            Some(b) => format!("{}{path}", b.url()),
            None => [&self.knowledge, &self.tickets, &self.notify][i][0].url(path),
        }
    }

    /// Advances the tickets service's manual clock (each replica has its own).
    pub async fn advance_clock(&self, minutes: i64) {
        let admin = self.token(Role::Admin, None);
        for t in &self.tickets {
            post(
                &self.http,
                &t.url("/api/v1/test/clock"),
                &admin,
                json!({"advance_minutes": minutes}),
            )
            .await;
        }
    }

    pub fn token(&self, role: Role, department: Option<&str>) -> String {
        self.tokens
            .issue(role, &format!("e2e-{}", role.as_str()), department)
    }

    /// Creates an account through the admin API and logs in with it, as a person would.
    pub async fn login_as(&self, username: &str, role: &str, department: Option<&str>) -> String {
        let admin = self.token(Role::Admin, None);
        let mut body = json!({"username": username, "password": PASSWORD, "role": role});
        if let Some(d) = department {
            body["department"] = json!(d);
        }
        let res = self
            .http
            .post(self.knowledge[0].url("/api/v1/accounts"))
            .bearer_auth(&admin)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(
            res.status().is_success() || res.status() == 409,
            "create account: {} {}",
            res.status(),
            res.text().await.unwrap()
        );
        let res = self
            .http
            .post(self.knowledge[0].url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login");
        let v: Value = res.json().await.unwrap();
        v["access_token"].as_str().unwrap().to_string()
    }
}

pub fn digits(s: &str) -> String {
    s.chars().filter(|c| c.is_ascii_digit()).collect()
}

/// Small request helpers that fail the test with the answer's body.
pub async fn send(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: &str,
    token: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut req = http.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.unwrap();
    let status = res.status().as_u16();
    let text = res.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::String(text)),
    )
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
