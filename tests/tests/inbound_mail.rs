//! Journey (issue 18): replies come back by e-mail. The services run as processes with notify
//! fetching a folder of a real IMAP server (Dovecot, `scripts/dovecot-setup`); mails are put
//! there with IMAP APPEND, as a mail server delivers them. A liaison's answer to the dispatch
//! mail lands on its ticket as the reply; a stranger's waits in the unmatched queue until a
//! supervisor attaches it, in the API and in the workbench (未匹配来信).
//!
//! Ignored without Dovecot ("needs Dovecot"): `scripts/test` runs them when it answers, and
//! `.ci/run` installs it first.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use e2e::browser::Demo;
use e2e::journeys::{events, liaisons_of};
use e2e::{Options, Stack, eventually, get, post};
use serde_json::{Value, json};
use shared::auth::Role;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const DEPT: &str = "530100-rsj";
const USER: &str = "hotline";
const PASSWORD: &str = "hotline-test";

fn imap_port() -> u16 {
    std::env::var("DOVECOT_PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(10143)
}

/// A few IMAP commands by hand (the test crate has no IMAP client): sign in, create a folder,
/// append messages.
struct Imap {
    reader: BufReader<tokio::net::tcp::OwnedReadHalf>,
    writer: tokio::net::tcp::OwnedWriteHalf,
    tag: u32,
}

impl Imap {
    async fn connect() -> Imap {
        let stream = TcpStream::connect(("127.0.0.1", imap_port()))
            .await
            .unwrap_or_else(|e| {
                panic!("no IMAP server on 127.0.0.1:{} ({e}); run scripts/dovecot-setup (as root) first, or leave this ignored test out", imap_port())
            });
        let (r, w) = stream.into_split();
        let mut imap = Imap {
            reader: BufReader::new(r),
            writer: w,
            tag: 0,
        };
        let greeting = imap.line().await;
        assert!(greeting.starts_with("* OK"), "{greeting}");
        imap.command(&format!("LOGIN {USER} {PASSWORD}")).await;
        imap
    }

    async fn line(&mut self) -> String {
        let mut l = String::new();
        tokio::time::timeout(Duration::from_secs(10), self.reader.read_line(&mut l))
            .await
            .unwrap()
            .unwrap();
        l
    }

    /// Sends a command and reads up to its tagged answer, which must be OK.
    async fn command(&mut self, text: &str) {
        self.tag += 1;
        let tag = format!("a{}", self.tag);
        self.writer
            .write_all(format!("{tag} {text}\r\n").as_bytes())
            .await
            .unwrap();
        self.done(&tag).await;
    }

    async fn done(&mut self, tag: &str) {
        let l = self.answer(tag).await;
        assert!(l.starts_with("OK"), "{tag} {l}");
    }

    /// The tagged answer to the command of `tag`, without the tag.
    async fn answer(&mut self, tag: &str) -> String {
        loop {
            let l = self.line().await;
            if let Some(rest) = l.strip_prefix(tag) {
                return rest.trim_start().to_string();
            }
        }
    }

    /// Creates a folder. A folder that exists already will do: the names are unique, and
    /// Dovecot once answered a first CREATE of one with ALREADYEXISTS.
    async fn create(&mut self, name: &str) {
        self.tag += 1;
        let tag = format!("a{}", self.tag);
        self.writer
            .write_all(format!("{tag} CREATE {name}\r\n").as_bytes())
            .await
            .unwrap();
        let l = self.answer(&tag).await;
        assert!(
            l.starts_with("OK") || l.contains("[ALREADYEXISTS]"),
            "{tag} {l}"
        );
    }

    async fn append(&mut self, folder: &str, message: &[u8]) {
        self.tag += 1;
        let tag = format!("a{}", self.tag);
        self.writer
            .write_all(format!("{tag} APPEND {folder} {{{}}}\r\n", message.len()).as_bytes())
            .await
            .unwrap();
        let go = self.line().await;
        assert!(go.starts_with('+'), "{go}");
        self.writer.write_all(message).await.unwrap();
        self.writer.write_all(b"\r\n").await.unwrap();
        self.done(&tag).await;
    }
}

/// A new folder for this test: its name and notify's `HOTLINE_IMAP_URL` for it.
async fn new_folder(prefix: &str) -> (String, String) {
    let name = format!("{prefix}{}", unique());
    let mut imap = Imap::connect().await;
    imap.create(&name).await;
    let url = format!("imap://{USER}:{PASSWORD}@127.0.0.1:{}/{name}", imap_port());
    (name, url)
}

/// Unique across runs (the folders stay in Dovecot) and within one.
fn unique() -> String {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let t = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let n = N.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!(
        "{}{:09}x{}x{n}",
        t.as_secs(),
        t.subsec_nanos(),
        std::process::id()
    )
}

async fn deliver(folder: &str, messages: &[Vec<u8>]) {
    let mut imap = Imap::connect().await;
    for m in messages {
        imap.append(folder, m).await;
    }
}

fn mail(from: &str, subject: &str, headers: &str, body: &str) -> Vec<u8> {
    let subject = b64(subject.as_bytes());
    let id = unique();
    format!(
        "From: {from}\r\nTo: centre@hotline.test\r\nSubject: =?utf-8?B?{subject}?=\r\n\
         Message-ID: <reply-{id}@mail.example.org>\r\n{headers}MIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
    .into_bytes()
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[tokio::test]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn a_liaisons_emailed_reply_lands_on_its_ticket_and_a_strangers_is_attached_by_hand() {
    let (folder, url) = new_folder("e2e").await;
    let stack = Stack::start(Options {
        env: vec![
            ("HOTLINE_IMAP_URL".into(), url),
            ("HOTLINE_IMAP_POLL_SECS".into(), "1".into()),
        ],
        ..Options::default()
    })
    .await;
    let http = &stack.http;
    let operator = stack.login_as("op-inbound", "operator", None).await;
    let supervisor = stack.login_as("sup-inbound", "supervisor", None).await;
    let liaison = stack.token(Role::Liaison, Some(DEPT));
    let person = liaisons_of(DEPT).into_iter().next().unwrap();

    let created = post(
        http,
        &stack.t("/api/v1/tickets"),
        &operator,
        json!({"type": "complaint", "urgent": false, "cause": "attitude",
               "summary": "社保窗口拒收退休材料", "details": "来电人称窗口工作人员拒收材料。",
               "region": "530100", "department": DEPT,
               "caller": {"name": "王女士", "phone": "13987654321"}}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        json!({"department": DEPT}),
    )
    .await;
    post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/accept")),
        &liaison,
        json!({}),
    )
    .await;
    // The dispatch mail the liaison answers.
    let sent = stack
        .smtp
        .wait_for(&person.email, "the dispatch e-mail", |m| {
            m.subject().contains(&id)
        })
        .await;
    let message_id = sent.message_id();
    let message_id = message_id.trim_matches(['<', '>']);

    // The liaison presses "reply" (Outlook-style quotation below); a stranger writes too.
    deliver(
        &folder,
        &[
            mail(
                &format!("{} <{}>", person.name, person.email),
                &format!("回复：{}", sent.subject()),
                &format!("In-Reply-To: <{message_id}>\r\nReferences: <{message_id}>\r\n"),
                "经核实，已向来电人道歉并当场受理退休申请。\r\n\r\n-----原始邮件-----\r\n发件人：96128\r\n主题：派单",
            ),
            mail(
                "王五 <wangwu@example.org>",
                &format!("关于工单 {id}"),
                "",
                "我是来电人的家属，补充一点情况：窗口在二楼。",
            ),
        ],
    )
    .await;

    // Within a minute (here: seconds) the ticket is replied by e-mail, the text trimmed.
    let reply = eventually(60, "the e-mailed reply on the ticket", || async {
        events(&stack, &supervisor, &id)
            .await
            .into_iter()
            .find(|e| e["action"] == "reply")
    })
    .await;
    let data = &reply["data"];
    assert_eq!(data["channel"], "email", "{reply}");
    assert_eq!(
        data["body"], "经核实，已向来电人道歉并当场受理退休申请。",
        "{reply}"
    );
    assert_eq!(
        data["inbound"]["from"],
        person.email.to_lowercase(),
        "{reply}"
    );
    let ticket = get(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}")),
        &supervisor,
    )
    .await;
    assert_eq!(ticket["status"], "replied", "{ticket}");

    // The stranger's mail waits for the centre.
    let notify = |p: &str| format!("{}{p}", stack.n(""));
    let queued = eventually(60, "the stranger's mail unmatched", || async {
        let page = get(
            http,
            &notify("/api/v1/inbound?status=unmatched"),
            &supervisor,
        )
        .await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["sender"] == "wangwu@example.org")
            .cloned()
    })
    .await;
    assert!(
        queued["reason"].as_str().unwrap().contains("联络员"),
        "{queued}"
    );
    let attached = post(
        http,
        &notify(&format!(
            "/api/v1/inbound/{}/attach",
            queued["id"].as_str().unwrap()
        )),
        &supervisor,
        json!({"ticket_id": id}),
    )
    .await;
    assert_eq!(attached["status"], "attached", "{attached}");
    assert_eq!(attached["recorded_as"], "note", "{attached}");
    let notes: Vec<Value> = events(&stack, &supervisor, &id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "inbound_mail")
        .collect();
    assert_eq!(notes.len(), 1, "{notes:#?}");
    assert_eq!(notes[0]["role"], "supervisor");
    assert!(
        notes[0]["data"]["text"]
            .as_str()
            .unwrap()
            .contains("窗口在二楼")
    );
    // Each once, whatever the later rounds do.
    tokio::time::sleep(Duration::from_secs(3)).await;
    let all = get(http, &notify("/api/v1/inbound"), &supervisor).await;
    assert_eq!(all["total"], 2, "{all}");
    let replies = events(&stack, &supervisor, &id)
        .await
        .into_iter()
        .filter(|e| e["action"] == "reply")
        .count();
    assert_eq!(replies, 1);
}

#[tokio::test]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn workbench_the_supervisor_attaches_an_unmatched_mail() {
    let (folder, url) = new_folder("wb").await;
    let demo = Demo::start(&[
        ("HOTLINE_IMAP_URL", url.as_str()),
        ("HOTLINE_IMAP_POLL_SECS", "1"),
    ])
    .await;
    let http = reqwest::Client::new();
    let operator = demo.login("operator").await;
    let supervisor = demo.login("supervisor").await;
    let ticket = post(
        &http,
        &format!("http://127.0.0.1:{}/api/v1/tickets", demo.tickets_port),
        &operator,
        json!({"type": "complaint", "urgent": false, "summary": "办事大厅排队时间长",
               "details": "来电人反映排队两小时。", "region": "530100",
               "caller": {"name": "张先生", "phone": "13800001111"}}),
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();
    deliver(
        &folder,
        &[
            mail(
                "李四 <lisi@example.org>",
                "投诉处理进展咨询",
                "",
                "您好，我上周反映的排队问题现在怎么样了？\r\n谢谢！\r\n-- \r\n李四",
            ),
            mail("推广 <ads@example.com>", "优惠活动", "", "点击领取"),
        ],
    )
    .await;
    let notify = format!(
        "http://127.0.0.1:{}/api/v1/inbound?status=unmatched",
        demo.notify_port
    );
    eventually(60, "two unmatched mails", || async {
        let page = get(&http, &notify, &supervisor).await;
        (page["total"] == 2).then_some(())
    })
    .await;

    let b = demo.browser().await;
    b.sign_in("supervisor").await;
    b.goto("/inbound").await;
    let text = b.wait_text("#inbound", "投诉处理进展咨询").await;
    assert!(
        text.contains("李四") && text.contains("lisi@example.org"),
        "{text}"
    );
    assert!(text.contains("我上周反映的排队问题"), "{text}");
    assert!(!text.contains("-- "), "the signature is trimmed: {text}");
    b.screenshot("supervisor-inbound").await;

    // Attach the first to the ticket by its number; dismiss the advertisement.
    let row = "#inbound tbody tr:nth-child(2)";
    let first = b.text(row).await;
    let (attach_row, dismiss_row) = if first.contains("李四") {
        (
            row.to_string(),
            "#inbound tbody tr:nth-child(1)".to_string(),
        )
    } else {
        (
            "#inbound tbody tr:nth-child(1)".to_string(),
            row.to_string(),
        )
    };
    b.fill(&format!("{attach_row} input[name=ticket_id]"), &id)
        .await;
    b.click(&format!("{attach_row} button.primary")).await;
    b.wait_text(&attach_row, &format!("已作为备注记入工单 {id}"))
        .await;
    b.click(&format!("{dismiss_row} button:not(.primary)"))
        .await;
    b.wait_text(&dismiss_row, "已忽略").await;
    b.screenshot("supervisor-inbound-decided").await;
    let page = get(&http, &notify, &supervisor).await;
    assert_eq!(page["total"], 0, "{page}");
    // The ticket's history shows the mail as a note, with its sender and text.
    b.goto(&format!("/tickets/{id}")).await;
    let history = b.wait_text("main", "来信").await;
    assert!(history.contains("李四 <lisi@example.org>"), "{history}");
    assert!(history.contains("我上周反映的排队问题"), "{history}");
    b.screenshot("supervisor-inbound-ticket").await;
    b.close().await;
}

// ---------------------------------------------------------------- received faxes

/// The fax gateway's address in these tests (`HOTLINE_IMAP_FAX_SENDERS`).
const GATEWAY: &str = "fax@gateway.test";
/// `530100-rsj`'s fax number in the reference data.
const DEPT_FAX: &str = "0871 3982 9657";
const FAX_G3: &[u8] = include_bytes!("../../services/notify/tests/fixtures/fax-g3-two-pages.tif");

/// A received fax as a fax server mails it: from the gateway, the sender's number in the
/// subject, the fax as a TIFF attachment.
fn fax_mail(number: &str, tiff: &[u8]) -> Vec<u8> {
    let id = unique();
    let data: Vec<String> = b64(tiff)
        .as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    format!(
        "From: HylaFAX <{GATEWAY}>\r\nTo: centre@hotline.test\r\n\
         Subject: Facsimile received from {number}\r\nMessage-ID: <fax-{id}@gateway.test>\r\n\
         MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b{id}\r\n\r\n\
         --b{id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n2 pages, received 09:12\r\n\
         --b{id}\r\nContent-Type: image/tiff\r\nContent-Transfer-Encoding: base64\r\n\
         Content-Disposition: attachment; filename=fax{id}.tif\r\n\r\n{}\r\n--b{id}--\r\n",
        data.join("\r\n")
    )
    .into_bytes()
}

fn fax_env(url: String) -> Vec<(String, String)> {
    vec![
        ("HOTLINE_IMAP_URL".into(), url),
        ("HOTLINE_IMAP_POLL_SECS".into(), "1".into()),
        ("HOTLINE_IMAP_FAX_SENDERS".into(), GATEWAY.into()),
    ]
}

#[tokio::test]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn a_departments_fax_lands_on_its_urgent_complaint_for_confirmation() {
    let (folder, url) = new_folder("fax").await;
    let stack = Stack::start(Options {
        env: fax_env(url),
        ..Options::default()
    })
    .await;
    let http = &stack.http;
    let operator = stack.login_as("op-fax", "operator", None).await;
    let supervisor = stack.login_as("sup-fax", "supervisor", None).await;
    let created = post(
        http,
        &stack.t("/api/v1/tickets"),
        &operator,
        json!({"type": "complaint", "urgent": true, "cause": "handling",
               "summary": "社保卡补办窗口停办", "details": "来电人称窗口无人受理。",
               "region": "530100", "department": DEPT,
               "caller": {"name": "赵女士", "phone": "13987650000"}}),
    )
    .await;
    let id = created["id"].as_str().unwrap().to_string();
    post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        json!({"department": DEPT}),
    )
    .await;

    // The department faxes its reply; a stranger faxes too.
    deliver(
        &folder,
        &[
            fax_mail(DEPT_FAX, FAX_G3),
            fax_mail("0871 0000 0001", FAX_G3),
        ],
    )
    .await;

    // The department's lands on its urgent complaint, awaiting confirmation, with a PDF of it.
    let waiting = eventually(60, "the fax awaiting confirmation", || async {
        let faxes = get(http, &stack.t("/api/v1/faxes"), &supervisor).await;
        let mine: Vec<Value> = faxes
            .as_array()?
            .iter()
            .filter(|f| f["ticket_id"] == id.as_str())
            .cloned()
            .collect();
        (!mine.is_empty()).then_some(mine)
    })
    .await;
    assert!(
        waiting.iter().all(|f| f["fax_number"] == "087139829657"),
        "{waiting:?}"
    );
    let pdf = waiting
        .iter()
        .find(|f| f["content_type"] == "application/pdf")
        .unwrap_or_else(|| panic!("no PDF of the TIFF: {waiting:?}"));
    let bytes = http
        .get(stack.t(&format!("/api/v1/tickets/{id}/attachments/{}", pdf["id"])))
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    let ticket = get(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}")),
        &supervisor,
    )
    .await;
    assert_eq!(ticket["status"], "dispatched", "a fax waits for a person");

    // The stranger's waits in the unmatched queue, saying why.
    let notify = |p: &str| format!("{}{p}", stack.n(""));
    let queued = eventually(60, "the stranger's fax unmatched", || async {
        let page = get(
            http,
            &notify("/api/v1/inbound?status=unmatched"),
            &supervisor,
        )
        .await;
        page["items"]
            .as_array()?
            .iter()
            .find(|m| m["sender"] == GATEWAY)
            .cloned()
    })
    .await;
    assert!(
        queued["reason"]
            .as_str()
            .unwrap()
            .contains("不是知识库中任何部门的传真"),
        "{queued}"
    );

    // A supervisor confirms the fax as the department's reply (代回复 with it attached).
    let ids: Vec<Value> = waiting.iter().map(|f| f["id"].clone()).collect();
    let replied = post(
        http,
        &stack.t(&format!("/api/v1/tickets/{id}/reply-on-behalf")),
        &supervisor,
        json!({"channel": "fax", "replied_by": "社保中心 李科长", "body": "已恢复窗口受理。",
               "attachments": ids}),
    )
    .await;
    assert_eq!(replied["status"], "replied", "{replied}");
    let faxes = get(http, &stack.t("/api/v1/faxes"), &supervisor).await;
    assert!(
        !faxes
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["ticket_id"] == id.as_str()),
        "{faxes}"
    );
}

