//! Several workers and replicas on one database, and a burst of notifications.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use common::*;
use shared::auth::Role;
use testkit::TestDatabase;

/// Posts `count` e-mails through the given replicas in turn, 32 at a time; returns the ids.
async fn post_many(replicas: &[&Notify], count: usize, tag: &str) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    let mut set = tokio::task::JoinSet::new();
    for i in 0..count {
        let n = replicas[i % replicas.len()];
        let (client, base) = (n.client.clone(), n.base.clone());
        let body = email(
            &format!("r{i}@dept.example"),
            &format!("{tag} {i}"),
            "批量测试",
        );
        let key = format!("{tag}-{i}");
        set.spawn(async move {
            let res = client
                .post(format!("{base}/api/v1/notifications"))
                .bearer_auth(token(Role::Service))
                .header("idempotency-key", key)
                .json(&body)
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 202);
            let v: serde_json::Value = res.json().await.unwrap();
            v["id"].as_str().unwrap().to_string()
        });
        if set.len() >= 32 {
            ids.push(set.join_next().await.unwrap().unwrap());
        }
    }
    while let Some(r) = set.join_next().await {
        ids.push(r.unwrap());
    }
    ids
}

fn assert_each_once(smtp: &SmtpServer, ids: &[String]) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in smtp.mails() {
        *seen.entry(m.message_id()).or_default() += 1;
    }
    for id in ids {
        assert_eq!(seen.get(&format!("<{id}@hotline>")), Some(&1), "{id}");
    }
    assert_eq!(seen.values().sum::<usize>(), ids.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_replicas_on_one_database_send_every_job_once() {
    let smtp = SmtpServer::start(SmtpBehaviour {
        delay_after_data: Duration::from_millis(5),
        ..Default::default()
    });
    let db = TestDatabase::new("notify").unwrap();
    let cfg = [
        ("smtp_url", smtp.url()),
        ("notify_workers", "3".to_string()),
        ("notify_batch", "4".to_string()),
    ];
    let a = start_notify(&db, &cfg).await;
    let b = start_notify(&db, &cfg).await;
    let ids = post_many(&[&a, &b], 300, "two").await;
    eventually(90, "all 300 delivered", || async {
        smtp.mails().len() >= 300
    })
    .await;
    // Give a double claim, if there were one, time to show up.
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert_each_once(&smtp, &ids);
    let res = a
        .client
        .get(format!(
            "{}/api/v1/notifications?status=sent&per_page=1",
            a.base
        ))
        .bearer_auth(token(Role::Supervisor))
        .send()
        .await
        .unwrap();
    let page: serde_json::Value = res.json().await.unwrap();
    assert_eq!(page["total"], 300);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_1000_notifications_is_all_delivered() {
    let smtp = SmtpServer::start(SmtpBehaviour::default());
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &[("smtp_url", smtp.url())]).await;
    let start = Instant::now();
    let ids = post_many(&[&n], 1000, "burst").await;
    let accepted = start.elapsed();
    eventually(180, "all 1000 delivered", || async {
        smtp.mails().len() >= 1000
    })
    .await;
    let delivered = start.elapsed();
    eprintln!("burst: 1000 accepted in {accepted:?}, delivered in {delivered:?}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_each_once(&smtp, &ids);
    let res = n
        .client
        .get(format!(
            "{}/api/v1/notifications?status=sent&per_page=1",
            n.base
        ))
        .bearer_auth(token(Role::Supervisor))
        .send()
        .await
        .unwrap();
    let page: serde_json::Value = res.json().await.unwrap();
    assert_eq!(page["total"], 1000);
}
