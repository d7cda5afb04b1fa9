use shared::auth::Role;

use crate::helpers::*;

#[tokio::test]
async fn regions_list_with_aliases() {
    let app = TestApp::spawn().await;
    let body = json(
        app.get("/api/v1/regions", Some(&app.token(Role::Operator)))
            .await,
        200,
    )
    .await;
    let items = body.as_array().unwrap();
    assert_eq!(items.len(), 4);
    let bn = items.iter().find(|r| r["code"] == "532800").unwrap();
    assert_eq!(bn["aliases"][0], "版纳");
    assert_eq!(bn["parent"], "530000");
}
