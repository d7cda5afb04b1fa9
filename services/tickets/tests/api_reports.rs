//! The department performance report (issue 19): its roll-ups equal plain counts over the
//! tickets and their events after a random run of lifecycle actions, its filters, its CSV and
//! Excel downloads (recorded in the audit log), and the 400s and 403s.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::io::Read;

use chrono::{DateTime, Duration, Utc};
use common::*;
use diesel::QueryableByName;
use diesel::RunQueryDsl;
use diesel::sql_types::{BigInt, Nullable, Text};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

const REGIONS: [&str; 3] = ["530100", "530102", "530302"];
const DEPARTMENTS: [&str; 2] = [GAJ, RSJ];
const SATISFACTIONS: [&str; 3] = ["satisfied", "basically_satisfied", "dissatisfied"];

/// One event with what its ticket was made with, as the tables hold them.
#[derive(QueryableByName, Debug)]
struct RawEvent {
    #[diesel(sql_type = Text)]
    ticket_id: String,
    #[diesel(sql_type = BigInt)]
    at: i64,
    #[diesel(sql_type = Text)]
    action: String,
    #[diesel(sql_type = Nullable<Text>)]
    to_status: Option<String>,
    #[diesel(sql_type = Text)]
    data: String,
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = Nullable<Text>)]
    cause: Option<String>,
}

/// A roll-up row as stored.
#[derive(QueryableByName, Debug)]
struct Rollup {
    #[diesel(sql_type = Text)]
    day: String,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = Text)]
    region: String,
    #[diesel(sql_type = BigInt)]
    received: i64,
    #[diesel(sql_type = BigInt)]
    accepted: i64,
    #[diesel(sql_type = BigInt)]
    accepted_on_time: i64,
    #[diesel(sql_type = BigInt)]
    returned: i64,
    #[diesel(sql_type = BigInt)]
    replied: i64,
    #[diesel(sql_type = BigInt)]
    replied_on_time: i64,
    #[diesel(sql_type = BigInt)]
    extended: i64,
    #[diesel(sql_type = BigInt)]
    supervised: i64,
    #[diesel(sql_type = BigInt)]
    callbacks: i64,
    #[diesel(sql_type = BigInt)]
    satisfied: i64,
    #[diesel(sql_type = BigInt)]
    basically_satisfied: i64,
    #[diesel(sql_type = BigInt)]
    dissatisfied: i64,
    #[diesel(sql_type = BigInt)]
    complaints_policy: i64,
    #[diesel(sql_type = BigInt)]
    complaints_handling: i64,
    #[diesel(sql_type = BigInt)]
    complaints_attitude: i64,
}

/// The counts in the order of [`NAMES`].
type Counts = [i64; 15];

const NAMES: [&str; 15] = [
    "received",
    "accepted",
    "accepted_on_time",
    "returned",
    "replied",
    "replied_on_time",
    "extended",
    "supervised",
    "callbacks",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "complaints_policy",
    "complaints_handling",
    "complaints_attitude",
];

impl Rollup {
    fn counts(&self) -> Counts {
        [
            self.received,
            self.accepted,
            self.accepted_on_time,
            self.returned,
            self.replied,
            self.replied_on_time,
            self.extended,
            self.supervised,
            self.callbacks,
            self.satisfied,
            self.basically_satisfied,
            self.dissatisfied,
            self.complaints_policy,
            self.complaints_handling,
            self.complaints_attitude,
        ]
    }
}

fn china_day(at: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(at)
        .unwrap()
        .with_timezone(&shared::calendar::cst())
        .date_naive()
        .to_string()
}

fn ms(v: &Value) -> Option<i64> {
    v.as_str()
        .map(|s| DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis())
}

