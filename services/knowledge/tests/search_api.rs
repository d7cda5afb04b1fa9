//! The operator search over HTTP: ranking rules, region filter, merged agencies, pinyin,
//! homophones, the synonym API, the unanswered report, freshness across replicas, and bad
//! input. Each test starts the service on a fresh database (SQLite, or PostgreSQL with
//! `HOTLINE_TEST_DATABASE_URL`) imported from a slice of the reference data.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::{Config, Secret};
use shared::settings::ServiceSettings;
use testkit::{TempDir, TestDatabase};

const SECRET: &str = "test-secret-test-secret-test-secret-0123";
/// Regions whose departments and FAQ entries the tests import (with every region).
const REGIONS: &[&str] = &[
    "530000", "530100", "530102", "530103", "530104", "532900", "532902",
];

fn reference() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb")
}

/// A slice of the reference data in `dir`: all regions, the departments (active and merged)
/// of [`REGIONS`], their liaisons and FAQ entries.
fn write_slice(dir: &Path) {
    let read = |name: &str| -> Vec<Value> {
        std::fs::read_to_string(reference().join(name))
            .unwrap()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let write = |name: &str, rows: &[Value]| {
        let body: String = rows.iter().map(|r| format!("{r}\n")).collect();
        std::fs::write(dir.join(name), body).unwrap();
    };
    write("regions.jsonl", &read("regions.jsonl"));
    let depts: Vec<Value> = read("departments.jsonl")
        .into_iter()
        .filter(|d| REGIONS.contains(&d["region"].as_str().unwrap()))
        .collect();
    let codes: HashSet<String> = depts
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_string())
        .collect();
    let mine = |rows: Vec<Value>| -> Vec<Value> {
        rows.into_iter()
            .filter(|r| codes.contains(r["department"].as_str().unwrap()))
            .collect()
    };
    write("departments.jsonl", &depts);
    write("liaisons.jsonl", &mine(read("liaisons.jsonl")));
    write("faqs.jsonl", &mine(read("faqs.jsonl")));
}

struct Service {
    base: String,
    client: Client,
    keys: JwtKeys,
}

impl Service {
    fn token(&self, role: Role) -> String {
        let dept = (role == Role::Liaison).then_some("530100-rsj");
        self.keys
            .issue("tester", role, dept, &ALL_AUDIENCES, 600)
            .unwrap()
    }

    async fn get(&self, role: Role, path: &str) -> (StatusCode, Value) {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .bearer_auth(self.token(role))
            .send()
            .await
            .unwrap();
        let status = res.status();
        if status.is_client_error() {
            assert_eq!(
                res.headers()["content-type"],
                "application/problem+json",
                "{path}"
            );
        }
        let body = res.json().await.unwrap_or(Value::Null);
        (status, body)
    }

