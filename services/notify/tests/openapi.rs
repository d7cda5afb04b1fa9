//! The committed `openapi/notify.json` is what the service serves (`UPDATE_OPENAPI=1` rewrites it).
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[test]
fn openapi_document_matches_the_committed_file() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/notify.json");
    let current = shared::web::openapi_json(&notify::routes::api().openapi());
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &current).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == current,
        "openapi/notify.json is out of date: run UPDATE_OPENAPI=1 cargo test -p notify --test openapi"
    );
    let doc: serde_json::Value = serde_json::from_str(&current).unwrap();
    for path in [
        "/api/v1/notifications",
        "/api/v1/notifications/{id}",
        "/api/v1/notifications/{id}/retry",
        "/api/v1/templates",
        "/api/v1/templates/{name}",
    ] {
        assert!(doc["paths"][path].is_object(), "{path}");
    }
}
