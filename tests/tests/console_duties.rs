//! Issue 17 in a browser: an operator asks for a supervisor (投诉升级) and the board shows the
//! request; the supervisor merges a repeat complaint (重复件) into the earlier ticket and adds
//! a co-handling department (协办), whose liaison gives its part; the supervisor keeps a
//! no-info routing rule; a liaison logs a call of their department with its scripts at hand.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::browser::Demo;
use e2e::{get, post};
use serde_json::json;

#[tokio::test]
async fn workbench_escalation_merge_co_handling_routing_and_a_liaisons_call_log() {
    let demo = Demo::start(&[]).await;
    let http = reqwest::Client::new();
    let tickets = |p: &str| format!("http://127.0.0.1:{}/api/v1{p}", demo.tickets_port);
    let operator = demo.login("operator").await;
    let complaint = json!({
        "type": "complaint", "summary": "社保窗口多次要求补交材料",
        "details": "来电人反映补办社保卡时被要求反复补交材料。", "region": "530100",
        "department": "530100-rsj", "caller": {"name": "张先生", "phone": "13800005555"}
    });
    let first = post(&http, &tickets("/tickets"), &operator, complaint.clone()).await;
    let first_id = first["id"].as_str().unwrap().to_string();
    let repeat = post(&http, &tickets("/tickets"), &operator, complaint).await;
    let repeat_id = repeat["id"].as_str().unwrap().to_string();

    // The complaint script reads the ticket's deadline (knowledge asks tickets), for the
    // operator who took it; another department's liaison gets no deadline of it.
    let knowledge = |p: &str| format!("http://127.0.0.1:{}/api/v1{p}", demo.knowledge_port);
    let script = get(
        &http,
        &knowledge(&format!("/scripts/complaint_record?ticket={first_id}")),
        &operator,
    )
    .await;
    let due = chrono::DateTime::parse_from_rfc3339(first["due_at"].as_str().unwrap()).unwrap();
    let said = due
        .with_timezone(&chrono::FixedOffset::east_opt(8 * 3600).unwrap())
        .format("%-m月%-d日%H:%M")
        .to_string();
    assert!(
        script["text"]
            .as_str()
            .unwrap()
            .contains(&format!("将在{said}前回复您")),
        "{script}"
    );
    assert_eq!(script["unfilled"], json!([]));
    let stranger = demo.login("liaison-530100-gaj").await;
    let (status, _) = e2e::send(
        &http,
        reqwest::Method::GET,
        &knowledge(&format!("/scripts/complaint_record?ticket={first_id}")),
        &stranger,
        None,
    )
    .await;
    assert_eq!(status, 404);

    // The operator asks for a supervisor on the first.
    let op = demo.browser().await;
    op.sign_in("operator").await;
    op.goto(&format!("/tickets/{first_id}")).await;
    op.click("details.card:has(form[data-action=escalate]) summary")
        .await;
    op.fill("#es-reason", "来电人坚持要求领导答复").await;
    op.click("form[data-action=escalate] button[type=submit]")
        .await;
    op.wait_text("#done", "已请求值班长处理").await;
    op.wait_text("#escalation", "来电人坚持要求领导答复").await;
    op.close().await;

    // The board shows the request; the repeat names the earlier ticket and is merged into it.
    let sup = demo.browser().await;
    sup.sign_in("supervisor").await;
    let queue = sup.wait_text("#q-escalated", &first_id).await;
    assert!(queue.contains("来电人坚持要求领导答复"), "{queue}");
    sup.screenshot("board-escalated").await;
    sup.goto(&format!("/tickets/{repeat_id}")).await;
    sup.wait_text("#repeat-of", &first_id).await;
    sup.click("details.card:has(form[data-action=merge]) summary")
        .await;
    sup.select("#mg-into", &first_id).await;
    sup.fill("#mg-note", "同一诉求").await;
    sup.screenshot("ticket-merge").await;
    sup.click("form[data-action=merge] button[type=submit]")
        .await;
    sup.wait_text("#done", "已合并到原工单").await;
    sup.wait_text("#merged-into", &first_id).await;
    sup.wait_text("#ticket-status", "办结").await;

    // The earlier ticket lists the repeat; the supervisor dispatches it, adds a co-handler
    // and answers the escalation by supervising.
    sup.goto(&format!("/tickets/{first_id}")).await;
    sup.wait_text("#merged", &repeat_id).await;
    sup.pick_department("dispatch", "昆明人社局", "530100-rsj")
        .await;
    sup.click("form[data-action=dispatch] button[type=submit]")
        .await;
    sup.wait_text("#done", "已派单").await;
    sup.pick_department("cohandler", "昆明医保局", "530100-ybj")
        .await;
    sup.click("form[data-action=cohandlers] button[type=submit]")
        .await;
    sup.wait_text("#done", "已添加协办部门").await;
    sup.wait_text("#cohandlers", "530100-ybj").await;
    // The history names the departments, not their codes.
    let history = sup.wait_text("#history", "昆明市医疗保障局").await;
    assert!(
        history.contains("派往：昆明市人力资源和社会保障局"),
        "{history}"
    );
    sup.screenshot("ticket-cohandlers").await;

    // The co-handler's liaison sees the ticket and gives its part.
    let co = demo.browser().await;
    co.sign_in("liaison-530100-ybj").await;
    co.goto(&format!("/tickets/{first_id}")).await;
    co.wait_for("form[data-action=cohandler-reply]").await;
    assert!(co.text("main").await.contains("协办部门"));
    co.fill("#co-body", "医保部分：材料清单已告知来电人。")
        .await;
    co.click("form[data-action=cohandler-reply] button[type=submit]")
        .await;
    co.wait_text("#done", "协办意见已提交").await;
    co.wait_text("#cohandlers", "医保部分").await;
    co.screenshot("ticket-cohandler-reply").await;
    co.close().await;

    // 查无信息分派规则: a rule for 养老保险 in Kunming.
    sup.goto("/routing").await;
    sup.wait_for("#no-rules").await;
    sup.select("#rt-region", "530100").await;
    sup.fill("#rt-words", "养老保险 退休金").await;
    sup.pick_department("routing", "昆明人社局", "530100-rsj")
        .await;
    sup.click("#add-rule button[type=submit]").await;
    sup.wait_text("#done", "规则已添加").await;
    let rules = sup.wait_text("#rules", "养老保险、退休金").await;
    assert!(
        rules.contains("530100-rsj") && rules.contains("昆明市"),
        "{rules}"
    );
    sup.screenshot("routing-rules").await;
    sup.close().await;
    let routed = post(
        &http,
        &tickets("/tickets"),
        &operator,
        json!({"type": "no_info", "summary": "退休金查询", "region": "530102",
               "query": "退休金每月几号发", "caller": {"phone": "13800006666"}}),
    )
    .await;
    assert_eq!(routed["department"], "530100-rsj", "{routed}");

    // A liaison logs a call transferred to the department, with the liaison's scripts beside.
    let li = demo.browser().await;
    li.sign_in("liaison-530100-rsj").await;
    li.goto("/calls").await;
    let scripts = li.wait_text("#liaison-scripts", "转接错误").await;
    assert!(
        scripts.contains("昆明市人力资源和社会保障局"),
        "filled from the department: {scripts}"
    );
    li.fill("#lc-phone", "13900007777").await;
    li.select("#lc-class", "consultation").await;
    li.fill("#lc-note", "养老保险转移接续材料").await;
    li.click("#log-call button[type=submit]").await;
    li.wait_text("#done", "来电已登记").await;
    let calls = li.wait_text("#dept-calls", "养老保险转移接续材料").await;
    assert!(
        calls.contains("热线转入") && calls.contains("139****7777"),
        "{calls}"
    );
    li.screenshot("liaison-call-log").await;
    li.close().await;
}
