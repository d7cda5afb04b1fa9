//! Background tasks of every replica: delivery workers, the checker that reads HylaFAX jobs
//! back, the reporter that tells the ticket service how each delivery ended, and the relay of
//! audit events to the knowledge service (`audit`), and the fetching and matching of received
//! mail (`inbound`).

pub mod audit;
pub mod inbound;

use std::sync::Arc;
use std::time::Duration;

use shared::clients::TicketsClient;
use shared::contract::tickets::{Channel, Delivery, DeliveryStatus};
use shared::db::DbPool;
use shared::time::now_ms;
use tokio::sync::Notify;

use crate::config::NotifyConfig;
use crate::db::notifications as store;
use crate::db::notifications::{CheckResult, Lease, NotificationRow};
use crate::domain::{FaxCheck, Status, backoff_ms, fax_check, hylafax_job, new_id};
use crate::fax::FaxTransport;
use crate::fax::hylafax::{HylafaxClient, HylafaxError};
use crate::send::{SendError, Sender};

/// What the tasks of one replica share.
#[derive(Clone)]
pub struct Jobs {
    pub pool: DbPool,
    pub sender: Arc<Sender>,
    pub config: NotifyConfig,
    /// Poked when a notification is stored, so an idle worker starts at once.
    pub work: Arc<Notify>,
    /// Poked when a notification of a ticket is finished.
    pub finished: Arc<Notify>,
    pub tickets: Option<TicketsClient>,
    /// Queue depth per status, exported on `/metrics`.
    pub metrics: Option<Arc<shared::metrics::Metrics>>,
    /// `<replica>|<run>|`: every lease token of this run begins with it, so that the next run
    /// of the same replica knows which leases were its own (`release_earlier_runs`).
    pub lease_prefix: String,
}

impl Jobs {
    /// Starts the configured number of workers and the reporter on the current runtime.
    pub fn spawn(&self) {
        for i in 0..self.config.workers {
            let jobs = self.clone();
            tokio::spawn(async move { jobs.work_loop(i).await });
        }
        if self.config.workers > 0 && matches!(self.sender.fax, FaxTransport::Hylafax(_)) {
            let jobs = self.clone();
            tokio::spawn(async move { jobs.check_loop().await });
        }
        if self.config.report_enabled && self.config.workers > 0 {
            let jobs = self.clone();
            tokio::spawn(async move { jobs.report_loop().await });
        }
        if self.metrics.is_some() {
            let jobs = self.clone();
            tokio::spawn(async move { jobs.gauge_loop().await });
        }
    }

    async fn gauge_loop(self) {
        let Some(metrics) = self.metrics.clone() else {
            return;
        };
        loop {
            for status in [
                Status::Queued,
                Status::Sending,
                Status::Failed,
                Status::Dead,
            ] {
                let n =
                    shared::db::run(&self.pool, move |c| Ok(store::count_by_status(c, status)?))
                        .await;
                if let Ok(n) = n {
                    metrics.set_gauge(&format!("notify_jobs_{}", status.as_str()), n as f64);
                }
            }
            tokio::time::sleep(Duration::from_secs(15)).await;
        }
    }

    fn poll(&self) -> Duration {
        Duration::from_millis(self.config.poll_ms.max(10))
    }

    async fn idle(&self, wake: &Notify) {
        let _ = tokio::time::timeout(self.poll(), wake.notified()).await;
    }

