//! `Application`: builds the service from its settings, binds its port, starts the background
//! jobs, and runs it.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use diesel_migrations::{EmbeddedMigrations, embed_migrations};
use serde::Deserialize;
use shared::calendar::{CalendarYear, WorkCalendar, WorkingHours};
use shared::clients::{KnowledgeClient, NotifyClient};
use shared::clock::Clock;
use shared::config::{Variable, list, millis};
use shared::db::DbPool;
use shared::http::ServiceClient;
use shared::metrics::Metrics;
use shared::server::{self, Common};
use shared::settings::ServiceSettings;
use utoipa::OpenApi;

use crate::domain::calendar::CalendarState;
use crate::domain::deadlines::DeadlineRules;
use crate::domain::reports_topics::Vocabulary;
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
pub struct ApiDoc;

/// The ticket service's own settings (keys are the serde names).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct TicketsSettings {
    #[serde(rename = "tickets_db_pool_size")]
    pub db_pool_size: u32,
    /// `09:00-12:00,13:30-17:30`: `tickets_working_hours`, else `working_hours`.
    #[serde(rename = "tickets_working_hours")]
    pub working_hours: Option<String>,
    #[serde(rename = "working_hours")]
    pub working_hours_common: Option<String>,
    #[serde(rename = "tickets_deadline_accept_days")]
    pub accept_days: u32,
    #[serde(rename = "tickets_deadline_urgent_hours")]
    pub urgent_hours: i64,
    #[serde(rename = "tickets_deadline_consultation_days")]
    pub consultation_days: u32,
    #[serde(rename = "tickets_deadline_complaint_days")]
    pub complaint_days: u32,
    #[serde(rename = "tickets_deadline_suggestion_days")]
    pub suggestion_days: u32,
    #[serde(rename = "tickets_deadline_no_info_days")]
    pub no_info_days: u32,
    #[serde(rename = "tickets_relay_interval_ms", deserialize_with = "millis")]
    pub relay_interval: Duration,
    #[serde(rename = "tickets_relay_max_backoff_ms", deserialize_with = "millis")]
    pub relay_max_backoff: Duration,
    #[serde(rename = "tickets_escalation_interval_ms", deserialize_with = "millis")]
    pub escalation_interval: Duration,
    #[serde(rename = "tickets_calendar_refresh_ms", deserialize_with = "millis")]
    pub calendar_refresh: Duration,
    #[serde(rename = "supervisor_email", deserialize_with = "list")]
    pub supervisor_emails: Vec<String>,
    #[serde(rename = "supervisor_mobile", deserialize_with = "list")]
    pub supervisor_mobiles: Vec<String>,
    pub centre_fax: Option<String>,
    pub centre_email: Option<String>,
    /// Minutes after which an urgent complaint nobody dispatched goes to the department the
    /// operator named; 0: never.
    #[serde(rename = "tickets_urgent_auto_dispatch_minutes")]
    pub urgent_auto_dispatch_minutes: u32,
    /// Reminders to a department before its reply deadline, in working time (`1d,2h`).
    #[serde(rename = "tickets_reminders")]
    pub reminders: String,
    /// The phone keys' meaning, key 1 first.
    #[serde(rename = "tickets_rating_scale")]
    pub rating_scale: String,
    #[serde(rename = "tickets_rating_window_minutes")]
    pub rating_window_minutes: u32,
    /// A ticket of the same caller about the same department within this many days of an
    /// earlier one is a repeat (重复件).
    #[serde(rename = "tickets_repeat_window_days")]
    pub repeat_window_days: u32,
    /// The largest attachment a ticket keeps, in bytes (issue 18).
    #[serde(rename = "tickets_attachment_max_bytes")]
    pub attachment_max_bytes: u64,
    /// Operators may record a department's reply on its behalf (代回复) and confirm received
    /// faxes, as supervisors do.
    #[serde(rename = "tickets_operators_reply_on_behalf")]
    pub operators_reply_on_behalf: bool,
}

