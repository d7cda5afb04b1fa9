//! The 社情民意 digest (issue 19): after a random run of tickets (summaries that name a topic's
//! words, others only their department) and the knowledge service's searches by topic (some
//! messages sent twice), its figures equal a plain count over the tickets and the searches sent
//! once each, per topic and week, against the weeks before (whole run, one region, one
//! department); a ticket is in the digest read right after it, with its example; new words
//! file new tickets only; downloads; 400s and 403s.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use common::*;
use diesel::QueryableByName;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text};
use rand::Rng;
use serde_json::{Value, json};

/// What the knowledge service sends: four topics and their words.
fn words() -> Value {
    json!({"key": "topic-words-1",
        "topics": [
            {"topic": "ybj", "name": "医疗保障局"},
            {"topic": "gjj", "name": "住房公积金管理中心"},
            {"topic": "gaj", "name": "公安局"},
            {"topic": "rsj", "name": "人力资源和社会保障局"}],
        "words": [
            {"word": "医保", "topic": "ybj"}, {"word": "报销", "topic": "ybj"},
            {"word": "公积金", "topic": "gjj"}, {"word": "提取", "topic": "gjj"},
            {"word": "身份证", "topic": "gaj"}, {"word": "户口", "topic": "gaj"},
            {"word": "社保", "topic": "rsj"}]})
}

/// The tickets of the run: summary, department, and the topic a reader files it under (the
/// words it holds; else its department's kind, but the government office's none).
const KINDS: [(&str, &str, &str); 6] = [
    ("医保报销比例是多少", "530100-rsj", "ybj"),
    ("公积金提取要带什么", "530100-rsj", "gjj"),
    ("补办身份证多久", GAJ, "gaj"),
    ("社保断缴了怎么补", GAJ, "rsj"),
    ("办事窗口推诿", GAJ, "gaj"),
    ("窗口态度差", ZFB, ""),
];

const REGIONS: [&str; 3] = ["530100", "530102", "530302"];

#[derive(QueryableByName, Debug)]
struct Taken {
    #[diesel(sql_type = Text)]
    summary: String,
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
}

/// The Monday of an instant's China-time week.
fn monday(at_ms: i64) -> NaiveDate {
    let day = chrono::DateTime::from_timestamp_millis(at_ms)
        .unwrap()
        .with_timezone(&shared::calendar::cst())
        .date_naive();
    day - Duration::days(i64::from(day.weekday().num_days_from_monday()))
}

/// Per (topic, Monday): (tickets, searches).
type Weekly = BTreeMap<(String, NaiveDate), (i64, i64)>;

/// The tickets per topic and week, in regions starting with `region` and of `department`
/// (empty: any): a plain read of the tickets table, filed by [`KINDS`].
async fn plain(app: &TestApp, region: &str, department: &str) -> Weekly {
    let sql = "SELECT summary, region, department, created_at FROM tickets".to_string();
    let rows: Vec<Taken> = shared::db::run(&app.state.pool, move |c| {
        Ok(diesel::sql_query(sql)
            .load(c)
            .map_err(shared::db::DbError::from)?)
    })
    .await
    .unwrap();
    let mut out = Weekly::new();
    for t in rows {
        if !t.region.starts_with(region) || !(department.is_empty() || t.department == department) {
            continue;
        }
        let (_, _, topic) = KINDS.iter().find(|k| k.0 == t.summary).unwrap();
        out.entry((topic.to_string(), monday(t.created_at)))
            .or_default()
            .0 += 1;
    }
    out
}

