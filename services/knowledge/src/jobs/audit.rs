//! Prunes the audit log past its retention, once an hour (on every replica: deleting what is
//! past the retention twice removes nothing more).

use std::time::Duration;

use shared::db::DbPool;

use crate::app::audit;

pub async fn prune_loop(pool: DbPool, retention_days: u32) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        let now = shared::time::now_ms();
        match shared::db::run(&pool, move |c| Ok(audit::prune(c, retention_days, now)?)).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, retention_days, "audit log pruned"),
            Err(e) => tracing::warn!(error = %e, "audit log not pruned this hour"),
        }
    }
}
