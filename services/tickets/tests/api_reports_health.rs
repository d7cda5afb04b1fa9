//! The knowledge base health report (issue 19): after a random run of calls, no-info tickets
//! (some answered by an applied entry, days later) and the knowledge service's search counts
//! (some messages sent twice), its figures equal plain SQL over the calls and tickets and the
//! sum of the counts sent once each (whole range, one day, one region, one department); a
//! no-info ticket is in the report read right after it; downloads; 400s and 403s.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use common::*;
use diesel::QueryableByName;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text};
use rand::Rng;
use serde_json::{Value, json};

const REGIONS: [&str; 3] = ["530100", "530102", "530302"];

#[derive(QueryableByName, Debug)]
struct Taken {
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = BigInt)]
    created_at: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<BigInt>)]
    answered_at: Option<i64>,
}

#[derive(QueryableByName, Debug)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

/// What a plain count gives, per region (ticket regions; searches' own).
#[derive(Debug, Default, Clone, PartialEq)]
struct Plain {
    searches: i64,
    unconfident: i64,
    no_info: i64,
    times: Vec<i64>,
}

/// The calls of `from..=to`, and per ticket region the no-info tickets taken and the answer
/// times of those answered on those days, in regions starting with `region` and of
/// `department` (empty: any): plain SQL over the tables. The searches are added by the caller.
async fn plain(
    app: &TestApp,
    from: NaiveDate,
    to: NaiveDate,
    region: &str,
    department: &str,
) -> (i64, BTreeMap<String, Plain>) {
    let start = cst(&format!("{from} 00:00")).timestamp_millis();
    let end = cst(&format!("{} 00:00", to.succ_opt().unwrap())).timestamp_millis();
    let calls = format!(
        "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM calls WHERE created_at >= {start} AND created_at < {end}"
    );
    let tickets = "SELECT region, department, created_at, answered_at FROM tickets \
         WHERE ticket_type = 'no_info'"
        .to_string();
    let (calls, tickets): (Vec<Count>, Vec<Taken>) = shared::db::run(&app.state.pool, move |c| {
        let calls = diesel::sql_query(calls).load(c);
        let tickets = diesel::sql_query(tickets).load(c);
        Ok((
            calls.map_err(shared::db::DbError::from)?,
            tickets.map_err(shared::db::DbError::from)?,
        ))
    })
    .await
    .unwrap();
    let mut out: BTreeMap<String, Plain> = BTreeMap::new();
    let inside = |t: &Taken| {
        t.region.starts_with(region) && (department.is_empty() || t.department == department)
    };
    for t in tickets.iter().filter(|t| inside(t)) {
        if (start..end).contains(&t.created_at) {
            out.entry(t.region.clone()).or_default().no_info += 1;
        }
        if let Some(a) = t.answered_at.filter(|a| (start..end).contains(a)) {
            out.entry(t.region.clone())
                .or_default()
                .times
                .push(shown((a - t.created_at) / 1000));
        }
    }
    (calls[0].n, out)
}

/// A time as the glossary says the report keeps it: to 0.1 hour under a day, to the hour up to
/// 30 days, to the day beyond (rounded down).
fn shown(seconds: i64) -> i64 {
    let step = if seconds < 24 * 3600 {
        360
    } else if seconds < 30 * 24 * 3600 {
        3600
    } else {
        24 * 3600
    };
    seconds / step * step
}

/// The median by nearest rank: of an even count, the lower middle.
fn median(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    let n = v.len();
    (n > 0).then(|| v[n.div_ceil(2) - 1])
}

fn p90(mut v: Vec<i64>) -> Option<i64> {
    v.sort_unstable();
    let n = v.len();
    (n > 0).then(|| v[(n * 9).div_ceil(10) - 1])
}