#[tokio::test]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn workbench_the_supervisor_confirms_a_received_fax_with_a_scan() {
    let (folder, url) = new_folder("wbfax").await;
    let env = fax_env(url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let demo = Demo::start(&env).await;
    let http = reqwest::Client::new();
    let operator = demo.login("operator").await;
    let supervisor = demo.login("supervisor").await;
    let tickets = |p: &str| format!("http://127.0.0.1:{}{p}", demo.tickets_port);
    let ticket = post(
        &http,
        &tickets("/api/v1/tickets"),
        &operator,
        json!({"type": "complaint", "urgent": true, "cause": "attitude",
               "summary": "窗口人员态度恶劣", "details": "来电人称被训斥。", "region": "530100",
               "department": DEPT, "caller": {"name": "孙先生", "phone": "13800002222"}}),
    )
    .await;
    let id = ticket["id"].as_str().unwrap().to_string();
    post(
        &http,
        &tickets(&format!("/api/v1/tickets/{id}/dispatch")),
        &supervisor,
        json!({"department": DEPT}),
    )
    .await;
    deliver(&folder, &[fax_mail(DEPT_FAX, FAX_G3)]).await;
    eventually(60, "the fax awaiting confirmation", || async {
        let faxes = get(&http, &tickets("/api/v1/faxes"), &supervisor).await;
        (!faxes.as_array()?.is_empty()).then_some(())
    })
    .await;

    let b = demo.browser().await;
    b.sign_in("supervisor").await;
    b.goto("/faxes").await;
    let text = b.wait_text("#faxes", &id).await;
    assert!(
        text.contains("窗口人员态度恶劣") && text.contains(".pdf"),
        "{text}"
    );
    assert!(
        text.contains("昆明市人力资源和社会保障局") && !text.contains(DEPT),
        "the department by its name, not its code: {text}"
    );
    b.screenshot("supervisor-faxes").await;
    b.click("#faxes a.button").await;
    // The 代录部门回复 form is open with the fax chosen; a scan of the paper reply goes too.
    b.wait_text("#reply-on-behalf", "有待确认传真").await;
    let scan = std::env::temp_dir().join(format!("scan-{}.pdf", unique()));
    std::fs::write(&scan, b"%PDF-1.4\n% a scanned reply\n%%EOF\n").unwrap();
    b.find("#rb-scan")
        .await
        .send_keys(scan.to_str().unwrap())
        .await
        .unwrap();
    b.fill("#rb-by", "社保中心 李科长").await;
    b.fill("#rb-body", "已约谈当事窗口人员并向来电人致歉。")
        .await;
    b.screenshot("supervisor-fax-confirm").await;
    b.click("#reply-on-behalf button[type=submit]").await;
    b.wait_text("#ticket-status", "已回复").await;
    let files = b.wait_text("#attachments", "已确认").await;
    assert!(
        files.contains(scan.file_name().unwrap().to_str().unwrap()),
        "{files}"
    );
    let history = b.text("#history").await;
    assert!(
        history.contains("收到传真") && history.contains("随附"),
        "{history}"
    );
    b.screenshot("supervisor-fax-confirmed").await;
    b.close().await;
    let _ = std::fs::remove_file(scan);
}