/// The counts per (day, department, region), from the events alone: the department a ticket
/// is with is the one its creation or its latest dispatch names; the on-time deadline is the
/// one the event carries.
async fn raw_counts(app: &TestApp) -> BTreeMap<(String, String, String), Counts> {
    let events: Vec<RawEvent> = shared::db::run(&app.state.pool, |c| {
        Ok(diesel::sql_query(
            "SELECT e.ticket_id, e.at, e.action, e.to_status, e.data, t.region, t.cause \
             FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id ORDER BY e.id",
        )
        .load(c)
        .map_err(shared::db::DbError::from)?)
    })
    .await
    .unwrap();
    let mut department: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut out: BTreeMap<(String, String, String), Counts> = BTreeMap::new();
    for e in events {
        let data: Value = serde_json::from_str(&e.data).unwrap();
        if e.action == "created" || e.action == "dispatch" {
            department.insert(
                e.ticket_id.clone(),
                data["department"].as_str().map(str::to_string),
            );
        }
        let Some(Some(dep)) = department.get(&e.ticket_id).cloned() else {
            continue;
        };
        let mut c: Counts = [0; 15];
        let received = e.action == "dispatch"
            || (e.action == "created" && e.to_status.as_deref() == Some("dispatched"));
        if received {
            c[0] = 1;
            match e.cause.as_deref() {
                Some("policy") => c[12] = 1,
                Some("handling") => c[13] = 1,
                Some("attitude") => c[14] = 1,
                _ => {}
            }
        }
        let on_time = || ms(&data["due_at"]).is_none_or(|d| e.at <= d);
        match e.action.as_str() {
            "accept" => {
                c[1] = 1;
                c[2] = i64::from(on_time());
            }
            "return" => c[3] = 1,
            "reply" | "replenish" => {
                c[4] = 1;
                c[5] = i64::from(on_time());
            }
            "extend_approved" => c[6] = 1,
            "supervise" => c[7] = 1,
            "callback" => {
                c[8] = 1;
                match data["satisfaction"].as_str() {
                    Some("satisfied") => c[9] = 1,
                    Some("basically_satisfied") => c[10] = 1,
                    Some("dissatisfied") => c[11] = 1,
                    _ => {}
                }
            }
            _ => {}
        }
        if c.iter().all(|n| *n == 0) {
            continue;
        }
        let key = (china_day(e.at), dep, e.region.clone());
        let sum = out.entry(key).or_insert([0; 15]);
        for (s, n) in sum.iter_mut().zip(c) {
            *s += n;
        }
    }
    out
}

async fn rollups(app: &TestApp) -> BTreeMap<(String, String, String), Counts> {
    let rows: Vec<Rollup> = shared::db::run(&app.state.pool, |c| {
        Ok(diesel::sql_query("SELECT * FROM report_department_days")
            .load(c)
            .map_err(shared::db::DbError::from)?)
    })
    .await
    .unwrap();
    rows.into_iter()
        .map(|r| {
            (
                (r.day.clone(), r.department.clone(), r.region.clone()),
                r.counts(),
            )
        })
        .filter(|(_, c)| c.iter().any(|n| *n != 0))
        .collect()
}

/// Sums the raw counts that `keep` selects.
fn sum_where(
    raw: &BTreeMap<(String, String, String), Counts>,
    keep: impl Fn(&str, &str, &str) -> bool,
) -> Counts {
    let mut total = [0; 15];
    for ((day, dep, reg), c) in raw {
        if keep(day, dep, reg) {
            for (t, n) in total.iter_mut().zip(c) {
                *t += n;
            }
        }
    }
    total
}

fn assert_row(row: &Value, expected: &Counts, what: &str) {
    for (name, n) in NAMES.iter().zip(expected) {
        assert_eq!(row[name].as_i64(), Some(*n), "{what}: {name} in {row}");
    }
}