/// The report's total and per-region rows equal `expected` (per region; the key `""` holds the
/// searches asked without a region, which count in the total only).
fn assert_report(report: &Value, calls: i64, expected: &BTreeMap<String, Plain>, what: &str) {
    assert_eq!(report["calls"].as_i64(), Some(calls), "{what}: calls");
    let mut total = Plain::default();
    for p in expected.values() {
        total.searches += p.searches;
        total.unconfident += p.unconfident;
        total.no_info += p.no_info;
        total.times.extend(&p.times);
    }
    let check = |row: &Value, p: &Plain, name: &str| {
        assert_eq!(
            row["searches"].as_i64(),
            Some(p.searches),
            "{what}: {name} searches"
        );
        let n = |k: &str| row[k].as_i64();
        assert_eq!(
            n("unconfident"),
            Some(p.unconfident),
            "{what}: {name} unconfident"
        );
        assert_eq!(n("no_info"), Some(p.no_info), "{what}: {name} no_info");
        assert_eq!(
            n("applied"),
            Some(p.times.len() as i64),
            "{what}: {name} applied"
        );
        assert_eq!(
            n("median_seconds_to_applied"),
            median(p.times.clone()),
            "{what}: {name} median"
        );
        assert_eq!(
            n("p90_seconds_to_applied"),
            p90(p.times.clone()),
            "{what}: {name} p90"
        );
        let per = |x: i64| {
            (calls > 0).then(|| (x as f64 * 1000.0 / calls as f64 * 100.0).round() / 100.0)
        };
        assert_eq!(
            row["no_info_per_1000_calls"].as_f64(),
            per(p.no_info),
            "{what}: {name}"
        );
        assert_eq!(
            row["unconfident_per_1000_calls"].as_f64(),
            per(p.unconfident),
            "{what}: {name}"
        );
    };
    check(&report["total"], &total, "total");
    // Each county row as counted; the rows above it sum their counties.
    let rows: BTreeMap<&str, &Value> = report["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["region"].as_str().unwrap(), r))
        .collect();
    for region in expected.keys().filter(|r| !r.is_empty()) {
        let mut rolled = Plain::default();
        for (r, q) in expected
            .iter()
            .filter(|(r, _)| r.starts_with(region.trim_end_matches('0')))
        {
            if r.is_empty() {
                continue;
            }
            rolled.searches += q.searches;
            rolled.unconfident += q.unconfident;
            rolled.no_info += q.no_info;
            rolled.times.extend(&q.times);
        }
        let row = rows
            .get(region.as_str())
            .unwrap_or_else(|| panic!("{what}: row {region}"));
        check(row, &rolled, region);
    }
}

#[tokio::test]
async fn the_health_report_equals_plain_counts_over_tickets_calls_and_searches_sent() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let (seed, mut rng) = report_rng();
    let (sup, svc) = (app.supervisor(), app.service());
    // What the knowledge service sent, once per key: (day, region) → (searches, unconfident).
    let mut sent: BTreeMap<(NaiveDate, String), (i64, i64)> = BTreeMap::new();
    let mut open: Vec<(String, String)> = Vec::new();
    let mut cr = 100;
    let mut last_key = String::new();
    for i in 0..70 {
        let minutes = if rng.random_bool(0.15) { 600 } else { 11 };
        app.clock.advance(Duration::minutes(minutes));
        let today = app
            .clock
            .now()
            .with_timezone(&shared::calendar::cst())
            .date_naive();
        if rng.random_bool(0.5) {
            let call = json!({
                "caller_phone": "13912341234", "classification": "consultation",
                "outcome": "answered", "duration_seconds": 60,
            });
            let res = app.post("/api/v1/calls", &app.operator(), call).await;
            assert_eq!(res.status, 201, "{}", res.body);
        }
        if i % 2 == 0 {
            let region = REGIONS[rng.random_range(0..3)];
            let mut body = no_info_body();
            body["region"] = json!(region);
            let t = app.post("/api/v1/tickets", &app.operator(), body).await;
            assert_eq!(t.status, 201, "{}", t.body);
            let dept = t.body["department"].as_str().unwrap().to_string();
            open.push((t.body["id"].as_str().unwrap().to_string(), dept));
        }
        // Search counts, now and then a message sent again (its key once).
        let resend = !last_key.is_empty() && rng.random_bool(0.2);
        let key = if resend {
            last_key.clone()
        } else {
            format!("search-counts-{i}")
        };
        let region = ["", "530100", "530102", "530302"][rng.random_range(0..4)];
        let searches = rng.random_range(1..30);
        let unconfident = rng.random_range(0..=searches);
        let body = json!({"key": key, "counts": [
            {"day": today, "region": region, "searches": searches, "unconfident": unconfident}
        ]});
        let res = app.post("/api/v1/reports/search-counts", &svc, body).await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert_eq!(res.body["added"], json!(!resend), "{key}");
        if !resend {
            let e = sent.entry((today, region.to_string())).or_default();
            e.0 += searches;
            e.1 += unconfident;
            last_key = key;
        }
        // Some open tickets are answered by an applied entry.
        if !open.is_empty() && rng.random_bool(0.3) {
            let (id, dept) = open.remove(rng.random_range(0..open.len()));
            let l = app.liaison(&dept);
            app.must(&id, "accept", &l, json!({})).await;
            app.must(
                &id,
                "replenish",
                &l,
                json!({"department_code": dept, "answer": "0871-63100000", "note": "补充"}),
            )
            .await;
            cr += 1;
            let result =
                json!({"change_request_id": cr, "outcome": "applied", "entry_code": "faq-1"});
            app.must(&id, "knowledge-result", &svc, result).await;
        }
    }

    let from = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let to = app
        .clock
        .now()
        .with_timezone(&shared::calendar::cst())
        .date_naive();
    assert!(to > from, "the run spans several days");
    let expect = |from: NaiveDate,
                  to: NaiveDate,
                  region: &str,
                  mut tickets: BTreeMap<String, Plain>,
                  with_searches: bool| {
        if with_searches {
            for ((day, r), (s, u)) in &sent {
                if (from..=to).contains(day) && r.starts_with(region) {
                    let e = tickets.entry(r.clone()).or_default();
                    e.searches += s;
                    e.unconfident += u;
                }
            }
        }
        tickets
    };
    let ask = |q: String| {
        let sup = sup.clone();
        let app = &app;
        async move {
            let res = app
                .get(&format!("/api/v1/reports/kb-health?{q}"), &sup)
                .await;
            assert_eq!(res.status, 200, "{}", res.body);
            res.body
        }
    };

    let (calls, tickets) = plain(&app, from, to, "", "").await;
    let all = expect(from, to, "", tickets, true);
    let applied: usize = all.values().map(|p| p.times.len()).sum();
    assert!(
        applied > 1 && calls > 0,
        "the run applied entries and took calls, seed {seed}"
    );
    let report = ask(format!("from={from}&to={to}")).await;
    assert_report(&report, calls, &all, &format!("whole run, seed {seed}"));
    assert_eq!(report["now"]["open_unanswered"], 4, "knowledge's figures");
    assert_eq!(report["now"]["months"], 12);

    let day = to.pred_opt().unwrap();
    let (calls, tickets) = plain(&app, day, day, "", "").await;
    let report = ask(format!("from={day}&to={day}")).await;
    assert_report(
        &report,
        calls,
        &expect(day, day, "", tickets, true),
        &format!("one day, seed {seed}"),
    );
    assert_eq!(report["days"].as_array().unwrap().len(), 1);

    let (calls, tickets) = plain(&app, from, to, "5301", "").await;
    let report = ask(format!("from={from}&to={to}&region=530100")).await;
    assert_report(
        &report,
        calls,
        &expect(from, to, "5301", tickets, true),
        &format!("昆明, seed {seed}"),
    );

    // A department: its no-info tickets, no searches (they carry no department).
    let (calls, tickets) = plain(&app, from, to, "", "530302-zfb").await;
    let report = ask(format!(
        "from={from}&to={to}&department=530302-zfb&months=6"
    ))
    .await;
    assert_report(
        &report,
        calls,
        &expect(from, to, "", tickets, false),
        &format!("曲靖政府办, seed {seed}"),
    );
    assert_eq!(report["now"]["months"], 6);
    // The trend's days sum to the total.
    let all_days = ask(format!("from={from}&to={to}")).await;
    let summed: i64 = all_days["days"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["no_info"].as_i64().unwrap())
        .sum();
    assert_eq!(Some(summed), all_days["total"]["no_info"].as_i64());
}

