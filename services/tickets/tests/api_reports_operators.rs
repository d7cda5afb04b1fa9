//! The operators report (issue 19): after a random run of calls, ratings and complaints whose
//! cause is set and corrected, its figures equal plain SQL counts over the calls and tickets
//! (whole range, one day, one region); a call is in the report read right after it; CSV and
//! Excel downloads; 400s and 403s.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use common::*;
use diesel::QueryableByName;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Text};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};
use shared::auth::Role;

const OPERATORS: [&str; 3] = ["op1", "op2", "op3"];
const OUTCOMES: [&str; 4] = [
    "answered",
    "transferred",
    "number_reported",
    "ticket_created",
];
const RATINGS: [&str; 3] = ["satisfied", "basically_satisfied", "dissatisfied"];
const CAUSES: [&str; 3] = ["policy", "handling", "attitude"];
const REGIONS: [&str; 3] = ["530100", "530102", "530302"];

/// One account's figures as a plain count gives them, in the order of [`NAMES`].
#[derive(QueryableByName, Debug)]
struct Plain {
    #[diesel(sql_type = Text)]
    operator: String,
    #[diesel(sql_type = BigInt)]
    calls: i64,
    #[diesel(sql_type = BigInt)]
    answered: i64,
    #[diesel(sql_type = BigInt)]
    answered_authorized: i64,
    #[diesel(sql_type = BigInt)]
    transferred: i64,
    #[diesel(sql_type = BigInt)]
    number_reported: i64,
    #[diesel(sql_type = BigInt)]
    ticket_created: i64,
    #[diesel(sql_type = BigInt)]
    talk_seconds: i64,
    #[diesel(sql_type = BigInt)]
    satisfied: i64,
    #[diesel(sql_type = BigInt)]
    basically_satisfied: i64,
    #[diesel(sql_type = BigInt)]
    dissatisfied: i64,
}

#[derive(QueryableByName, Debug)]
struct Complaints {
    #[diesel(sql_type = Text)]
    account: String,
    #[diesel(sql_type = BigInt)]
    n: i64,
}

const NAMES: [&str; 11] = [
    "calls",
    "answered",
    "answered_authorized",
    "transferred",
    "number_reported",
    "ticket_created",
    "talk_seconds",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "complaints_attitude",
];

