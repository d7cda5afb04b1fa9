//! Sends the knowledge base's FAQ topics and their words to tickets (issue 19, the 社情民意
//! digest files ticket summaries by them): at start and then every few minutes, when the
//! knowledge base changed, the words are made again from the database, and written to the
//! outbox when they differ from the last ones this process wrote. Each message replaces the
//! last at tickets, so a restart sends the current words once more, under the same key.

use std::sync::Arc;
use std::time::Duration;

use shared::ApiResult;
use shared::contract::tickets::TopicWords;
use shared::db::{DbConnection, DbPool};
use tantivy_jieba::jieba_rs::Jieba;

use crate::db::{changes, kb, outbox};
use crate::domain::topics::TopicCounter;
use crate::search::SearchService;

/// FAQ entries read at a time (the knowledge base is not held whole for this).
const FAQ_PAGE: i64 = 20_000;

/// What the last round saw and wrote.
#[derive(Debug, Default)]
pub struct LastRound {
    /// The change sequence the words were made at: while it stays, nothing is made again.
    seq: Option<i64>,
    /// The key of the last message written.
    key: Option<String>,
}

/// One round; answers whether a message was written.
pub async fn write_once(pool: &DbPool, search: &SearchService, last: &mut LastRound) -> bool {
    // The index's segmenter knows the directory's words; none before the index is built.
    let Some(jieba) = search.jieba() else {
        return false;
    };
    let (seen, sent) = (last.seq, last.key.clone());
    let round = shared::db::run(pool, move |c| {
        // The position first: a change made while the words are read is read again.
        let seq = changes::latest_seq(c)?;
        if seen == Some(seq) {
            return Ok((seq, None));
        }
        let words = current(c, &jieba)?;
        if sent.as_deref() == Some(words.key.as_str()) {
            return Ok((seq, None));
        }
        outbox::push(c, "tickets", TopicWords::PATH, &words.key, &words)?;
        tracing::info!(
            key = %words.key,
            topics = words.topics.len(),
            words = words.words.len(),
            "topic words written for tickets"
        );
        Ok((seq, Some(words.key)))
    })
    .await;
    match round {
        Ok((seq, written)) => {
            last.seq = Some(seq);
            let wrote = written.is_some();
            if written.is_some() {
                last.key = written;
            }
            wrote
        }
        Err(e) => {
            tracing::warn!(error = %e, "topic words: cannot make or write; tried next round");
            false
        }
    }
}

/// The topic words of the knowledge base as it is.
fn current(conn: &mut DbConnection, jieba: &Jieba) -> ApiResult<TopicWords> {
    let departments = kb::load_departments(conn)?;
    let regions = kb::load_regions(conn)?;
    let mut counter = TopicCounter::new(&departments, &regions, jieba);
    drop(departments);
    let mut after = String::new();
    loop {
        let page = kb::faqs_after(conn, &after, FAQ_PAGE)?;
        for f in &page {
            counter.add_faq(f);
        }
        match page.last() {
            Some(last) if page.len() as i64 == FAQ_PAGE => after = last.code.clone(),
            _ => break,
        }
    }
    Ok(counter.finish())
}

/// At start, then every `interval`, for as long as the service runs.
pub async fn write_loop(pool: DbPool, search: Arc<SearchService>, interval: Duration) {
    let mut last = LastRound::default();
    loop {
        write_once(&pool, &search, &mut last).await;
        tokio::time::sleep(interval).await;
    }
}
