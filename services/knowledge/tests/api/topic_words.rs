//! The 社情民意 digest's part at knowledge (issue 19): the FAQ topics and their words reach the
//! outbox for tickets at start and again only when they change, and the searches answered
//! with hits are counted by the topic of their first hit.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use shared::auth::Role;
use shared::contract::tickets::{SearchCounts, TopicWords};
use testkit::eventually;

use crate::helpers::*;

/// The topic-words messages in the outbox, oldest first.
fn topic_words(app: &TestApp) -> Vec<TopicWords> {
    let messages = app.with_conn(knowledge::db::outbox::all).unwrap();
    messages
        .iter()
        .filter(|m| m.path == TopicWords::PATH)
        .map(|m| {
            assert_eq!(m.target, "tickets");
            let words: TopicWords = serde_json::from_str(&m.body).unwrap();
            assert_eq!(
                words.key, m.idempotency_key,
                "one key: the header's and the body's"
            );
            words
        })
        .collect()
}

fn topic_of<'w>(w: &'w TopicWords, word: &str) -> Option<&'w str> {
    w.words
        .iter()
        .find(|x| x.word == word)
        .map(|x| x.topic.as_str())
}

/// Rounds of the jobs below (every 50 ms) that pass while the test waits.
async fn some_rounds() {
    tokio::time::sleep(Duration::from_millis(500)).await;
}

#[tokio::test]
async fn topic_words_go_to_tickets_when_they_change_and_searches_count_by_topic() {
    let app = TestApp::spawn_with(Options {
        extra: vec![
            ("knowledge_topic_words_interval_ms".into(), "50".into()),
            ("knowledge_search_counts_interval_ms".into(), "50".into()),
        ],
        ..Options::default()
    })
    .await;

    // At start: one message, the seeded FAQ's keyword under its department's kind.
    let first = eventually(5, "the topic words in the outbox", || async {
        topic_words(&app).pop()
    })
    .await;
    assert!(first.key.starts_with("topic-words-"), "{}", first.key);
    assert_eq!(topic_of(&first, "社保卡"), Some("rsj"), "{first:?}");
    assert_eq!(topic_of(&first, "补办"), Some("rsj"), "{first:?}");
    let rsj = first.topics.iter().find(|t| t.topic == "rsj").unwrap();
    assert_eq!(rsj.name, "人力资源和社会保障局");
    // The draft's words are not the knowledge base's.
    assert_eq!(topic_of(&first, "草稿"), None);

    // A search answered with hits counts under its first hit's topic, in the next counts.
    let op = app.token(Role::Operator);
    let res = json(
        app.get("/api/v1/search?q=社保卡补办&region=530100", Some(&op))
            .await,
        200,
    )
    .await;
    assert_eq!(res["items"][0]["department"]["code"], "530100-rsj", "{res}");
    let topics = eventually(5, "the searches by topic in the outbox", || async {
        let messages = app.with_conn(knowledge::db::outbox::all).unwrap();
        let topics: Vec<(String, String, i64)> = messages
            .iter()
            .filter(|m| m.path == SearchCounts::PATH)
            .flat_map(|m| {
                serde_json::from_str::<SearchCounts>(&m.body)
                    .unwrap()
                    .topics
            })
            .map(|t| (t.region, t.topic, t.searches))
            .collect();
        (!topics.is_empty()).then_some(topics)
    })
    .await;
    assert_eq!(topics, [("530100".to_string(), "rsj".to_string(), 1)]);

    // Rounds with nothing changed write nothing; nor does a change that leaves the words as
    // they are (an answer reworded).
    some_rounds().await;
    assert_eq!(topic_words(&app).len(), 1);
    let ed = app.token(Role::KbEditor);
    let seq = app.seq();
    json(
        app.send(
            Method::PATCH,
            "/api/v1/faqs/530100-rsj-1",
            Some(&ed),
            Some(json!({"answer": "社保卡补办请携带身份证到政务服务中心办理。"})),
        )
        .await,
        200,
    )
    .await;
    assert!(app.seq() > seq, "a change to read again");
    some_rounds().await;
    assert_eq!(topic_words(&app).len(), 1);

    // A new published entry brings its words: a second message, under another key.
    let created = json(
        app.send(
            Method::POST,
            "/api/v1/faqs",
            Some(&ed),
            Some(json!({
                "department": "530100-scj", "question": "食品安全投诉怎么处理?",
                "answer": "可拨打投诉电话。", "keywords": ["食品安全"], "status": "pending"
            })),
        )
        .await,
        201,
    )
    .await;
    let code = created["code"].as_str().unwrap().to_string();
    let admin = app.token(Role::Admin);
    json(
        app.send(
            Method::PATCH,
            &format!("/api/v1/faqs/{code}"),
            Some(&admin),
            Some(json!({"status": "published"})),
        )
        .await,
        200,
    )
    .await;
    let second = eventually(5, "the new topic words in the outbox", || async {
        let all = topic_words(&app);
        (all.len() == 2).then(|| all[1].clone())
    })
    .await;
    assert_ne!(second.key, first.key);
    assert_eq!(topic_of(&second, "食品安全"), Some("scj"), "{second:?}");
    assert_eq!(topic_of(&second, "社保卡"), Some("rsj"));
    some_rounds().await;
    assert_eq!(topic_words(&app).len(), 2);
}