impl Default for TicketsSettings {
    fn default() -> Self {
        let d = DeadlineRules::default();
        TicketsSettings {
            db_pool_size: 16,
            working_hours: None,
            working_hours_common: None,
            accept_days: d.accept_days,
            urgent_hours: d.urgent_minutes / 60,
            consultation_days: d.consultation_days,
            complaint_days: d.complaint_days,
            suggestion_days: d.suggestion_days,
            no_info_days: d.no_info_days,
            relay_interval: Duration::from_millis(1000),
            relay_max_backoff: Duration::from_millis(300_000),
            escalation_interval: Duration::from_millis(60_000),
            calendar_refresh: Duration::from_millis(60_000),
            supervisor_emails: Vec::new(),
            supervisor_mobiles: Vec::new(),
            centre_fax: None,
            centre_email: None,
            urgent_auto_dispatch_minutes: 15,
            reminders: "1d,2h".into(),
            rating_scale: "satisfied,basically_satisfied,dissatisfied".into(),
            rating_window_minutes: 30,
            repeat_window_days: 30,
            attachment_max_bytes: 10 * 1024 * 1024,
            operators_reply_on_behalf: false,
        }
    }
}

impl TicketsSettings {
    pub const VARIABLES: &[Variable] = &[
        Variable::new(
            "tickets_db_pool_size",
            "database connections of the ticket service (1-128)",
            "16",
        ),
        Variable::new(
            "tickets_working_hours",
            "working hours for deadlines",
            "HOTLINE_WORKING_HOURS",
        ),
        Variable::new(
            "working_hours",
            "working hours for deadlines",
            "09:00-12:00,13:30-17:30",
        ),
        Variable::new(
            "tickets_deadline_accept_days",
            "working days a department has to accept a ticket",
            "1",
        ),
        Variable::new(
            "tickets_deadline_urgent_hours",
            "working hours to answer an urgent ticket",
            "4",
        ),
        Variable::new(
            "tickets_deadline_consultation_days",
            "working days to answer a consultation",
            "3",
        ),
        Variable::new(
            "tickets_deadline_complaint_days",
            "working days to answer a complaint",
            "13",
        ),
        Variable::new(
            "tickets_deadline_suggestion_days",
            "working days to answer a suggestion",
            "15",
        ),
        Variable::new(
            "tickets_deadline_no_info_days",
            "working days to answer a no-information ticket",
            "5",
        ),
        Variable::new(
            "tickets_relay_interval_ms",
            "how often the outbox is relayed (ms)",
            "1000",
        ),
        Variable::new(
            "tickets_relay_max_backoff_ms",
            "longest wait before an outbox retry (ms)",
            "300000",
        ),
        Variable::new(
            "tickets_escalation_interval_ms",
            "how often overdue tickets are escalated (ms)",
            "60000",
        ),
        Variable::new(
            "tickets_calendar_refresh_ms",
            "how often the calendar and the topic words are reloaded (ms)",
            "60000",
        ),
        Variable::new(
            "supervisor_email",
            "supervisors' addresses for escalations (comma-separated)",
            "none",
        ),
        Variable::new(
            "supervisor_mobile",
            "supervisors' mobile numbers for urgent alerts by SMS (comma-separated)",
            "none",
        ),
        Variable::new(
            "centre_fax",
            "the centre's fax number: on notifications, and where liaisons' replies to urgent complaints are faxed",
            "none",
        ),
        Variable::new(
            "centre_email",
            "the centre's e-mail address: where liaisons' replies to urgent complaints are mailed",
            "none",
        ),
        Variable::new(
            "tickets_urgent_auto_dispatch_minutes",
            "an urgent complaint nobody dispatched goes to the operator's department after this many minutes (0: never)",
            "15",
        ),
        Variable::new(
            "tickets_reminders",
            "reminders before a reply deadline, in working days (d) or hours (h)",
            "1d,2h",
        ),
        Variable::new(
            "tickets_rating_scale",
            "what the caller's keys 1, 2, … mean after the tone",
            "satisfied,basically_satisfied,dissatisfied",
        ),
        Variable::new(
            "tickets_rating_window_minutes",
            "how long after a call the phone system may post its rating",
            "30",
        ),
        Variable::new(
            "tickets_repeat_window_days",
            "a ticket of the same caller about the same department within this many days is a repeat (重复件)",
            "30",
        ),
        Variable::new(
            "tickets_attachment_max_bytes",
            "the largest attachment (scan, received fax, mail file) a ticket keeps, in bytes",
            "10485760",
        ),
        Variable::new(
            "tickets_operators_reply_on_behalf",
            "operators may record a department's reply on its behalf (代回复) and confirm received faxes",
            "false",
        ),
    ];

