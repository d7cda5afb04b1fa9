//! Load generator for the ticket-creation benchmark (see bench/tickets/README.md): N
//! connections post tickets for a fixed time, then the tickets are counted through the API.
//!
//! `cargo run -p tickets --example bench_create -- <base_url> [connections] [seconds]`
//! with `HOTLINE_JWT_SECRET` set to the server's secret, and `BENCH_REGIONS` (1 to 16, default
//! 1) the prefectures the tickets are spread over.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::Secret;

/// The province's sixteen prefectures; `BENCH_REGIONS` of them take the tickets in turn.
const REGIONS: [&str; 16] = [
    "530100", "530300", "530400", "530500", "530600", "530700", "530800", "530900", "532300",
    "532500", "532600", "532800", "532900", "533100", "533300", "533400",
];
/// Department kinds the complaints go to in turn, in their ticket's region.
const KINDS: [&str; 4] = ["rsj", "gaj", "ybj", "scjgj"];

/// A ticket: a quarter no-info (dispatched to the region's government office as they are
/// taken), the rest complaints; with one region (the default) every complaint is for one
/// department, the worst case for the roll-up rows the tickets share.
fn body(worker: usize, n: usize, regions: usize) -> Value {
    let i = worker * 7919 + n;
    let region = REGIONS[i % regions];
    let department = if regions == 1 {
        format!("{region}-rsj")
    } else {
        format!("{region}-{}", KINDS[(i / regions) % KINDS.len()])
    };
    json!({
        "type": if n.is_multiple_of(4) { "no_info" } else { "complaint" },
        "urgent": n.is_multiple_of(10),
        "summary": format!("压测工单 {worker}-{n}"),
        "details": "窗口办事效率低，排队时间长。",
        "region": region,
        "department": department,
        "query": "昆明市滇池管理局电话",
        "caller": {"name": "测试", "phone": format!("139{:08}", worker * 1_000_000 + n)}
    })
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let base = args
        .get(1)
        .cloned()
        .unwrap_or_else(|| "http://127.0.0.1:8082".into());
    let connections: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(32);
    let seconds: u64 = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(20);
    let regions: usize = std::env::var("BENCH_REGIONS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1)
        .clamp(1, REGIONS.len());
    let secret = std::env::var("HOTLINE_JWT_SECRET").expect("HOTLINE_JWT_SECRET");
    let keys = JwtKeys::new(&Secret::new(secret), "tickets").unwrap();
    let operator = keys
        .issue("bench-op", Role::Operator, None, &ALL_AUDIENCES, 3600)
        .unwrap();
    let supervisor = keys
        .issue("bench-sup", Role::Supervisor, None, &ALL_AUDIENCES, 3600)
        .unwrap();
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(connections)
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();
    let url = format!("{base}/api/v1/tickets");
    let before: i64 = count(&client, &base, &supervisor).await;

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..connections {
        let client = client.clone();
        let url = url.clone();
        let token = operator.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut ids = Vec::new();
            let mut errors = 0usize;
            let mut n = 0;
            while Instant::now() < deadline {
                n += 1;
                let t0 = Instant::now();
                let res = client
                    .post(&url)
                    .bearer_auth(&token)
                    .header("Idempotency-Key", format!("bench-{worker}-{n}"))
                    .json(&body(worker, n, regions))
                    .send()
                    .await;
                match res {
                    Ok(r) if r.status().as_u16() == 201 => {
                        let v: Value = r.json().await.unwrap_or(Value::Null);
                        latencies.push(t0.elapsed());
                        ids.push(v["id"].as_str().unwrap_or_default().to_string());
                    }
                    Ok(r) => {
                        errors += 1;
                        eprintln!(
                            "status {}: {}",
                            r.status(),
                            r.text().await.unwrap_or_default()
                        );
                    }
                    Err(e) => {
                        errors += 1;
                        eprintln!("error: {e}");
                    }
                }
            }
            (latencies, ids, errors)
        }));
    }
    let mut latencies = Vec::new();
    let mut ids = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, i, e) = t.await.unwrap();
        latencies.extend(l);
        ids.extend(i);
        errors += e;
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let pct = |p: f64| {
        latencies
            .get(((latencies.len() as f64 * p).ceil() as usize).saturating_sub(1))
            .map(|d| d.as_secs_f64() * 1000.0)
            .unwrap_or(0.0)
    };
    let unique: HashSet<&String> = ids.iter().collect();
    let after = count(&client, &base, &supervisor).await;
    let stored = after - before;
    println!("connections      {connections}");
    println!("regions          {regions}");
    println!("duration_s       {elapsed:.1}");
    println!("created          {}", ids.len());
    println!("errors           {errors}");
    println!("throughput_rps   {:.0}", ids.len() as f64 / elapsed);
    println!("p50_ms           {:.1}", pct(0.50));
    println!("p99_ms           {:.1}", pct(0.99));
    println!("max_ms           {:.1}", pct(1.0));
    println!("unique_ids       {}", unique.len());
    println!("stored_in_db     {stored}");
    let ok = unique.len() == ids.len() && stored == ids.len() as i64 && errors == 0;
    println!("lost_or_duplicated {}", if ok { "none" } else { "YES" });
    if !ok {
        std::process::exit(1);
    }
}

async fn count(client: &reqwest::Client, base: &str, token: &str) -> i64 {
    let v: Value = client
        .get(format!("{base}/api/v1/tickets?per_page=1"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    v["total"].as_i64().unwrap()
}
