//! Taking a ticket: the day's number, the record, its `created` event, the notifications of a
//! ticket dispatched at once (no-info), and the idempotency key, in one transaction.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::json;
use shared::auth::AuthUser;
use shared::calendar::WorkCalendar;
use shared::db::{DbConnection, DbError};
use shared::time::{cst_day, from_ms};
use shared::values::TicketId;
use shared::{ApiError, ApiResult};

use crate::db;
use crate::domain::deadlines::DeadlineRules;
use crate::domain::intake::{NewTicket, new_record};
use crate::domain::record::TicketRecord;
use crate::domain::reports_topics::Vocabulary;
use crate::domain::{Status, TicketType, notifications};
use crate::domain::{reports, reports_topics, routing};
use crate::startup::AppState;

/// Whether a creation files its topic and adds to the reports' roll-ups. The feature exists
/// only for bench/reports/creation.sh, which builds this tree twice to measure what they cost.
const ROLL_UPS: bool = !cfg!(feature = "without-rollups");

/// How often a creation that lost a race on a unique index is tried again.
const ATTEMPTS: u32 = 5;

/// The ticket and whether this request made it (false: replayed for its idempotency key).
pub struct Taken {
    pub record: TicketRecord,
    pub created: bool,
    /// The time the request was taken at.
    pub now: DateTime<Utc>,
}

/// Why one attempt failed: another creation won a race on a unique index (the first ticket of
/// a day, or the same idempotency key), so the next attempt sees its row; or anything else.
enum Failure {
    Raced(DbError),
    Refused(ApiError),
}

impl From<DbError> for Failure {
    fn from(e: DbError) -> Failure {
        match e {
            DbError::Unique { .. } => Failure::Raced(e),
            other => Failure::Refused(other.into()),
        }
    }
}

impl From<diesel::result::Error> for Failure {
    fn from(e: diesel::result::Error) -> Failure {
        DbError::from(e).into()
    }
}

impl From<ApiError> for Failure {
    fn from(e: ApiError) -> Failure {
        Failure::Refused(e)
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Failure {
        Failure::Refused(e.into())
    }
}

/// Takes a checked ticket (`input.validate()` was called) for `user`. With an idempotency
/// `key`, the same key and body give the same ticket; the same key with another body is a 409.
pub async fn take_ticket(
    state: &AppState,
    user: &AuthUser,
    input: NewTicket,
    key: Option<String>,
) -> ApiResult<Taken> {
    let canonical = serde_json::to_string(&input)?;
    let request = Request {
        now: state.clock.now(),
        cal: state.calendar(),
        rules: state.rules.clone(),
        user: user.clone(),
        input,
        key,
        canonical,
        repeat_window_ms: state.intake.repeat_window_ms,
        vocabulary: state.vocabulary(),
    };
    let taken = shared::db::run(&state.pool, move |conn| {
        let mut attempt = 0;
        loop {
            attempt += 1;
            match request.attempt(conn) {
                Ok((record, created)) => {
                    return Ok(Taken {
                        record,
                        created,
                        now: request.now,
                    });
                }
                Err(Failure::Raced(_)) if attempt < ATTEMPTS => continue,
                Err(Failure::Raced(e)) => return Err(e.into()),
                Err(Failure::Refused(e)) => return Err(e),
            }
        }
    })
    .await?;
    tracing::info!(
        ticket = %taken.record.id,
        caller = %shared::values::mask_phone(&taken.record.caller_phone),
        created = taken.created,
        "ticket taken"
    );
    Ok(taken)
}

struct Request {
    now: DateTime<Utc>,
    cal: WorkCalendar,
    rules: Arc<DeadlineRules>,
    user: AuthUser,
    input: NewTicket,
    key: Option<String>,
    canonical: String,
    /// How far back the caller's tickets about the same department make this one a repeat.
    repeat_window_ms: i64,
    /// The digest's topic words, to file the ticket under its topic.
    vocabulary: Arc<Vocabulary>,
}

impl Request {
    /// The ticket and whether this attempt made it.
    fn attempt(&self, conn: &mut DbConnection) -> Result<(TicketRecord, bool), Failure> {
        let day = cst_day(self.now);
        // PostgreSQL: the day's number is drawn in its own short transaction, so the counter
        // row is not locked for the whole creation (creations would queue behind it). A
        // creation that fails after this leaves a gap; numbers stay unique. SQLite writes one
        // at a time anyway, so it draws inside the transaction.
        let early_seq = if conn.is_sqlite() || self.key_seen(conn)? {
            None
        } else {
            Some(db::tickets::next_seq_unsynced(conn, &day)?)
        };
        db::write_tx(conn, |c| {
            if let Some(record) = self.replay_of(c)? {
                return Ok((record, false));
            }
            let seq = match early_seq {
                Some(n) => n,
                None => db::tickets::next_seq(c, &day)?,
            };
            Ok((self.store(c, TicketId::new(&day, seq))?, true))
        })
    }