/// A random run of lifecycle actions on a few tickets, the clock moving on between them.
async fn random_run(app: &TestApp, seed: u64, tickets: usize, steps: usize) {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut ids = Vec::new();
    for i in 0..tickets {
        let region = REGIONS[rng.random_range(0..REGIONS.len())];
        let body = match rng.random_range(0..4) {
            0 => {
                let mut b = no_info_body();
                b["region"] = json!(region);
                b
            }
            1 => json!({
                "type": "consultation", "urgent": false, "summary": format!("咨询 {i}"),
                "details": "d", "region": region, "department": RSJ,
                "caller": {"phone": "13912341234"}
            }),
            _ => {
                let mut b = complaint_body(rng.random_bool(0.2));
                b["region"] = json!(region);
                let causes = ["policy", "handling", "attitude"];
                b["cause"] = json!(causes[rng.random_range(0..3)]);
                b
            }
        };
        let t = app.create(body).await;
        ids.push(t["id"].as_str().unwrap().to_string());
    }
    let sup = app.supervisor();
    let op = app.operator();
    for _ in 0..steps {
        // Mostly minutes and hours, now and then days: some deadlines are met, some missed.
        match rng.random_range(0..10) {
            0..=4 => app
                .clock
                .advance(Duration::minutes(rng.random_range(1..240))),
            5 => app.clock.advance(Duration::days(rng.random_range(1..4))),
            _ => {}
        }
        let id = &ids[rng.random_range(0..ids.len())];
        let t = app.ticket(id).await;
        let dep = t["department"].as_str().unwrap_or(GAJ).to_string();
        let liaison = app.liaison(&dep);
        let no_info = t["type"] == "no_info";
        // What the ticket's state allows, mostly; one step in eight is any action at all, so
        // refusals are part of the run too.
        let allowed: &[&str] = match t["status"].as_str().unwrap() {
            _ if rng.random_bool(0.125) => &ACTIONS,
            _ if !t["extension"].is_null() => &["extend/approve", "supervise"],
            "new" => &["dispatch", "dispatch", "supervise"],
            "dispatched" => &[
                "accept",
                "accept",
                "accept",
                "return",
                "extend",
                "supervise",
            ],
            "accepted" if no_info => &["replenish", "replenish", "return", "extend", "supervise"],
            "accepted" => &["reply", "reply", "return", "extend", "supervise"],
            "returned" => &["dispatch", "return/reject"],
            "replied" if no_info => &["supervise"],
            "replied" => &["callback", "callback", "callback", "reopen"],
            "reopened" => &["dispatch"],
            _ => &["reopen"],
        };
        let action = allowed[rng.random_range(0..allowed.len())];
        let now = app.clock.now();
        let (token, body) = match action {
            "dispatch" => (
                &sup,
                json!({"department": DEPARTMENTS[rng.random_range(0..2)]}),
            ),
            "accept" => (&liaison, json!({})),
            "return" => (&liaison, json!({"reason": "不属本单位职责"})),
            "return/reject" => (&sup, json!({"reason": "属于本单位"})),
            "reply" => (&liaison, json!({"body": "已处理", "channel": "system"})),
            "replenish" => (
                &liaison,
                json!({"answer": "电话 0871-64100000", "note": "补充"}),
            ),
            "extend" => (
                &liaison,
                json!({"until": now + Duration::days(40), "reason": "需要调查"}),
            ),
            "extend/approve" => (&sup, json!({})),
            "supervise" => (&sup, json!({"note": "请加快办理"})),
            "callback" => (
                &op,
                json!({"satisfaction": SATISFACTIONS[rng.random_range(0..3)]}),
            ),
            _ => (&sup, json!({"reason": "来电人再次反映"})),
        };
        let res = app.action(id, action, token, body).await;
        // Refusals (409 for the state, 400 for an input that does not fit, 403 for another
        // department's liaison) are part of a random run; anything else is not.
        assert!(
            [200, 400, 403, 404, 409].contains(&res.status),
            "{action} on {id}: {} {}",
            res.status,
            res.body
        );
    }
}

/// One ticket through every counted step, on time, and one returned: whatever the random
/// run reaches, every kind of event the guard below checks is there.
async fn every_kind_once(app: &TestApp) {
    let sup = app.supervisor();
    let liaison = app.liaison(RSJ);
    let mut body = complaint_body(false);
    body["cause"] = json!("handling");
    let done = app.create(body).await["id"].as_str().unwrap().to_string();
    let returned = app.create(complaint_body(false)).await["id"]
        .as_str()
        .unwrap()
        .to_string();
    let until = app.clock.now() + Duration::days(40);
    let steps = [
        (&done, "dispatch", &sup, json!({"department": RSJ})),
        (&done, "accept", &liaison, json!({})),
        (&done, "supervise", &sup, json!({"note": "请加快办理"})),
        (
            &done,
            "extend",
            &liaison,
            json!({"until": until, "reason": "需要调查"}),
        ),
        (&done, "extend/approve", &sup, json!({})),
        (
            &done,
            "reply",
            &liaison,
            json!({"body": "已处理", "channel": "system"}),
        ),
        (
            &done,
            "callback",
            &app.operator(),
            json!({"satisfaction": "satisfied"}),
        ),
        (&returned, "dispatch", &sup, json!({"department": RSJ})),
        (
            &returned,
            "return",
            &liaison,
            json!({"reason": "不属本单位职责"}),
        ),
    ];
    for (id, action, token, body) in steps {
        let res = app.action(id, action, token, body).await;
        assert_eq!(res.status, 200, "{action} on {id}: {}", res.body);
    }
}

