use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
use shared::config::{Config, Secret};
use shared::db::TestDatabase;
use shared::settings::ServiceSettings;

const SECRET: &str = "test-secret-test-secret-test-secret-0123";

#[tokio::test]
async fn health_and_regions_need_the_right_token() {
    let db = TestDatabase::new("knowledge").unwrap();
    let dir = shared::db::TempDir::new("kn").unwrap();
    let config = Config::from_pairs([
        ("jwt_secret", SECRET),
        ("knowledge_database_url", db.url.as_str()),
        ("knowledge_port", "0"),
        ("data_dir", dir.path().to_str().unwrap()),
    ]);
    let settings = ServiceSettings::from_config("knowledge", &config).unwrap();
    let app = knowledge::Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let res = client.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers().contains_key("x-request-id"));
    let res = client
        .get(format!("{base}/api/v1/regions"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let keys = JwtKeys::new(&Secret::new(SECRET), "knowledge").unwrap();
    let token = keys
        .issue("op", Role::Operator, None, &ALL_AUDIENCES, 60)
        .unwrap();
    let res = client
        .get(format!("{base}/api/v1/regions"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let res = client
        .get(format!("{base}/openapi.json"))
        .send()
        .await
        .unwrap();
    let doc: serde_json::Value = res.json().await.unwrap();
    assert!(doc["paths"]["/api/v1/regions"].is_object(), "{doc}");
    let res = client.get(format!("{base}/docs/")).send().await.unwrap();
    assert_eq!(res.status(), 200);
}