/// The digest of `from..=to` equals `expected`: each topic's tickets and searches in the
/// weeks the days touch and in as many weeks before, its weeks, its change; the unfiled.
fn assert_digest(d: &Value, from: NaiveDate, to: NaiveDate, expected: &Weekly, what: &str) {
    let first = from - Duration::days(i64::from(from.weekday().num_days_from_monday()));
    let last = to - Duration::days(i64::from(to.weekday().num_days_from_monday()));
    let n = (last - first).num_days() / 7 + 1;
    let previous = first - Duration::days(7 * n);
    assert_eq!(d["week_from"], json!(first), "{what}");
    assert_eq!(d["previous_from"], json!(previous), "{what}");
    // topic → (tickets, searches, previous tickets, previous searches)
    let mut sums: BTreeMap<&str, (i64, i64, i64, i64)> = BTreeMap::new();
    for ((topic, week), (t, s)) in expected {
        let e = sums.entry(topic.as_str()).or_default();
        if (first..=last).contains(week) {
            e.0 += t;
            e.1 += s;
        } else if (previous..first).contains(week) {
            e.2 += t;
            e.3 += s;
        }
    }
    let unfiled = sums.remove("").unwrap_or_default();
    assert_eq!(
        (
            d["unfiled"]["tickets"].as_i64(),
            d["unfiled"]["previous_tickets"].as_i64()
        ),
        (Some(unfiled.0), Some(unfiled.2)),
        "{what}: unfiled"
    );
    sums.retain(|_, v| *v != (0, 0, 0, 0));
    let topics = d["topics"].as_array().unwrap();
    let got: BTreeMap<&str, &Value> = topics
        .iter()
        .map(|t| (t["topic"].as_str().unwrap(), t))
        .collect();
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        sums.keys().collect::<Vec<_>>(),
        "{what}: topics"
    );
    for (topic, (t, s, pt, ps)) in &sums {
        let row = got[topic];
        let n = |k: &str| row[k].as_i64().unwrap();
        assert_eq!(
            (
                n("tickets"),
                n("searches"),
                n("previous_tickets"),
                n("previous_searches")
            ),
            (*t, *s, *pt, *ps),
            "{what}: {topic}"
        );
        let change = (pt + ps > 0)
            .then(|| (((t + s) as f64 / (pt + ps) as f64 - 1.0) * 10_000.0).round() / 10_000.0);
        assert_eq!(row["change"].as_f64(), change, "{what}: {topic} change");
        for w in row["weeks"].as_array().unwrap() {
            let week: NaiveDate = w["week"].as_str().unwrap().parse().unwrap();
            let want = expected
                .get(&(topic.to_string(), week))
                .copied()
                .unwrap_or_default();
            assert_eq!(
                (
                    w["tickets"].as_i64().unwrap(),
                    w["searches"].as_i64().unwrap()
                ),
                want,
                "{what}: {topic} week {week}"
            );
        }
        assert_eq!(
            row["weeks"].as_array().unwrap().len() as i64,
            n_weeks(first, last)
        );
    }
    // The most risen first.
    let rises: Vec<i64> = topics
        .iter()
        .map(|t| t["mentions"].as_i64().unwrap() - t["previous_mentions"].as_i64().unwrap())
        .collect();
    assert!(rises.windows(2).all(|w| w[0] >= w[1]), "{what}: {rises:?}");
}

fn n_weeks(first: NaiveDate, last: NaiveDate) -> i64 {
    (last - first).num_days() / 7 + 1
}

#[tokio::test]
async fn the_digest_equals_plain_counts_of_tickets_by_topic_and_searches_sent() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let (seed, mut rng) = report_rng();
    let (sup, svc) = (app.supervisor(), app.service());
    let res = app.post("/api/v1/reports/topic-words", &svc, words()).await;
    assert_eq!(res.status, 200, "{}", res.body);
    // What the knowledge service sent, once per key, per (region, topic, Monday).
    let mut sent: BTreeMap<(String, String, NaiveDate), i64> = BTreeMap::new();
    let mut last_key = String::new();
    for i in 0..60 {
        // Four to seven weeks from Thursday 2026-11-26.
        app.clock.advance(Duration::hours(rng.random_range(10..20)));
        let (summary, department, _) = KINDS[rng.random_range(0..KINDS.len())];
        let mut body = complaint_body(false);
        body["summary"] = json!(summary);
        body["department"] = json!(department);
        body["region"] = json!(REGIONS[rng.random_range(0..3)]);
        let t = app.post("/api/v1/tickets", &app.operator(), body).await;
        assert_eq!(t.status, 201, "{}", t.body);
        let resend = !last_key.is_empty() && rng.random_bool(0.2);
        let key = if resend {
            last_key.clone()
        } else {
            format!("search-counts-{i}")
        };
        let today = app
            .clock
            .now()
            .with_timezone(&shared::calendar::cst())
            .date_naive();
        let region = ["", "530100", "530302"][rng.random_range(0..3)];
        let topic = ["ybj", "gjj", "gaj", "rsj"][rng.random_range(0..4)];
        let searches = rng.random_range(1..20);
        let body = json!({"key": key, "counts": [
            {"day": today, "region": region, "searches": searches, "unconfident": 0}],
            "topics": [{"day": today, "region": region, "topic": topic, "searches": searches}]});
        let res = app.post("/api/v1/reports/search-counts", &svc, body).await;
        assert_eq!(res.status, 200, "{}", res.body);
        if !resend {
            let week = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
            *sent
                .entry((region.to_string(), topic.to_string(), week))
                .or_default() += searches;
            last_key = key;
        }
    }
    let with_searches = |mut tickets: Weekly, region: &str| {
        for ((r, topic, week), s) in &sent {
            if r.starts_with(region) {
                tickets.entry((topic.clone(), *week)).or_default().1 += s;
            }
        }
        tickets
    };
    let to = app
        .clock
        .now()
        .with_timezone(&shared::calendar::cst())
        .date_naive();
    assert!(
        to >= NaiveDate::from_ymd_opt(2026, 12, 21).unwrap(),
        "seed {seed}"
    );
    let ask = |q: String| {
        let sup = sup.clone();
        let app = &app;
        async move {
            let res = app.get(&format!("/api/v1/reports/topics?{q}"), &sup).await;
            assert_eq!(res.status, 200, "{}", res.body);
            res.body
        }
    };
    // The last two weeks against the two before, then the last three against three.
    for from in [to - Duration::days(8), to - Duration::days(15)] {
        let all = with_searches(plain(&app, "", "").await, "");
        let d = ask(format!("from={from}&to={to}")).await;
        assert_digest(
            &d,
            from,
            to,
            &all,
            &format!("whole run from {from}, seed {seed}"),
        );
    }
    let from = to - Duration::days(10);
    let kunming = with_searches(plain(&app, "5301", "").await, "5301");
    let d = ask(format!("from={from}&to={to}&region=530100")).await;
    assert_digest(&d, from, to, &kunming, &format!("昆明, seed {seed}"));
    // A department: its tickets, no searches (they carry no department).
    let gaj = plain(&app, "", GAJ).await;
    let d = ask(format!("from={from}&to={to}&department={GAJ}")).await;
    assert_digest(&d, from, to, &gaj, &format!("公安局, seed {seed}"));
    // Examples: the topic's latest tickets of the period, newest first.
    let d = ask(format!("from={from}&to={to}")).await;
    for t in d["topics"].as_array().unwrap() {
        let examples = t["examples"].as_array().unwrap();
        assert_eq!(
            examples.len() as i64,
            t["tickets"].as_i64().unwrap().min(3),
            "seed {seed}: {t}"
        );
        let times: Vec<i64> = examples
            .iter()
            .map(|e| e["created_at"].as_i64().unwrap())
            .collect();
        assert!(times.windows(2).all(|w| w[0] >= w[1]), "seed {seed}");
        for e in examples {
            let (_, _, topic) = KINDS
                .iter()
                .find(|k| k.0 == e["summary"].as_str().unwrap())
                .unwrap();
            assert_eq!(topic, &t["topic"].as_str().unwrap(), "seed {seed}");
        }
    }
}

