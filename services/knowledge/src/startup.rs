//! `Application`: builds the service from its settings, binds its port, and runs it.
//!
//! Start-up order: settings; database and migrations; first-start import
//! (`HOTLINE_KNOWLEDGE_IMPORT_DIR`, only when the departments table is empty); search index;
//! bind; ready. Background tasks: the outbox relay to tickets, the calendar refresh, and the
//! search counts and topic words for tickets' reports.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use serde::Deserialize;
use shared::auth::JwtKeys;
use shared::clients::TicketsClient;
use shared::clock::Clock;
use shared::config::{Variable, list, millis};
use shared::db::DbPool;
use shared::http::ServiceClient;
use shared::metrics::Metrics;
use shared::server::{self, Common};
use shared::settings::ServiceSettings;
use utoipa::OpenApi;

use crate::domain::ratelimit::Limit;
use crate::import::ImportReport;
use crate::jobs::calendar::CalendarCache;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Lifetime of a login token, unless `HOTLINE_KNOWLEDGE_TOKEN_TTL_SECONDS` says otherwise.
pub const DEFAULT_TOKEN_TTL: i64 = 8 * 3600;

/// The knowledge service's own settings (keys are the serde names).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct KnowledgeSettings {
    /// Lifetime of a login token, in seconds.
    #[serde(rename = "knowledge_token_ttl_seconds")]
    pub token_ttl_seconds: i64,
    /// Failed sign-ins per account and address a minute before the pair is held.
    #[serde(rename = "knowledge_login_max_failures")]
    pub login_max_failures: usize,
    /// Failed sign-ins from one address (any accounts) a minute before it is held.
    #[serde(rename = "knowledge_login_max_failures_per_address")]
    pub login_max_failures_per_address: usize,
    /// Failed sign-ins of one account (any addresses) in 15 minutes before it is held.
    #[serde(rename = "knowledge_login_max_failures_per_account")]
    pub login_max_failures_per_account: usize,
    /// Proxies whose `X-Forwarded-For` names the client (the console, a load balancer).
    #[serde(rename = "knowledge_trusted_proxies", deserialize_with = "list")]
    pub trusted_proxies: Vec<String>,
    /// Days the audit log keeps an event; never fewer than 180.
    #[serde(rename = "knowledge_audit_retention_days")]
    pub audit_retention_days: u32,
    #[serde(rename = "knowledge_relay_interval_ms", deserialize_with = "millis")]
    pub relay_interval: Duration,
    #[serde(rename = "knowledge_search_poll_ms", deserialize_with = "millis")]
    pub search_poll: Duration,
    /// How often the searches counted for the health report go to the outbox.
    #[serde(
        rename = "knowledge_search_counts_interval_ms",
        deserialize_with = "millis"
    )]
    pub search_counts_interval: Duration,
    /// How often the FAQ topics' words are made again (when the knowledge base changed)
    /// and, when they differ, sent to tickets.
    #[serde(
        rename = "knowledge_topic_words_interval_ms",
        deserialize_with = "millis"
    )]
    pub topic_words_interval: Duration,
    /// Imported on first start, when the database has no department yet.
    #[serde(rename = "knowledge_import_dir")]
    pub first_start_import: Option<PathBuf>,
    /// Where `POST /api/v1/import` without a body reads from.
    pub import_dir: PathBuf,
    /// Which FAQ answers operators see: `all` (unauthorised ones marked as such) or
    /// `authorized` (only authorised answers).
    #[serde(rename = "knowledge_operator_answers")]
    pub operator_answers: OperatorAnswers,
}

/// Which FAQ answers operators see (授权解答).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OperatorAnswers {
    /// Every published answer; an unauthorised one says so (`authorized: false`).
    #[default]
    All,
    /// Only authorised answers.
    Authorized,
}

impl Default for KnowledgeSettings {
    fn default() -> Self {
        KnowledgeSettings {
            token_ttl_seconds: DEFAULT_TOKEN_TTL,
            login_max_failures: 5,
            login_max_failures_per_address: 30,
            login_max_failures_per_account: 20,
            trusted_proxies: vec!["127.0.0.1".into(), "::1".into()],
            audit_retention_days: crate::app::audit::MIN_RETENTION_DAYS,
            relay_interval: Duration::from_millis(500),
            search_poll: Duration::from_millis(250),
            search_counts_interval: Duration::from_secs(10),
            topic_words_interval: Duration::from_secs(300),
            first_start_import: None,
            import_dir: PathBuf::from("data/kb"),
            operator_answers: OperatorAnswers::All,
        }
    }
}

