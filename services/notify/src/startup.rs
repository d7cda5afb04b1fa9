//! `Application`: builds the service from its settings, binds its port, starts the delivery
//! workers, and runs it.

use std::sync::Arc;

use diesel_migrations::EmbeddedMigrations;
use shared::clients::{KnowledgeClient, TicketsClient};
use shared::db::DbPool;
use shared::metrics::Metrics;
use shared::server::{self, Common};
use shared::settings::ServiceSettings;
use tokio::sync::Notify;
use utoipa::OpenApi;

use crate::config::NotifyConfig;
use crate::jobs::Jobs;
use crate::send::Sender;
use shared::time::now_ms;

// One folder serves both backends (`migrations/README.md`).
pub const SQLITE_MIGRATIONS: EmbeddedMigrations = crate::db::MIGRATIONS;
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = crate::db::MIGRATIONS;

/// Largest request body: a notification may carry up to 1 MiB of attachments in base64.
pub const BODY_LIMIT: usize = 2 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(info(
    title = "Hotline notify service",
    version = "1.0.0",
    description = "E-mail, fax and SMS notifications: accepted, stored, delivered by workers with \
                   retries, and reported back to the ticket; e-mail received over IMAP, matched to \
                   its ticket or queued for the centre."
))]
pub struct ApiDoc;

/// Shared state every handler can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<ServiceSettings>,
    pub config: Arc<NotifyConfig>,
    pub work: Arc<Notify>,
    /// Received mail attached by a supervisor is recorded on its ticket through this client.
    pub tickets: TicketsClient,
    /// How received faxes are told from other mail.
    pub fax: Arc<crate::domain::inbound::FaxRules>,
}

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    pub state: AppState,
    pub jobs: Jobs,
}

impl Application {
    pub async fn build(settings: ServiceSettings) -> Result<Application, String> {
        let config = NotifyConfig::from_config(&settings.config, &settings.data_dir)
            .map_err(|e| e.to_string())?;
        let keys = settings.keys().map_err(|e| e.to_string())?;
        let pool = shared::db::connect(&settings.database_url, 16)?;
        shared::db::run_migrations(&pool, "notify", SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS)?;
        let broken = crate::app::templates::seed(&pool)
            .await
            .map_err(|e| format!("seed templates: {e}"))?;
        for (template, problem) in broken {
            // Edited under an older version: notifications naming it are refused until an
            // admin corrects it (PUT /api/v1/templates/{name}).
            tracing::warn!(%template, %problem, "a stored template does not pass its checks");
        }
        let sender = Sender::from_config(&config)?;
        let tickets = TicketsClient(shared::http::ServiceClient::new(
            &settings.urls.tickets,
            "notify",
            "tickets",
            keys.clone(),
        )?);
        // Person tokens ended at knowledge are refused here too.
        let knowledge = KnowledgeClient(shared::http::ServiceClient::new(
            &settings.urls.knowledge,
            "notify",
            "knowledge",
            keys.clone(),
        )?);
        tokio::spawn(shared::clients::poll_revocations(
            knowledge.clone(),
            keys.clone(),
        ));
        tokio::spawn(crate::jobs::audit::relay_loop(
            pool.clone(),
            knowledge,
            std::time::Duration::from_secs(1),
        ));
        let work = Arc::new(Notify::new());
        let metrics = Arc::new(Metrics::new("notify"));
        for status in ["queued", "sending", "failed", "dead"] {
            metrics.describe_gauge(
                &format!("notify_jobs_{status}"),
                &format!("Notifications in status {status}"),
            );
        }
        // Leases this replica's previous run held when it died are taken back now, not when
        // they run out: a restart resends what was in flight at once (at least once, as always).
        let replica = format!("{}|", config.replica);
        let lease_prefix = format!("{replica}{}|", &crate::domain::new_id()[..12]);
        let prefix = lease_prefix.clone();
        let released = shared::db::run(&pool, move |c| {
            Ok(crate::db::notifications::release_earlier_runs(
                c,
                &replica,
                &prefix,
                now_ms(),
            )?)
        })
        .await
        .map_err(|e| format!("release earlier leases: {e}"))?;
        if released > 0 {
            tracing::info!(released, "took back the deliveries an earlier run held");
        }
        let jobs = Jobs {
            pool: pool.clone(),
            sender: Arc::new(sender),
            config: config.clone(),
            work: work.clone(),
            finished: Arc::new(Notify::new()),
            tickets: Some(tickets.clone()),
            metrics: Some(metrics.clone()),
            lease_prefix,
        };
        let fax = Arc::new(config.fax_rules()?);
        let inbound = crate::jobs::inbound::Inbound {
            pool: pool.clone(),
            tickets: tickets.clone(),
            mailboxes: config.mailboxes(),
            tls: config.imap_tls()?,
            poll: std::time::Duration::from_secs(config.imap_poll_secs),
            limits: config.inbound_limits(),
            fax: fax.clone(),
            stored: Arc::new(Notify::new()),
        };
        let state = AppState {
            pool,
            settings: Arc::new(settings.clone()),
            config: Arc::new(config),
            work,
            tickets,
            fax,
        };
        let common = Common {
            json_limit: BODY_LIMIT,
            ..Common::new(keys, metrics)
        };
        let readiness = common.readiness.clone();
        let (server, port) =
            server::bind_service(&settings, crate::routes::api(), common, state.clone())?;
        jobs.spawn();
        inbound.spawn();
        readiness.set_ready();
        tracing::info!(
            port,
            workers = state.config.workers,
            "notify service listening"
        );
        Ok(Application {
            port,
            server,
            state,
            jobs,
        })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}
