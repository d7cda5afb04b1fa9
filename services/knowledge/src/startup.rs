//! `Application`: builds the service from its settings, binds its port, and runs it.

use std::sync::Arc;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use shared::db::DbPool;
use shared::metrics::Metrics;
use shared::server::{self, Common};
use shared::settings::ServiceSettings;
use shared::web::Readiness;
use utoipa::OpenApi;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(OpenApi)]
#[openapi(info(
    title = "Hotline knowledge service",
    version = "1.0.0",
    description = "Regions, departments, FAQ, scripts, search and change requests."
))]
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
}

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    pub state: AppState,
}

impl Application {
    pub async fn build(settings: ServiceSettings) -> Result<Application, String> {
        let keys = settings.keys().map_err(|e| e.to_string())?;
        let pool = shared::db::connect(&settings.database_url, 16)?;
        shared::db::run_migrations(&pool, SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS)?;
        let state = AppState {
            pool,
            settings: Arc::new(settings.clone()),
        };
        let readiness = Readiness::default();
        let common = Common {
            keys,
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
        readiness.set_ready();
        tracing::info!(port, "knowledge service listening");
        Ok(Application {
            port,
            server,
            state,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
