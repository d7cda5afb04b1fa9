//! Browser benchmark of the operator's search-as-you-type (not a test; `bench/console/typing.sh`
//! runs it on a release build). An operator signed in to `hotline run` types 60 queries key by
//! key into the search box of a real headless Chromium; for the last key of each, the page
//! itself records (with `performance.now()`) when the key's input event fired, when htmx sent
//! the request (the debounce), and when the results were on screen (htmx's afterSettle).
//! Prints p50/p95/max of both. The issue's bars: debounce <= 100 ms, answer on screen
//! <= 150 ms after the last key (p95).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use e2e::browser::Demo;
use serde_json::Value;

const QUERIES: &[&str] = &[
    "昆明市人社局电话",
    "kmsrsj",
    "社保卡补办",
    "公积金提取",
    "楚雄州公安局地址",
    "大理市医保局",
    "驾驶证换证",
    "出入境管理",
    "不动产登记",
    "营业执照办理",
    "民政局婚姻登记",
    "户口迁移",
    "税务局电话",
    "昆明市教育局",
    "残疾人证",
    "低保申请",
    "养老保险",
    "医保报销",
    "护照办理",
    "交警大队",
    "市场监督管理局投诉",
    "住房公积金",
    "昆明市政务服务中心",
    "dlsgaj",
    "cxzrsj",
    "老年证办理",
    "结婚登记需要什么",
    "身份证丢了",
    "车辆年检",
    "工伤认定",
    "失业金领取",
    "人才引进",
    "居住证",
    "出生证明",
    "新生儿落户",
    "退休手续",
    "异地就医备案",
    "生育津贴",
    "食品经营许可",
    "消防检查",
    "环保投诉",
    "噪音扰民",
    "物业纠纷",
    "拖欠工资",
    "劳动仲裁",
    "法律援助",
    "公证处",
    "殡葬服务",
    "义务教育入学",
    "学籍转移",
    "职称评审",
    "招聘考试",
    "农村医保",
    "危房改造",
    "扶贫政策",
    "土地承包",
    "林权证",
    "水费缴纳",
    "燃气公司电话",
    "公交卡办理",
];

const HOOK: &str = r#"
const q = document.getElementById('q');
window.__marks = {};
q.addEventListener('input', () => { window.__marks.key = performance.now(); });
document.body.addEventListener('htmx:beforeRequest', (e) => {
  if (e.detail.elt && e.detail.elt.id === 'q') { window.__marks.sent = performance.now(); }
});
document.body.addEventListener('htmx:afterSettle', (e) => {
  if (e.detail.target && e.detail.target.id === 'results') { window.__marks.shown = performance.now(); }
});
"#;

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[tokio::main]
async fn main() {
    let demo = Demo::start(&[]).await;
    let b = demo.browser().await;
    b.sign_in("operator").await;
    b.client.execute(HOOK, vec![]).await.unwrap();
    let q = b.find("#q").await;
    let (mut debounce, mut shown) = (Vec::new(), Vec::new());
    for query in QUERIES {
        q.clear().await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let chars: Vec<char> = query.chars().collect();
        // A person's pace: about 8 keys a second.
        for c in &chars[..chars.len() - 1] {
            q.send_keys(&c.to_string()).await.unwrap();
            tokio::time::sleep(Duration::from_millis(120)).await;
        }
        b.client
            .execute("window.__marks = {};", vec![])
            .await
            .unwrap();
        q.send_keys(&chars[chars.len() - 1].to_string())
            .await
            .unwrap();
        let mut marks = Value::Null;
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            marks = b
                .client
                .execute("return window.__marks;", vec![])
                .await
                .unwrap();
            if marks.get("shown").is_some() {
                break;
            }
        }
        let (Some(key), Some(sent), Some(done)) = (
            marks["key"].as_f64(),
            marks["sent"].as_f64(),
            marks["shown"].as_f64(),
        ) else {
            eprintln!("{query}: no answer on screen within 2 s: {marks}");
            continue;
        };
        debounce.push(sent - key);
        shown.push(done - key);
    }
    for v in [&mut debounce, &mut shown] {
        v.sort_by(f64::total_cmp);
    }
    println!(
        "{} queries typed, {} answered on screen",
        QUERIES.len(),
        shown.len()
    );
    for (name, v) in [
        ("last key -> request sent (debounce)", &debounce),
        ("last key -> results on screen", &shown),
    ] {
        println!(
            "{name}: p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms",
            percentile(v, 0.5),
            percentile(v, 0.95),
            v[v.len() - 1]
        );
    }
    b.close().await;
}
