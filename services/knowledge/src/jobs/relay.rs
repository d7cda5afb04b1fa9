//! The outbox relay: posts pending outbox messages to their target service, oldest first,
//! retrying with exponential backoff (capped at about four minutes) until accepted: a result
//! owed to a ticket is never dropped, however long tickets is away.

use std::sync::Arc;
use std::time::Duration;

use shared::clients::TicketsClient;
use shared::contract::tickets::{KnowledgeResult, SearchCounts, TopicWords};
use shared::db::DbPool;
use shared::metrics::Metrics;

use crate::db::outbox;

/// The wait before attempt `attempts + 1`: 1 s, 2 s, 4 s … at most 5 minutes.
pub fn backoff(attempts: i32) -> chrono::Duration {
    let secs = 1i64 << attempts.clamp(0, 9).saturating_sub(1);
    chrono::Duration::seconds(secs.min(300))
}

/// Sends what is due once; returns how many messages it took up (delivered, retried later or
/// kept as dead).
pub async fn relay_once(pool: &DbPool, tickets: &TicketsClient) -> usize {
    let due = match shared::db::run(pool, |c| Ok(outbox::due(c, 20)?)).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, "outbox: cannot read");
            return 0;
        }
    };
    let taken = due.len();
    for m in due {
        let id = m.id;
        let attempts = m.attempts + 1;
        let result = match deliver(tickets, &m).await {
            Some(result) => result,
            // Anything but a knowledge result for a ticket, search counts or topic words is
            // a bug, logged and left in the table for someone to read.
            None => {
                tracing::error!(id, target = %m.target, path = %m.path, "outbox: a message not understood");
                let why = "not a knowledge result for a ticket, search counts nor topic words";
                let _ =
                    shared::db::run(pool, move |c| Ok(outbox::mark_dead(c, id, attempts, why)?))
                        .await;
                continue;
            }
        };
        let outcome = match result {
            Ok(_) => shared::db::run(pool, move |c| Ok(outbox::mark_sent(c, id)?)).await,
            // No such ticket, or one that takes no result: sending again cannot help.
            Err(e) if e.is_refusal() => {
                tracing::error!(id, path = %m.path, error = %e, "outbox: tickets refused the message; kept as dead");
                let msg = e.to_string();
                shared::db::run(pool, move |c| Ok(outbox::mark_dead(c, id, attempts, &msg)?)).await
            }
            Err(e) => {
                let wait = backoff(attempts);
                tracing::warn!(id, attempts, error = %e, "outbox: delivery failed; will retry");
                let msg = e.to_string();
                shared::db::run(pool, move |c| {
                    Ok(outbox::mark_failed(c, id, attempts, wait, &msg)?)
                })
                .await
            }
        };
        if let Err(e) = outcome {
            tracing::warn!(id, error = %e, "outbox: cannot record the outcome");
        }
    }
    taken
}

/// Posts one message to tickets: a knowledge result for a ticket, or search counts or topic
/// words (issue 19); `None` for a message that is none of these.
async fn deliver(
    tickets: &TicketsClient,
    m: &outbox::Message,
) -> Option<Result<(), shared::http::ClientError>> {
    if m.target != "tickets" {
        return None;
    }
    if m.path == SearchCounts::PATH {
        let counts = serde_json::from_str::<SearchCounts>(&m.body).ok()?;
        return Some(tickets.search_counts(&counts).await);
    }
    if m.path == TopicWords::PATH {
        let words = serde_json::from_str::<TopicWords>(&m.body).ok()?;
        return Some(tickets.topic_words(&words).await);
    }
    let ticket = KnowledgeResult::ticket_of(&m.path)?;
    let result = serde_json::from_str::<KnowledgeResult>(&m.body).ok()?;
    Some(
        tickets
            .knowledge_result(ticket, &result, &m.idempotency_key)
            .await,
    )
}

/// Polls the outbox every `interval` for as long as the service runs; `knowledge_outbox_dead`
/// counts the messages refused for good, for whoever watches the service.
pub async fn relay_loop(
    pool: DbPool,
    tickets: TicketsClient,
    interval: Duration,
    metrics: Arc<Metrics>,
) {
    metrics.describe_gauge(
        "knowledge_outbox_dead",
        "Results the tickets service refused for good (kept, not retried)",
    );
    // Counted at start and after a round that took messages up: an idle round changes nothing.
    let mut recount = true;
    loop {
        if recount && let Ok(dead) = shared::db::run(&pool, |c| Ok(outbox::dead_count(c)?)).await {
            metrics.set_gauge("knowledge_outbox_dead", dead as f64);
        }
        recount = relay_once(&pool, &tickets).await > 0;
        tokio::time::sleep(interval).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_caps() {
        assert_eq!(backoff(1).num_seconds(), 1);
        assert_eq!(backoff(2).num_seconds(), 2);
        assert_eq!(backoff(4).num_seconds(), 8);
        assert_eq!(backoff(30).num_seconds(), 256);
    }
}
