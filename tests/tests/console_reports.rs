//! The reports (issue 19) in a browser: the supervisor's board shows the month's key charts;
//! the department performance report (考核报表) opened from the header shows the departments by
//! name with their rates, the chart and the daily trend, filters a region and a month, and
//! downloads the Excel (an xlsx: a zip) and the PDF; the operators report (话务员考核) shows
//! each account's calls, outcomes and ratings and downloads its PDF.
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

    // Three calls: two answered and rated (one satisfied), one transferred.
    for (outcome, rating) in [
        ("answered", Some("satisfied")),
        ("answered", Some("dissatisfied")),
        ("transferred", None),
    ] {
        let mut call = json!({
            "caller_phone": "13800001111", "classification": "consultation",
            "outcome": outcome, "duration_seconds": 90
        });
        if let Some(r) = rating {
            call["satisfaction"] = json!(r);
        }
        post(&http, &tickets("/calls"), &operator, call).await;
    }

    let b = demo.browser().await;
    b.sign_in("supervisor").await;
    // The board: this month's key charts under the queues.
    let charts = b.wait_text("#month-charts", "本月各部门按时办结率").await;
    assert!(charts.contains("本月每日派单与办结"), "{charts}");
    assert!(
        charts.contains("人力资源"),
        "the chart names the departments: {charts}"
    );
    b.screenshot("board-month-charts").await;
    b.click("header.top nav a[href='/reports/departments']")
        .await;
    let table = b.wait_text("#dept-report table.dept-table", "66.7%").await;
    assert!(table.contains("人力资源"), "departments by name: {table}");
    assert!(table.contains("1 / 1 / 1"), "complaints by cause: {table}");
    let svg = b.text("#dept-report svg.chart.rates").await;
    assert!(svg.contains("签收率"), "{svg}");
    let trend = b.text("#dept-report svg.chart.trend").await;
    assert!(trend.contains("派单") && trend.contains("办结"), "{trend}");
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

    // 昆明 only, this month by the month field: Qujing's government office is gone, the
    // bureau stays.
    let month = chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%Y-%m")
        .to_string();
    b.select("#dept-report select[name=region]", "530100").await;
    // A month field is typed segment by segment in the browser's locale: set as a picker would.
    b.client
        .execute(
            "document.querySelector('#dept-report input[name=month]').value = arguments[0];",
            vec![json!(month)],
        )
        .await
        .unwrap();
    b.click("#dept-report form.filters button[type=submit]")
        .await;
    let table = b.wait_text("#dept-report p.muted", "含下级地区").await;
    assert!(table.contains("派单 3 次"), "{table}");
    let rows = b.text("#dept-report table.dept-table").await;
    assert!(!rows.contains("530300"), "{rows}");
    let path = b.path().await;
    assert!(
        path.contains("region=530100") && path.contains("month="),
        "{path}"
    );
    b.screenshot("reports-departments-kunming").await;

    // The Excel and PDF buttons' files, fetched with the browser's own session.
    let xlsx = download(&b, &demo, "#dept-report", "xlsx").await;
    assert!(xlsx.starts_with(b"PK\x03\x04"), "an xlsx is a zip");
    let pdf = download(&b, &demo, "#dept-report", "pdf").await;
    assert!(pdf.starts_with(b"%PDF"));

    // The operators report: op1's calls, outcomes and ratings; its PDF.
    b.click("header.top nav a[href='/reports/operators']").await;
    let table = b
        .wait_text("#operator-report table.dept-table", "operator")
        .await;
    assert!(
        table.contains("50.0%"),
        "one of two ratings satisfied: {table}"
    );
    let svg = b.text("#operator-report svg.chart.rates").await;
    assert!(svg.contains("满意率"), "{svg}");
    let trend = b.text("#operator-report svg.chart.trend").await;
    assert!(trend.contains("接听"), "{trend}");
    b.screenshot("reports-operators").await;
    let pdf = download(&b, &demo, "#operator-report", "pdf").await;
    assert!(pdf.starts_with(b"%PDF"));
    b.close().await;
}

