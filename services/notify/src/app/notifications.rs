//! Notification use cases: accepting a request (template rendering, idempotency, the stored
//! row), reading them back, and putting a dead one back in the queue.

use shared::auth::AuthUser;
use shared::contract::audit::{AuditEvent, action};
use shared::db::{DbError, DbPool, write_tx};
use shared::pagination::Paging;
use shared::time::now_ms;
use shared::{ApiError, ApiResult};

use crate::config::NotifyConfig;
use crate::db::audit;
use crate::db::notifications::{self as store, NotificationRow};
use crate::db::templates;
use crate::domain::templates::HotlineDetails;
use crate::domain::{NotificationRequest, Status, new_id, outgoing};

/// What acceptance needs from the settings.
#[derive(Debug, Clone)]
pub struct Acceptance {
    /// What templates see as `hotline_name`, `centre_fax`, `centre_email`.
    pub details: HotlineDetails,
    /// Attempts before a notification is given up as `dead`.
    pub max_attempts: i32,
}

impl From<&NotifyConfig> for Acceptance {
    fn from(config: &NotifyConfig) -> Acceptance {
        Acceptance {
            details: HotlineDetails {
                hotline_name: config.hotline_name.clone(),
                centre_fax: config.centre_fax.clone(),
                centre_email: config.centre_email.clone(),
            },
            max_attempts: config.max_attempts,
        }
    }
}

/// Why an acceptance transaction stopped: an answer for the client, or a concurrent request
/// with the same `Idempotency-Key` stored its row first (read back after the rollback: on
/// PostgreSQL nothing more can run in a transaction that hit a unique violation).
enum Stop {
    Api(ApiError),
    KeyTaken,
}

impl From<ApiError> for Stop {
    fn from(e: ApiError) -> Stop {
        Stop::Api(e)
    }
}

impl From<DbError> for Stop {
    fn from(e: DbError) -> Stop {
        Stop::Api(e.into())
    }
}

impl From<diesel::result::Error> for Stop {
    fn from(e: diesel::result::Error) -> Stop {
        Stop::Api(e.into())
    }
}

/// Accepts a valid request: stores it as `queued` (its text rendered now, so a later template
/// edit does not change it) and returns the row. A template that needs a value the request
/// does not give refuses it (400, naming the value), and nothing is stored. With a `key`, the same key and request give
/// back the row stored the first time; the same key with another request is a conflict.
pub async fn accept(
    pool: &DbPool,
    request: NotificationRequest,
    key: Option<String>,
    acceptance: Acceptance,
) -> ApiResult<NotificationRow> {
    let fingerprint = crate::domain::fingerprint(&request)?;
    shared::db::run(pool, move |c| {
        let stored = write_tx(c, |c| {
            store_request(c, &request, key.as_deref(), &fingerprint, &acceptance)
        });
        match (stored, &key) {
            (Ok(row), _) => Ok(row),
            (Err(Stop::Api(e)), _) => Err(e),
            (Err(Stop::KeyTaken), Some(k)) => {
                let existing = store::find_by_key(c, k)?
                    .ok_or_else(|| ApiError::internal("idempotency row vanished"))?;
                same_request(existing, &fingerprint)
            }
            (Err(Stop::KeyTaken), None) => {
                Err(ApiError::internal("unique violation without a key"))
            }
        }
    })
    .await
}

/// The body of the acceptance transaction.
fn store_request(
    c: &mut shared::db::DbConnection,
    request: &NotificationRequest,
    key: Option<&str>,
    fingerprint: &str,
    acceptance: &Acceptance,
) -> Result<NotificationRow, Stop> {
    if let Some(k) = key
        && let Some(existing) = store::find_by_key(c, k)?
    {
        return Ok(same_request(existing, fingerprint)?);
    }
    let template = match &request.template {
        Some(name) => Some(
            templates::get(c, name)?
                .ok_or_else(|| ApiError::bad_request(format!("no template `{name}`")))?,
        ),
        None => None,
    };
    let row = NotificationRow::queued(
        new_id(),
        key.map(str::to_string),
        fingerprint.to_string(),
        request,
        outgoing(request, template.as_ref(), &acceptance.details)?,
        acceptance.max_attempts.max(1),
        now_ms(),
    )
    .map_err(ApiError::from)?;
    match store::insert(c, &row) {
        Ok(()) => Ok(row),
        // The notification id is random (128 bits): a unique violation is the key's.
        Err(DbError::Unique { .. }) if key.is_some() => Err(Stop::KeyTaken),
        Err(e) => Err(e.into()),
    }
}

fn same_request(existing: NotificationRow, fingerprint: &str) -> ApiResult<NotificationRow> {
    if existing.request == fingerprint {
        Ok(existing)
    } else {
        Err(ApiError::conflict(
            "this Idempotency-Key was used with a different request",
        ))
    }
}

/// Notifications, newest first, optionally of one status or one ticket; and how many in all.
pub async fn list(
    pool: &DbPool,
    status: Option<Status>,
    ticket_id: Option<String>,
    paging: Paging,
) -> ApiResult<(Vec<NotificationRow>, i64)> {
    shared::db::run(pool, move |c| {
        Ok(store::list(c, status, ticket_id.as_deref(), paging)?)
    })
    .await
}

/// One notification.
pub async fn find(pool: &DbPool, id: String) -> ApiResult<NotificationRow> {
    shared::db::run(pool, move |c| store::find(c, &id)?.ok_or_else(not_found)).await
}