    /// The working hours as written: the ticket service's own, else the common key.
    pub fn working_hours_text(&self) -> String {
        self.working_hours
            .clone()
            .or_else(|| self.working_hours_common.clone())
            .unwrap_or_else(|| "09:00-12:00,13:30-17:30".into())
    }

    pub fn deadline_rules(&self) -> DeadlineRules {
        DeadlineRules {
            accept_days: self.accept_days,
            urgent_minutes: self.urgent_hours.clamp(1, 10_000) * 60,
            consultation_days: self.consultation_days,
            complaint_days: self.complaint_days,
            suggestion_days: self.suggestion_days,
            no_info_days: self.no_info_days,
        }
    }
}

/// Where notifications go that are not a department's liaisons.
#[derive(Debug, Clone, Default)]
pub struct Recipients {
    pub supervisor_emails: Vec<String>,
    pub supervisor_mobiles: Vec<String>,
    pub centre_fax: Option<String>,
    pub centre_email: Option<String>,
}

/// How callers' ratings after the tone are taken, and which tickets are repeats.
#[derive(Debug, Clone)]
pub struct IntakeRules {
    pub scale: crate::domain::rating::Scale,
    pub window: chrono::Duration,
    /// How far back a ticket's earlier ones make it a repeat (重复件), in ms.
    pub repeat_window_ms: i64,
}

/// What a ticket keeps as attachments, and who records replies on a department's behalf.
#[derive(Debug, Clone)]
pub struct AttachmentRules {
    pub max_bytes: u64,
    pub operators_reply_on_behalf: bool,
}

/// Timing of the background jobs.
#[derive(Debug, Clone)]
pub struct JobSettings {
    pub relay_interval: Duration,
    pub relay_max_backoff: Duration,
    pub escalation_interval: Duration,
    pub calendar_refresh: Duration,
    /// When an urgent complaint nobody dispatched is dispatched by itself (`None`: never).
    pub auto_dispatch_after: Option<chrono::Duration>,
    /// The reminders before a reply deadline, longest first.
    pub reminders: Vec<crate::domain::alerts::Lead>,
}

/// Shared state every handler and job can reach.
#[derive(Clone)]
pub struct AppState {
    pub pool: DbPool,
    pub settings: Arc<ServiceSettings>,
    pub clock: Clock,
    pub calendar: Arc<RwLock<CalendarState>>,
    pub rules: Arc<DeadlineRules>,
    pub knowledge: KnowledgeClient,
    pub notify: NotifyClient,
    pub recipients: Arc<Recipients>,
    pub jobs: Arc<JobSettings>,
    pub intake: Arc<IntakeRules>,
    pub attachments: Arc<AttachmentRules>,
    /// Region names by code, read from knowledge when a notification first needs one.
    pub region_names: Arc<RwLock<std::collections::HashMap<String, String>>>,
    /// The digest's topic words, read from the database at start and at each refresh.
    pub vocabulary: Arc<RwLock<Arc<Vocabulary>>>,
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

