//! The liaison's inbox and the ticket page in a real browser: a government-office liaison
//! accepts a no-info ticket and supplies the facts (a new department, and an existing one
//! picked by search), another department's liaison cannot open it, and a supervisor
//! dispatches a new complaint from its page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::browser::Demo;
use serde_json::{Value, json};

async fn create_ticket(demo: &Demo, token: &str, body: Value) -> Value {
    let res = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{}/api/v1/tickets",
            demo.tickets_port
        ))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    res.json().await.unwrap()
}

fn no_info(query: &str) -> Value {
    json!({
        "type": "no_info", "summary": format!("查无信息：{query}"), "region": "530100",
        "query": query, "caller": {"name": "李先生", "phone": "13800001111"}
    })
}

#[tokio::test]
async fn workbench_a_liaison_works_the_inbox_and_a_supervisor_dispatches() {
    let demo = Demo::start(&[]).await;
    let op = demo.login("operator").await;
    let first = create_ticket(&demo, &op, no_info("昆明市滇池管理局电话")).await;
    let second = create_ticket(&demo, &op, no_info("昆明市社保卡补办在哪里")).await;
    let complaint = create_ticket(
        &demo,
        &op,
        json!({
            "type": "complaint", "summary": "窗口工作人员态度生硬", "region": "530100",
            "caller": {"name": "王女士", "phone": "13900002222"}
        }),
    )
    .await;
    assert_eq!(first["status"], "dispatched");
    assert_eq!(
        complaint["status"], "new",
        "a complaint without a department waits"
    );
    let first_id = first["id"].as_str().unwrap();
    let second_id = second["id"].as_str().unwrap();
    let complaint_id = complaint["id"].as_str().unwrap();

    // The government office's liaison finds both no-info tickets in the inbox.
    let li = demo.browser().await;
    li.sign_in("liaison-530100-zfb").await;
    li.wait_text("#inbox", first_id).await;
    let inbox = li.wait_text("#inbox", second_id).await;
    assert!(
        inbox.contains("查无信息") && inbox.contains("剩余"),
        "{inbox}"
    );
    assert!(li.text("nav.tabs").await.contains("待签收"));
    li.screenshot("liaison-inbox").await;

    // Opens the first, accepts it, and supplies a new department's facts.
    li.click(&format!("#inbox a[href='/tickets/{first_id}']"))
        .await;
    li.wait_text("#ticket-id", first_id).await;
    li.click("form[data-action=accept] button").await;
    li.wait_text("#ticket-status", "已签收").await;
    li.wait_text("#done", "已签收").await;
    assert!(
        li.text("main").await.contains("138****1111"),
        "the caller is masked"
    );
    li.fill("#nd-name", "昆明市滇池管理局").await;
    li.fill("#nd-phone", "0871-6311234").await;
    li.fill("#nd-address", "昆明市西山区滇池路1号").await;
    li.fill("#rp-question", "昆明市滇池管理局的电话是多少？")
        .await;
    li.fill("#rp-answer", "昆明市滇池管理局办公室电话0871-6311234。")
        .await;
    li.fill("#rp-note", "滇池保护治理由昆明市滇池管理局负责")
        .await;
    li.client
        .execute("window.scrollTo(0, 0)", vec![])
        .await
        .unwrap();
    li.screenshot("ticket-page").await;
    li.click("form[data-action=replenish] button[type=submit]")
        .await;
    li.wait_text("#ticket-status", "已回复").await;
    li.wait_text("#history", "补充信息").await;

    // The second: an existing department, picked by search.
    li.goto(&format!("/tickets/{second_id}")).await;
    li.click("form[data-action=accept] button").await;
    li.wait_text("#ticket-status", "已签收").await;
    li.fill("#pick-replenish", "昆明人社局").await;
    li.wait_for("#pick-results-replenish [data-pick='530100-rsj']")
        .await;
    li.screenshot("replenish-picker").await;
    li.pick_department("replenish", "昆明人社局", "530100-rsj")
        .await;
    li.fill("#rp-note", "社保卡补办由人社局负责").await;
    // The question is filled in from the caller's query; without its answer the knowledge
    // base would refuse the facts, so the form says so and keeps what was typed.
    li.click("form[data-action=replenish] button[type=submit]")
        .await;
    li.wait_text("#flash", "同时填写").await;
    li.fill("#rp-answer", "社保卡补办请到昆明市人力资源和社会保障局。")
        .await;
    li.click("form[data-action=replenish] button[type=submit]")
        .await;
    li.wait_text("#ticket-status", "已回复").await;
    li.wait_text("#history", "部门：昆明市人力资源和社会保障局")
        .await;
    li.close().await;

    // Another department's liaison gets the not-found page for it.
    let other = demo.browser().await;
    other.sign_in("liaison-530100-rsj").await;
    other.goto(&format!("/tickets/{first_id}")).await;
    other.wait_text("body", "未找到").await;
    assert!(!other.text("body").await.contains("滇池"));
    let cookie = other
        .client
        .get_named_cookie("hotline_session")
        .await
        .unwrap();
    let res = reqwest::Client::new()
        .get(demo.url(&format!("/tickets/{first_id}")))
        .header("cookie", format!("hotline_session={}", cookie.value()))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);

    // The operator finds the tickets they took under 我的工单.
    let opb = demo.browser().await;
    opb.sign_in("operator").await;
    opb.goto("/tickets").await;
    let mine = opb.wait_text("#ticket-list", complaint_id).await;
    assert!(
        mine.contains(first_id) && mine.contains(second_id),
        "{mine}"
    );
    opb.close().await;

    // The supervisor dispatches the complaint to the human-resources bureau from its page.
    let sup = demo.browser().await;
    sup.sign_in("supervisor").await;
    sup.goto(&format!("/tickets/{complaint_id}")).await;
    sup.wait_text("#ticket-status", "受理").await;
    sup.pick_department("dispatch", "530100-rsj", "530100-rsj")
        .await;
    sup.screenshot("ticket-supervisor").await;
    sup.click("form[data-action=dispatch] button[type=submit]")
        .await;
    sup.wait_text("#ticket-status", "已派单").await;
    sup.wait_text("#history", "派往：昆明市人力资源和社会保障局")
        .await;
    sup.goto("/tickets?status=dispatched").await;
    sup.wait_text("#ticket-list", complaint_id).await;
    sup.screenshot("ticket-list").await;

    // …and it is now in that bureau's inbox. Its liaison accepts it and asks for more time.
    other.goto("/").await;
    other.wait_text("#inbox", complaint_id).await;
    other
        .click(&format!("#inbox a[href='/tickets/{complaint_id}']"))
        .await;
    other.click("form[data-action=accept] button").await;
    other.wait_text("#ticket-status", "已签收").await;
    other
        .client
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true)",
            vec![],
        )
        .await
        .unwrap();
    other.fill("#extend-days", "5").await;
    other.fill("#extend-reason", "需调取窗口监控核实").await;
    other
        .click("form[data-action=extend] button[type=submit]")
        .await;
    other.wait_text("#done", "延期申请已提交").await;
    other.screenshot("ticket-liaison-complaint").await;

    // The supervisor approves it; the liaison replies; the supervisor records the callback.
    sup.goto(&format!("/tickets/{complaint_id}")).await;
    sup.wait_text("main", "需调取窗口监控核实").await;
    sup.screenshot("ticket-supervisor-extension").await;
    sup.click("form[data-action=extend-approve] button[type=submit]")
        .await;
    sup.wait_text("#done", "已批准延期").await;
    sup.wait_text("#history", "批准延期").await;
    other.goto(&format!("/tickets/{complaint_id}")).await;
    other
        .fill("#reply-body", "经核实，已对窗口工作人员批评教育。")
        .await;
    other
        .click("form[data-action=reply] button[type=submit]")
        .await;
    other.wait_text("#ticket-status", "已回复").await;
    other.close().await;
    sup.goto(&format!("/tickets/{complaint_id}")).await;
    // Issue 17: a complaint closes with its cause. This one came without; the supervisor
    // gives it (C) from the ticket page, and the history keeps it.
    sup.client
        .execute(
            "document.querySelectorAll('details').forEach(d => d.open = true)",
            vec![],
        )
        .await
        .unwrap();
    sup.select("#cs-cause", "attitude").await;
    // C names whose attitude it was: the form asks, in Chinese, until it is chosen.
    sup.fill("#cs-note", "复核录音，属态度问题").await;
    sup.click("form[data-action=cause] button[type=submit]")
        .await;
    sup.wait_text("#flash", "须注明是谁的态度").await;
    sup.select("#cs-attitude", "liaison:530100-rsj").await;
    sup.click("form[data-action=cause] button[type=submit]")
        .await;
    sup.wait_text("#done", "投诉原因已保存").await;
    sup.wait_text("main", "C 态度生硬").await;
    sup.wait_text("main", "530100-rsj 信息联络员").await;
    sup.screenshot("ticket-cause").await;
    sup.click("#cb-satisfied").await;
    sup.click("form[data-action=callback] button[type=submit]")
        .await;
    sup.wait_text("#ticket-status", "办结").await;
    sup.close().await;
}
