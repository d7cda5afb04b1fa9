//! The knowledge editor's department editor in a real browser: found from the FAQ list by
//! typing in the directory's search box, its liaisons and entries shown, the address changed
//! and a phone added, the save's message and difference, the new address read back through the
//! knowledge API, and a refused save (merged without a successor) told in the message area.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::browser::Demo;
use e2e::get;

#[tokio::test]
async fn workbench_the_editor_changes_a_departments_address_and_sees_the_difference() {
    let demo = Demo::start(&[]).await;
    let http = reqwest::Client::new();
    let api = format!(
        "http://127.0.0.1:{}/api/v1/departments/530100-rsj",
        demo.knowledge_port
    );
    let token = demo.login("editor").await;
    let old_address = get(&http, &api, &token).await["address"]
        .as_str()
        .unwrap()
        .to_string();

    let ed = demo.browser().await;
    ed.sign_in("editor").await;

    // From the FAQ list to the directory; typing narrows it without a reload.
    ed.goto("/knowledge/faqs").await;
    ed.click(".page-head a[href='/knowledge/departments']")
        .await;
    ed.wait_text("#dept-results", "个部门").await;
    ed.fill("#dq", "昆明人社").await;
    ed.wait_text("#dept-results", "530100-rsj").await;
    ed.screenshot("editor-departments").await;
    ed.click("#dept-results a[href='/knowledge/departments/530100-rsj']")
        .await;

    // The editor: the form with today's values, the liaisons, the entries.
    ed.wait_for("form.dept-edit #d-address").await;
    let value = |id: &'static str| {
        let client = ed.client.clone();
        async move {
            client
                .execute(
                    &format!("return document.getElementById('{id}').value"),
                    vec![],
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(value("d-address").await, old_address.as_str());
    let liaisons = ed.text("#dept-liaisons").await;
    assert!(liaisons.contains("苏芳芳"), "{liaisons}");
    ed.find("#dept-faqs a[href^='/knowledge/faqs/530100-rsj-']")
        .await;

    // A new address and a second phone (a row added by the script), saved.
    let new_address = "昆明市环城南路88号人社服务大楼";
    ed.fill("#d-address", new_address).await;
    ed.click("button.add-row").await;
    ed.fill("#phone-rows .phone-row:last-child .phone-label", "值班")
        .await;
    ed.fill(
        "#phone-rows .phone-row:last-child .phone-number",
        "0871-69266000",
    )
    .await;
    ed.click("form.dept-edit button.primary").await;
    ed.wait_text("#flash", "部门信息已保存").await;
    let changes = ed.wait_text("#dept-changes", "地址").await;
    assert!(changes.contains(&old_address), "{changes}");
    assert!(changes.contains(new_address), "{changes}");
    assert!(changes.contains("值班 0871-69266000"), "{changes}");
    assert!(
        !changes.contains("办公时间"),
        "only what changed: {changes}"
    );
    assert!(!ed.text("#dept-changes ins").await.is_empty());
    ed.screenshot("editor-department").await;
    ed.client
        .execute("window.scrollTo(0, document.body.scrollHeight)", vec![])
        .await
        .unwrap();
    ed.screenshot("editor-department-lower").await;

    // The knowledge service has the new address and both phones.
    let d = get(&http, &api, &token).await;
    assert_eq!(d["address"], new_address, "{d}");
    assert_eq!(d["phones"].as_array().unwrap().len(), 2, "{d}");
    assert_eq!(d["phones"][1]["number"], "0871-69266000", "{d}");

    // Saving again unchanged writes nothing; a merge without a successor is refused in place.
    ed.click("form.dept-edit button.primary").await;
    ed.wait_text("#flash", "没有改动").await;
    ed.select("#d-status", "merged").await;
    ed.click("form.dept-edit button.primary").await;
    ed.wait_text("#flash", "承接部门").await;
    assert_eq!(value("d-address").await, new_address);
    assert_eq!(get(&http, &api, &token).await["status"], "active");

    // The FAQ editor names the department and links here.
    ed.goto("/knowledge/faqs/530100-rsj-1").await;
    let link = ed
        .text(".faq-dept a[href='/knowledge/departments/530100-rsj']")
        .await;
    assert_eq!(link, "昆明市人力资源和社会保障局");
    ed.close().await;
}