/// The knowledge base health report (知识库健康度): the operator's searches (one with nothing
/// confident) reach tickets through knowledge's outbox; with a no-info ticket and calls, the
/// page shows the rates per 1,000 calls and knowledge's state now, filters a region, and
/// downloads the Excel and the PDF.
#[tokio::test]
async fn workbench_the_supervisor_reads_the_knowledge_base_health_report() {
    let demo = Demo::start(&[("HOTLINE_KNOWLEDGE_SEARCH_COUNTS_INTERVAL_MS", "200")]).await;
    let http = reqwest::Client::new();
    let tickets = |p: &str| format!("http://127.0.0.1:{}/api/v1{p}", demo.tickets_port);
    let knowledge = |p: &str| format!("http://127.0.0.1:{}/api/v1{p}", demo.knowledge_port);
    let operator = demo.login("operator").await;
    let supervisor = demo.login("supervisor").await;
    // Two searches in 昆明, one of which finds nothing confident, and one without a region.
    for (q, region) in [
        ("社保卡补办", Some("530100")),
        ("火星移民签证办理", Some("530100")),
        ("公积金提取", None),
    ] {
        let mut url = knowledge(&format!("/search?q={q}"));
        if let Some(r) = region {
            url.push_str(&format!("&region={r}"));
        }
        e2e::get(&http, &url, &operator).await;
    }
    for _ in 0..4 {
        let call = json!({
            "caller_phone": "13800001111", "classification": "consultation",
            "outcome": "answered", "duration_seconds": 60
        });
        post(&http, &tickets("/calls"), &operator, call).await;
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
    // The searches arrive through knowledge's outbox.
    let mut searched = serde_json::Value::Null;
    for _ in 0..100 {
        searched = e2e::get(&http, &tickets("/reports/kb-health"), &supervisor).await;
        if searched["total"]["searches"] == 3 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(searched["total"]["searches"], 3, "{searched}");
    assert_eq!(searched["total"]["unconfident"], 1, "{searched}");

    let b = demo.browser().await;
    b.sign_in("supervisor").await;
    b.click("header.top nav a[href='/reports/kb-health']").await;
    let now = b.wait_text("#kb-health-report .kb-now", "未解答查询").await;
    assert!(now.contains("个月未复核"), "{now}");
    let table = b.text("#kb-health-report table.dept-table").await;
    assert!(table.contains("昆明"), "regions by name: {table}");
    assert!(
        table.contains("250.00"),
        "one no-info ticket in 4 calls: {table}"
    );
    assert!(
        table.contains("1 / 50.0%"),
        "one of 昆明's two searches unconfident: {table}"
    );
    let svg = b.text("#kb-health-report svg.chart.trend").await;
    assert!(
        svg.contains("未确信搜索") && svg.contains("查无信息"),
        "{svg}"
    );
    assert!(b.text("#kb-health-report svg").await.contains("未确信率"));
    b.screenshot("reports-kb-health").await;
    let wide = b
        .client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wide, json!(true), "the report scrolls sideways at 1366x768");

    // 昆明 only: Qujing's no-info ticket is gone, 昆明's searches stay.
    b.select("#kb-health-report select[name=region]", "530100")
        .await;
    b.click("#kb-health-report form.filters button[type=submit]")
        .await;
    let summary = b
        .wait_text("#kb-health-report p.summary", "含下级地区")
        .await;
    assert!(summary.contains("来电 4 通"), "{summary}");
    let rows = b.text("#kb-health-report table.dept-table").await;
    assert!(!rows.contains("曲靖"), "{rows}");
    assert!(b.path().await.contains("region=530100"));
    b.screenshot("reports-kb-health-kunming").await;

    let xlsx = download(&b, &demo, "#kb-health-report", "xlsx").await;
    assert!(xlsx.starts_with(b"PK\x03\x04"), "an xlsx is a zip");
    let pdf = download(&b, &demo, "#kb-health-report", "pdf").await;
    assert!(pdf.starts_with(b"%PDF"));
    b.close().await;
}

/// The 社情民意 digest: knowledge's topic words and its searches by topic reach tickets
/// through its outbox; a complaint about 医保 is filed under 医疗保障局; the page shows the
/// risen topics as bars and weekly lines, the table with the ticket as an example (a link to
/// it), filters a region, and downloads the Excel and the PDF.
#[tokio::test]
async fn workbench_the_supervisor_reads_the_topics_callers_raise() {
    let demo = Demo::start(&[("HOTLINE_KNOWLEDGE_SEARCH_COUNTS_INTERVAL_MS", "200")]).await;
    let http = reqwest::Client::new();
    let tickets = |p: &str| format!("http://127.0.0.1:{}/api/v1{p}", demo.tickets_port);
    let knowledge = |p: &str| format!("http://127.0.0.1:{}/api/v1{p}", demo.knowledge_port);
    let operator = demo.login("operator").await;
    let supervisor = demo.login("supervisor").await;
    for q in ["公积金提取需要什么材料", "公积金贷款额度"] {
        e2e::get(
            &http,
            &knowledge(&format!("/search?q={q}&region=530100")),
            &operator,
        )
        .await;
    }
    // Knowledge works out its topic words at start-up and sends them, and the searches'
    // counts, through its outbox: once the topic has its name, the words are in and a new
    // ticket is filed by them.
    let mut digest = serde_json::Value::Null;
    for _ in 0..300 {
        digest = e2e::get(&http, &tickets("/reports/topics"), &supervisor).await;
        if digest["topics"][0]["name"]
            .as_str()
            .is_some_and(|n| n.contains("公积金"))
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(digest["topics"][0]["searches"], 2, "{digest}");
    let gjj_name = digest["topics"][0]["name"].as_str().unwrap().to_string();
    assert!(gjj_name.contains("公积金"), "{digest}");
    let ticket = post(
        &http,
        &tickets("/tickets"),
        &operator,
        json!({
            "type": "complaint", "urgent": false, "cause": "handling",
            "summary": "医保报销一直不到账", "details": "三个月前提交的门诊报销至今未到账",
            "region": "530300", "department": "530300-ybj",
            "caller": {"name": "李女士", "phone": "13800003333"}
        }),
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();

    let b = demo.browser().await;
    b.sign_in("supervisor").await;
    // The board shows the rising topics beside the month's charts.
    let board = b.wait_text("#board-topics", "医疗保障").await;
    assert!(
        board.contains("本期提及") && board.contains(&gjj_name),
        "{board}"
    );
    b.client
        .execute(
            "document.querySelector('#board-topics').scrollIntoView();",
            vec![],
        )
        .await
        .unwrap();
    b.screenshot("board-topics").await;
    b.click("header.top nav a[href='/reports/topics']").await;
    let table = b
        .wait_text("#topics-report table.topics-table", "医疗保障")
        .await;
    assert!(table.contains(&gjj_name), "{table}");
    assert!(table.contains(&id), "the ticket as an example: {table}");
    assert!(table.contains("新出现"), "{table}");
    let bars = b.text("#topics-report svg.chart.rates").await;
    assert!(
        bars.contains("本期提及") && bars.contains("医疗保障"),
        "{bars}"
    );
    let trend = b.text("#topics-report svg.chart.trend").await;
    let short: String = gjj_name.chars().take(5).collect();
    assert!(trend.contains(&short), "the legend names the line: {trend}");
    b.screenshot("reports-topics").await;
    let wide = b
        .client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(wide, json!(true), "the digest scrolls sideways at 1366x768");

    // 昆明 only: 曲靖's 医保 ticket is gone, 昆明's searches stay.
    b.select("#topics-report select[name=region]", "530100")
        .await;
    b.click("#topics-report form.filters button[type=submit]")
        .await;
    b.wait_text("#topics-report p.summary", "含下级地区").await;
    let rows = b.text("#topics-report table.topics-table").await;
    assert!(!rows.contains(&id), "{rows}");
    assert!(rows.contains(&gjj_name), "{rows}");

    // The example opens its ticket.
    b.goto("/reports/topics").await;
    b.click(&format!("#topics-report a[href='/tickets/{id}']"))
        .await;
    b.wait_text("main", "医保报销一直不到账").await;

    b.goto("/reports/topics").await;
    let xlsx = download(&b, &demo, "#topics-report", "xlsx").await;
    assert!(xlsx.starts_with(b"PK\x03\x04"), "an xlsx is a zip");
    let pdf = download(&b, &demo, "#topics-report", "pdf").await;
    assert!(pdf.starts_with(b"%PDF"));
    b.close().await;
}

/// Follows the page's download button for `format` (with the browser's own session) and
/// answers the file, checking it is an attachment of its kind.
async fn download(b: &e2e::browser::Browser, demo: &Demo, page: &str, format: &str) -> Vec<u8> {
    let link = b
        .find(&format!(
            "{page} a.button[download][href*='format={format}']"
        ))
        .await
        .attr("href")
        .await
        .unwrap()
        .unwrap();
    let cookies: Vec<String> = b
        .client
        .get_all_cookies()
        .await
        .unwrap()
        .iter()
        .map(|c| format!("{}={}", c.name(), c.value()))
        .collect();
    let res = reqwest::Client::new()
        .get(demo.url(&link))
        .header("cookie", cookies.join("; "))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200, "{link}");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_string();
    let expected = if format == "pdf" {
        "application/pdf"
    } else {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    };
    assert_eq!(content_type, expected, "{link}");
    let disposition = res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.contains(&format!(".{format}\"")),
        "{disposition}"
    );
    res.bytes().await.unwrap().to_vec()
}