    async fn search(&self, q: &str, region: Option<&str>) -> Value {
        let mut url = reqwest::Url::parse(&format!("{}/api/v1/search", self.base)).unwrap();
        url.query_pairs_mut().append_pair("q", q);
        if let Some(r) = region {
            url.query_pairs_mut().append_pair("region", r);
        }
        let res = self
            .client
            .get(url)
            .bearer_auth(self.token(Role::Operator))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "{q}");
        res.json().await.unwrap()
    }

    async fn send(
        &self,
        method: reqwest::Method,
        role: Role,
        path: &str,
        body: Value,
    ) -> (StatusCode, Value) {
        let res = self
            .client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(self.token(role))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

fn codes(res: &Value) -> Vec<String> {
    res["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap().to_string())
        .collect()
}

/// The code of the first hit for `q`, if any.
async fn first_code(s: &Service, q: &str) -> Option<String> {
    codes(&s.search(q, None).await).into_iter().next()
}

async fn start(db_url: &str, kb: &Path, data: &Path) -> Service {
    let config = Config::from_pairs([
        ("jwt_secret", SECRET),
        ("knowledge_database_url", db_url),
        ("knowledge_port", "0"),
        ("data_dir", data.to_str().unwrap()),
        ("knowledge_import_dir", kb.to_str().unwrap()),
        ("tickets_url", "http://127.0.0.1:9"),
    ]);
    let settings = ServiceSettings::from_config("knowledge", &config).unwrap();
    let app = knowledge::Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    Service {
        base,
        client: Client::new(),
        keys: JwtKeys::new(&Secret::new(SECRET), "knowledge").unwrap(),
    }
}

struct Fixture {
    svc: Service,
    db: TestDatabase,
    kb: TempDir,
    _data: TempDir,
}

async fn fixture() -> Fixture {
    let db = TestDatabase::new("knowledge").unwrap();
    let kb = TempDir::new("kb-slice").unwrap();
    write_slice(kb.path());
    let data = TempDir::new("kn").unwrap();
    let svc = start(&db.url, kb.path(), data.path()).await;
    Fixture {
        svc,
        db,
        kb,
        _data: data,
    }
}

/// Polls `check` until it holds or `within` has passed; returns the time it took.
async fn eventually<F, Fut>(within: Duration, mut check: F) -> Option<Duration>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let t0 = Instant::now();
    loop {
        if check().await {
            return Some(t0.elapsed());
        }
        if t0.elapsed() > within {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn department_named_ranks_first_and_question_ranks_its_faq_first() {
    let f = fixture().await;
    let res = f.svc.search("昆明市人社局", None).await;
    let first = &res["items"][0];
    assert_eq!(first["code"], "530100-rsj", "{res}");
    assert_eq!(first["kind"], "department");
    assert_eq!(first["department"]["status"], "active");
    assert!(!first["department"]["phones"].as_array().unwrap().is_empty());
    assert_eq!(res["confident"], true);
    assert!(res["took_ms"].is_number());

    let res = f.svc.search("五华区身份证丢了怎么补办？", None).await;
    let first = &res["items"][0];
    assert_eq!(first["code"], "530102-gaj-1", "{res}");
    assert_eq!(first["kind"], "faq");
    assert_eq!(first["department"]["code"], "530102-gaj");
    assert!(
        first["snippet"].as_str().unwrap().contains("<em>"),
        "{first}"
    );
    // The department itself comes after its FAQ entry.
    let c = codes(&res);
    let dept = c.iter().position(|x| x == "530102-gaj");
    assert!(dept.is_none_or(|p| p > 0));

    // Spoken filler, full-width forms and the ideographic space change nothing.
    let res = f
        .svc
        .search("我想问一下　五华区ＳＨＥＮ 身份证丢了怎么补办是多少", None)
        .await;
    assert_eq!(codes(&res)[0], "530102-gaj-1", "{res}");
}

#[tokio::test]
async fn region_filter_narrows_to_the_region_and_ranks_it_first() {
    let f = fixture().await;
    let res = f.svc.search("公安局", Some("530100")).await;
    let c = codes(&res);
    assert_eq!(c[0], "530100-gaj", "{res}");
    assert!(
        c.iter().all(|x| x.starts_with("5301")),
        "only 昆明 and its counties: {c:?}"
    );
    let res = f.svc.search("公安局", Some("530102")).await;
    assert!(codes(&res).iter().all(|x| x.starts_with("530102")), "{res}");
    // An unknown region is a 400 problem, never a 500.
    let (status, body) = f
        .svc
        .get(
            Role::Operator,
            "/api/v1/search?q=%E5%85%AC%E5%AE%89&region=999999",
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

#[tokio::test]
async fn merged_agency_answers_with_its_successor() {
    let f = fixture().await;
    let res = f.svc.search("昆明市工商行政管理局", None).await;
    let c = codes(&res);
    assert_eq!(c[0], "530100-scj", "{res}");
    assert!(!c.iter().any(|x| x.contains("-old-")), "{c:?}");
    assert!(
        res["items"][0]["snippet"]
            .as_str()
            .unwrap()
            .contains("并入")
    );
    let res = f.svc.search("大理州食品药品监督管理局", None).await;
    assert_eq!(codes(&res)[0], "532900-scj", "{res}");
}

#[tokio::test]
async fn pinyin_initials_and_homophone_typos_find_the_department() {
    let f = fixture().await;
    assert_eq!(codes(&f.svc.search("kmsrsj", None).await)[0], "530100-rsj");
    assert_eq!(codes(&f.svc.search("KMSRSJ", None).await)[0], "530100-rsj");
    assert_eq!(codes(&f.svc.search("dlsgaj", None).await)[0], "532902-gaj");
    assert_eq!(
        codes(&f.svc.search("gaj", Some("530102")).await)[0],
        "530102-gaj"
    );
    let res = f.svc.search("盘龙区市场监督管里局", None).await;
    assert_eq!(codes(&res)[0], "530103-scj", "{res}");
    assert_eq!(res["confident"], true);
}

#[tokio::test]
async fn synonyms_are_data_editors_change_through_the_api() {
    let f = fixture().await;
    let s = &f.svc;
    // Seeded everyday words work.
    assert_eq!(
        codes(&s.search("官渡区 驾照过期了怎么办", None).await)[0],
        "530104-cgs-1"
    );
    let (status, list) = s.get(Role::Operator, "/api/v1/search/synonyms").await;
    assert_eq!(status, 200);
    assert!(list.as_array().unwrap().iter().any(|x| x["term"] == "驾照"));

    let path = "/api/v1/search/synonyms";
    // A word nothing in the knowledge base or the seed resembles (小红本 shares 红本 with
    // the seed's 红本本, which the topic classifier learns from).
    let new = json!({"term": "鸳鸯证", "replacement": "结婚证"});
    let (status, _) = s
        .send(reqwest::Method::POST, Role::Operator, path, new.clone())
        .await;
    assert_eq!(status, 403);
    let (status, _) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            path,
            json!({"term": "x", "replacement": "y", "extra": 1}),
        )
        .await;
    assert_eq!(status, 400);
    let (status, _) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            path,
            json!({"term": " ", "replacement": "y"}),
        )
        .await;
    assert_eq!(status, 400);

    let query = "五华区 鸳鸯证丢了怎么补办";
    assert_ne!(
        codes(&s.search(query, None).await)
            .first()
            .map(String::as_str),
        Some("530102-hydj-3")
    );
    let (status, created) = s
        .send(reqwest::Method::POST, Role::KbEditor, path, new.clone())
        .await;
    assert_eq!(status, 201, "{created}");
    let (status, _) = s.send(reqwest::Method::POST, Role::Admin, path, new).await;
    assert_eq!(status, 409);
    let took = eventually(Duration::from_secs(1), || async move {
        first_code(s, query).await.as_deref() == Some("530102-hydj-3")
    })
    .await;
    assert!(took.is_some(), "a new synonym is used within a second");

    let id = created["id"].as_i64().unwrap();
    let del = format!("{path}/{id}");
    let (status, _) = s
        .send(reqwest::Method::DELETE, Role::Operator, &del, Value::Null)
        .await;
    assert_eq!(status, 403);
    let (status, _) = s
        .send(reqwest::Method::DELETE, Role::KbEditor, &del, Value::Null)
        .await;
    assert_eq!(status, 204);
    let (status, _) = s
        .send(reqwest::Method::DELETE, Role::KbEditor, &del, Value::Null)
        .await;
    assert_eq!(status, 404);
    let took = eventually(Duration::from_secs(1), || async move {
        first_code(s, query).await.as_deref() != Some("530102-hydj-3")
    })
    .await;
    assert!(
        took.is_some(),
        "a deleted synonym stops working within a second"
    );
}

/// A department whose kind asks no question (林草局) is listed with the questions, by its
/// kind, with its built-in phrasings; an editor may teach it a phrasing. A kind whose
/// departments ask questions is known by them, not by its kind.
#[tokio::test]
async fn phrasings_of_a_department_that_asks_no_question() {
    let f = fixture().await;
    let s = &f.svc;
    let path = "/api/v1/search/phrasings";
    let (_, table) = s.get(Role::Operator, path).await;
    let lcj = table
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["label"] == "lcj")
        .unwrap();
    assert_eq!(lcj["question"], "林业和草原局（部门）", "{lcj}");
    assert!(lcj["phrasings"].as_array().unwrap().len() >= 10, "{lcj}");
    assert!(
        table
            .as_array()
            .unwrap()
            .iter()
            .all(|q| q["label"] != "rsj"),
        "人社局 is known by its questions"
    );
    let (status, created) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            path,
            json!({"label": "lcj", "phrasing": "山上的老树倒了压着我家的房子想锯掉要不要批"}),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    let (status, body) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            path,
            json!({"label": "rsj", "phrasing": "老板欠了三个月工资不给"}),
        )
        .await;
    assert_eq!(status, 400, "{body}");
}

/// The phrasings table: an editor teaches the search how callers voice a question, in words
/// no entry, synonym or built-in phrasing has, and the next caller's story is answered by it;
/// bad input is a 4xx that changes nothing.
#[tokio::test]
async fn phrasings_editors_add_teach_the_search_within_a_second() {
    let f = fixture().await;
    let s = &f.svc;
    let (status, table) = s.get(Role::Operator, "/api/v1/search/phrasings").await;
    assert_eq!(status, 200);
    let questions = table.as_array().unwrap();
    let hydj3 = questions.iter().find(|q| q["label"] == "hydj-3").unwrap();
    assert!(
        hydj3["question"].as_str().unwrap().contains("结婚证"),
        "{hydj3}"
    );
    assert!(hydj3["phrasings"].as_array().unwrap().len() >= 10);
    assert!(
        hydj3["phrasings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["built_in"] == true && p["id"].is_null())
    );

    // 鸾凤帖 and 耗子 are words nothing knows.
    let story = "五华区 家里那张鸾凤帖被耗子啃得稀烂现在要咋个整";
    let before = s.search(story, None).await;
    assert_ne!(
        codes(&before).first().map(String::as_str),
        Some("530102-hydj-3"),
        "{before}"
    );

    let path = "/api/v1/search/phrasings";
    let new = json!({"label": "hydj-3", "phrasing": "家里的鸾凤帖被耗子啃烂了要去哪里重新办"});
    let post = |role: Role, body: Value| async move {
        s.send(reqwest::Method::POST, role, path, body).await
    };
    assert_eq!(post(Role::Operator, new.clone()).await.0, 403);
    for (bad, why) in [
        (
            json!({"label": "hydj-99", "phrasing": "鸾凤帖被耗子啃烂了"}),
            "no such question",
        ),
        (
            json!({"label": "hydj-3", "phrasing": "鸾凤帖"}),
            "too short",
        ),
        (
            json!({"label": "hydj-3", "phrasing": "昆明的鸾凤帖被耗子啃烂了"}),
            "a region",
        ),
        (json!({"label": "hydj-3", "phrasing": " "}), "empty"),
        (
            json!({"label": "hydj-3", "phrasing": "鸾凤帖被耗子啃烂了", "x": 1}),
            "unknown field",
        ),
    ] {
        let (status, body) = post(Role::KbEditor, bad).await;
        assert_eq!(status, 400, "{why}: {body}");
        assert!(body["detail"].is_string(), "{why}: {body}");
    }
    let built_in = hydj3["phrasings"][0]["phrasing"].clone();
    let (status, _) = post(
        Role::KbEditor,
        json!({"label": "hydj-3", "phrasing": built_in}),
    )
    .await;
    assert_eq!(status, 409, "a built-in phrasing again");
    let (_, table) = s.get(Role::Operator, path).await;
    assert!(
        table.as_array().unwrap().iter().all(|q| q["phrasings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["built_in"] == true)),
        "the rejected requests added nothing"
    );

    let (status, created) = post(Role::KbEditor, new.clone()).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["label"], "hydj-3");
    assert_eq!(
        post(Role::Admin, new).await.0,
        409,
        "the same phrasing twice"
    );
    let took = eventually(Duration::from_secs(1), || async move {
        let res = s.search(story, None).await;
        codes(&res).first().map(String::as_str) == Some("530102-hydj-3") && res["confident"] == true
    })
    .await;
    assert!(took.is_some(), "the phrasing is learnt within a second");
    let (_, table) = s.get(Role::Operator, path).await;
    let mine: Vec<&Value> = table
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|q| q["phrasings"].as_array().unwrap())
        .filter(|p| p["built_in"] == false)
        .collect();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0]["id"], created["id"]);

    // Deleted, it is forgotten; a second delete finds nothing.
    let del = format!("{path}/{}", created["id"]);
    let (status, _) = s
        .send(reqwest::Method::DELETE, Role::KbEditor, &del, Value::Null)
        .await;
    assert_eq!(status, 204);
    let took = eventually(Duration::from_secs(1), || async move {
        first_code(s, story).await.as_deref() != Some("530102-hydj-3")
    })
    .await;
    assert!(
        took.is_some(),
        "a deleted phrasing is forgotten within a second"
    );
    let (status, _) = s
        .send(reqwest::Method::DELETE, Role::KbEditor, &del, Value::Null)
        .await;
    assert_eq!(status, 404);

    // An editor's phrasing whose question the knowledge base no longer asks is still listed,
    // to be deleted.
    sql(
        &f.db.url,
        "INSERT INTO search_phrasings (label, phrasing, created_at, created_by) \
         VALUES ('zz-9', '一个已经撤掉的问题的说法', 0, 'editor')",
    )
    .unwrap();
    let (_, table) = s.get(Role::Operator, path).await;
    let gone = table
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["label"] == "zz-9")
        .unwrap();
    assert_eq!(gone["question"], "（知识库已无此问题）", "{gone}");
    let del = format!("{path}/{}", gone["phrasings"][0]["id"]);
    let (status, _) = s
        .send(reqwest::Method::DELETE, Role::KbEditor, &del, Value::Null)
        .await;
    assert_eq!(status, 204);
}

