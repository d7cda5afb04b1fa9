//! `Application`: builds the service from its settings, binds its port, starts the background
//! jobs, and runs it.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use actix_web::web;
use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use shared::calendar::{CalendarYear, WorkCalendar, WorkingHours};
use shared::clock::Clock;
use shared::db::DbPool;
use shared::http::ServiceClient;
use shared::metrics::Metrics;
use shared::server::{self, Common};
use shared::settings::ServiceSettings;
use shared::web::Readiness;
use utoipa::OpenApi;

use crate::domain::calendar::CalendarState;
use crate::domain::deadlines::DeadlineRules;
use shared::time::to_ms;

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Hotline ticket service",
        version = "1.0.0",
        description = "Call records, tickets (work orders) and their lifecycle, working-day \
                       deadlines and the calendar, reports."
    ),
    components(schemas(shared::error::Problem))
)]
struct ApiDoc;

/// The OpenAPI document, made from the routes the server registers.
pub fn openapi() -> utoipa::openapi::OpenApi {
    server::openapi(ApiDoc::openapi(), crate::routes::register)
}

/// Where notifications go that are not a department's liaisons.
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    pub supervisor_emails: Vec<String>,
    pub centre_fax: Option<String>,
    pub centre_email: Option<String>,
}

/// Timing of the background jobs.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub relay_interval: Duration,
    pub relay_max_backoff: Duration,
    pub escalation_interval: Duration,
    pub calendar_refresh: Duration,
}

/// Shared state every handler and job can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<ServiceSettings>,
    pub clock: Clock,
    pub calendar: Arc<RwLock<CalendarState>>,
    pub rules: Arc<DeadlineRules>,
    pub knowledge: ServiceClient,
    pub notify: ServiceClient,
    pub recipients: Arc<Recipients>,
    pub jobs: Arc<JobSettings>,
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// The working calendar as it is now (cheap clone of two small sets).
    pub fn calendar(&self) -> WorkCalendar {
        match self.calendar.read() {
            Ok(c) => c.calendar.clone(),
            Err(p) => p.into_inner().calendar.clone(),
        }
    }

    pub fn calendar_state(&self) -> CalendarState {
        match self.calendar.read() {
            Ok(c) => c.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub fn working_hours(&self) -> (String, WorkingHours) {
        let c = self.calendar_state();
        (c.hours_text, c.calendar.hours)
    }

    /// Replaces the in-memory calendar with the stored years.
    pub fn set_years(&self, years: Vec<CalendarYear>) {
        let (text, hours) = self.working_hours();
        let next = CalendarState::new(years, &text, hours);
        match self.calendar.write() {
            Ok(mut c) => *c = next,
            Err(p) => *p.into_inner() = next,
        }
    }
}

fn millis(config: &shared::config::Config, key: &str, default: u64) -> Result<Duration, String> {
    config
        .parse::<u64>(key, default)
        .map(|ms| Duration::from_millis(ms.max(10)))
        .map_err(|e| e.to_string())
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split([',', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    pub state: AppState,
}

impl Application {
    pub async fn build(settings: ServiceSettings) -> Result<Application, String> {
        let keys = settings.keys().map_err(|e| e.to_string())?;
        let config = &settings.config;
        let pool_size = config
            .parse::<u32>("tickets_db_pool_size", 16)
            .map_err(|e| e.to_string())?;
        let pool = shared::db::connect(&settings.database_url, pool_size.clamp(1, 128))?;
        shared::db::run_migrations(&pool, SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS)?;

        let hours_text = config
            .get("tickets_working_hours")
            .or_else(|| config.get("working_hours"))
            .unwrap_or("09:00-12:00,13:30-17:30")
            .to_string();
        let hours = WorkingHours::parse(&hours_text).map_err(|e| format!("working_hours: {e}"))?;
        let rules = DeadlineRules::from_config(config).map_err(|e| e.to_string())?;
        let jobs = JobSettings {
            relay_interval: millis(config, "tickets_relay_interval_ms", 1000)?,
            relay_max_backoff: millis(config, "tickets_relay_max_backoff_ms", 300_000)?,
            escalation_interval: millis(config, "tickets_escalation_interval_ms", 60_000)?,
            calendar_refresh: millis(config, "tickets_calendar_refresh_ms", 60_000)?,
        };
        let recipients = Recipients {
            supervisor_emails: list(config.get("supervisor_email")),
            centre_fax: config.get("centre_fax").map(str::to_string),
            centre_email: config.get("centre_email").map(str::to_string),
        };
        let knowledge = ServiceClient::new(
            &settings.urls.knowledge,
            "tickets",
            "knowledge",
            keys.clone(),
        )?;
        let notify = ServiceClient::new(&settings.urls.notify, "tickets", "notify", keys.clone())?;
        let metrics = Arc::new(Metrics::new("tickets"));
        let state = AppState {
            pool: pool.clone(),
            clock: settings.clock.clone(),
            settings: Arc::new(settings.clone()),
            calendar: Arc::new(RwLock::new(CalendarState::new(
                Vec::new(),
                &hours_text,
                hours,
            ))),
            rules: Arc::new(rules),
            knowledge,
            notify,
            recipients: Arc::new(recipients),
            jobs: Arc::new(jobs),
            metrics: metrics.clone(),
        };
        let now = to_ms(state.clock.now());
        let years = shared::db::run(&pool, move |conn| {
            crate::jobs::calendar::seed_and_load(conn, now)
        })
        .await
        .map_err(|e| format!("calendar: {e}"))?;
        state.set_years(years);

        let readiness = Readiness::default();
        let common = Common {
            keys,
            metrics,
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
        crate::jobs::start(state.clone());
        readiness.set_ready();
        tracing::info!(port, "tickets service listening");
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
