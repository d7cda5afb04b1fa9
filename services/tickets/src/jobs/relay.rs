//! The outbox relay: delivers what state changes wrote to the outbox, to the notify service
//! (notifications) and the knowledge service (change requests), with idempotency keys so a
//! retry never doubles anything. Failures are retried with exponential backoff and jitter;
//! nothing is dropped while a peer is down. Scheduling uses the wall clock, so a frozen test
//! clock cannot stall it. Why the outbox is ours and not a queue's: see `db::outbox`.

use std::collections::BTreeMap;
use std::time::Duration;

use rand::Rng;
use serde::{Deserialize, Serialize};
use serde_json::json;
use shared::ApiResult;
use shared::contract::audit::AuditEvent;
use shared::contract::knowledge::ChangeRequestInput;
use shared::contract::notify::{Channel, NotificationRequest};
use shared::http::ClientError;

use crate::app;
use crate::db::{self, outbox::OutboxRow};
use crate::domain::notifications::{Audience, NotifyRequest};
use crate::startup::AppState;
use shared::time::to_ms;

const LEASE_MS: i64 = 60_000;
pub const BATCH: i64 = 20;

/// Recipients as resolved the first time, kept so that every retry posts the same messages
/// under the same keys.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct Resolved {
    to: Vec<String>,
    #[serde(default)]
    department_name: Option<String>,
}

enum Outcome {
    Done(Option<String>),
    Retry(String),
    /// Retried like `Retry`, and the ticket says once that a message waits.
    Waiting(String),
    Failed(String),
}

/// Audiences whose addresses are the hotline's settings, not the knowledge base's.
fn configured_audience(a: &Audience) -> bool {
    matches!(a, Audience::Supervisors | Audience::Centre)
}

fn audience_name(a: &Audience) -> &'static str {
    match a {
        Audience::Supervisors => "the supervisors",
        Audience::Centre => "the hotline centre",
        Audience::Liaisons { .. } => "the liaisons",
        Audience::Caller { .. } => "the caller",
    }
}

/// The variable that would give `audience` an address on `channel`.
fn setting_for(a: &Audience, channel: Channel) -> &'static str {
    match (a, channel) {
        (Audience::Centre, Channel::Fax) => "HOTLINE_CENTRE_FAX",
        (Audience::Centre, _) => "HOTLINE_CENTRE_EMAIL",
        (_, Channel::Sms) => "HOTLINE_SUPERVISOR_MOBILE",
        _ => "HOTLINE_SUPERVISOR_EMAIL",
    }
}

fn wall_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// One pass: claims due rows and handles each. Answers how many were claimed.
pub async fn run_once(state: &AppState) -> ApiResult<usize> {
    let now = wall_ms();
    let rows = shared::db::run(&state.pool, move |c| {
        db::outbox::claim(c, now, now + LEASE_MS, BATCH)
    })
    .await?;
    let n = rows.len();
    for row in rows {
        let id = row.id;
        let attempts = row.attempts;
        let ticket_id = row.ticket_id.clone();
        let kind = row.kind.clone();
        let business_now = to_ms(state.clock.now());
        let outcome = match row.kind.as_str() {
            "notify" => deliver_notification(state, &row).await,
            "change_request" => send_change_request(state, &row).await,
            app::tickets::AUDIT => send_audit(state, &row).await,
            other => Outcome::Failed(format!("unknown outbox kind `{other}`")),
        };
        let finish_at = wall_ms();
        let backoff = backoff(state, attempts);
        shared::db::run(&state.pool, move |c| match outcome {
            Outcome::Done(note) => {
                db::outbox::finish(c, id, db::outbox::DONE, note.as_deref(), finish_at)
            }
            Outcome::Failed(e) => {
                tracing::error!(outbox = id, error = %e, "outbox row failed for good");
                db::write_tx(c, |c| {
                    db::outbox::finish(c, id, db::outbox::FAILED, Some(&e), finish_at)?;
                    // Supervisors see on the ticket that a notification could not be sent.
                    if let Some(t) = ticket_id.as_deref().filter(|_| kind == "notify") {
                        let data = json!({ "error": e, "outbox_id": id }).to_string();
                        let key = format!("notify-failed:{id}");
                        let event = db::events::NewEvent::own(
                            t,
                            business_now,
                            "relay",
                            "notification_failed",
                            None,
                            data,
                            key,
                        );
                        db::events::insert(c, &event)?;
                    }
                    Ok(())
                })
            }
            Outcome::Retry(e) => {
                tracing::warn!(outbox = id, attempts, error = %e, "outbox delivery will be retried");
                let next = finish_at + i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX / 2);
                db::outbox::retry_later(c, id, &e, next)
            }
            Outcome::Waiting(e) => {
                if attempts == 0 {
                    tracing::warn!(outbox = id, error = %e, "a notification waits for configuration");
                }
                let next = finish_at + i64::try_from(backoff.as_millis()).unwrap_or(i64::MAX / 2);
                db::write_tx(c, |c| {
                    db::outbox::retry_later(c, id, &e, next)?;
                    let Some(t) = ticket_id.as_deref() else {
                        return Ok(());
                    };
                    let key = format!("notify-waiting:{id}");
                    if db::events::exists_dedup(c, &key)? {
                        return Ok(());
                    }
                    let data = json!({ "reason": e, "outbox_id": id }).to_string();
                    let event = db::events::NewEvent::own(
                        t,
                        business_now,
                        "relay",
                        "notification_waiting",
                        None,
                        data,
                        key,
                    );
                    db::events::insert(c, &event)?;
                    Ok(())
                })
            }
        })
        .await?;
    }
    if let Ok(pending) = shared::db::run(&state.pool, db::outbox::pending_count).await {
        state
            .metrics
            .set_gauge("tickets_outbox_pending", pending as f64);
    }
    Ok(n)
}