const ACTIONS: [&str; 11] = [
    "dispatch",
    "accept",
    "return",
    "return/reject",
    "reply",
    "replenish",
    "extend",
    "extend/approve",
    "supervise",
    "callback",
    "reopen",
];

fn seed() -> u64 {
    std::env::var("REPORT_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| rand::rng().random())
}

#[tokio::test]
async fn rollups_equal_the_raw_counts_and_the_report_sums_them() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let seed = seed();
    eprintln!("REPORT_SEED={seed}");
    every_kind_once(&app).await;
    random_run(&app, seed, 12, 250).await;

    let raw = raw_counts(&app).await;
    // The run reached every kind of event, so every count is checked.
    let everything = sum_where(&raw, |_, _, _| true);
    eprintln!(
        "raw totals {:?}",
        NAMES.iter().zip(everything).collect::<Vec<_>>()
    );
    for (name, n) in NAMES.iter().zip(everything).take(9) {
        assert!(n > 0, "the run made no `{name}`, seed {seed}");
    }
    assert_eq!(
        rollups(&app).await,
        raw,
        "roll-ups against raw counts, seed {seed}"
    );

    // The whole run, every department and region: the report sums the roll-ups.
    let first = raw.keys().map(|k| k.0.clone()).min().unwrap();
    let last = raw.keys().map(|k| k.0.clone()).max().unwrap();
    let sup = app.supervisor();
    let all = app
        .get(
            &format!("/api/v1/reports/departments?from={first}&to={last}"),
            &sup,
        )
        .await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert_row(
        &all.body["total"],
        &sum_where(&raw, |_, _, _| true),
        "total",
    );
    for row in all.body["departments"].as_array().unwrap() {
        let code = row["code"].as_str().unwrap();
        assert_row(row, &sum_where(&raw, |_, d, _| d == code), code);
    }
    // Regions roll up the tree: 530100 holds 530102, 530000 everything.
    let regions: BTreeMap<&str, &Value> = all.body["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap(), r))
        .collect();
    let under = |prefix: &'static str| move |_: &str, _: &str, r: &str| r.starts_with(prefix);
    assert_row(regions["530000"], &sum_where(&raw, under("53")), "530000");
    if let Some(r) = regions.get("530100") {
        assert_row(r, &sum_where(&raw, under("5301")), "530100");
    }
    if let Some(r) = regions.get("530102") {
        assert_row(r, &sum_where(&raw, under("530102")), "530102");
    }

    // Overdue now against a plain count over the tickets.
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = BigInt)]
        n: i64,
    }
    let now = app.clock.now().timestamp_millis();
    let late: N = shared::db::run(&app.state.pool, move |c| {
        Ok(diesel::sql_query(format!(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM tickets WHERE next_due_at < {now} \
             AND status IN ('dispatched', 'accepted') AND department IS NOT NULL"
        ))
        .get_result(c)
        .map_err(shared::db::DbError::from)?)
    })
    .await
    .unwrap();
    assert_eq!(all.body["total"]["overdue_now"].as_i64(), Some(late.n));

    // A region (with its sub-regions), a department, and a day range.
    let r = app
        .get(
            &format!("/api/v1/reports/departments?from={first}&to={last}&region=530100"),
            &sup,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_row(
        &r.body["total"],
        &sum_where(&raw, under("5301")),
        "region 530100",
    );
    assert!(
        r.body["regions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|x| x["code"].as_str().unwrap().starts_with("5301")),
        "{}",
        r.body["regions"]
    );
    let d = app
        .get(
            &format!("/api/v1/reports/departments?from={first}&to={last}&department={GAJ}"),
            &sup,
        )
        .await;
    assert_row(
        &d.body["total"],
        &sum_where(&raw, |_, dep, _| dep == GAJ),
        "GAJ",
    );
    assert!(d.body["departments"].as_array().unwrap().len() <= 1);
    let day = app
        .get(
            &format!("/api/v1/reports/departments?from={first}&to={first}"),
            &sup,
        )
        .await;
    assert_row(
        &day.body["total"],
        &sum_where(&raw, |d, _, _| d == first),
        "first day",
    );
    // The rates follow from the counts.
    let t = &all.body["total"];
    let rate = |n: &str, d: &str| {
        let (n, d) = (t[n].as_i64().unwrap(), t[d].as_i64().unwrap());
        (d > 0).then(|| (n as f64 / d as f64 * 10_000.0).round() / 10_000.0)
    };
    assert_eq!(
        t["accept_rate"].as_f64(),
        rate("accepted_on_time", "received")
    );
    assert_eq!(
        t["on_time_rate"].as_f64(),
        rate("replied_on_time", "replied")
    );
    assert_eq!(t["return_rate"].as_f64(), rate("returned", "received"));
    assert_eq!(t["callback_rate"].as_f64(), rate("callbacks", "replied"));
}

#[tokio::test]
async fn a_report_read_after_a_change_includes_it_and_defaults_to_this_month() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    // 2026-11-26 is the test clock's day: the default range is 2026-11-01 .. 2026-11-26.
    let before = app.get("/api/v1/reports/departments", &sup).await;
    assert_eq!(before.status, 200, "{}", before.body);
    assert_eq!(before.body["from"], "2026-11-01");
    assert_eq!(before.body["to"], "2026-11-26");
    assert_eq!(before.body["total"]["received"], 0);
    let id = app.complaint(false).await;
    app.must(&id, "dispatch", &sup, json!({"department": GAJ}))
        .await;
    app.must(&id, "accept", &app.liaison(GAJ), json!({})).await;
    let after = app.get("/api/v1/reports/departments", &sup).await;
    let gaj = &after.body["departments"][0];
    assert_eq!(gaj["code"], GAJ);
    assert_eq!(gaj["received"], 1);
    assert_eq!(gaj["accepted_on_time"], 1);
    assert_eq!(gaj["accept_rate"], 1.0);
    assert_eq!(gaj["complaints_handling"], 1);
    assert_eq!(gaj["overdue_now"], 0);
    // Two weeks on it is overdue, whatever range is asked for.
    app.clock.advance(Duration::days(30));
    let late = app
        .get(
            "/api/v1/reports/departments?from=2026-01-01&to=2026-01-31",
            &sup,
        )
        .await;
    assert_eq!(late.body["total"]["received"], 0);
    assert_eq!(late.body["total"]["overdue_now"], 1);
}