/// Puts a `dead` notification back in the queue with a fresh attempt budget; a conflict if it
/// is in any other state.
pub async fn retry(pool: &DbPool, id: String, by: &AuthUser) -> ApiResult<NotificationRow> {
    let (actor, role) = (by.sub.clone(), by.role.as_str().to_string());
    shared::db::run(pool, move |c| {
        write_tx(c, |c| {
            let row = store::find(c, &id)?.ok_or_else(not_found)?;
            let now = now_ms();
            if !store::retry(c, &id, now)? {
                return Err(ApiError::InvalidTransition(format!(
                    "only a dead notification can be retried; this one is {}",
                    row.status
                )));
            }
            // The audit log hears of it (issue 16), in this same transaction.
            let event = AuditEvent {
                at: now,
                actor,
                role,
                action: action::NOTIFICATION_RETRIED.into(),
                target: row.ticket_id.clone().unwrap_or_else(|| row.id.clone()),
                address: String::new(),
                details: serde_json::json!({
                    "notification_id": row.id,
                    "channel": row.channel,
                    "last_error": row.last_error,
                }),
                key: String::new(),
            };
            let payload = serde_json::to_string(&event).map_err(ApiError::internal)?;
            audit::insert(c, &format!("retry:{}:{now}", row.id), &payload, now)?;
            store::find(c, &id)?.ok_or_else(not_found)
        })
    })
    .await
}

fn not_found() -> ApiError {
    ApiError::not_found("no such notification")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod tests {
    use super::*;
    use crate::domain::templates::DEFAULTS;
    use crate::fax::FaxTransport;
    use crate::mail::{Mailer, Outbox};
    use crate::send::Sender;

    /// A fresh in-memory SQLite database with notify's tables (one connection, so every use
    /// of the pool sees the same database).
    pub(crate) fn empty_database() -> DbPool {
        let pool = shared::db::connect(":memory:", 1).unwrap();
        shared::db::run_migrations(
            &pool,
            "notify",
            crate::db::MIGRATIONS,
            crate::db::MIGRATIONS,
        )
        .unwrap();
        pool
    }

    /// The same with the default templates.
    async fn database() -> DbPool {
        let pool = empty_database();
        shared::db::run(&pool, |c| Ok(templates::seed(c, &DEFAULTS[..], 0)?))
            .await
            .unwrap();
        pool
    }

    fn acceptance() -> Acceptance {
        Acceptance {
            details: HotlineDetails {
                hotline_name: "12345热线".into(),
                centre_fax: "0871-12345".into(),
                centre_email: "centre@hotline.example".into(),
            },
            max_attempts: 3,
        }
    }

    fn dispatch(to: &str) -> NotificationRequest {
        serde_json::from_value(serde_json::json!({
            "channel": "email", "to": to, "template": "dispatch",
            "data": {"ticket_id": "T7", "summary": "路灯不亮", "details": "北京路路灯不亮",
                     "region": "530102", "department_name": "盘龙区城管局",
                     "due_at": "2026-12-08 18:00"},
            "ticket_id": "T7",
        }))
        .unwrap()
    }

    #[actix_web::test]
    async fn accepted_once_per_key_and_sent_with_the_rendered_text() {
        let pool = database().await;
        let key = Some("outbox-7-0".to_string());
        let row = accept(&pool, dispatch("a@dept.example"), key.clone(), acceptance())
            .await
            .unwrap();
        assert_eq!(row.status(), Status::Queued);
        assert_eq!(row.max_attempts, 3);
        assert!(
            row.subject.starts_with("12345热线派单 T7"),
            "{}",
            row.subject
        );
        let again = accept(&pool, dispatch("a@dept.example"), key.clone(), acceptance())
            .await
            .unwrap();
        assert_eq!(again.id, row.id);
        let other = accept(&pool, dispatch("b@dept.example"), key, acceptance()).await;
        assert!(matches!(other, Err(ApiError::Conflict(_))), "{other:?}");
        let unknown = NotificationRequest {
            template: Some("made_up".into()),
            ..dispatch("a@dept.example")
        };
        let refused = accept(&pool, unknown, None, acceptance()).await;
        assert!(
            matches!(refused, Err(ApiError::BadRequest(_))),
            "{refused:?}"
        );

        let outbox = Outbox::default();
        let sender = Sender {
            mailer: Mailer::Memory(outbox.clone()),
            fax: FaxTransport::Spool(std::env::temp_dir()),
            sms: crate::sms::SmsTransport::Spool(std::env::temp_dir()),
            from: "Hotline <hotline@example.org>".parse().unwrap(),
            hotline_name: "12345热线".into(),
        };
        let message_id = sender.deliver(&row).await.unwrap();
        let sent = outbox.messages();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].message_id, message_id);
        assert_eq!(sent[0].to, ["a@dept.example"]);
        assert_eq!(sent[0].subject, row.subject);
    }

    #[actix_web::test]
    async fn only_a_dead_notification_is_retried() {
        let pool = database().await;
        let row = accept(&pool, dispatch("a@dept.example"), None, acceptance())
            .await
            .unwrap();
        let sup = AuthUser {
            sub: "supervisor".into(),
            role: shared::auth::Role::Supervisor,
            department: None,
        };
        let refused = retry(&pool, row.id.clone(), &sup).await;
        assert!(
            matches!(refused, Err(ApiError::InvalidTransition(_))),
            "{refused:?}"
        );
        let missing = retry(&pool, "nope".into(), &sup).await;
        assert!(matches!(missing, Err(ApiError::NotFound(_))), "{missing:?}");
        // Refused retries leave nothing for the audit log.
        let logged = shared::db::run(&pool, |c| Ok(audit::unsent(c, 10)?))
            .await
            .unwrap();
        assert!(logged.is_empty());
    }
}