/// Exponential from the relay interval, capped, with ±20% jitter so replicas spread out.
fn backoff(state: &AppState, attempts: i32) -> Duration {
    let base = state.jobs.relay_interval.as_millis() as f64;
    let cap = state.jobs.relay_max_backoff.as_millis() as f64;
    let exp = base * 2f64.powi(attempts.clamp(0, 30));
    let jitter = rand::rng().random_range(0.8..1.2);
    Duration::from_millis((exp.min(cap) * jitter) as u64)
}

/// Whether an error may go away by itself. Answers a 4xx that says the request itself is
/// wrong are final; anything else (unreachable, 5xx, 401 from a misconfigured peer) retries.
fn permanent(e: &ClientError) -> bool {
    e.is_refusal()
}

async fn resolve(state: &AppState, req: &NotifyRequest) -> Result<Resolved, Outcome> {
    let mut out = Resolved::default();
    match &req.audience {
        Audience::Liaisons { department } => {
            match state.knowledge.department(department, None).await {
                Ok(Some(dep)) => {
                    out.department_name = Some(dep.name);
                    for l in &dep.liaisons {
                        let addr = match req.channel {
                            Channel::Fax => l.fax.trim(),
                            Channel::Email => l.email.trim(),
                            Channel::Sms => l.mobile.trim(),
                        };
                        if !addr.is_empty() && !out.to.iter().any(|t| t == addr) {
                            out.to.push(addr.to_string());
                        }
                    }
                }
                Ok(None) => {}
                Err(e) => return Err(Outcome::Retry(e.to_string())),
            }
        }
        Audience::Supervisors => {
            out.to = match req.channel {
                Channel::Email => state.recipients.supervisor_emails.clone(),
                Channel::Sms => state.recipients.supervisor_mobiles.clone(),
                // Supervisors have no fax of their own.
                Channel::Fax => Vec::new(),
            };
        }
        Audience::Centre => {
            let addr = match req.channel {
                Channel::Fax => state.recipients.centre_fax.as_ref(),
                Channel::Email => state.recipients.centre_email.as_ref(),
                // The centre has no SMS number.
                Channel::Sms => None,
            };
            out.to = addr.into_iter().cloned().collect();
        }
        Audience::Caller { email } => out.to = vec![email.clone()],
    }
    Ok(out)
}

/// The name of region `code` for the texts (所属地区：昆明市), from knowledge's region list,
/// read once and again for a code it did not have; none when knowledge cannot say (the text
/// then shows the code).
async fn region_name(state: &AppState, code: Option<&String>) -> Option<String> {
    let code = code?;
    let known = |state: &AppState| {
        let names = match state.region_names.read() {
            Ok(n) => n,
            Err(p) => p.into_inner(),
        };
        names.get(code).cloned()
    };
    if let Some(name) = known(state) {
        return Some(name);
    }
    match state.knowledge.regions().await {
        Ok(all) => {
            let mut names = match state.region_names.write() {
                Ok(n) => n,
                Err(p) => p.into_inner(),
            };
            names.extend(all.into_iter().map(|r| (r.code, r.name)));
        }
        Err(e) => tracing::info!(error = %e, "region names unavailable; the code is shown"),
    }
    known(state)
}