#[tokio::test]
async fn downloads_have_chinese_headers_and_are_audited() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    let id = app.complaint(false).await;
    app.must(&id, "dispatch", &sup, json!({"department": GAJ}))
        .await;

    let csv = app
        .client
        .get(format!(
            "{}/api/v1/reports/departments?format=csv&from=2026-11-01&to=2026-11-30",
            app.base
        ))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = csv.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\"departments-2026-11-01-2026-11-30.csv\""),
        "{disposition}"
    );
    let bytes = csv.bytes().await.unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "a byte-order mark for Excel"
    );
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    assert!(
        header.starts_with("部门编码,名称,派单数,签收数,按时签收数,签收率,退单数"),
        "{header}"
    );
    // Names as the knowledge service tells them (the stand-in names GAJ "部门 530100-gaj").
    assert!(
        text.contains(&format!("{GAJ},部门 {GAJ},1,0,0,0.0%")),
        "{text}"
    );
    assert!(text.contains("合计,,1,"), "{text}");

    let xlsx = app
        .client
        .get(format!(
            "{}/api/v1/reports/departments?format=xlsx&region=530100",
            app.base
        ))
        .bearer_auth(&sup)
        .send()
        .await
        .unwrap();
    assert_eq!(xlsx.status(), 200);
    assert_eq!(
        xlsx.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        xlsx.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .contains(".xlsx")
    );
    let bytes = xlsx.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "an xlsx is a zip");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut strings = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut strings)
        .unwrap();
    for word in [
        "部门编码",
        "名称",
        "派单数",
        "按时办结率",
        "满意率",
        "C类投诉(态度)",
        GAJ,
    ] {
        assert!(strings.contains(word), "{word} in {strings}");
    }
    let mut sheet = String::new();
    zip.by_name("xl/worksheets/sheet1.xml")
        .unwrap()
        .read_to_string(&mut sheet)
        .unwrap();
    assert!(sheet.contains("<v>1</v>"), "{sheet}");

    // Each download is one audit event, through the outbox; the JSON is not.
    app.get("/api/v1/reports/departments", &sup).await;
    let audits: Vec<Value> = eventually(10, "two audit events", || async {
        let found: Vec<Value> = peer
            .calls()
            .into_iter()
            .filter(|c| c.path == "/api/v1/audit")
            .map(|c| c.body)
            .collect();
        (found.len() >= 2).then_some(found)
    })
    .await;
    assert_eq!(audits.len(), 2, "{audits:?}");
    for (a, format) in audits.iter().zip(["csv", "xlsx"]) {
        assert_eq!(a["action"], "export");
        assert_eq!(a["actor"], "sup1");
        assert_eq!(a["details"]["report"], "departments");
        assert_eq!(a["details"]["format"], format);
    }
    assert_eq!(audits[1]["details"]["region"], "530100");
}

