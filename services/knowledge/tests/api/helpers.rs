//! Test harness: a knowledge service on port 0 with a fresh database (SQLite, or PostgreSQL
//! when `HOTLINE_TEST_DATABASE_URL` names a server), real HTTP, and tokens for every role.

use std::path::PathBuf;

use reqwest::{Method, Response};
use serde_json::Value;
use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::{Config, Secret};
use shared::db::{DbConnection, DbPool};
use shared::settings::ServiceSettings;
pub use testkit::SECRET;
use testkit::{TempDir, TestDatabase};

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/kb")
}

pub fn reference_data() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/kb")
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub keys: JwtKeys,
    pub pool: DbPool,
    pub first_import: Option<knowledge::import::ImportReport>,
    /// The service's clock (manual when `test_clock` is set).
    pub clock: shared::clock::Clock,
    _db: TestDatabase,
    _dir: TempDir,
}

pub struct Options {
    pub import: Option<PathBuf>,
    pub extra: Vec<(String, String)>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            import: Some(fixtures()),
            extra: Vec::new(),
        }
    }
}

impl TestApp {
    /// A service with the small fixture directory imported.
    pub async fn spawn() -> TestApp {
        Self::spawn_with(Options::default()).await
    }

    pub async fn spawn_with(options: Options) -> TestApp {
        shared::telemetry::init("warn");
        let db = TestDatabase::new("knowledge").expect("test database");
        let dir = TempDir::new("kn").expect("temp dir");
        let mut pairs: Vec<(String, String)> = vec![
            ("jwt_secret".into(), SECRET.into()),
            ("knowledge_database_url".into(), db.url.clone()),
            ("knowledge_port".into(), "0".into()),
            ("data_dir".into(), dir.path().display().to_string()),
            // Nothing listens here: the calendar falls back to weekdays, the relay retries.
            ("tickets_url".into(), "http://127.0.0.1:9".into()),
            ("import_dir".into(), fixtures().display().to_string()),
        ];
        if let Some(p) = &options.import {
            pairs.push(("knowledge_import_dir".into(), p.display().to_string()));
        }
        pairs.extend(options.extra);
        let config = Config::from_pairs(pairs);
        let settings = ServiceSettings::from_config("knowledge", &config).expect("settings");
        let app = knowledge::Application::build(settings)
            .await
            .expect("build");
        let base = format!("http://127.0.0.1:{}", app.port());
        let pool = app.state.pool.clone();
        let first_import = app.first_import.clone();
        let clock = app.state.clock.clone();
        tokio::spawn(app.run_until_stopped());
        TestApp {
            base,
            client: reqwest::Client::new(),
            keys: JwtKeys::new(&Secret::new(SECRET), "knowledge").expect("keys"),
            pool,
            first_import,
            clock,
            _db: db,
            _dir: dir,
        }
    }

    pub fn token(&self, role: Role) -> String {
        let dept = (role == Role::Liaison).then_some("530100-rsj");
        self.keys
            .issue(
                &format!("test-{}", role.as_str()),
                role,
                dept,
                &ALL_AUDIENCES,
                600,
            )
            .expect("token")
    }

    pub fn liaison_token(&self, department: &str) -> String {
        self.keys
            .issue(
                "test-liaison",
                Role::Liaison,
                Some(department),
                &ALL_AUDIENCES,
                600,
            )
            .expect("token")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        self.send(Method::GET, path, token, None).await
    }

    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Response {
        let mut req = self.client.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        req.send().await.expect("request")
    }

    /// Sends a raw body with a JSON content type.
    pub async fn send_raw(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
    ) -> Response {
        let mut req = self
            .client
            .request(method, self.url(path))
            .header("content-type", "application/json")
            .body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.expect("request")
    }

    pub fn with_conn<T>(&self, f: impl FnOnce(&mut DbConnection) -> T) -> T {
        let mut conn = self.pool.get().expect("connection");
        f(&mut conn)
    }

    /// The change sequence: unchanged means nothing in the directory was written.
    pub fn seq(&self) -> i64 {
        self.with_conn(knowledge::db::changes::latest_seq)
            .expect("seq")
    }
}

/// Asserts a problem+json answer with `status`, and returns its body.
pub async fn problem(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let ct = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap_or("").to_string())
        .unwrap_or_default();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    assert_eq!(ct, "application/problem+json", "{body}");
    assert_eq!(body["status"], status, "{body}");
    body
}

pub async fn json(res: Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    body
}

pub const ALL_ROLES: [Role; 6] = [
    Role::Operator,
    Role::Liaison,
    Role::KbEditor,
    Role::Supervisor,
    Role::Admin,
    Role::Service,
];

pub const NOT_EDITORS: [Role; 4] = [
    Role::Operator,
    Role::Liaison,
    Role::Supervisor,
    Role::Service,
];
