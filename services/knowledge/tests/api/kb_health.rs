//! The knowledge base health report's two parts at knowledge (issue 19): the searches counted
//! per China day and region reach the outbox as messages of counts for tickets, and
//! `GET /api/v1/reports/kb-health-now` counts the open unanswered queries and the entries not
//! reviewed for a while, by region and department.

use diesel::RunQueryDsl;
use diesel::sql_types::Text;
use serde_json::Value;
use shared::auth::Role;
use shared::contract::tickets::SearchCounts;
use testkit::eventually;

use crate::helpers::*;

#[derive(diesel::QueryableByName)]
struct Entry {
    #[diesel(sql_type = Text)]
    code: String,
    #[diesel(sql_type = Text)]
    department: String,
    #[diesel(sql_type = Text)]
    region: String,
}

#[tokio::test]
async fn searches_are_counted_for_tickets_and_the_state_now_is_counted_by_region() {
    let app = TestApp::spawn_with(Options {
        extra: vec![("knowledge_search_counts_interval_ms".into(), "50".into())],
        ..Options::default()
    })
    .await;
    let op = app.token(Role::Operator);
    let mut confident = Vec::new();
    for (q, region) in [
        ("昆明市人社局", "&region=530100"),
        ("火星移民签证", "&region=530100"),
        ("火星移民签证", ""),
    ] {
        let res = json(
            app.get(&format!("/api/v1/search?q={q}{region}"), Some(&op))
                .await,
            200,
        )
        .await;
        confident.push(res["confident"] == true);
    }
    assert_eq!(confident, [true, false, false]);
    // The counts go to the outbox as messages for tickets; summed, they are the searches.
    let counted = || {
        let messages = app.with_conn(knowledge::db::outbox::all).unwrap();
        let mut sum: Vec<(String, i64, i64)> = Vec::new();
        for m in messages.iter().filter(|m| m.path == SearchCounts::PATH) {
            assert_eq!(m.target, "tickets");
            assert!(m.idempotency_key.starts_with("search-counts-"));
            let counts: SearchCounts = serde_json::from_str(&m.body).unwrap();
            assert_eq!(
                counts.key, m.idempotency_key,
                "one key: the header's and the body's"
            );
            for c in counts.counts {
                match sum.iter_mut().find(|(r, _, _)| *r == c.region) {
                    Some(e) => {
                        e.1 += c.searches;
                        e.2 += c.unconfident;
                    }
                    None => sum.push((c.region, c.searches, c.unconfident)),
                }
            }
        }
        sum.sort();
        sum
    };
    eventually(5, "the search counts in the outbox", || async {
        counted() == [(String::new(), 1, 1), ("530100".to_string(), 2, 1)]
    })
    .await;

    let sup = app.token(Role::Supervisor);
    let now = |q: &'static str| {
        let (app, sup) = (&app, sup.clone());
        async move {
            json(
                app.get(&format!("/api/v1/reports/kb-health-now?{q}"), Some(&sup))
                    .await,
                200,
            )
            .await
        }
    };
    // The unconfident query is recorded by the search's own flush, with its last region.
    eventually(5, "the unanswered query recorded", || async {
        now("").await["open_unanswered"] == 1
    })
    .await;
    let none = now("region=530300").await;
    assert_eq!(none["open_unanswered"], 0, "{none}");

    // An entry last changed long ago is not reviewed for 12 months; others are fresh.
    let fresh = now("").await;
    assert_eq!(
        (fresh["stale_entries"].as_i64(), fresh["months"].as_i64()),
        (Some(0), Some(12))
    );
    let entry = app.with_conn(|c| {
        let e: Vec<Entry> = diesel::sql_query(
            "SELECT f.code, f.department, d.region FROM faqs f \
             JOIN departments d ON d.code = f.department \
             WHERE f.status = 'published' ORDER BY f.code LIMIT 1",
        )
        .load(c)
        .unwrap();
        let code = &e[0].code;
        diesel::sql_query(format!(
            "UPDATE faqs SET updated_at = 0 WHERE code = '{code}'"
        ))
        .execute(c)
        .unwrap();
        e.into_iter().next().unwrap()
    });
    let stale = now("months=1").await;
    assert_eq!(stale["stale_entries"], 1, "{stale}");
    let region = &entry.region;
    let mine: Value = json(
        app.get(
            &format!(
                "/api/v1/reports/kb-health-now?region={region}&department={}",
                entry.department
            ),
            Some(&sup),
        )
        .await,
        200,
    )
    .await;
    assert_eq!(mine["stale_entries"], 1, "{mine}");
    let other = now("department=530300-zfb").await;
    assert_eq!(other["stale_entries"], 0, "{other}");

    problem(
        app.get("/api/v1/reports/kb-health-now?months=0", Some(&sup))
            .await,
        400,
    )
    .await;
    problem(
        app.get("/api/v1/reports/kb-health-now?region=a%20b", Some(&sup))
            .await,
        400,
    )
    .await;
    problem(
        app.get("/api/v1/reports/kb-health-now", Some(&op)).await,
        403,
    )
    .await;
}