#[tokio::test]
async fn a_ticket_is_in_the_digest_read_next_and_new_words_file_new_tickets_only() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let (sup, svc) = (app.supervisor(), app.service());
    let empty = app.get("/api/v1/reports/topics", &sup).await;
    assert_eq!(empty.status, 200, "{}", empty.body);
    assert_eq!(
        (empty.body["from"].as_str(), empty.body["to"].as_str()),
        (Some("2026-11-01"), Some("2026-11-26"))
    );
    // November 2026's days touch the weeks of 10-26 to 11-23, against the five before.
    assert_eq!(empty.body["week_from"], "2026-10-26");
    assert_eq!(empty.body["week_to"], "2026-11-29");
    assert_eq!(empty.body["previous_from"], "2026-09-21");
    assert_eq!(empty.body["topics"], json!([]));

    // Before knowledge sent any words: a ticket with none is unfiled.
    let mut body = complaint_body(false);
    body["summary"] = json!("医保报销比例是多少");
    body["department"] = json!(ZFB);
    let first = app.create(body.clone()).await;
    let d = app.get("/api/v1/reports/topics", &sup).await;
    assert_eq!(d.body["unfiled"]["tickets"], 1, "{}", d.body);

    let res = app.post("/api/v1/reports/topic-words", &svc, words()).await;
    assert_eq!(res.body, json!({"topics": 4, "words": 7}));
    let second = app.create(body).await;
    let d = app.get("/api/v1/reports/topics", &sup).await;
    let topics = d.body["topics"].as_array().unwrap();
    assert_eq!(topics.len(), 1, "{}", d.body);
    assert_eq!(topics[0]["topic"], "ybj");
    assert_eq!(topics[0]["name"], "医疗保障局");
    assert_eq!(topics[0]["tickets"], 1);
    assert_eq!(topics[0]["change"], Value::Null);
    assert_eq!(topics[0]["examples"][0]["id"], second["id"]);
    assert_eq!(topics[0]["examples"][0]["summary"], "医保报销比例是多少");
    assert_eq!(d.body["unfiled"]["tickets"], 1, "the first stays unfiled");
    assert_ne!(first["id"], second["id"]);

    // Searches by topic add to it; a message sent twice adds once.
    let counts = json!({"key": "k-topics", "counts": [],
        "topics": [{"day": "2026-11-26", "region": "530100", "topic": "gjj", "searches": 40}]});
    for _ in 0..2 {
        let res = app
            .post("/api/v1/reports/search-counts", &svc, counts.clone())
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
    }
    let d = app.get("/api/v1/reports/topics", &sup).await;
    let codes: Vec<&str> = d.body["topics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["topic"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["gjj", "ybj"], "the most risen first");
    assert_eq!(d.body["topics"][0]["searches"], 40);

    let (headers, csv) = app
        .download("/api/v1/reports/topics?format=csv", &sup)
        .await;
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"topics-2026-11-01-2026-11-26.csv\"")
    );
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with("话题代码,话题,工单,搜索,提及,上期工单"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("gjj,住房公积金管理中心,0,40,40,0,0,0,,"),
        "{text}"
    );
    assert!(lines[2].contains("医保报销比例是多少"), "{text}");
    assert!(text.contains(",未归类,1,"), "{text}");

    let (_, bytes) = app
        .download("/api/v1/reports/topics?format=xlsx", &sup)
        .await;
    let strings = xlsx_strings(&bytes);
    for word in [
        "话题",
        "医疗保障局",
        "未归类",
        "统计周",
        "2026-10-26 至 2026-11-29",
    ] {
        assert!(strings.contains(word), "{word} in {strings}");
    }

    let (headers, pdf) = app
        .download("/api/v1/reports/topics?format=pdf", &sup)
        .await;
    assert_eq!(headers["content-type"], "application/pdf");
    let squeezed = pdf_words(&pdf);
    for want in [
        "社情民意报表（2026-11-01 至 2026-11-26）",
        "住房公积金管理中心 0 40 40 0 新出现",
        "医疗保障局",
        "医保报销比例是多少",
        "未归类工单 1",
    ] {
        assert!(squeezed.contains(want), "{want:?} in {squeezed}");
    }

    let bad = [
        ("from=2026-02-30", "`from`"),
        ("region=53", "`region`"),
        ("department=a%20b", "`department`"),
        ("format=docx", "`format`"),
        ("week=1", "week"),
    ];
    app.assert_report_refusals("/api/v1/reports/topics", &bad)
        .await;
    // The words: a service's, well-formed, each word once under a named topic.
    let path = "/api/v1/reports/topic-words";
    app.post(path, &sup, words()).await.assert_problem(403, "");
    let mut bad_words = Vec::new();
    for (pointer, value) in [
        ("/key", json!("")),
        ("/words/0/word", json!("医")),
        ("/words/0/word", json!("医保 报销")),
        ("/words/0/topic", json!("wjw")),
        ("/words/1/word", json!("医保")),
        ("/topics/1/topic", json!("ybj")),
        ("/topics/0/name", json!(" ")),
    ] {
        let mut w = words();
        *w.pointer_mut(pointer).unwrap() = value;
        bad_words.push(w);
    }
    for w in bad_words {
        app.post(path, &svc, w.clone())
            .await
            .assert_problem(400, "bad_request");
    }
    // Refused words changed nothing: a new ticket is still filed by the first ones.
    let mut body = complaint_body(false);
    body["summary"] = json!("公积金提取");
    app.create(body).await;
    let d = app.get("/api/v1/reports/topics", &sup).await;
    assert_eq!(d.body["topics"][0]["tickets"], 1, "{}", d.body);
    assert_eq!(d.body["topics"][0]["topic"], "gjj");
}