async fn deliver_notification(state: &AppState, row: &OutboxRow) -> Outcome {
    let req: NotifyRequest = match serde_json::from_str(&row.payload) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(format!("payload: {e}")),
    };
    let resolved = match row
        .recipients
        .as_deref()
        .and_then(|r| serde_json::from_str::<Resolved>(r).ok())
    {
        Some(r) => r,
        None => match resolve(state, &req).await {
            // The hotline's own addresses are configuration: a message for one not set waits
            // (pending, and said on the ticket) rather than going nowhere.
            Ok(r) if r.to.is_empty() && configured_audience(&req.audience) => {
                return Outcome::Waiting(format!(
                    "no {} address is configured for {} ({}); the message waits",
                    req.channel.as_str(),
                    audience_name(&req.audience),
                    setting_for(&req.audience, req.channel)
                ));
            }
            Ok(r) => {
                let id = row.id;
                let text = serde_json::to_string(&r).unwrap_or_default();
                if let Err(e) = shared::db::run(&state.pool, move |c| {
                    db::outbox::set_recipients(c, id, &text)
                })
                .await
                {
                    return Outcome::Retry(e.to_string());
                }
                r
            }
            Err(o) => return o,
        },
    };
    if resolved.to.is_empty() {
        return Outcome::Done(Some(format!(
            "no recipients for {} ({:?})",
            req.template, req.audience
        )));
    }
    let mut data: BTreeMap<String, serde_json::Value> = req
        .data
        .iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect();
    if let Some(name) = &resolved.department_name {
        data.insert("department_name".into(), name.clone().into());
    }
    if let Some(name) = region_name(state, req.data.get("region")).await {
        data.insert("region_name".into(), name.into());
    }
    let mut failures = Vec::new();
    for (i, to) in resolved.to.iter().enumerate() {
        let request = NotificationRequest::template(
            req.channel,
            to,
            &req.template,
            data.clone(),
            row.ticket_id.as_deref(),
        );
        let key = format!("{}-{i}", row.id);
        match state.notify.send(&request, &key).await {
            Ok(_) => {}
            Err(e) if permanent(&e) => failures.push(format!("{to}: {e}")),
            // Earlier recipients were accepted; their keys make the retry harmless.
            Err(e) => return Outcome::Retry(e.to_string()),
        }
    }
    if failures.is_empty() {
        Outcome::Done(None)
    } else {
        Outcome::Failed(failures.join("; "))
    }
}

/// An event for the audit log, kept by the knowledge service; its key is this row's, so a
/// resend is recorded once.
async fn send_audit(state: &AppState, row: &OutboxRow) -> Outcome {
    let mut event: AuditEvent = match serde_json::from_str(&row.payload) {
        Ok(v) => v,
        Err(e) => return Outcome::Failed(format!("payload: {e}")),
    };
    event.key = row.id.to_string();
    match state.knowledge.record_audit(&event).await {
        Ok(()) => Outcome::Done(None),
        Err(e) if permanent(&e) => Outcome::Failed(e.to_string()),
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

async fn send_change_request(state: &AppState, row: &OutboxRow) -> Outcome {
    let request: ChangeRequestInput = match serde_json::from_str(&row.payload) {
        Ok(v) => v,
        Err(e) => return Outcome::Failed(format!("payload: {e}")),
    };
    let Some(ticket_id) = row.ticket_id.clone() else {
        return Outcome::Failed("change request without a ticket".into());
    };
    let key = format!("tickets-outbox-{}", row.id);
    let outbox_id = row.id;
    let now = to_ms(state.clock.now());
    match state.knowledge.submit_change_request(&request, &key).await {
        Ok(answer) => {
            let cr_id = answer.id;
            match app::service::change_request_created(state, outbox_id, ticket_id, cr_id, now)
                .await
            {
                Ok(()) => Outcome::Done(None),
                Err(e) => Outcome::Retry(e.to_string()),
            }
        }
        Err(e) if permanent(&e) => {
            // The knowledge service refused the facts: hand the ticket back to the liaison.
            let reason = format!("the knowledge service refused the change request: {e}");
            let refused = reason.clone();
            let _ = app::service::change_request_refused(state, outbox_id, ticket_id, refused, now)
                .await;
            Outcome::Failed(reason)
        }
        Err(e) => Outcome::Retry(e.to_string()),
    }
}
