//! The knowledge editor's and the admin's screens in a real browser: the review queue (a
//! liaison's facts from a no-info ticket, the difference they make, reject with a reason, the
//! corrected request appearing without a reload, apply, the ticket closed), the unanswered
//! report leading to a new FAQ entry, an edit and its revision difference, a phrasing taught to
//! the search, and the accounts page.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::browser::Demo;
use e2e::{eventually, get, post};
use fantoccini::Locator;
use serde_json::{Value, json};

fn replenish_body(number: &str, note: &str) -> Value {
    json!({
        "new_department": {"name": "昆明市滇池管理局", "region": "530100",
            "phones": [{"label": "办公室", "number": number}], "address": "昆明市西山区滇池路1号"},
        "question": "昆明市滇池管理局的电话是多少？",
        "answer": format!("昆明市滇池管理局办公室电话{number}，地址昆明市西山区滇池路1号。"),
        "note": note
    })
}

#[tokio::test]
async fn workbench_the_editor_reviews_requests_and_the_admin_manages_accounts() {
    let demo = Demo::start(&[]).await;
    let http = reqwest::Client::new();
    let k = |p: &str| format!("http://127.0.0.1:{}{p}", demo.knowledge_port);
    let t = |p: &str| format!("http://127.0.0.1:{}{p}", demo.tickets_port);
    let op = demo.login("operator").await;
    let li = demo.login("liaison-530100-zfb").await;

    // Something nobody can answer, asked three times: the top of the unanswered report.
    let odd = "火星基地参观门票预约";
    for _ in 0..3 {
        let r = get(
            &http,
            &format!("{}?q={}", k("/api/v1/search"), e2e::journeys::enc(odd)),
            &op,
        )
        .await;
        assert_eq!(r["confident"], false, "{r}");
    }

    // A no-info ticket, accepted and replenished by the government office's liaison.
    let ticket = post(
        &http,
        &t("/api/v1/tickets"),
        &op,
        json!({"type": "no_info", "summary": "来电查询昆明市滇池管理局电话，知识库无此信息",
               "region": "530100", "query": "昆明市滇池管理局电话",
               "caller": {"name": "李先生", "phone": "13800001111"}}),
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();
    post(
        &http,
        &t(&format!("/api/v1/tickets/{id}/accept")),
        &li,
        json!({}),
    )
    .await;
    post(
        &http,
        &t(&format!("/api/v1/tickets/{id}/replenish")),
        &li,
        replenish_body("0871-6311234", "滇池保护治理由昆明市滇池管理局负责"),
    )
    .await;

    // The editor's queue shows the request: department, question, ticket, the difference.
    let ed = demo.browser().await;
    ed.sign_in("editor").await;
    let queue = ed
        .wait_text("#review-queue", "新部门：昆明市滇池管理局")
        .await;
    assert!(queue.contains("昆明市滇池管理局的电话是多少"), "{queue}");
    assert!(queue.contains(&id), "{queue}");
    assert!(queue.contains("liaison-530100-zfb"), "{queue}");
    let ins = ed.text("#review-queue .diff .new ins").await;
    assert!(!ins.is_empty(), "the new values are marked");
    ed.find(&format!("#review-queue a[href='/tickets/{id}']"))
        .await;
    ed.screenshot("editor-queue").await;

    // Rejected with a reason: gone from the queue, with a message.
    ed.fill(
        "#review-queue input[name=reason]",
        "电话号码少一位，请与官网核对后再提交",
    )
    .await;
    ed.click("#review-queue form.reject button[type=submit]")
        .await;
    ed.wait_text("#flash", "已驳回").await;
    ed.wait_text("#review-queue", "暂无待审核").await;

    // The liaison corrects it; the new request appears in the open queue by itself.
    eventually(20, "the ticket back with its liaison", || async {
        let v = get(&http, &t(&format!("/api/v1/tickets/{id}")), &li).await;
        (v["status"] == "accepted").then_some(())
    })
    .await;
    post(
        &http,
        &t(&format!("/api/v1/tickets/{id}/replenish")),
        &li,
        replenish_body("0871-63112345", "已与官网核对"),
    )
    .await;
    ed.wait_text("#review-queue", "0871-63112345").await;

    // Applied: out of the queue, and the ticket closes.
    ed.click("#review-queue button.primary").await;
    ed.wait_text("#flash", "已通过").await;
    ed.wait_text("#review-queue", "暂无待审核").await;
    eventually(30, "the ticket closed", || async {
        let v = get(&http, &t(&format!("/api/v1/tickets/{id}")), &op).await;
        (v["status"] == "closed").then_some(())
    })
    .await;

    // The unanswered report, most frequent first; "新建条目" opens a prefilled form.
    ed.click("header nav a[href='/knowledge/unanswered']").await;
    let report = ed.wait_text("#unanswered", odd).await;
    assert!(report.contains('3'), "{report}");
    ed.screenshot("editor-unanswered").await;
    ed.click("#unanswered tbody tr:first-child a.button").await;
    ed.wait_for("form input#department").await;
    let prefilled = ed
        .client
        .execute("return document.getElementById('question').value", vec![])
        .await
        .unwrap();
    assert_eq!(prefilled, odd);
    ed.fill("#department", "530100-rsj").await;
    ed.fill("#answer", "目前暂无火星基地参观安排，请关注官方公告。")
        .await;
    ed.click("form button.primary").await;
    ed.wait_text(".flash", "条目已创建").await;

    // An edit of the answer shows as a revision with its difference.
    ed.fill(
        "#answer",
        "目前暂无火星基地参观安排，请留意市政府官方网站公告。",
    )
    .await;
    ed.fill("#note", "补充公告渠道").await;
    ed.click(".faq-edit form button.primary").await;
    ed.wait_text(".flash", "修改已保存").await;
    let revs = ed.wait_text("#revisions", "第 2 版").await;
    assert!(revs.contains("补充公告渠道"), "{revs}");
    let added = ed.text("#revisions .diff .new ins").await;
    assert!(added.contains("留意"), "{added}");
    let new_side = ed.text("#revisions .diff .new").await;
    assert!(new_side.contains("请留意市政府官方网站公告"), "{new_side}");
    ed.screenshot("editor-faq").await;

    // The phrasings table: the editor teaches the search how callers voice a question, in
    // words nothing knows (鸾凤帖, 耗子), and the next caller's story is answered by it. The
    // story the search could not answer is in the unanswered report, with 添加问法.
    let story = "五华区 家里那张鸾凤帖被耗子啃得稀烂现在要咋个整";
    let search = |q: &'static str| {
        let (http, op, url) = (&http, &op, k("/api/v1/search"));
        async move { get(http, &format!("{url}?q={}", e2e::journeys::enc(q)), op).await }
    };
    let before = search(story).await;
    assert_ne!(before["items"][0]["code"], "530102-hydj-3", "{before}");
    assert_eq!(before["confident"], false, "{before}");
    eventually(10, "the story in the unanswered report", || async {
        ed.goto("/knowledge/unanswered").await;
        ed.text("#unanswered")
            .await
            .contains("鸾凤帖")
            .then_some(())
    })
    .await;
    ed.click(&format!(
        "#unanswered a.button[href^='/knowledge/phrasings'][href*='{}']",
        e2e::journeys::enc("鸾凤帖")
    ))
    .await;
    ed.wait_text("#phrasings", "结婚证丢了怎么补办").await;
    let value = |id: &'static str| {
        let ed = &ed;
        async move {
            ed.client
                .execute(
                    &format!("return document.getElementById('{id}').value"),
                    vec![],
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(
        value("phr-text").await,
        json!(story),
        "prefilled with the story"
    );
    ed.select("#phr-label", "hydj-3").await;
    // With its region's name the story is refused, in Chinese, and the form keeps it.
    ed.click(".phr-add button.primary").await;
    ed.wait_text("#flash", "不要写地区名").await;
    assert_eq!(value("phr-label").await, json!("hydj-3"));
    assert_eq!(value("phr-text").await, json!(story));
    let mine = "家里的鸾凤帖被耗子啃烂了要去哪里重新办";
    ed.fill("#phr-text", mine).await;
    ed.click(".phr-add button.primary").await;
    ed.wait_text("#flash", "已添加说法").await;
    // Taken, the form is empty again, the caller's words it opened with too.
    assert_eq!(value("phr-text").await, json!(""));
    assert_eq!(value("phr-label").await, json!(""));
    let row = "#phrasings tr[data-label='hydj-3']";
    ed.wait_text(row, mine).await;
    ed.fill("#phr-filter", "结婚证").await;
    ed.screenshot("editor-phrasings").await;
    eventually(10, "the story answered by the phrasing", || async {
        let r = search(story).await;
        (r["items"][0]["code"] == "530102-hydj-3" && r["confident"] == true).then_some(())
    })
    .await;
    // Deleted (after a confirmation), it is gone from the table.
    ed.client
        .execute("window.confirm = function () { return true; };", vec![])
        .await
        .unwrap();
    ed.click(&format!("{row} .phrasing.added button.danger"))
        .await;
    ed.wait_text("#flash", "已删除说法").await;
    let left = ed.text(row).await;
    assert!(!left.contains(mine), "{left}");
    ed.close().await;

    // The admin creates a liaison account and disables it.
    let ad = demo.browser().await;
    ad.sign_in("admin").await;
    ad.wait_text("#accounts", "信息联络员").await;
    ad.fill("#new-username", "liaison-530100-test").await;
    ad.select("#new-role", "liaison").await;
    ad.fill("#new-department", "530100-rsj").await;
    ad.fill("#new-password", "a-long-password").await;
    ad.click("#new-account button[type=submit]").await;
    ad.wait_text("#flash", "已创建").await;
    let row = "#accounts tbody.focus tr[data-username='liaison-530100-test']";
    let text = ad.wait_text(row, "信息联络员").await;
    assert!(
        text.contains("530100-rsj") && text.contains("正常"),
        "{text}"
    );

    // Issue 16: the password the admin handed out is one-time. The new liaison is taken to
    // choose their own, and no other page opens until they have.
    let li = demo.browser().await;
    li.sign_in_with("liaison-530100-test", "a-long-password")
        .await;
    assert_eq!(li.path().await, "/password");
    li.wait_text("main", "初始密码").await;
    li.goto("/tickets").await;
    li.wait_for("form[action='/password']").await;
    assert_eq!(li.path().await, "/password");
    li.fill("#current", "a-long-password").await;
    li.fill("#new", "liaison-own-secret").await;
    li.fill("#again", "liaison-own-typo").await;
    li.click("form[action='/password'] button[type=submit]")
        .await;
    li.wait_text(".flash-error", "不一致").await;
    li.screenshot("password-change").await;
    li.fill("#current", "a-long-password").await;
    li.fill("#new", "liaison-own-secret").await;
    li.fill("#again", "liaison-own-secret").await;
    li.click("form[action='/password'] button[type=submit]")
        .await;
    li.wait_path("/").await;
    li.wait_text("header.top", "信息联络员").await;
    assert!(
        li.client
            .find(Locator::Css("form[action='/password']"))
            .await
            .is_err()
    );
    li.close().await;
    // The stop asks for a confirmation first.
    ad.client
        .execute("window.confirm = function () { return true; };", vec![])
        .await
        .unwrap();
    ad.click(&format!("{row} button.danger")).await;
    ad.wait_text("#flash", "已停用").await;
    ad.wait_text(row, "已停用").await;
    ad.screenshot("admin-accounts").await;
    let ad_token = demo.login("admin").await;
    let acc = get(&http, &k("/api/v1/accounts/liaison-530100-test"), &ad_token).await;
    assert_eq!(acc["disabled"], true, "{acc}");

    // Issue 16: the audit log shows what the admin just did, and can be narrowed by kind.
    ad.click("header nav a[href='/admin/audit']").await;
    let log = ad.wait_text("table.audit", "修改账号").await;
    assert!(
        log.contains("新建账号") && log.contains("liaison-530100-test"),
        "{log}"
    );
    ad.select("#au-action", "account_created").await;
    ad.click("form.filters button[type=submit]").await;
    let narrowed = ad.wait_text("section.card p.muted", "共 1 条").await;
    assert!(narrowed.contains("180 天"), "{narrowed}");
    ad.screenshot("admin-audit").await;
    assert!(
        ad.client.find(Locator::Css("[style]")).await.is_err(),
        "no style attributes"
    );
    ad.close().await;
}