    async fn work_loop(self, index: usize) {
        let name = format!("w{index}");
        loop {
            match self.work_once(&name).await {
                Ok(0) => self.idle(&self.work).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "worker: cannot claim jobs");
                    self.idle(&self.work).await;
                }
            }
        }
    }

    /// Claims one batch and sends it; how many jobs it took.
    pub async fn work_once(&self, worker: &str) -> Result<usize, shared::ApiError> {
        let (token, rows) = self.lease(worker, Lease::Jobs).await?;
        let n = rows.len();
        if n > 1 {
            // More may be waiting: let another idle worker help.
            self.work.notify_one();
        }
        for row in rows {
            self.attempt(row, &token).await;
        }
        Ok(n)
    }

    async fn attempt(&self, row: NotificationRow, token: &str) {
        // Every claim counts as an attempt, so a job whose sends keep killing the worker (its
        // lease expiring again and again) ends up here instead of looping for ever.
        let result = if row.attempts > row.max_attempts {
            Err(SendError::Permanent(format!(
                "gave up after {} attempts without a result",
                row.max_attempts
            )))
        } else {
            self.sender.deliver(&row).await
        };
        let now = now_ms();
        let id = row.id.clone();
        let token = token.to_string();
        let outcome = match &result {
            Ok(provider_id) => {
                tracing::info!(notification = %id, attempt = row.attempts, channel = %row.channel, "sent");
                let pid = provider_id.clone();
                // A HylaFAX job is only queued: read it back until it is delivered or failed.
                let check_at = hylafax_job(&pid).map(|_| now + self.check_interval_ms());
                shared::db::run(&self.pool, move |c| {
                    Ok(store::mark_sent(c, &id, &token, &pid, now, check_at)?)
                })
                .await
            }
            Err(e) => {
                let next = match e {
                    SendError::Transient(_) => self.retry_at(&row, now),
                    SendError::Permanent(_) => None,
                };
                tracing::warn!(notification = %id, attempt = row.attempts, error = %e,
                    dead = next.is_none(), "delivery failed");
                let text: String = e.to_string().chars().take(1000).collect();
                shared::db::run(&self.pool, move |c| {
                    Ok(store::mark_failed(c, &id, &token, &text, next, now)?)
                })
                .await
            }
        };
        match outcome {
            Ok(true) => {
                if row.ticket_id.is_some() {
                    self.finished.notify_one();
                }
            }
            Ok(false) => {
                tracing::warn!(notification = %row.id, "lease lost before the result was stored");
            }
            Err(e) => tracing::error!(notification = %row.id, error = %e, "cannot store result"),
        }
    }

    /// When a failed attempt is tried again, or `None` (dead) when the attempts are used up.
    fn retry_at(&self, row: &NotificationRow, now: i64) -> Option<i64> {
        if row.attempts >= row.max_attempts {
            return None;
        }
        let jitter: f64 = rand::random();
        let wait = backoff_ms(
            row.attempts,
            self.config.backoff_base_ms,
            self.config.backoff_max_ms,
            jitter,
        );
        Some(now + i64::try_from(wait).unwrap_or(i64::MAX / 4))
    }

    fn check_interval_ms(&self) -> i64 {
        i64::try_from(self.config.fax_check_ms.max(10)).unwrap_or(i64::MAX / 4)
    }

    async fn check_loop(self) {
        loop {
            match self.check_once().await {
                Ok(n) if n >= self.check_batch() => {}
                Ok(_) => tokio::time::sleep(self.poll()).await,
                Err(e) => {
                    tracing::warn!(error = %e, "checker: cannot claim faxes to check");
                    tokio::time::sleep(self.poll()).await;
                }
            }
        }
    }

    /// A fresh lease token for `who`, and the rows (delivery jobs or fax checks) leased to it:
    /// at most a batch, for the configured lease.
    async fn lease(
        &self,
        who: &str,
        what: Lease,
    ) -> Result<(String, Vec<NotificationRow>), shared::ApiError> {
        let token = format!("{}{who}-{}", self.lease_prefix, &new_id()[..12]);
        let (lease, batch) = (self.config.lease_ms, self.config.batch.max(1));
        let claim_token = token.clone();
        let rows = shared::db::run(&self.pool, move |c| {
            Ok(store::claim(c, what, &claim_token, now_ms(), lease, batch)?)
        })
        .await?;
        Ok((token, rows))
    }

    fn check_batch(&self) -> usize {
        usize::try_from(self.config.batch.max(1)).unwrap_or(1)
    }

    /// Asks HylaFAX about the faxes it accepted that are due for a check; how many it took.
    /// Claimed like delivery jobs, so with several replicas each fax is asked about by one.
    pub async fn check_once(&self) -> Result<usize, shared::ApiError> {
        let FaxTransport::Hylafax(client) = &self.sender.fax else {
            return Ok(0);
        };
        let (token, rows) = self.lease("check", Lease::Checks).await?;
        let n = rows.len();
        for row in rows {
            self.check(client, row, &token).await;
        }
        Ok(n)
    }

    async fn check(&self, client: &HylafaxClient, row: NotificationRow, token: &str) {
        let (id, token) = (row.id.clone(), token.to_string());
        let Some(job) = row.provider_id.as_deref().and_then(hylafax_job) else {
            tracing::error!(notification = %id, "not a HylaFAX job; no more checks");
            let never = CheckResult::Unanswered { next_at: None };
            let stored = shared::db::run(&self.pool, move |c| {
                Ok(store::record_check(c, &id, &token, now_ms(), never)?)
            })
            .await;
            return self.checked(&row, stored, false);
        };
        let job = job.to_string();
        let answer = client.job_state(&job).await;
        let now = now_ms();
        let next_check = now + self.check_interval_ms();
        let result = match answer {
            Ok(state) => match fax_check(&job, &state) {
                FaxCheck::Pending => CheckResult::Pending {
                    next_at: next_check,
                },
                FaxCheck::Delivered => {
                    tracing::info!(notification = %id, job = %job, "HylaFAX delivered the fax");
                    CheckResult::Delivered
                }
                FaxCheck::Undelivered { status, error } => {
                    let next = self.retry_at(&row, now);
                    let dead = next.is_none();
                    tracing::warn!(notification = %id, job = %job, error = %error,
                        dead, "HylaFAX did not deliver the fax");
                    let stored = shared::db::run(&self.pool, move |c| {
                        Ok(store::check_undelivered(
                            c, &id, &token, status, &error, next, now,
                        )?)
                    })
                    .await;
                    return self.checked(&row, stored, dead);
                }
            },
            // HylaFAX down or slow: the fax's fate is unknown, not bad; ask again later.
            Err(HylafaxError::Transient(e)) => {
                tracing::warn!(notification = %id, job = %job, error = %e, "cannot ask HylaFAX about the fax");
                CheckResult::Unanswered {
                    next_at: Some(next_check),
                }
            }
            Err(HylafaxError::Permanent(e)) => {
                tracing::error!(notification = %id, job = %job, error = %e, "HylaFAX job cannot be checked; no more checks");
                CheckResult::Unanswered { next_at: None }
            }
        };
        let stored = shared::db::run(&self.pool, move |c| {
            Ok(store::record_check(c, &id, &token, now, result)?)
        })
        .await;
        self.checked(&row, stored, false);
    }

    /// After a check's result is stored: a dead fax wakes the reporter (a retry needs no
    /// wake-up: the workers take it when its back-off has passed).
    fn checked(&self, row: &NotificationRow, stored: Result<bool, shared::ApiError>, dead: bool) {
        match stored {
            Ok(true) => {
                if dead && row.ticket_id.is_some() {
                    self.finished.notify_one();
                }
            }
            Ok(false) => {
                tracing::warn!(notification = %row.id, "check lease lost before the result was stored");
            }
            Err(e) => {
                tracing::error!(notification = %row.id, error = %e, "cannot store the check result");
            }
        }
    }

    async fn report_loop(self) {
        loop {
            match self.report_once().await {
                Ok(0) => self.idle(&self.finished).await,
                Ok(_) => {}
                Err(e) => {
                    tracing::warn!(error = %e, "reporter: cannot read pending reports");
                    self.idle(&self.finished).await;
                }
            }
        }
    }

    /// Reports finished deliveries to their tickets; how many it tried.
    pub async fn report_once(&self) -> Result<usize, shared::ApiError> {
        let Some(client) = &self.tickets else {
            return Ok(0);
        };
        let rows = shared::db::run(&self.pool, |c| Ok(store::unreported(c, now_ms(), 50)?)).await?;
        for row in &rows {
            let Some(ticket) = &row.ticket_id else {
                continue;
            };
            let status = row.status.clone();
            let Some(delivery) = delivery_report(row) else {
                tracing::error!(notification = %row.id, status = %status, "a finished notification with an unknown channel or status");
                continue;
            };
            let key = format!("delivery-{}-{status}", row.id);
            let result = client.delivery(ticket, &delivery, &key).await;
            let id = row.id.clone();
            let now = now_ms();
            let stored = match result {
                Ok(_) => {
                    shared::db::run(&self.pool, move |c| {
                        Ok(store::mark_reported(c, &id, &status, None, now)?)
                    })
                    .await
                }
                Err(e) if gives_up(&e) => {
                    tracing::warn!(notification = %id, error = %e, "ticket service refused the delivery report");
                    let text = e.to_string();
                    shared::db::run(&self.pool, move |c| {
                        Ok(store::mark_reported(c, &id, &status, Some(&text), now)?)
                    })
                    .await
                }
                Err(e) => {
                    let wait = backoff_ms(row.report_attempts + 1, 2_000, 600_000, rand::random());
                    let next = now + i64::try_from(wait).unwrap_or(600_000);
                    let text = e.to_string();
                    shared::db::run(&self.pool, move |c| {
                        Ok(store::report_later(c, &id, &text, next)?)
                    })
                    .await
                }
            };
            if let Err(e) = stored {
                tracing::error!(notification = %row.id, error = %e, "cannot store report state");
            }
        }
        Ok(rows.len())
    }
}

/// A report the ticket service will never take (no such ticket, a body it rejects); anything
/// else, including an auth failure that configuration can fix, is tried again.
fn gives_up(e: &shared::http::ClientError) -> bool {
    e.is_refusal()
}

/// What tickets is told about a finished notification: sent (with the provider's id) or dead
/// (with the last error).
fn delivery_report(row: &NotificationRow) -> Option<Delivery> {
    let status = match row.status.as_str() {
        "sent" => DeliveryStatus::Sent,
        "dead" => DeliveryStatus::Dead,
        _ => return None,
    };
    Some(Delivery {
        notification_id: row.id.clone(),
        channel: Channel::parse(&row.channel)?,
        to: row.recipient.clone(),
        status,
        provider_id: row
            .provider_id
            .clone()
            .filter(|_| status == DeliveryStatus::Sent),
        error: row
            .last_error
            .clone()
            .filter(|_| status == DeliveryStatus::Dead),
    })
}