impl KnowledgeSettings {
    pub const VARIABLES: &[Variable] = &[
        Variable::new(
            "knowledge_token_ttl_seconds",
            "lifetime of a login token (s)",
            "28800",
        ),
        Variable::new(
            "knowledge_login_max_failures",
            "failed sign-ins a minute before an account is held",
            "5",
        ),
        Variable::new(
            "knowledge_login_max_failures_per_address",
            "failed sign-ins a minute from one address, any accounts, before it is held",
            "30",
        ),
        Variable::new(
            "knowledge_login_max_failures_per_account",
            "failed sign-ins in 15 minutes of one account, any addresses, before it is held",
            "20",
        ),
        Variable::new(
            "knowledge_trusted_proxies",
            "addresses whose X-Forwarded-For names the client (the console, a balancer)",
            "127.0.0.1,::1",
        ),
        Variable::new(
            "knowledge_audit_retention_days",
            "days the audit log keeps an event (at least 180)",
            "180",
        ),
        Variable::new(
            "knowledge_relay_interval_ms",
            "how often changes are relayed to tickets (ms)",
            "500",
        ),
        Variable::new(
            "knowledge_search_poll_ms",
            "how often the search index looks for changes (ms)",
            "250",
        ),
        Variable::new(
            "knowledge_search_counts_interval_ms",
            "how often the searches counted for the health report are sent to tickets (ms)",
            "10000",
        ),
        Variable::new(
            "knowledge_topic_words_interval_ms",
            "how often the FAQ topics' words are remade, if the knowledge base changed, for tickets (ms)",
            "300000",
        ),
        Variable::new(
            "knowledge_import_dir",
            "reference data imported on first start (empty database)",
            "none; hotline run: data/kb",
        ),
        Variable::new(
            "import_dir",
            "folder POST /api/v1/import reads without a body",
            "data/kb",
        ),
        Variable::new(
            "knowledge_operator_answers",
            "FAQ answers operators see: all (unauthorised ones marked) or authorized",
            "all",
        ),
    ];
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hotline knowledge service",
        version = "1.0.0",
        description = "Regions, departments, FAQ, scripts, search and change requests."
    ),
    tags(
        (name = "auth", description = "Sign-in and accounts"),
        (name = "directory", description = "Regions, departments, liaisons"),
        (name = "faq", description = "FAQ entries and their review"),
        (name = "scripts", description = "Operator scripts (话术)"),
        (name = "change-requests", description = "Proposed changes to the knowledge base"),
        (name = "import", description = "Import of the reference JSONL files"),
        (name = "search", description = "Operator search and its synonym and phrasings tables"),
        (name = "reports", description = "Reports (unanswered queries)"),
        (name = "audit", description = "The audit log: who did what, when, from where"),
    )
)]
pub struct ApiDoc;

/// Shared state every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<ServiceSettings>,
    /// For signing login tokens (valid at all three services).
    pub keys: Arc<JwtKeys>,
    pub clock: Clock,
    pub login: Arc<LoginRules>,
    pub calendar: Arc<CalendarCache>,
    /// Where `POST /api/v1/import` without a body reads from (`HOTLINE_IMPORT_DIR`).
    pub import_dir: PathBuf,
    pub token_ttl: i64,
    /// The operator search: an in-memory index kept fresh from `kb_changes`.
    pub search: Arc<crate::search::SearchService>,
    /// The tickets service: change results go there through the outbox; a script's
    /// `{deadline}` is read from it.
    pub tickets: TicketsClient,
    pub operator_answers: OperatorAnswers,
    /// Searches counted for the health report, not yet in the outbox.
    pub search_counts: Arc<crate::app::search_counts::SearchTally>,
}

impl AppState {
    /// Whether `user` is an operator who may read out authorised FAQ answers only.
    pub fn authorized_only(&self, user: &shared::auth::AuthUser) -> bool {
        self.operator_answers == OperatorAnswers::Authorized
            && user.role == shared::auth::Role::Operator
    }
}