#[tokio::test]
async fn unanswered_queries_are_reported_most_frequent_first_until_answered() {
    let f = fixture().await;
    let s = &f.svc;
    for q in [
        "昆明市 比特币挖矿",
        "昆明市，比特币挖矿！",
        "火星移民签证",
        "昆明市",
    ] {
        let res = s.search(q, None).await;
        assert_eq!(res["confident"], false, "{q}: {res}");
    }
    assert_eq!(s.search("昆明市人社局", None).await["confident"], true);
    let path = "/api/v1/reports/unanswered";
    let (status, _) = s.get(Role::Operator, path).await;
    assert_eq!(status, 403);
    let t0 = Instant::now();
    let report = loop {
        let (status, body) = s.get(Role::Supervisor, path).await;
        assert_eq!(status, 200);
        if body["total"] == 3 || t0.elapsed() > Duration::from_secs(3) {
            break body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(report["total"], 3, "{report}");
    let items = report["items"].as_array().unwrap();
    // Normalised: the two spellings are one query, asked twice.
    assert_eq!(items[0]["query"], "昆明市 比特币挖矿");
    assert_eq!(items[0]["times"], 2);
    assert!(
        items[0]["first_asked_at"].as_str().unwrap() <= items[0]["last_asked_at"].as_str().unwrap()
    );
    assert!(
        items.iter().any(|i| i["query"] == "昆明市"),
        "a region alone is no answer"
    );
    assert!(!items.iter().any(|i| i["query"] == "昆明市人社局"));
    let (status, page) = s
        .get(Role::KbEditor, &format!("{path}?per_page=1&page=2"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let (status, _) = s.get(Role::Admin, &format!("{path}?per_page=1000")).await;
    assert_eq!(status, 400);

    // The knowledge base learns the word; the same query is now answered and leaves the list.
    let (status, _) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            "/api/v1/search/synonyms",
            json!({"term": "火星移民签证", "replacement": "护照"}),
        )
        .await;
    assert_eq!(status, 201);
    let answered = eventually(Duration::from_secs(3), || async move {
        if s.search("火星移民签证", None).await["confident"] != true {
            return false;
        }
        let (_, body) = s
            .get(Role::Supervisor, &format!("{path}?status=answered"))
            .await;
        body["items"].as_array().is_some_and(|a| {
            a.iter()
                .any(|i| i["query"] == "火星移民签证" && i["answered_at"].is_string())
        })
    })
    .await;
    assert!(answered.is_some());
    let (_, open) = s.get(Role::Supervisor, path).await;
    assert_eq!(open["total"], 2, "{open}");
}

#[tokio::test]
async fn changes_reach_every_replica_within_a_second() {
    let f = fixture().await;
    // A second replica on the same database (it finds the data imported and skips import).
    let data2 = TempDir::new("kn2").unwrap();
    let replica = start(&f.db.url, f.kb.path(), data2.path()).await;
    let s = &f.svc;
    let replica = &replica;
    let query = "五华区 无人机飞行报备";
    assert_eq!(replica.search(query, None).await["confident"], false);

    let (status, faq) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            "/api/v1/faqs",
            json!({"department": "530102-gaj", "question": "五华区无人机飞行报备怎么办理?",
                   "answer": "通过综合监管平台在线报备。", "authorized": true, "status": "pending"}),
        )
        .await;
    assert_eq!(status, 201, "{faq}");
    let code = faq["code"].as_str().unwrap().to_string();
    let code = &code;
    // Not published yet: not found.
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert!(!codes(&replica.search(query, None).await).contains(code));
    let (status, body) = s
        .send(
            reqwest::Method::PATCH,
            Role::KbEditor,
            &format!("/api/v1/faqs/{code}"),
            json!({"status": "published"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for svc in [s, replica] {
        let took = eventually(Duration::from_secs(1), || async move {
            codes(&svc.search(query, None).await).first() == Some(code)
        })
        .await;
        assert!(
            took.is_some(),
            "published FAQ found on every replica within a second"
        );
    }
    // A department's new phone shows in its hits on the other replica.
    let (status, body) = s
        .send(
            reqwest::Method::PATCH,
            Role::KbEditor,
            "/api/v1/departments/530102-gaj",
            json!({"phones": [{"label": "值班", "number": "0871-99999999"}]}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let took = eventually(Duration::from_secs(1), || async move {
        let res = replica.search("五华区公安局", None).await;
        res["items"][0]["department"]["phones"][0]["number"] == "0871-99999999"
    })
    .await;
    assert!(
        took.is_some(),
        "department change visible on the other replica within a second"
    );
    // Its FAQ entries, written again from the database, show it too, with their answers;
    // the one added above among them.
    assert_eq!(
        codes(&replica.search(query, None).await).first(),
        Some(code)
    );
    let res = replica.search("五华区身份证丢了怎么补办", None).await;
    let hit = res["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["code"] == "530102-gaj-1")
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        hit["department"]["phones"][0]["number"], "0871-99999999",
        "{res}"
    );
    assert!(
        hit["snippet"].as_str().unwrap_or("").contains("户口簿"),
        "{hit}"
    );
}

#[tokio::test]
async fn bad_queries_are_400_problems_or_empty_never_500() {
    let f = fixture().await;
    let s = &f.svc;
    let long_q = format!("/api/v1/search?q={}", "a".repeat(10_000));
    let long_zh = format!("/api/v1/search?q={}", "%E6%9F%A5".repeat(3_000));
    for path in [
        "/api/v1/search",
        "/api/v1/search?q=",
        "/api/v1/search?q=%20%20",
        long_q.as_str(),
        long_zh.as_str(),
        "/api/v1/search?q=%E5%85%AC%E5%AE%89%00%07",
        "/api/v1/search?q=%E5%85%AC%E5%AE%89&limit=0",
        "/api/v1/search?q=%E5%85%AC%E5%AE%89&limit=100000",
        "/api/v1/search?q=%E5%85%AC%E5%AE%89&limit=-1",
        "/api/v1/search?q=%E5%85%AC%E5%AE%89&limit=abc",
        "/api/v1/search?q=%E5%85%AC%E5%AE%89&region=%27%3B%20drop",
    ] {
        let (status, body) = s.get(Role::Operator, path).await;
        // A URI past 8 kB is refused before the search reads it (414, issue 16).
        let expected = if path.len() > shared::web::MAX_URI_BYTES {
            414
        } else {
            400
        };
        assert_eq!(status, expected, "{path}: {body}");
        assert!(body["code"].is_string(), "{path}: {body}");
    }
    // Invalid UTF-8 (decoded as replacement characters), punctuation only, or nothing the
    // knowledge base knows: an empty or unconfident answer.
    let (status, body) = s.get(Role::Operator, "/api/v1/search?q=%FF%FE").await;
    assert_eq!(status, 200);
    assert_eq!(body["confident"], false);
    for q in ["？？？", "!!!", "<script>", "的了吗"] {
        let res = s.search(q, None).await;
        assert_eq!(res["confident"], false, "{q}");
    }
    let res = s.search("<b>五华区</b> 公安局", None).await;
    for item in res["items"].as_array().unwrap() {
        assert!(!item["snippet"].as_str().unwrap().contains("<b>"));
    }
    let res = s.search("公安局", None).await;
    assert!(res["items"].as_array().unwrap().len() <= 10);
    let (status, body) = s
        .get(
            Role::Operator,
            "/api/v1/search?q=%E5%85%AC%E5%AE%89&limit=50",
        )
        .await;
    assert_eq!(status, 200);
    assert!(body["items"].as_array().unwrap().len() <= 50);
    let res = s
        .client
        .get(format!("{}/api/v1/search?q=x", s.base))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

/// An agency the knowledge base lacks is not "found" through generic words (管理局, 电话) or
/// a place name that only addresses contain (滇池路): the answer is not confident and the
/// query is reported; once an editor adds the agency, the same query finds it confidently.
#[tokio::test]
async fn an_agency_the_data_lacks_is_unanswered_until_an_editor_adds_it() {
    let f = fixture().await;
    let s = &f.svc;
    let query = "昆明市滇池管理局电话";
    for q in [
        query,
        "滇池管理局",
        "昆明市滇池管理局",
        // Unseen agencies of the same kind: a lake authority, a made-up bureau.
        "大理州洱海管理局",
        "五华区量子科技局电话",
        "滇池管理局投诉电话",
    ] {
        let res = s.search(q, None).await;
        assert_eq!(res["confident"], false, "{q}: {res}");
        assert!(
            !res["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|h| h["title"].as_str().unwrap().contains("滇池管理局")),
            "{q}: {res}"
        );
    }
    // What the data has is still answered confidently.
    for q in [
        "昆明市应急管理局",
        "五华区科技局电话",
        "五华区市场监督管理局",
    ] {
        assert_eq!(s.search(q, None).await["confident"], true, "{q}");
    }
    let path = "/api/v1/reports/unanswered?per_page=100";
    let recorded = eventually(Duration::from_secs(3), || async move {
        let (_, body) = s.get(Role::Supervisor, path).await;
        body["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|i| i["query"] == query))
    })
    .await;
    assert!(recorded.is_some(), "{query} is in the unanswered report");

    let dept = json!({
        "code": "530100-dcglj", "region": "530100", "kind": "dcglj", "name": "昆明市滇池管理局",
        "aliases": [], "phones": [{"label": "办公室", "number": "0871-63112345"}],
        "fax": null, "address": "昆明市西山区滇池路1号", "directions": null,
        "service_locations": [], "hours": null, "status": "active"
    });
    let (status, body) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            "/api/v1/departments",
            dept,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let found = eventually(Duration::from_secs(2), || async move {
        let res = s.search(query, None).await;
        res["confident"] == true && codes(&res).first().map(String::as_str) == Some("530100-dcglj")
    })
    .await;
    assert!(found.is_some(), "the added agency answers {query}");
    let res = s.search("滇池管理局", None).await;
    assert_eq!(codes(&res)[0], "530100-dcglj", "{res}");
    assert_eq!(res["confident"], true);
    let answered = eventually(Duration::from_secs(3), || async move {
        let (_, body) = s
            .get(
                Role::Supervisor,
                "/api/v1/reports/unanswered?status=answered",
            )
            .await;
        body["items"].as_array().is_some_and(|a| {
            a.iter()
                .any(|i| i["query"] == query && i["answered_at"].is_string())
        })
    })
    .await;
    assert!(answered.is_some(), "{query} is marked answered");
}

/// The synonym table as the API lists it: term → (id, replacement).
async fn synonym_table(s: &Service) -> std::collections::HashMap<String, (i64, String)> {
    let (status, list) = s.get(Role::Operator, "/api/v1/search/synonyms").await;
    assert_eq!(status, 200);
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| {
            let term = x["term"].as_str().unwrap().to_string();
            let rep = x["replacement"].as_str().unwrap().to_string();
            (term, (x["id"].as_i64().unwrap(), rep))
        })
        .collect()
}

/// An editor deletes synonym row `id`.
async fn delete_synonym(s: &Service, id: i64) {
    let path = format!("/api/v1/search/synonyms/{id}");
    let (status, _) = s
        .send(reqwest::Method::DELETE, Role::KbEditor, &path, Value::Null)
        .await;
    assert_eq!(status, 204);
}

/// Another service on the fixture's database and knowledge base, as at the next start (with
/// its own data directory, kept as long as the service runs).
async fn restart(f: &Fixture) -> (Service, TempDir) {
    let data = TempDir::new("kn").unwrap();
    let s = start(&f.db.url, f.kb.path(), data.path()).await;
    (s, data)
}

/// Runs SQL on the test's database; `Err` when the backend refused it.
fn sql(url: &str, statement: &str) -> Result<usize, String> {
    use diesel::RunQueryDsl;
    let pool = shared::db::connect(url, 1)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    diesel::sql_query(statement)
        .execute(&mut *conn)
        .map_err(|e| e.to_string())
}

/// Rows added to the seed after a database was first seeded reach it at its next start;
/// a seeded row an editor deleted or changed stays as the editor left it.
#[tokio::test]
async fn a_later_seed_reaches_an_existing_database_without_undoing_editors() {
    let f = fixture().await;
    let s = &f.svc;
    let path = "/api/v1/search/synonyms";
    // A database seeded before round 4 (old agency names, 转过来读): the seed had none of
    // the rows added since, and only its name was recorded.
    let (seed, first) = knowledge::search::seed_pairs();
    let later: Vec<&str> = seed[first..].iter().map(|(t, _)| t.as_str()).collect();
    let round4 = ["就业局", "劳动就业局", "公路段", "转过来读"];
    assert!(round4.iter().all(|t| later.contains(t)));
    let list = later
        .iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(", ");
    sql(
        &f.db.url,
        &format!("DELETE FROM search_synonyms WHERE term IN ({list})"),
    )
    .unwrap();
    // What this change records per term is not there yet in such a database (nor, before
    // it, the table).
    let _ = sql(&f.db.url, "DELETE FROM search_seed_terms");
    let _ = sql(
        &f.db.url,
        "INSERT INTO search_seeds (name, seeded_at) VALUES ('seed-1', 0)",
    );
    // An editor deletes one seeded row and changes another (delete, then add).
    let before = synonym_table(s).await;
    assert!(!before.contains_key("就业局"));
    let (deleted, _) = &before["驾照"];
    delete_synonym(s, *deleted).await;
    let (changed, _) = &before["红本本"];
    delete_synonym(s, *changed).await;
    let (status, _) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            path,
            json!({"term": "红本本", "replacement": "结婚证补办"}),
        )
        .await;
    assert_eq!(status, 201);

    // The next start (a second service on the same database) merges the seed.
    let (again, _data) = restart(&f).await;
    let after = synonym_table(&again).await;
    for t in &later {
        assert!(
            after.contains_key(*t),
            "{t} was added to the existing table"
        );
    }
    assert!(
        !after.contains_key("驾照"),
        "a deleted seed row stays deleted"
    );
    assert_eq!(
        after["红本本"].1, "结婚证补办",
        "a changed seed row keeps the change"
    );
    let res = again.search("官渡区劳动就业局电话", None).await;
    assert_eq!(codes(&res)[0], "530104-rsj", "{res}");

    // From then on each seed row is offered once: one the seed gains later arrives, one
    // an editor deletes after it arrived does not come back.
    sql(
        &f.db.url,
        "DELETE FROM search_synonyms WHERE term = '公路段'",
    )
    .unwrap();
    sql(
        &f.db.url,
        "DELETE FROM search_seed_terms WHERE term = '公路段'",
    )
    .unwrap();
    let (gone, _) = &after["就业局"];
    delete_synonym(&again, *gone).await;
    let (third, _data) = restart(&f).await;
    let last = synonym_table(&third).await;
    assert!(last.contains_key("公路段"), "a row new to the seed arrives");
    assert!(
        !last.contains_key("就业局"),
        "a merged row deleted later stays deleted"
    );
    assert!(!last.contains_key("驾照"));
    assert_eq!(last.len(), after.len() - 1);

    // A database seeded under the one name after round 4 had its rows: one of them an
    // editor deleted stays deleted when the terms are first recorded.
    sql(&f.db.url, "DELETE FROM search_seed_terms").unwrap();
    let (gone, _) = &last["劳动就业局"];
    delete_synonym(&third, *gone).await;
    let (fourth, _data) = restart(&f).await;
    let now = synonym_table(&fourth).await;
    assert!(!now.contains_key("劳动就业局"));
    assert!(!now.contains_key("就业局"));
    assert_eq!(now.len(), last.len() - 1);
}

/// A seed row changed in place (物价局: 发改委 until round 18, 市场监管局 since) or removed
/// (菜市场 → 占道经营) reaches a database that still holds the old seeded row at its next
/// start; an editor's row of the same old value stays theirs.
#[tokio::test]
async fn a_seed_row_changed_in_place_reaches_an_existing_database() {
    let f = fixture().await;
    let s = &f.svc;
    let now = synonym_table(s).await;
    assert_eq!(now["物价局"].1, "市场监管局");
    assert!(!now.contains_key("菜市场"));
    // A database seeded before the change: 物价局 and 菜市场 as the seed had them; 物价所
    // as an editor set it (delete, then add).
    sql(
        &f.db.url,
        "UPDATE search_synonyms SET replacement = '发改委' WHERE term = '物价局'",
    )
    .unwrap();
    sql(
        &f.db.url,
        "INSERT INTO search_synonyms (term, replacement, created_at, created_by) \
         VALUES ('菜市场', '占道经营', 0, 'seed')",
    )
    .unwrap();
    delete_synonym(s, now["物价所"].0).await;
    let (status, _) = s
        .send(
            reqwest::Method::POST,
            Role::KbEditor,
            "/api/v1/search/synonyms",
            json!({"term": "物价所", "replacement": "发改委"}),
        )
        .await;
    assert_eq!(status, 201);
    let (old, _data) = restart(&f).await;
    let after = synonym_table(&old).await;
    assert_eq!(after["物价局"].1, "市场监管局", "the seeded row is changed");
    assert_eq!(after["物价所"].1, "发改委", "the editor's row stands");
    assert!(
        !after.contains_key("菜市场"),
        "the removed row is taken out"
    );
    assert_eq!(after.len(), now.len());
    let res = old.search("五华区物价局电话多少", None).await;
    assert_eq!(codes(&res)[0], "530102-scj", "{res}");
    let res = old
        .search("五华区市场监管局电话 菜市场几家乱涨价", None)
        .await;
    assert_eq!(codes(&res)[0], "530102-scj", "{res}");
    // The first service, which built its index before, follows the change.
    let followed = eventually(Duration::from_secs(5), || async {
        let res = s.search("五华区物价局电话多少", None).await;
        codes(&res).first().map(String::as_str) == Some("530102-scj")
    })
    .await;
    assert!(followed.is_some());
}