    /// The topic words as this replica last read them.
    pub fn vocabulary(&self) -> Arc<Vocabulary> {
        match self.vocabulary.read() {
            Ok(v) => v.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    pub fn set_vocabulary(&self, vocabulary: Vocabulary) {
        match self.vocabulary.write() {
            Ok(mut v) => *v = Arc::new(vocabulary),
            Err(p) => *p.into_inner() = Arc::new(vocabulary),
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

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
    pub state: AppState,
}

impl Application {
    pub async fn build(settings: ServiceSettings) -> Result<Application, String> {
        let own: TicketsSettings = settings.own().map_err(|e| e.to_string())?;
        let keys = settings.keys().map_err(|e| e.to_string())?;
        let pool = shared::db::connect(&settings.database_url, own.db_pool_size.clamp(1, 128))?;
        shared::db::run_migrations(&pool, "tickets", SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS)?;

        let hours_text = own.working_hours_text();
        let hours = WorkingHours::parse(&hours_text).map_err(|e| format!("working_hours: {e}"))?;
        let rules = own.deadline_rules();
        let jobs = JobSettings {
            relay_interval: own.relay_interval,
            relay_max_backoff: own.relay_max_backoff,
            escalation_interval: own.escalation_interval,
            calendar_refresh: own.calendar_refresh,
            auto_dispatch_after: (own.urgent_auto_dispatch_minutes > 0)
                .then(|| chrono::Duration::minutes(i64::from(own.urgent_auto_dispatch_minutes))),
            reminders: crate::domain::alerts::parse_leads(&own.reminders)
                .map_err(|e| format!("HOTLINE_TICKETS_REMINDERS: {e}"))?,
        };
        let intake = IntakeRules {
            scale: crate::domain::rating::Scale::parse(&own.rating_scale)
                .map_err(|e| format!("HOTLINE_TICKETS_RATING_SCALE: {e}"))?,
            window: chrono::Duration::minutes(i64::from(own.rating_window_minutes)),
            repeat_window_ms: i64::from(own.repeat_window_days) * 86_400_000,
        };
        // Set but empty is not set.
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let (centre_fax, centre_email) = (given(&own.centre_fax), given(&own.centre_email));
        if centre_fax.is_none() && centre_email.is_none() {
            tracing::warn!(
                "neither HOTLINE_CENTRE_FAX nor HOTLINE_CENTRE_EMAIL is set: liaisons' replies to \
                 urgent complaints will wait (pending) until one is"
            );
        }
        let recipients = Recipients {
            supervisor_emails: own.supervisor_emails.clone(),
            supervisor_mobiles: own.supervisor_mobiles.clone(),
            centre_fax,
            centre_email,
        };
        let knowledge = KnowledgeClient(ServiceClient::new(
            &settings.urls.knowledge,
            "tickets",
            "knowledge",
            keys.clone(),
        )?);
        let notify = NotifyClient(ServiceClient::new(
            &settings.urls.notify,
            "tickets",
            "notify",
            keys.clone(),
        )?);
        let metrics = Arc::new(Metrics::new("tickets"));
        metrics.describe_gauge(
            "tickets_outbox_pending",
            "Outbox messages not yet delivered to the other services",
        );
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
            intake: Arc::new(intake),
            attachments: Arc::new(AttachmentRules {
                max_bytes: own.attachment_max_bytes.max(1),
                operators_reply_on_behalf: own.operators_reply_on_behalf,
            }),
            region_names: Arc::default(),
            vocabulary: Arc::default(),
            metrics: metrics.clone(),
        };
        let now = to_ms(state.clock.now());
        let years = shared::db::run(&pool, move |conn| {
            crate::jobs::calendar::seed_and_load(conn, now)
        })
        .await
        .map_err(|e| format!("calendar: {e}"))?;
        state.set_years(years);
        crate::app::reports_topics::refresh(&state)
            .await
            .map_err(|e| format!("topic words: {e}"))?;

        let common = Common::new(keys.clone(), metrics);
        let readiness = common.readiness.clone();
        let (server, port) =
            server::bind_service(&settings, crate::routes::api(), common, state.clone())?;
        crate::jobs::start(state.clone());
        tokio::spawn(shared::clients::poll_revocations(
            state.knowledge.clone(),
            keys,
        ));
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

#[cfg(test)]
mod tests {
    use super::*;
    use shared::config::Config;

    #[test]
    fn config_overrides_defaults() {
        let c = Config::from_pairs([
            ("tickets_deadline_complaint_days", "10"),
            ("tickets_deadline_urgent_hours", "2"),
            (
                "supervisor_email",
                "boss@hotline.example, deputy@hotline.example",
            ),
            ("tickets_relay_interval_ms", "1"),
        ]);
        let own: TicketsSettings = c.extract().unwrap();
        let r = own.deadline_rules();
        assert_eq!(r.complaint_days, 10);
        assert_eq!(r.urgent_minutes, 120);
        assert_eq!(r.suggestion_days, 15);
        assert_eq!(own.supervisor_emails.len(), 2);
        assert_eq!(own.relay_interval, Duration::from_millis(10));
        assert_eq!(own.working_hours_text(), "09:00-12:00,13:30-17:30");
        let bad = Config::from_pairs([("tickets_deadline_complaint_days", "x")]);
        let e = bad.extract::<TicketsSettings>().unwrap_err().to_string();
        assert!(e.starts_with("tickets_deadline_complaint_days: "), "{e}");
    }
}