/// Knowledge sends its words to one replica; a ticket taken by another after that replica's
/// next refresh is filed by them.
#[tokio::test]
async fn words_sent_to_one_replica_file_the_tickets_another_takes() {
    let peer = Peer::start().await;
    let fast = [("tickets_calendar_refresh_ms", "100")];
    let a = spawn_app_with(&peer.url, Some(default_start()), &fast).await;
    let b = spawn_replica_with(&a, &peer.url, &fast).await;
    let res = a
        .post("/api/v1/reports/topic-words", &a.service(), words())
        .await;
    assert_eq!(res.status, 200, "{}", res.body);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while b.state.vocabulary().topic_of("医保报销", None) != "ybj" {
        assert!(
            std::time::Instant::now() < deadline,
            "replica b never read the words"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let mut body = complaint_body(false);
    body["summary"] = json!("医保报销比例是多少");
    body["department"] = json!(ZFB);
    let taken = b.create(body).await;
    let d = b.get("/api/v1/reports/topics", &b.supervisor()).await;
    assert_eq!(d.body["topics"][0]["topic"], "ybj", "{}", d.body);
    assert_eq!(d.body["topics"][0]["examples"][0]["id"], taken["id"]);
    assert_eq!(d.body["unfiled"]["tickets"], 0, "{}", d.body);
}