/// Per account, the counts of [`NAMES`] over the calls and tickets taken in China-time days
/// `from..=to`, complaints in regions starting with `region` counted against the operator
/// their `attitude_of` names: plain SQL over the tables.
async fn plain_counts(
    app: &TestApp,
    from: NaiveDate,
    to: NaiveDate,
    region: &str,
) -> BTreeMap<String, [i64; 11]> {
    let start = cst(&format!("{from} 00:00")).timestamp_millis();
    let end = cst(&format!("{} 00:00", to.succ_opt().unwrap())).timestamp_millis();
    let calls = format!(
        "SELECT operator, CAST(COUNT(*) AS BIGINT) AS calls, \
         CAST(SUM(CASE WHEN outcome = 'answered' THEN 1 ELSE 0 END) AS BIGINT) AS answered, \
         CAST(SUM(CASE WHEN outcome = 'answered' AND entry_authorized = TRUE THEN 1 ELSE 0 END) \
           AS BIGINT) AS answered_authorized, \
         CAST(SUM(CASE WHEN outcome = 'transferred' THEN 1 ELSE 0 END) AS BIGINT) AS transferred, \
         CAST(SUM(CASE WHEN outcome = 'number_reported' THEN 1 ELSE 0 END) AS BIGINT) \
           AS number_reported, \
         CAST(SUM(CASE WHEN outcome = 'ticket_created' THEN 1 ELSE 0 END) AS BIGINT) \
           AS ticket_created, \
         CAST(SUM(duration_seconds) AS BIGINT) AS talk_seconds, \
         CAST(SUM(CASE WHEN satisfaction = 'satisfied' THEN 1 ELSE 0 END) AS BIGINT) AS satisfied, \
         CAST(SUM(CASE WHEN satisfaction = 'basically_satisfied' THEN 1 ELSE 0 END) AS BIGINT) \
           AS basically_satisfied, \
         CAST(SUM(CASE WHEN satisfaction = 'dissatisfied' THEN 1 ELSE 0 END) AS BIGINT) \
           AS dissatisfied \
         FROM calls WHERE created_at >= {start} AND created_at < {end} GROUP BY operator"
    );
    let complaints = format!(
        "SELECT SUBSTR(attitude_of, 10) AS account, CAST(COUNT(*) AS BIGINT) AS n FROM tickets \
         WHERE cause = 'attitude' AND attitude_of LIKE 'operator:%' \
         AND created_at >= {start} AND created_at < {end} \
         AND region LIKE '{region}%' GROUP BY SUBSTR(attitude_of, 10)"
    );
    let (calls, complaints): (Vec<Plain>, Vec<Complaints>) =
        shared::db::run(&app.state.pool, move |c| {
            let calls = diesel::sql_query(calls).load(c);
            let complaints = diesel::sql_query(complaints).load(c);
            Ok((
                calls.map_err(shared::db::DbError::from)?,
                complaints.map_err(shared::db::DbError::from)?,
            ))
        })
        .await
        .unwrap();
    let mut out: BTreeMap<String, [i64; 11]> = BTreeMap::new();
    for p in calls {
        out.insert(
            p.operator.clone(),
            [
                p.calls,
                p.answered,
                p.answered_authorized,
                p.transferred,
                p.number_reported,
                p.ticket_created,
                p.talk_seconds,
                p.satisfied,
                p.basically_satisfied,
                p.dissatisfied,
                0,
            ],
        );
    }
    for c in complaints {
        out.entry(c.account).or_insert([0; 11])[10] = c.n;
    }
    out
}

fn assert_rows(report: &Value, plain: &BTreeMap<String, [i64; 11]>, what: &str) {
    let rows: BTreeMap<String, &Value> = report["operators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["operator"].as_str().unwrap().to_string(), r))
        .collect();
    let expected: Vec<&String> = plain
        .iter()
        .filter(|(_, c)| c.iter().any(|n| *n != 0))
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        rows.keys().collect::<Vec<_>>(),
        expected,
        "{what}: accounts"
    );
    let mut total = [0; 11];
    for (op, counts) in plain {
        for (t, n) in total.iter_mut().zip(counts) {
            *t += n;
        }
        let Some(row) = rows.get(op) else { continue };
        for (name, n) in NAMES.iter().zip(counts) {
            assert_eq!(row[name].as_i64(), Some(*n), "{what}: {op} {name} in {row}");
        }
    }
    for (name, n) in NAMES.iter().zip(total) {
        assert_eq!(
            report["total"][name].as_i64(),
            Some(n),
            "{what}: total {name}"
        );
    }
}

