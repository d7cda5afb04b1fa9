//! The department performance report (考核报表, issue 19) in a browser: the supervisor opens it
//! from the header, sees the departments by name with their rates and the chart, filters a
//! region, and downloads the Excel (an xlsx: a zip).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::browser::Demo;
use e2e::post;
use serde_json::json;

#[tokio::test]
async fn workbench_the_supervisor_reads_the_department_report_and_downloads_the_excel() {
    let demo = Demo::start(&[]).await;
    let http = reqwest::Client::new();
    let tickets = |p: &str| format!("http://127.0.0.1:{}/api/v1{p}", demo.tickets_port);
    let operator = demo.login("operator").await;
    let liaison = demo.login("liaison-530100-rsj").await;
    let supervisor = demo.login("supervisor").await;

    // Three complaints to the Kunming human-resources bureau, two accepted in time; and a
    // no-info ticket in Qujing, which goes to its government office.
    for (i, cause) in ["policy", "handling", "attitude"].iter().enumerate() {
        let t = post(
            &http,
            &tickets("/tickets"),
            &operator,
            json!({
                "type": "complaint", "urgent": false, "cause": cause,
                "summary": format!("社保卡补办 {i}"), "details": "多次补交材料",
                "region": "530102", "caller": {"phone": "13800001111"}
            }),
        )
        .await;
        let id = t["id"].as_str().unwrap();
        post(
            &http,
            &tickets(&format!("/tickets/{id}/dispatch")),
            &supervisor,
            json!({"department": "530100-rsj"}),
        )
        .await;
        if i < 2 {
            post(
                &http,
                &tickets(&format!("/tickets/{id}/accept")),
                &liaison,
                json!({}),
            )
            .await;
        }
    }
    post(
        &http,
        &tickets("/tickets"),
        &operator,
        json!({
            "type": "no_info", "summary": "查无某单位电话", "region": "530300",
            "query": "曲靖市某单位电话", "caller": {"phone": "13800002222"}
        }),
    )
    .await;

    let b = demo.browser().await;
    b.sign_in("supervisor").await;
    b.click("header.top nav a[href='/reports/departments']")
        .await;
    let table = b.wait_text("#dept-report table.dept-table", "66.7%").await;
    assert!(table.contains("人力资源"), "departments by name: {table}");
    assert!(table.contains("1 / 1 / 1"), "complaints by cause: {table}");
    let svg = b.text("#dept-report svg.chart.rates").await;
    assert!(svg.contains("签收率"), "{svg}");
    b.screenshot("reports-departments").await;
    // The page fits the window's width: nothing to scroll sideways.
    let wide = b
        .client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wide, json!(true), "the report scrolls sideways at 1366x768");

    // 昆明 only: Qujing's government office is gone, the bureau stays.
    b.select("#dept-report select[name=region]", "530100").await;
    b.click("#dept-report form.filters button[type=submit]")
        .await;
    let table = b.wait_text("#dept-report p.muted", "含下级地区").await;
    assert!(table.contains("派单 3 次"), "{table}");
    let rows = b.text("#dept-report table.dept-table").await;
    assert!(!rows.contains("530300"), "{rows}");
    assert!(b.path().await.contains("region=530100"));
    b.screenshot("reports-departments-kunming").await;

    // The Excel button's file, fetched with the browser's own session.
    let link = b
        .find("#dept-report a.button.primary[download]")
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    assert!(
        link.contains("format=xlsx") && link.contains("region=530100"),
        "{link}"
    );
    let cookies: Vec<String> = b
        .client
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect();
    let res = http
        .get(demo.url(&link))
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"departments-")
    );
    let bytes = res.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK\x03\x04"), "an xlsx is a zip");
    b.close().await;
}
