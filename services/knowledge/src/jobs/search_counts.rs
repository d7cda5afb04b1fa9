//! Writes the searches counted since the last round to the outbox (issue 19): one message of
//! counts to add (all, unconfident, and per topic of the first hit), with a key of its own,
//! which the relay posts to tickets until accepted. Counts not yet written when the service
//! stops are lost (seconds' worth): the report's search figures are for rates, not an audit.

use std::sync::Arc;
use std::time::Duration;

use shared::contract::tickets::SearchCounts;
use shared::db::DbPool;

use crate::app::search_counts::{SearchTally, Taken};
use crate::db::outbox;

/// Writes what `tally` holds, if anything; answers whether a message was written.
pub async fn write_once(pool: &DbPool, tally: &SearchTally) -> bool {
    let taken = tally.take();
    if taken.is_empty() {
        return false;
    }
    let body = SearchCounts {
        key: format!("search-counts-{}", shared::telemetry::new_request_id()),
        counts: taken.counts,
        topics: taken.topics,
    };
    let message = body.clone();
    let written = shared::db::run(pool, move |c| {
        let path = SearchCounts::PATH;
        Ok(outbox::push(c, "tickets", path, &message.key, &message)?)
    })
    .await;
    match written {
        Ok(()) => true,
        Err(e) => {
            tracing::warn!(error = %e, "search counts: cannot write; kept for the next round");
            tally.put_back(Taken {
                counts: body.counts,
                topics: body.topics,
            });
            false
        }
    }
}

/// Every `interval`, for as long as the service runs.
pub async fn write_loop(pool: DbPool, tally: Arc<SearchTally>, interval: Duration) {
    loop {
        tokio::time::sleep(interval).await;
        write_once(&pool, &tally).await;
    }
}