#[tokio::test]
async fn bad_filters_are_400_naming_the_field_and_only_supervisors_read() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    for (query, field) in [
        ("from=2026-13-01", "`from`"),
        ("to=yesterday", "`to`"),
        ("from=2026-11-20&to=2026-11-01", "`from`"),
        ("from=2024-01-01&to=2026-11-01", "366"),
        ("region=5301", "`region`"),
        ("region=53010x", "`region`"),
        ("department=..%2Fx", "`department`"),
        ("format=docx", "`format`"),
        ("regions=530100", "regions"),
    ] {
        let res = app
            .get(&format!("/api/v1/reports/departments?{query}"), &sup)
            .await;
        res.assert_problem(400, "bad_request");
        let detail = res.body["detail"].as_str().unwrap_or_default();
        assert!(detail.contains(field), "{query}: {detail}");
    }
    for token in [app.operator(), app.liaison(GAJ), app.admin()] {
        app.get("/api/v1/reports/departments", &token)
            .await
            .assert_problem(403, "");
        app.get("/api/v1/reports/departments?format=xlsx", &token)
            .await
            .assert_problem(403, "");
    }
    // An empty field (a blank form input) means "any".
    let blank = app
        .get(
            "/api/v1/reports/departments?from=&to=&region=&department=&format=",
            &sup,
        )
        .await;
    assert_eq!(blank.status, 200, "{}", blank.body);
}

#[tokio::test]
async fn the_monthly_report_is_a_pdf_with_the_figures() {
    let peer = Peer::start().await;
    let app = spawn_app(&peer.url).await;
    let sup = app.supervisor();
    let liaison = app.liaison(GAJ);
    for i in 0..3 {
        let id = app.complaint(false).await;
        app.must(&id, "dispatch", &sup, json!({"department": GAJ}))
            .await;
        if i < 2 {
            app.must(&id, "accept", &liaison, json!({})).await;
            let reply = json!({"body": "已处理", "channel": "system"});
            app.must(&id, "reply", &liaison, reply).await;
        }
    }
    let path = "/api/v1/reports/departments?format=pdf&from=2026-11-01&to=2026-11-30";
    let (headers, bytes) = app.download(path, &sup).await;
    assert_eq!(headers["content-type"], "application/pdf");
    let disposition = headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.contains("departments-2026-11-01-2026-11-30.pdf"),
        "{disposition}"
    );
    assert!(bytes.starts_with(b"%PDF"));
    let squeezed = pdf_words(&bytes);
    for want in [
        "部门考核月报（2026年11月）",
        "统计期间：2026-11-01 至 2026-11-30",
        "派单数 3",
        "按时办结率 100.0%",
        "各部门按时办结率",
        "每日派单与办结",
        // The department's row: its name (from knowledge), 3 dispatched, 2 of 3 accepted on time.
        &format!("部门 {GAJ} 3 66.7% 100.0% 0.0%"),
        "合计 3",
        "第1/1页",
    ] {
        assert!(squeezed.contains(want), "{want:?} in {squeezed}");
    }
}
