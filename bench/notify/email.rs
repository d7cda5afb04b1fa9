//! Benchmark (not a test): e-mails per second from notify to a local SMTP server, and the
//! latency from "notification accepted" (the 202 answer) to "message accepted by SMTP" (the
//! server's 250 after DATA), p50/p99.
//!
//! Run: `cargo bench -p notify --bench notify_email` (SQLite in a temporary folder), or with
//! `HOTLINE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test` for PostgreSQL.
//! `BENCH_N` (default 2000) sets the burst size, `BENCH_RATE` (default 100/s) the paced rate,
//! `HOTLINE_NOTIFY_WORKERS` (default 8) the workers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::{Config, Secret};
use shared::settings::ServiceSettings;
use testkit::{TempDir, TestDatabase};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

const SECRET: &str = "bench-secret-bench-secret-bench-secret-01";

/// Message-ID → when the server said 250.
type Accepted = Arc<Mutex<HashMap<String, Instant>>>;

async fn smtp_sink() -> (u16, Accepted) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted: Accepted = Arc::default();
    let store = accepted.clone();
    tokio::spawn(async move {
        loop {
            let (sock, _) = listener.accept().await.unwrap();
            sock.set_nodelay(true).unwrap();
            let store = store.clone();
            tokio::spawn(async move {
                let (r, mut w) = sock.into_split();
                let mut r = BufReader::new(r);
                let mut line = String::new();
                w.write_all(b"220 sink ESMTP\r\n").await?;
                loop {
                    line.clear();
                    if r.read_line(&mut line).await? == 0 {
                        return Ok::<(), std::io::Error>(());
                    }
                    let up = line.trim_end().to_ascii_uppercase();
                    if up.starts_with("EHLO") {
                        w.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
                    } else if up == "DATA" {
                        w.write_all(b"354 go\r\n").await?;
                        let mut id = String::new();
                        loop {
                            line.clear();
                            if r.read_line(&mut line).await? == 0 {
                                return Ok(());
                            }
                            if line == ".\r\n" {
                                break;
                            }
                            if id.is_empty() && line.to_ascii_lowercase().starts_with("message-id:")
                            {
                                id = line[11..].trim().to_string();
                            }
                        }
                        store.lock().unwrap().insert(id, Instant::now());
                        w.write_all(b"250 OK\r\n").await?;
                    } else if up == "QUIT" {
                        w.write_all(b"221 bye\r\n").await?;
                        return Ok(());
                    } else {
                        w.write_all(b"250 OK\r\n").await?;
                    }
                }
            });
        }
    });
    (port, accepted)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn post(client: &reqwest::Client, base: &str, token: &str, i: usize) -> (String, Instant) {
    let body = serde_json::json!({
        "channel": "email", "to": format!("r{i}@dept.example"), "template": "dispatch",
        "data": {"ticket_id": format!("T{i}"), "summary": "基准测试", "details": "正文".repeat(50),
                 "region": "530102", "department_name": "昆明市生态环境局",
                 "due_at": "2026-12-01 17:30"}
    });
    let res = client
        .post(format!("{base}/api/v1/notifications"))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202);
    let v: serde_json::Value = res.json().await.unwrap();
    (
        format!("<{}@hotline>", v["id"].as_str().unwrap()),
        Instant::now(),
    )
}

async fn wait_all(accepted: &Accepted, ids: &[(String, Instant)]) {
    let start = Instant::now();
    loop {
        let got = {
            let map = accepted.lock().unwrap();
            ids.iter().filter(|(id, _)| map.contains_key(id)).count()
        };
        if got == ids.len() {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(600),
            "{got}/{} delivered",
            ids.len()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn latencies(accepted: &Accepted, ids: &[(String, Instant)]) -> (Vec<Duration>, Instant) {
    let map = accepted.lock().unwrap();
    let mut last = ids[0].1;
    let mut lat: Vec<Duration> = ids
        .iter()
        .map(|(id, at)| {
            let done = map[id];
            last = last.max(done);
            done.saturating_duration_since(*at)
        })
        .collect();
    lat.sort();
    (lat, last)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2000);
    let rate: u64 = std::env::var("BENCH_RATE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let workers = std::env::var("HOTLINE_NOTIFY_WORKERS").unwrap_or_else(|_| "8".into());
    let (smtp_port, accepted) = smtp_sink().await;
    let db = TestDatabase::new("notifybench").unwrap();
    let dir = TempDir::new("notify-bench").unwrap();
    let config = Config::from_pairs([
        ("jwt_secret", SECRET.to_string()),
        ("notify_database_url", db.url.clone()),
        ("notify_port", "0".into()),
        ("data_dir", dir.path().to_str().unwrap().to_string()),
        ("smtp_url", format!("smtp://127.0.0.1:{smtp_port}")),
        ("notify_workers", workers.clone()),
        ("notify_poll_ms", "200".into()),
        ("notify_report", "false".into()),
    ]);
    let settings = ServiceSettings::from_config("notify", &config).unwrap();
    let app = notify::Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let token = JwtKeys::new(&Secret::new(SECRET), "notify")
        .unwrap()
        .issue("bench", Role::Service, None, &ALL_AUDIENCES, 3600)
        .unwrap();
    let client = reqwest::Client::new();
    let backend = if db.url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("notify e-mail benchmark: {backend}, {workers} workers, local SMTP sink");

    // 1. Burst: N accepted as fast as 32 concurrent clients can post; throughput to SMTP.
    let start = Instant::now();
    let mut ids = Vec::with_capacity(n);
    let mut set = tokio::task::JoinSet::new();
    for i in 0..n {
        let (c, b, t) = (client.clone(), base.clone(), token.clone());
        set.spawn(async move { post(&c, &b, &t, i).await });
        if set.len() >= 32 {
            ids.push(set.join_next().await.unwrap().unwrap());
        }
    }
    while let Some(r) = set.join_next().await {
        ids.push(r.unwrap());
    }
    let posted = start.elapsed();
    wait_all(&accepted, &ids).await;
    let (lat, last) = latencies(&accepted, &ids);
    let total = last.duration_since(start);
    println!(
        "burst  n={n}: accepted in {:.2}s ({:.0}/s); all delivered in {:.2}s => {:.0} e-mails/s; \
         latency p50 {:.0} ms, p99 {:.0} ms (queueing included)",
        posted.as_secs_f64(),
        n as f64 / posted.as_secs_f64(),
        total.as_secs_f64(),
        n as f64 / total.as_secs_f64(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
    );

    // 2. Paced: a steady `rate` per second for 10 s; latency without a backlog.
    let count = (rate * 10) as usize;
    let mut ids = Vec::with_capacity(count);
    let mut set = tokio::task::JoinSet::new();
    let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate.max(1)));
    for i in 0..count {
        tick.tick().await;
        let (c, b, t) = (client.clone(), base.clone(), token.clone());
        set.spawn(async move { post(&c, &b, &t, n + i).await });
    }
    while let Some(r) = set.join_next().await {
        ids.push(r.unwrap());
    }
    wait_all(&accepted, &ids).await;
    let (lat, _) = latencies(&accepted, &ids);
    println!(
        "paced  {rate}/s for 10 s: latency accepted→SMTP 250 p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}
