//! Posts the audit events of this service to the knowledge service, which keeps the log. An
//! event stays until knowledge has it; its key makes a resend (two replicas, a restart between
//! the post and the mark) count once there.

use std::time::Duration;

use shared::clients::KnowledgeClient;
use shared::contract::audit::AuditEvent;
use shared::db::DbPool;
use shared::time::now_ms;

use crate::db::audit as store;

const BATCH: i64 = 50;

pub async fn relay_loop(pool: DbPool, knowledge: KnowledgeClient, every: Duration) {
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        if let Err(e) = relay_once(&pool, &knowledge).await {
            tracing::warn!(error = %e, "audit events not relayed this round");
        }
    }
}

/// One round; answers how many events knowledge now has.
pub async fn relay_once(pool: &DbPool, knowledge: &KnowledgeClient) -> Result<usize, String> {
    let rows = shared::db::run(pool, |c| Ok(store::unsent(c, BATCH)?))
        .await
        .map_err(|e| e.to_string())?;
    let mut sent = 0;
    for (key, payload) in rows {
        let mut event: AuditEvent = match serde_json::from_str(&payload) {
            Ok(e) => e,
            Err(e) => {
                // Written by this service from its own type: not expected; kept, not resent.
                tracing::error!(%key, error = %e, "an audit event cannot be read");
                mark(pool, key).await?;
                continue;
            }
        };
        event.key = key.clone();
        match knowledge.record_audit(&event).await {
            Ok(()) => {
                mark(pool, key).await?;
                sent += 1;
            }
            Err(e) if e.is_refusal() => {
                tracing::error!(%key, error = %e, "knowledge refused an audit event");
                mark(pool, key).await?;
            }
            // Knowledge unreachable: the rest wait for the next round.
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(sent)
}

async fn mark(pool: &DbPool, key: String) -> Result<(), String> {
    let now = now_ms();
    shared::db::run(pool, move |c| Ok(store::mark_sent(c, &key, now)?))
        .await
        .map_err(|e| e.to_string())
}