fn seed() -> u64 {
    std::env::var("REPORT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random())
}

#[tokio::test]
async fn the_operators_report_equals_plain_counts_over_calls_and_tickets() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let seed = seed();
    eprintln!("REPORT_SEED={seed}");
    let mut rng = StdRng::seed_from_u64(seed);
    let (sup, svc) = (app.supervisor(), app.service());
    let mut complaints = Vec::new();
    for i in 0..90 {
        // Now and then the next day (China time), so the run spans several days.
        let minutes = if rng.random_bool(0.15) { 600 } else { 7 };
        app.clock.advance(Duration::minutes(minutes));
        let op = app.token(Role::Operator, OPERATORS[rng.random_range(0..3)], None);
        let mut call = json!({
            "caller_phone": "13912341234", "classification": "consultation",
            "outcome": OUTCOMES[rng.random_range(0..4)],
            "duration_seconds": rng.random_range(0..900),
        });
        if rng.random_bool(0.3) {
            call["satisfaction"] = json!(RATINGS[rng.random_range(0..3)]);
        }
        // The entry read out, authorised or not, now and then also on a call not answered.
        if rng.random_bool(0.5) {
            call["entry_code"] = json!(format!("faq-{}", rng.random_range(1..50)));
            call["entry_authorized"] = json!(rng.random_bool(0.6));
        }
        let res = app.post("/api/v1/calls", &op, call).await;
        assert_eq!(res.status, 201, "{}", res.body);
        // Most unrated calls are rated after the tone, within the window.
        if res.body["satisfaction"].is_null() && rng.random_bool(0.6) {
            let path = format!("/api/v1/calls/{}/rating", res.body["id"]);
            let key = rng.random_range(1..=3);
            let rated = app.post(&path, &svc, json!({ "key": key })).await;
            assert_eq!(rated.status, 200, "{}", rated.body);
        }
        if i % 3 == 0 {
            let mut body = complaint_body(false);
            body["region"] = json!(REGIONS[rng.random_range(0..3)]);
            body["cause"] = json!(CAUSES[rng.random_range(0..3)]);
            let t = app.post("/api/v1/tickets", &op, body).await;
            assert_eq!(t.status, 201, "{}", t.body);
            complaints.push(t.body["id"].as_str().unwrap().to_string());
        }
    }
    // Causes set and corrected later, some more than once.
    for _ in 0..40 {
        app.clock.advance(Duration::minutes(30));
        let id = &complaints[rng.random_range(0..complaints.len())];
        let cause = CAUSES[rng.random_range(0..3)];
        let mut body = json!({ "cause": cause, "note": "复核" });
        // A C complaint names whose attitude it was: mostly an operator (not always the one
        // who took the ticket), sometimes a department's liaison, sometimes not yet.
        if cause == "attitude" && !rng.random_bool(0.15) {
            body["attitude_of"] = json!(match rng.random_range(0..4) {
                3 => "liaison:530100-gaj".to_string(),
                k => format!("operator:{}", OPERATORS[k]),
            });
        }
        let res = app.action(id, "cause", &sup, body).await;
        assert!([200, 409].contains(&res.status), "{}", res.body);
    }

    let from = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
    let to = app
        .clock
        .now()
        .with_timezone(&shared::calendar::cst())
        .date_naive();
    assert!(to > from, "the run spans several days");
    let plain = plain_counts(&app, from, to, "").await;
    let c_total: i64 = plain.values().map(|c| c[10]).sum();
    let rated: i64 = plain.values().map(|c| c[7] + c[8] + c[9]).sum();
    let authorised: i64 = plain.values().map(|c| c[2]).sum();
    assert!(
        c_total > 0 && rated > 0 && authorised > 0,
        "the run made C complaints against operators, ratings and authorised answers, seed {seed}"
    );

    let all = app
        .get(
            &format!("/api/v1/reports/operators?from={from}&to={to}"),
            &sup,
        )
        .await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_rows(&all.body, &plain, &format!("whole run, seed {seed}"));
    let t = &all.body["total"];
    let share = |n: i64, d: i64| (d > 0).then(|| (n as f64 / d as f64 * 1e4).round() / 1e4);
    let n = |k: &str| t[k].as_i64().unwrap();
    assert_eq!(t["rated"].as_i64(), Some(rated));
    assert_eq!(
        t["satisfaction_rate"].as_f64(),
        share(n("satisfied") + n("basically_satisfied"), rated)
    );
    assert_eq!(
        t["answered_rate"].as_f64(),
        share(n("answered"), n("calls"))
    );

    // One day, and one region (which narrows the complaints, not the calls).
    let day = from.succ_opt().unwrap();
    let one = app
        .get(
            &format!("/api/v1/reports/operators?from={day}&to={day}"),
            &sup,
        )
        .await;
    assert_rows(
        &one.body,
        &plain_counts(&app, day, day, "").await,
        "one day",
    );
    let kunming = app
        .get(
            &format!("/api/v1/reports/operators?from={from}&to={to}&region=530100"),
            &sup,
        )
        .await;
    assert_eq!(kunming.body["region"], "530100");
    assert_rows(
        &kunming.body,
        &plain_counts(&app, from, to, "5301").await,
        "昆明",
    );
}