/// How failed sign-ins are throttled, and whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone)]
pub struct LoginRules {
    pub per_pair: Limit,
    pub per_address: Limit,
    pub per_account: Limit,
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl LoginRules {
    fn from_settings(own: &KnowledgeSettings) -> Result<LoginRules, String> {
        let minute = 60_000;
        let trusted_proxies = own
            .trusted_proxies
            .iter()
            .map(|a| {
                a.trim().parse().map_err(|_| {
                    format!("HOTLINE_KNOWLEDGE_TRUSTED_PROXIES: `{a}` is not an IP address")
                })
            })
            .collect::<Result<_, String>>()?;
        Ok(LoginRules {
            per_pair: Limit {
                max: own.login_max_failures,
                window_ms: minute,
            },
            per_address: Limit {
                max: own.login_max_failures_per_address,
                window_ms: minute,
            },
            per_account: Limit {
                max: own.login_max_failures_per_account,
                window_ms: 15 * minute,
            },
            trusted_proxies,
        })
    }
}

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    pub state: AppState,
    /// What the first-start import did, when it ran.
    pub first_import: Option<ImportReport>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Application {
    pub async fn build(settings: ServiceSettings) -> Result<Application, String> {
        let own: KnowledgeSettings = settings.own().map_err(|e| e.to_string())?;
        let keys = settings.keys().map_err(|e| e.to_string())?;
        let pool = shared::db::connect(&settings.database_url, 16)?;
        shared::db::run_migrations(&pool, "knowledge", SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS)?;
        let tickets = TicketsClient(ServiceClient::new(
            &settings.urls.tickets,
            "knowledge",
            "tickets",
            keys.clone(),
        )?);
        let state = AppState {
            pool: pool.clone(),
            settings: Arc::new(settings.clone()),
            keys: keys.clone(),
            clock: settings.clock.clone(),
            login: Arc::new(LoginRules::from_settings(&own)?),
            calendar: Arc::new(CalendarCache::default()),
            import_dir: own.import_dir.clone(),
            token_ttl: own.token_ttl_seconds,
            search: crate::search::SearchService::new(pool.clone()),
            tickets: tickets.clone(),
            operator_answers: own.operator_answers,
            search_counts: Arc::default(),
        };

        let first_import = match own.first_start_import.clone() {
            Some(dir) => first_start_import(&pool, dir).await?,
            None => None,
        };

        // The index is built from the database before the service says it is ready.
        state.search.start(own.search_poll).await?;

        let metrics = Arc::new(Metrics::new("knowledge"));
        let common = Common::new(keys.clone(), metrics.clone());
        let readiness = common.readiness.clone();
        let (server, port) =
            server::bind_service(&settings, crate::routes::api(), common, state.clone())?;

        let tasks = vec![
            tokio::spawn(crate::jobs::relay::relay_loop(
                pool.clone(),
                tickets.clone(),
                own.relay_interval,
                metrics,
            )),
            tokio::spawn(crate::jobs::search_counts::write_loop(
                pool.clone(),
                state.search_counts.clone(),
                own.search_counts_interval,
            )),
            tokio::spawn(crate::jobs::topic_words::write_loop(
                pool.clone(),
                state.search.clone(),
                own.topic_words_interval,
            )),
            tokio::spawn(crate::jobs::revocations::poll(pool.clone(), keys.clone())),
            tokio::spawn(crate::jobs::audit::prune_loop(
                pool.clone(),
                own.audit_retention_days,
            )),
            tokio::spawn(crate::jobs::calendar::refresh_loop(
                state.calendar.clone(),
                tickets,
            )),
        ];

        readiness.set_ready();
        tracing::info!(port, "knowledge service listening");
        Ok(Application {
            port,
            server,
            state,
            first_import,
            tasks,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let result = self.server.await;
        for t in &self.tasks {
            t.abort();
        }
        result
    }
}

/// Imports `dir` when the directory is still empty (a fresh database).
async fn first_start_import(pool: &DbPool, dir: PathBuf) -> Result<Option<ImportReport>, String> {
    shared::db::run(pool, move |conn| {
        if crate::db::kb::count_departments(conn)? > 0 {
            return Ok(None);
        }
        let report = crate::import::import_dir(conn, &dir)?;
        tracing::info!(
            created = report.created(),
            rejected = report.rejected(),
            took_ms = report.took_ms,
            dir = %dir.display(),
            "first-start import done"
        );
        Ok(Some(report))
    })
    .await
    .map_err(|e| format!("first-start import: {e}"))
}
