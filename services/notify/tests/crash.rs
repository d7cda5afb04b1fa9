//! The notify service, in a process of its own, killed with SIGKILL in the middle of sending,
//! then started again. The process is this test's own executable run again as the service
//! (`hotline notify` is in another package, so its binary cannot be asked for here).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::process::Child;
use std::time::{Duration, Instant};

use common::*;
use shared::auth::Role;
use testkit::{TempDir, TestDatabase};

const WORKERS: usize = 2;

/// Set in the process that serves instead of testing.
const CHILD: &str = "NOTIFY_CRASH_CHILD";

fn spawn_notify(db: &TestDatabase, dir: &TempDir, port: u16, smtp: &str) -> Child {
    let env = [
        ("HOTLINE_SMTP_URL", smtp.to_string()),
        ("HOTLINE_NOTIFY_WORKERS", WORKERS.to_string()),
        ("HOTLINE_NOTIFY_BATCH", "4".to_string()),
        ("HOTLINE_NOTIFY_LEASE_MS", "1500".to_string()),
        ("HOTLINE_NOTIFY_POLL_MS", "100".to_string()),
        ("HOTLINE_TICKETS_URL", "http://127.0.0.1:9".to_string()),
    ];
    let test = "killed_mid_send_and_restarted_loses_nothing";
    spawn_child(test, CHILD, db, dir, port, &env)
}

async fn wait_ready(base: &str) {
    let client = reqwest::Client::new();
    let start = Instant::now();
    loop {
        if let Ok(r) = client.get(format!("{base}/readyz")).send().await
            && r.status() == 200
        {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "notify did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_send_and_restarted_loses_nothing() {
    if std::env::var_os(CHILD).is_some() {
        return serve_until_killed().await;
    }
    // A slow server: each message is stored, then 150 ms pass before the 250 reply, so a kill
    // is likely to land after the server has a message but before the sender knows.
    let smtp = SmtpServer::start(SmtpBehaviour {
        delay_after_data: Duration::from_millis(150),
        ..Default::default()
    });
    let db = TestDatabase::new("notify").unwrap();
    let dir = TempDir::new("notify-crash").unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut child = spawn_notify(&db, &dir, port, &smtp.url());
    wait_ready(&base).await;

    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for i in 0..40 {
        let res = client
            .post(format!("{base}/api/v1/notifications"))
            .bearer_auth(token(Role::Service))
            .header("idempotency-key", format!("crash-{i}"))
            .json(&email(
                &format!("r{i}@dept.example"),
                &format!("崩溃测试 {i}"),
                "正文",
            ))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202);
        let v: serde_json::Value = res.json().await.unwrap();
        ids.push(v["id"].as_str().unwrap().to_string());
    }
    eventually(30, "some mail before the kill", || async {
        smtp.mails().len() >= 8
    })
    .await;
    tokio::time::sleep(Duration::from_millis(70)).await;
    child.kill().unwrap(); // SIGKILL: no clean-up runs.
    child.wait().unwrap();
    let at_kill = smtp.mails().len();
    assert!(at_kill < 40, "the kill came too late to test anything");

    // The same database, a new process: expired leases are taken again.
    let mut child = spawn_notify(&db, &dir, port, &smtp.url());
    wait_ready(&base).await;
    let start = Instant::now();
    loop {
        let res = client
            .get(format!(
                "{base}/api/v1/notifications?status=sent&per_page=1"
            ))
            .bearer_auth(token(Role::Supervisor))
            .send()
            .await
            .unwrap();
        let page: serde_json::Value = res.json().await.unwrap();
        if page["total"] == 40 {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "not all sent: {page}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    child.wait().unwrap();

    let mut seen: HashMap<String, usize> = HashMap::new();
    for m in smtp.mails() {
        *seen.entry(m.message_id()).or_default() += 1;
    }
    for id in &ids {
        assert!(seen.contains_key(&format!("<{id}@hotline>")), "lost {id}");
    }
    let total: usize = seen.values().sum();
    let duplicates = total - ids.len();
    eprintln!(
        "killed after {at_kill} messages; {total} received for 40 notifications, {duplicates} duplicate(s)"
    );
    // At most the messages in flight at the kill: one per worker. Each duplicate carries the
    // same Message-ID, so a receiver can drop it.
    assert!(duplicates <= WORKERS, "{duplicates} duplicates");
}

/// The child: the notify service as `hotline notify` runs it, on the variables it was given.
async fn serve_until_killed() {
    let config = shared::config::Config::load().unwrap();
    let settings = shared::settings::ServiceSettings::from_config("notify", &config).unwrap();
    let app = notify::Application::build(settings).await.unwrap();
    app.run_until_stopped().await.unwrap();
}