#[tokio::test]
async fn a_call_is_in_the_report_read_next_and_downloads_have_chinese_headers() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    let before = app.get("/api/v1/reports/operators", &sup).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(before.body["from"], "2026-11-01");
    assert_eq!(before.body["to"], "2026-11-26");
    assert_eq!(before.body["operators"], json!([]));
    let call = json!({
        "caller_phone": "13912341234", "classification": "basic_query",
        "outcome": "answered", "duration_seconds": 120, "satisfaction": "满意",
        "entry_code": "530100-rsj-faq-1", "entry_authorized": true
    });
    let res = app.post("/api/v1/calls", &app.operator(), call).await;
    assert_eq!(res.status, 201, "{}", res.body);
    let after = app.get("/api/v1/reports/operators", &sup).await;
    let op1 = &after.body["operators"][0];
    assert_eq!(op1["operator"], "op1");
    assert_eq!(
        (op1["calls"].as_i64(), op1["answered"].as_i64()),
        (Some(1), Some(1))
    );
    assert_eq!(op1["satisfaction_rate"], 1.0);
    assert_eq!(
        (
            op1["answered_authorized"].as_i64(),
            op1["authorized_rate"].as_f64()
        ),
        (Some(1), Some(1.0))
    );
    assert_eq!(op1["average_talk_seconds"], 120);

    let (headers, csv) = app
        .download("/api/v1/reports/operators?format=csv", &sup)
        .await;
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"operators-2026-11-01-2026-11-26.csv\"")
    );
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(
        lines[0].starts_with(
            "话务员,接听量,直接解答,直接解答率,授权答复,授权答复占比,转接,报号,生成工单"
        )
    );
    assert!(
        lines[1].starts_with("op1,1,1,100.0%,1,100.0%,0,0,0,120,120,1,100.0%,1,0,0,100.0%,0"),
        "{text}"
    );
    assert!(lines[2].starts_with("合计,1,"), "{text}");

    let (_, bytes) = app
        .download("/api/v1/reports/operators?format=xlsx", &sup)
        .await;
    let strings = xlsx_strings(&bytes);
    for word in ["话务员", "接听量", "满意率", "C类投诉(态度)", "op1", "合计"] {
        assert!(strings.contains(word), "{word} in {strings}");
    }

    let (headers, pdf) = app
        .download("/api/v1/reports/operators?format=pdf", &sup)
        .await;
    assert_eq!(headers["content-type"], "application/pdf");
    let squeezed = pdf_words(&pdf);
    for want in [
        "话务员考核报表（2026-11-01 至 2026-11-26）",
        "接听量 1",
        "满意率 100.0%",
        "授权答复占比 100.0%",
        "op1 1 1 100.0% 100.0% 0 0 0 120",
        "每日接听量",
    ] {
        assert!(squeezed.contains(want), "{want:?} in {squeezed}");
    }

    for (query, field) in [
        ("from=2026-02-30", "`from`"),
        ("region=53", "`region`"),
        ("format=docx", "`format`"),
        ("operator=op1", "operator"),
    ] {
        let res = app
            .get(&format!("/api/v1/reports/operators?{query}"), &sup)
            .await;
        res.assert_problem(400, "bad_request");
        let detail = res.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(field), "{query}: {detail}");
    }
    for token in [app.operator(), app.liaison(GAJ), app.admin()] {
        app.get("/api/v1/reports/operators", &token)
            .await
            .assert_problem(403, "");
    }
}