    fn key_seen(&self, c: &mut DbConnection) -> Result<bool, Failure> {
        match &self.key {
            Some(k) => Ok(db::tickets::find_idempotent(c, k)?.is_some()),
            None => Ok(false),
        }
    }

    /// The ticket made earlier under this request's idempotency key, if any; a 409 when that
    /// key came with another body.
    fn replay_of(&self, c: &mut DbConnection) -> Result<Option<TicketRecord>, Failure> {
        let Some(key) = &self.key else {
            return Ok(None);
        };
        let Some((id, stored)) = db::tickets::find_idempotent(c, key)? else {
            return Ok(None);
        };
        if stored != self.canonical {
            return Err(
                ApiError::conflict("this Idempotency-Key was used with a different body").into(),
            );
        }
        let record = db::tickets::find(c, &id)?.ok_or_else(|| super::ticket_not_found(&id))?;
        Ok(Some(record))
    }

    /// Writes the new ticket numbered `id`, its key, its event and its notifications.
    fn store(&self, c: &mut DbConnection, id: TicketId) -> Result<TicketRecord, Failure> {
        // 政府办或由政府办指定的职能部门: the supervisors' rules may name the department.
        let routed = if self.input.ticket_type == TicketType::NoInfo {
            let text = format!(
                "{} {} {}",
                self.input.query.as_deref().unwrap_or_default(),
                self.input.summary,
                self.input.details
            );
            Some(routing::route(
                &db::noinfo_routes::list(c)?,
                &self.input.region,
                &text,
            ))
        } else {
            None
        };
        let rec = new_record(
            id,
            &self.input,
            &self.user.sub,
            self.now,
            &self.cal,
            &self.rules,
            routed.as_ref().map(|r| r.department.as_str()),
        );
        // The digest's topic, filed with the ticket.
        let topic = self
            .vocabulary
            .topic_of(&rec.summary, rec.department.as_deref());
        db::tickets::insert(c, &rec, ROLL_UPS.then_some(topic.as_str()))?;
        if let Some(k) = &self.key {
            db::tickets::insert_idempotent(c, k, &self.canonical, &rec.id, rec.created_at)?;
        }
        let mut data = json!({
            "type": rec.ticket_type,
            "urgent": rec.urgent,
            "department": rec.department,
            "due_at": from_ms(rec.due_at),
        });
        if let Some(r) = &routed {
            data["routed"] = match r.rule {
                Some(rule) => json!({ "rule": rule, "word": r.word, "department": r.department }),
                None => {
                    json!({ "rule": null, "department": r.department, "default": "government_office" })
                }
            };
        }
        // 重复件: the caller's earlier tickets about the same department, named in the event.
        if let Some(d) = &rec.department {
            let since = rec.created_at - self.repeat_window_ms;
            let earlier = db::tickets::earlier_of_caller(
                c,
                &rec.caller_phone,
                d,
                since,
                rec.created_at,
                &rec.id,
            )?;
            if !earlier.is_empty() {
                data["repeat_of"] = json!(earlier);
            }
        }
        db::events::insert(
            c,
            &db::events::NewEvent {
                ticket_id: &rec.id,
                at: rec.created_at,
                actor: &self.user.sub,
                role: self.user.role.as_str(),
                action: "created",
                from_status: None,
                to_status: Some(rec.status.as_str()),
                data: data.to_string(),
                dedup_key: None,
            },
        )?;
        let mut outbox = notifications::on_created(&rec);
        if rec.status == Status::Dispatched {
            outbox.extend(notifications::on_dispatch(&rec));
        }
        for n in outbox {
            db::outbox::insert_notification(c, &rec.id, &n, rec.created_at)?;
        }
        // The roll-ups last, after every other write: concurrent creations share their rows.
        if ROLL_UPS {
            roll_up(c, &rec, &topic)?;
        }
        Ok(rec)
    }
}

/// The reports' roll-ups of a ticket just taken. The rows every no-info ticket of a department
/// and day adds to (the department's and the health report's) last: each stays locked from its
/// upsert to the commit, and concurrent creations for that department wait on it.
fn roll_up(c: &mut DbConnection, rec: &TicketRecord, topic: &str) -> Result<(), Failure> {
    db::reports_topics::add(c, &reports_topics::ticket_taken(rec, topic))?;
    super::reports_operators::ticket_changed(c, None, rec)?;
    // A no-info ticket is dispatched as it is taken: the department report counts it.
    if let Some(t) = reports::tally(None, rec, "created", rec.created_at) {
        db::reports::add(c, &t)?;
    }
    super::reports_health::ticket_taken(c, rec)?;
    Ok(())
}
