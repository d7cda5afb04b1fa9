//! The committed `openapi/knowledge.json` is the document the code makes; `UPDATE_OPENAPI=1`
//! rewrites it.

#[test]
fn committed_openapi_document_matches_the_code() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/knowledge.json");
    let generated = shared::web::openapi_json(&knowledge::routes::api().openapi());
    if std::env::var("UPDATE_OPENAPI").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "openapi/knowledge.json is out of date: run UPDATE_OPENAPI=1 cargo test -p knowledge --test api openapi"
    );
}
