//! The operator's desk in a real browser: search as you type (pinyin initials), a department's
//! details and the scripts filled from it, the not-confident notice and the no-info ticket it
//! offers, a complaint with its deadline shown before submitting, the call's wrap-up, and the
//! caller's earlier tickets on `/call?phone=…`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::browser::{Browser, Demo};

const CALLER: &str = "13912345678";
const ENTER: &str = "\u{E007}";

/// The value of a form field (WebDriver's text of an input is empty).
async fn value(b: &Browser, css: &str) -> String {
    b.find(css)
        .await
        .prop("value")
        .await
        .unwrap()
        .unwrap_or_default()
}

/// Types into the focused page element the way a person does (after the field is cleared).
async fn type_into(b: &Browser, css: &str, text: &str) {
    let e = b.find(css).await;
    e.clear().await.unwrap();
    e.send_keys(text).await.unwrap();
}

#[tokio::test]
async fn workbench_the_operator_answers_a_call_from_one_screen() {
    let demo = Demo::start(&[]).await;
    let b = demo.browser().await;
    b.sign_in("operator").await;

    // The focus is in the one search box.
    let active = b
        .client
        .execute("return document.activeElement.id", vec![])
        .await
        .unwrap();
    assert_eq!(active, "q");

    // Pinyin initials find the department, with its phone on the card.
    type_into(&b, "#q", "kmsrsj").await;
    let results = b.wait_text("#results", "昆明市人力资源和社会保障局").await;
    assert!(results.contains("0871-69266321"), "{results}");
    assert!(
        b.text("#results [data-hit].selected")
            .await
            .contains("人力资源"),
        "the first hit is selected, ready for Enter"
    );

    // Enter opens its detail; the scripts are filled with its name; the wrap-up knows it.
    b.find("#q").await.send_keys(ENTER).await.unwrap();
    let detail = b.wait_text("#detail", "环城路307号").await;
    assert!(
        detail.contains("办公时间") && detail.contains("09:00"),
        "{detail}"
    );
    // The scripts are the operator's, filled with the department in view.
    b.wait_text("#scripts", "转接到昆明市人力资源和社会保障局")
        .await;
    assert!(b.text("#scripts").await.contains("工号operator"));
    b.wait_text("#wrap-department", "昆明市人力资源和社会保障局")
        .await;
    b.screenshot("operator-desk").await;

    // The caller's number, pasted into the caller panel.
    type_into(&b, "#caller-phone", CALLER).await;
    b.wait_text("#caller-history", "没有历史工单").await;

    // A question the knowledge base cannot answer: said plainly, with the no-info ticket.
    let question = "昆明市滇池管理局电话";
    type_into(&b, "#q", question).await;
    b.wait_text("#results", "知识库中没有确切答案").await;
    b.click("#open-no-info").await;
    b.find("#no-info-form").await;
    assert_eq!(value(&b, "#ni-query").await, question);
    assert_eq!(value(&b, "#ni-phone").await, CALLER);
    b.screenshot("operator-no-info").await;
    b.click("#no-info-form button[type=submit]").await;
    b.wait_text("#detail", "工单已登记").await;
    let no_info_id = b.text("#ticket-id").await;
    assert!(no_info_id.starts_with('T'), "{no_info_id}");
    assert!(
        b.text("#ticket-say").await.contains(&no_info_id),
        "the sentence to read names the ticket"
    );

    // A complaint: the department picked by search, the deadline shown before submitting and
    // re-computed when the urgency changes.
    b.click("#open-complaint").await;
    b.find("#complaint-form").await;
    type_into(&b, "#c-dept-q", "kmsrsj").await;
    b.wait_text("#c-dept-choices", "昆明市人力资源和社会保障局")
        .await;
    b.click("#c-dept-choices .choice").await;
    b.wait_text("#c-dept-picked", "昆明市人力资源和社会保障局")
        .await;
    b.wait_text("#deadline", "13个工作日").await;
    b.select("#c-urgency", "urgent").await;
    b.wait_text("#deadline", "4个工作小时").await;
    b.select("#c-urgency", "normal").await;
    let deadline = b.wait_text("#deadline", "13个工作日").await;
    assert!(deadline.contains("我们会在"), "{deadline}");
    b.click("label[for=c-cause-c]").await;
    type_into(&b, "#c-summary", "窗口工作人员态度生硬").await;
    b.screenshot("operator-complaint").await;
    b.click("#complaint-form button[type=submit]").await;
    b.wait_text("#detail", "工单已登记").await;
    let complaint_id = b.text("#ticket-id").await;
    assert_ne!(complaint_id, no_info_id);
    assert!(b.text("#ticket-say").await.contains("前答复您"));

    // The wrap-up records the call with the ticket.
    b.wait_text("#wrap-ticket", &complaint_id).await;
    b.click("#wrap-ticket-created").await;
    b.wait_text("#wrapup-done", "已建工单").await;

    // A screen-pop for the same caller lists both tickets.
    b.goto(&format!("/call?phone={CALLER}")).await;
    let history = b.wait_text("#caller-history", &no_info_id).await;
    assert!(history.contains(&complaint_id), "{history}");
    assert!(history.contains("已建工单"), "the recorded call: {history}");
    b.screenshot("operator-caller").await;
    b.close().await;
}

/// Issue 18: where the centre lets operators record a department's reply (代回复), the
/// operator who took a complaint records the bureau's phoned reply on its page.
#[tokio::test]
async fn workbench_an_operator_records_a_reply_on_the_departments_behalf_where_allowed() {
    let demo = Demo::start(&[("HOTLINE_TICKETS_OPERATORS_REPLY_ON_BEHALF", "true")]).await;
    let http = reqwest::Client::new();
    let tickets = |p: &str| format!("http://127.0.0.1:{}{p}", demo.tickets_port);
    let operator = demo.login("operator").await;
    let supervisor = demo.login("supervisor").await;
    let ticket = e2e::post(
        &http,
        &tickets("/api/v1/tickets"),
        &operator,
        serde_json::json!({"type": "complaint", "urgent": false, "summary": "社保卡补办拖延",
               "details": "来电人称补办社保卡一个月未办好。", "region": "530100",
               "department": "530100-rsj", "caller": {"name": "周女士", "phone": CALLER}}),
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();
    e2e::post(
        &http,
        &tickets(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        serde_json::json!({"department": "530100-rsj"}),
    )
    .await;

    let b = demo.browser().await;
    b.sign_in("operator").await;
    b.goto(&format!("/tickets/{id}")).await;
    b.client
        .execute(
            "document.querySelector('#reply-on-behalf').open = true",
            vec![],
        )
        .await
        .unwrap();
    b.select("#rb-channel", "phone").await;
    b.fill("#rb-by", "王科长（社保卡服务科）").await;
    b.fill("#rb-body", "已加急制卡，三个工作日内通知来电人领取。")
        .await;
    b.screenshot("operator-reply-on-behalf").await;
    b.click("form[data-action=reply-on-behalf] button[type=submit]")
        .await;
    b.wait_text("#done", "已代录部门回复").await;
    b.wait_text("#ticket-status", "已回复").await;
    let history = b.wait_text("#history", "由中心代为录入").await;
    assert!(history.contains("王科长（社保卡服务科）"), "{history}");
    b.close().await;
}
