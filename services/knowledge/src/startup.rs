//! `Application`: builds the service from its settings, binds its port, and runs it.
//!
//! Start-up order: database and migrations; first-start import (config `knowledge_import_dir`,
//! only when the departments table is empty); search index; bind; ready. Background tasks: the
//! outbox relay to tickets and the calendar refresh.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use shared::auth::JwtKeys;
use shared::clock::Clock;
use shared::db::DbPool;
use shared::http::ServiceClient;
use shared::metrics::Metrics;
use shared::server::{self, Common};
use shared::settings::ServiceSettings;
use shared::web::Readiness;
use utoipa::OpenApi;

use crate::domain::ratelimit::FailureLimiter;
use crate::import::ImportReport;
use crate::jobs::calendar::CalendarCache;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Lifetime of a login token, unless `knowledge_token_ttl_seconds` says otherwise.
pub const DEFAULT_TOKEN_TTL: i64 = 8 * 3600;

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
        (name = "search", description = "Operator search and its synonym table"),
        (name = "reports", description = "Reports (unanswered queries)"),
    )
)]
struct ApiDoc;

/// The OpenAPI document, made from the routes the server registers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    server::openapi(ApiDoc::openapi(), crate::routes::register)
}

/// Shared state every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<ServiceSettings>,
    /// For signing login tokens (valid at all three services).
    pub keys: Arc<JwtKeys>,
    pub clock: Clock,
    pub login_limiter: Arc<FailureLimiter>,
    pub calendar: Arc<CalendarCache>,
    /// Where `POST /api/v1/import` without a body reads from (`HOTLINE_IMPORT_DIR`).
    pub import_dir: PathBuf,
    pub token_ttl: i64,
    /// The operator search: an in-memory index kept fresh from `kb_changes`.
    pub search: Arc<crate::search::SearchService>,
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
        let keys = settings.keys().map_err(|e| e.to_string())?;
        let pool = shared::db::connect(&settings.database_url, 16)?;
        shared::db::run_migrations(&pool, SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS)?;
        let config = &settings.config;
        let token_ttl = config
            .parse("knowledge_token_ttl_seconds", DEFAULT_TOKEN_TTL)
            .map_err(|e| e.to_string())?;
        let login_failures = config
            .parse("knowledge_login_max_failures", 5usize)
            .map_err(|e| e.to_string())?;
        let relay_ms = config
            .parse("knowledge_relay_interval_ms", 500u64)
            .map_err(|e| e.to_string())?;
        let state = AppState {
            pool: pool.clone(),
            settings: Arc::new(settings.clone()),
            keys: keys.clone(),
            clock: settings.clock.clone(),
            login_limiter: Arc::new(FailureLimiter::new(login_failures, Duration::from_secs(60))),
            calendar: Arc::new(CalendarCache::default()),
            import_dir: PathBuf::from(config.get_or("import_dir", "data/kb")),
            token_ttl,
            search: crate::search::SearchService::new(pool.clone()),
        };

        let first_import = match config.get("knowledge_import_dir") {
            Some(dir) => first_start_import(&pool, PathBuf::from(dir)).await?,
            None => None,
        };

        // ---- SEARCH INDEX HOOK -------------------------------------------------------------
        // The search helper starts the index here (built from the database, then kept fresh from
        // `kb_changes`), e.g. `let search = crate::search::SearchService::start(...)`, and stores
        // it in AppState. Readiness is set below, after this point.
        // -------------------------------------------------------------------------------------
        let search_poll_ms = config
            .parse("knowledge_search_poll_ms", 250u64)
            .map_err(|e| e.to_string())?;
        state
            .search
            .start(Duration::from_millis(search_poll_ms.max(10)))
            .await?;

        let readiness = Readiness::default();
        let common = Common {
            keys: keys.clone(),
            metrics: Arc::new(Metrics::new("knowledge")),
            readiness: readiness.clone(),
            json_limit: shared::web::DEFAULT_JSON_LIMIT,
        };
        let data = state.clone();
        let (server, port) = server::bind(
            &settings.host,
            settings.port,
            openapi(),
            crate::routes::register,
            common,
            move |c: &mut web::ServiceConfig| {
                c.app_data(web::Data::new(data.clone()));
            },
        )
        .map_err(|e| format!("bind {}:{}: {e}", settings.host, settings.port))?;

        let tickets = ServiceClient::new(&settings.urls.tickets, "knowledge", "tickets", keys)?;
        let tasks = vec![
            tokio::spawn(crate::jobs::relay::relay_loop(
                pool.clone(),
                tickets.clone(),
                Duration::from_millis(relay_ms.max(10)),
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