#[tokio::test]
async fn a_no_info_ticket_is_in_the_report_read_next_and_downloads_have_chinese_headers() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    let before = app.get("/api/v1/reports/kb-health", &sup).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(before.body["from"], "2026-11-01");
    assert_eq!(before.body["to"], "2026-11-26");
    assert_eq!(before.body["regions"], json!([]));
    assert_eq!(before.body["total"]["no_info_per_1000_calls"], Value::Null);
    let call = json!({
        "caller_phone": "13912341234", "classification": "basic_query",
        "outcome": "ticket_created", "duration_seconds": 120
    });
    for _ in 0..4 {
        let res = app
            .post("/api/v1/calls", &app.operator(), call.clone())
            .await;
        assert_eq!(res.status, 201, "{}", res.body);
    }
    app.no_info().await;
    let after = app.get("/api/v1/reports/kb-health", &sup).await;
    assert_eq!(after.body["calls"], 4);
    assert_eq!(after.body["total"]["no_info"], 1);
    assert_eq!(after.body["total"]["no_info_per_1000_calls"], 250.0);
    let codes: Vec<&str> = after.body["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["region"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["530000", "530100"]);

    let (headers, csv) = app
        .download("/api/v1/reports/kb-health?format=csv", &sup)
        .await;
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"kb-health-2026-11-01-2026-11-26.csv\"")
    );
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0]
            .starts_with("区划编码,搜索次数,未确信搜索,未确信率,每千次来电未确信搜索,查无信息工单"),
        "{text}"
    );
    assert!(
        lines[2].starts_with("530100,0,0,,0.00,1,250.00,0,,"),
        "{text}"
    );
    assert!(text.contains("来电量,4"), "{text}");
    assert!(text.contains("未解答查询(当前),4"), "{text}");
    assert!(text.contains("超过12个月未复核条目(当前),2"), "{text}");

    let (_, bytes) = app
        .download("/api/v1/reports/kb-health?format=xlsx", &sup)
        .await;
    let strings = xlsx_strings(&bytes);
    for word in [
        "区划编码",
        "查无信息工单",
        "补充用时P90(小时)",
        "530100",
        "合计",
        "来电量",
    ] {
        assert!(strings.contains(word), "{word} in {strings}");
    }

    let (headers, pdf) = app
        .download("/api/v1/reports/kb-health?format=pdf", &sup)
        .await;
    assert_eq!(headers["content-type"], "application/pdf");
    let squeezed = pdf_words(&pdf);
    for want in [
        "知识库健康度报表（2026-11-01 至 2026-11-26）",
        "来电量 4",
        "每日未确信搜索与查无信息工单",
        "530100 0 0 — 0.00 1 250.00 0",
        "查无信息/千次 250.0",
        "未复核条目 2",
    ] {
        assert!(squeezed.contains(want), "{want:?} in {squeezed}");
    }

    // Knowledge away: the report is still answered, without its state now.
    peer.set_down(true);
    let away = app.get("/api/v1/reports/kb-health", &sup).await;
    assert_eq!(away.status, 200, "{}", away.body);
    assert_eq!(away.body["now"], Value::Null);
    assert_eq!(away.body["total"]["no_info"], 1);
    peer.set_down(false);

    let bad = [
        ("from=2026-02-30", "`from`"),
        ("region=53", "`region`"),
        ("department=a%20b", "`department`"),
        ("months=0", "`months`"),
        ("format=docx", "`format`"),
        ("operator=op1", "operator"),
    ];
    app.assert_report_refusals("/api/v1/reports/kb-health", &bad)
        .await;
    // The search counts: a service's, with a key, well-formed.
    let counts = |key: &str, unconfident: i64| {
        json!({"key": key, "counts": [
            {"day": "2026-11-26", "region": "", "searches": 3, "unconfident": unconfident}
        ]})
    };
    let path = "/api/v1/reports/search-counts";
    app.post(path, &sup, counts("k1", 1))
        .await
        .assert_problem(403, "");
    let svc = app.service();
    app.post(path, &svc, counts("", 1))
        .await
        .assert_problem(400, "bad_request");
    app.post(path, &svc, counts("k2", 4))
        .await
        .assert_problem(400, "bad_request");
    let ok = app.post(path, &svc, counts("k3", 1)).await;
    assert_eq!(ok.body["added"], true, "{}", ok.body);
    let r = app.get("/api/v1/reports/kb-health", &sup).await;
    assert_eq!(
        (
            r.body["total"]["searches"].as_i64(),
            r.body["total"]["unconfident"].as_i64()
        ),
        (Some(3), Some(1))
    );
    assert_eq!(
        r.body["regions"].as_array().unwrap().len(),
        2,
        "a search without a region is in the total only"
    );
}
