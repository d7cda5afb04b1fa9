//! Inbound mail (issue 18) against a real IMAP server: Dovecot from Debian's packages, which
//! `scripts/dovecot-setup` installs and starts (127.0.0.1:10143, user hotline). Messages are
//! put into the mailbox with IMAP APPEND, as a mail server delivers them, and notify fetches
//! them; a stand-in ticket service answers like the real one (the whole loop with the real
//! services is `tests/tests/inbound_mail.rs`).
//!
//! Every test here is `#[ignore]`d with the reason, so a plain `cargo test` says it did not run
//! them; `scripts/test` runs them when Dovecot answers, and `.ci/run` always (after
//! dovecot-setup). Asked to run without Dovecot, they fail. Each test uses folders of its own,
//! so they run in parallel.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;
use std::process::Child;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use futures_util::TryStreamExt;
use notify::imap::{self, MailboxUrl};
use serde_json::{Value, json};
use shared::auth::Role;

const LIAISON: &str = "liaison@hbj.km.gov.cn";
const TICKET: &str = "T20261205-000001";
const OTHER_TICKET: &str = "T20261205-000002";

fn server_url() -> String {
    std::env::var("HOTLINE_TEST_IMAP_URL")
        .unwrap_or_else(|_| "imap://hotline:hotline-test@127.0.0.1:10143".into())
}

/// The same server's TLS-only listener (IMAP over TLS, port 10993), whose certificate
/// `scripts/dovecot-setup` signs with a test CA of its own.
fn tls_server_url() -> String {
    std::env::var("HOTLINE_TEST_IMAPS_URL")
        .unwrap_or_else(|_| "imaps://hotline:hotline-test@localhost:10993".into())
}

/// That test CA's certificate (PEM).
fn test_ca_file() -> String {
    std::env::var("HOTLINE_TEST_IMAP_CA_FILE")
        .unwrap_or_else(|_| "/etc/hotline-dovecot/tls/ca.pem".into())
}

/// TLS trusting the public roots and the test CA.
fn tls() -> imap::Tls {
    imap::Tls::new(Some(std::path::Path::new(&test_ca_file())))
        .unwrap_or_else(|e| panic!("the test CA ({e}); run scripts/dovecot-setup (as root) first"))
}

/// A new, empty folder of the test account: its URL.
async fn new_folder(prefix: &str) -> String {
    new_folder_at(&server_url(), prefix).await
}

/// A new, empty folder of the test account on the server of `server`: its URL.
async fn new_folder_at(server: &str, prefix: &str) -> String {
    let name = format!("{prefix}{}", &notify::domain::new_id()[..10]);
    let url = format!("{}/{name}", server.trim_end_matches('/'));
    let mailbox = MailboxUrl::parse(&url).unwrap();
    let mut session = match imap::connect(&mailbox, &tls()).await {
        Ok(s) => s,
        Err(e) => panic!(
            "no IMAP server at {} ({e}); run scripts/dovecot-setup (as root) first, or leave \
             this ignored test out",
            mailbox.name()
        ),
    };
    session.create(&name).await.unwrap();
    session.logout().await.unwrap();
    url
}

/// Delivers `messages` into the folder of `url` (IMAP APPEND).
async fn deliver(url: &str, messages: &[Vec<u8>]) {
    let mailbox = MailboxUrl::parse(url).unwrap();
    let mut session = imap::connect(&mailbox, &tls()).await.unwrap();
    for m in messages {
        session
            .append(&mailbox.folder, None, None, m)
            .await
            .unwrap();
    }
    session.logout().await.unwrap();
}

/// The flags of every message in the folder of `url`, by UID.
async fn flags(url: &str) -> Vec<(u32, Vec<String>)> {
    let mailbox = MailboxUrl::parse(url).unwrap();
    let mut session = imap::connect(&mailbox, &tls()).await.unwrap();
    session.select(&mailbox.folder).await.unwrap();
    let fetched: Vec<_> = session
        .uid_fetch("1:*", "FLAGS")
        .await
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let mut out: Vec<(u32, Vec<String>)> = fetched
        .iter()
        .map(|f| {
            let flags = f.flags().map(|fl| format!("{fl:?}")).collect();
            (f.uid.unwrap_or(0), flags)
        })
        .collect();
    out.sort();
    session.logout().await.unwrap();
    out
}

fn mail(from: &str, subject: &str, headers: &str, body: &str) -> Vec<u8> {
    use base64::Engine as _;
    let subject = base64::engine::general_purpose::STANDARD.encode(subject);
    format!(
        "From: {from}\r\nTo: hotline@localhost\r\nSubject: =?utf-8?B?{subject}?=\r\n\
         Message-ID: <{}@mail.example.org>\r\n{headers}Date: Sat, 5 Dec 2026 10:00:00 +0800\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n",
        notify::domain::new_id()
    )
    .into_bytes()
}

/// "已办结，详见附件。" and "张三" in GBK, in a GBK message.
fn gbk_mail(from: &str) -> Vec<u8> {
    let body: &[u8] = &[
        0xd2, 0xd1, 0xb0, 0xec, 0xbd, 0xe1, 0xa3, 0xac, 0xcf, 0xea, 0xbc, 0xfb, 0xb8, 0xbd, 0xbc,
        0xfe, 0xa1, 0xa3,
    ];
    let name_b64 = "1cXI/Q=="; // 张三
    let mut raw = format!(
        "From: =?GBK?B?{name_b64}?= <{from}>\r\nTo: hotline@localhost\r\n\
         Subject: =?GBK?B?u9i4tDo=?= {TICKET}\r\nMessage-ID: <gbk-{}@mail.example.org>\r\n\
         MIME-Version: 1.0\r\nContent-Type: text/plain; charset=GBK\r\n\
         Content-Transfer-Encoding: 8bit\r\n\r\n",
        notify::domain::new_id()
    )
    .into_bytes();
    raw.extend_from_slice(body);
    raw.extend_from_slice(b"\r\n");
    raw
}

/// A stand-in ticket service that records every mail as the liaison's reply.
async fn tickets_stand_in() -> HttpStandIn {
    HttpStandIn::start(Arc::new(|_| {
        (
            200,
            json!({"recorded_as": "reply", "recorded": true}),
            Duration::ZERO,
        )
    }))
    .await
}

async fn inbound(n: &Notify, status: &str) -> Vec<Value> {
    let r = n
        .client
        .get(format!(
            "{}/api/v1/inbound?status={status}&per_page=100",
            n.base
        ))
        .bearer_auth(token(Role::Supervisor))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.json::<Value>().await.unwrap()["items"]
        .as_array()
        .unwrap()
        .clone()
}

fn config(url: &str, tickets: &HttpStandIn) -> Vec<(&'static str, String)> {
    vec![
        ("imap_url", url.to_string()),
        ("imap_poll_secs", "1".to_string()),
        ("imap_max_attachments", "2".to_string()),
        ("tickets_url", tickets.url("")),
        ("notify_workers", "0".to_string()),
    ]
}

#[tokio::test]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn replies_are_matched_strangers_queued_and_bad_mail_dead_lettered() {
    let url = new_folder("t1-").await;
    let tickets = HttpStandIn::start_routed(Arc::new(|_, _, path| {
        // The stand-in sees paths, not bodies: TICKET takes every mail as the liaison's reply,
        // OTHER_TICKET refuses every one as the real service refuses a stranger's.
        if path == format!("/api/v1/tickets/{TICKET}/inbound") {
            (
                200,
                json!({"recorded_as": "reply", "recorded": true}),
                Duration::ZERO,
            )
        } else {
            (
                409,
                json!({"code": "conflict", "detail": "not a liaison"}),
                Duration::ZERO,
            )
        }
    }))
    .await;
    let db = TestDatabase::new("notify").unwrap();
    let n = start_notify(&db, &config(&url, &tickets)).await;

    // A notification we sent about OTHER_TICKET: a reply to it is matched by In-Reply-To even
    // though its subject names TICKET (the header wins).
    let sent = n
        .submit(
            &json!({"channel": "email", "to": LIAISON, "subject": "派单", "body": "请办理",
                    "ticket_id": OTHER_TICKET}),
            None,
        )
        .await;
    let three_attachments = {
        let mut m = String::from(
            "From: a@b.cn\r\nSubject: bomb\r\nMessage-ID: <bomb@b.cn>\r\n\
             Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n",
        );
        for i in 0..3 {
            m.push_str(&format!(
                "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; \
                 filename=f{i}.pdf\r\n\r\n%PDF-1.4\r\n"
            ));
        }
        m.push_str("--b--\r\n");
        m.into_bytes()
    };
    deliver(
        &url,
        &[
            mail(
                &format!("张三 <{LIAISON}>"),
                &format!("回复：派单 {TICKET}"),
                "",
                "已于今日办结。\r\n\r\n-----原始邮件-----\r\n发件人：热线\r\n> 请办理",
            ),
            mail(
                "王五 <stranger@example.org>",
                &format!("关于工单 {OTHER_TICKET} 的意见"),
                "",
                "我对处理结果有意见。",
            ),
            mail(
                LIAISON,
                &format!("Re: {TICKET}"),
                &format!("In-Reply-To: <{sent}@hotline>\r\n"),
                "收到",
            ),
            mail("nobody@example.org", "你好", "", "没有工单号"),
            gbk_mail(LIAISON),
            b"Subject: no sender\r\n\r\nwho wrote this?\r\n".to_vec(),
            three_attachments,
        ],
    )
    .await;

    let start = Instant::now();
    loop {
        let all = inbound(&n, "").await;
        if all.len() == 7 && all.iter().all(|m| m["status"] != "new") {
            break;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "{all:#?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let matched = inbound(&n, "matched").await;
    let unmatched = inbound(&n, "unmatched").await;
    let dead = inbound(&n, "dead").await;
    assert_eq!(
        (matched.len(), unmatched.len(), dead.len()),
        (2, 3, 2),
        "{matched:#?} {unmatched:#?}"
    );

    // The liaison's reply, trimmed, and the GBK one, read right, both on TICKET.
    let calls: Vec<Value> = tickets
        .calls()
        .iter()
        .filter(|c| c.path.ends_with("/inbound"))
        .map(|c| {
            let mut v = c.json();
            v["path"] = c.path.clone().into();
            v
        })
        .collect();
    let on_ticket: Vec<&Value> = calls
        .iter()
        .filter(|c| c["path"] == format!("/api/v1/tickets/{TICKET}/inbound"))
        .collect();
    assert_eq!(on_ticket.len(), 2, "{calls:#?}");
    assert!(
        on_ticket.iter().any(|c| c["text"] == "已于今日办结。"),
        "{on_ticket:#?}"
    );
    assert!(
        on_ticket
            .iter()
            .any(|c| c["text"] == "已办结，详见附件。" && c["from_name"] == "张三"),
        "{on_ticket:#?}"
    );
    // The reply to our notification went to its ticket, by In-Reply-To.
    assert!(
        calls.iter().any(
            |c| c["path"] == format!("/api/v1/tickets/{OTHER_TICKET}/inbound")
                && c["text"] == "收到"
        ),
        "{calls:#?}"
    );
    // Unmatched: the stranger's and the reply on OTHER_TICKET (refused there) and the mail
    // without a ticket number; each with its reason.
    let stranger = unmatched
        .iter()
        .find(|m| m["sender"] == "stranger@example.org")
        .unwrap();
    assert!(
        stranger["reason"].as_str().unwrap().contains("联络员"),
        "{stranger}"
    );
    assert_eq!(stranger["sender_name"], "王五");
    assert!(
        unmatched
            .iter()
            .any(|m| m["sender"] == "nobody@example.org" && m["reason"] == "未找到工单号")
    );
    let reasons: BTreeSet<String> = dead
        .iter()
        .map(|m| m["reason"].as_str().unwrap().to_string())
        .collect();
    assert!(
        reasons.iter().any(|r| r.contains("no sender")),
        "{reasons:?}"
    );
    assert!(
        reasons.iter().any(|r| r.contains("too many attachments")),
        "{reasons:?}"
    );

    // Every message is flagged as taken, none deleted.
    let flagged = flags(&url).await;
    assert_eq!(flagged.len(), 7);
    for (uid, f) in &flagged {
        assert!(f.iter().any(|x| x.contains("Seen")), "{uid}: {f:?}");
        assert!(
            f.iter().any(|x| x.contains("HotlineStored")),
            "{uid}: {f:?}"
        );
    }

    // A supervisor attaches the stranger's mail to TICKET by hand, and dismisses another.
    let supervisor = token(Role::Supervisor);
    let r = n
        .client
        .post(format!(
            "{}/api/v1/inbound/{}/attach",
            n.base,
            stranger["id"].as_str().unwrap()
        ))
        .bearer_auth(&supervisor)
        .json(&json!({"ticket_id": TICKET}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let attached: Value = r.json().await.unwrap();
    assert_eq!(
        (attached["status"].as_str(), attached["ticket_id"].as_str()),
        (Some("attached"), Some(TICKET))
    );
    let last = tickets.calls().last().unwrap().json();
    assert_eq!(last["attached_by"], "tester");
    let nobody = unmatched
        .iter()
        .find(|m| m["sender"] == "nobody@example.org")
        .unwrap();
    let dismiss = format!(
        "{}/api/v1/inbound/{}/dismiss",
        n.base,
        nobody["id"].as_str().unwrap()
    );
    let r = n
        .client
        .post(&dismiss)
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let r = n
        .client
        .post(&dismiss)
        .bearer_auth(&supervisor)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 409, "only an unmatched message is dismissed");
    let r = n
        .client
        .post(&dismiss)
        .bearer_auth(token(Role::Operator))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    assert_eq!(inbound(&n, "unmatched").await.len(), 1);

    // Nothing is fetched twice: the next rounds find nothing new.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(inbound(&n, "").await.len(), 7);
}

/// Dovecot offers IDLE: a message delivered while notify waits is taken at once, long before
/// the next poll.
#[tokio::test]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn new_mail_is_taken_at_once_in_idle() {
    let url = new_folder("idle-").await;
    let tickets = tickets_stand_in().await;
    let db = TestDatabase::new("notify").unwrap();
    let mut settings = config(&url, &tickets);
    settings.retain(|(k, _)| *k != "imap_poll_secs");
    settings.push(("imap_poll_secs", "60".to_string()));
    let n = start_notify(&db, &settings).await;
    // The first round (an empty folder) is over and notify waits in IDLE.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let sent = Instant::now();
    deliver(
        &url,
        &[mail(LIAISON, &format!("回复 {TICKET}"), "", "好的")],
    )
    .await;
    loop {
        if inbound(&n, "matched").await.len() == 1 {
            break;
        }
        assert!(
            sent.elapsed() < Duration::from_secs(15),
            "not taken in IDLE"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// IMAP over TLS (`imaps://`): with the mail server's certificate authority trusted
/// (`HOTLINE_IMAP_CA_FILE`) a reply is fetched and matched; trusting the public roots only,
/// notify does not talk to the server at all, and the message stays unread in the mailbox.
#[tokio::test]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn mail_over_tls_is_fetched_only_from_a_trusted_server() {
    let url = new_folder_at(&tls_server_url(), "tls-").await;
    assert!(url.starts_with("imaps://"), "{url}");
    deliver(
        &url,
        &[mail(LIAISON, &format!("回复 {TICKET}"), "", "已办结")],
    )
    .await;
    let tickets = tickets_stand_in().await;

    let db = TestDatabase::new("notify").unwrap();
    let untrusting = start_notify(&db, &config(&url, &tickets)).await;
    // Three polls' time.
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert!(
        inbound(&untrusting, "").await.is_empty(),
        "nothing is taken from a server whose certificate is not trusted"
    );
    let unread = flags(&url).await;
    assert_eq!(unread.len(), 1);
    assert!(
        !unread[0].1.iter().any(|f| f.contains(imap::STORED_KEYWORD)),
        "{unread:?}"
    );

    let db = TestDatabase::new("notify").unwrap();
    let mut settings = config(&url, &tickets);
    settings.push(("imap_ca_file", test_ca_file()));
    let n = start_notify(&db, &settings).await;
    let start = Instant::now();
    let matched = loop {
        let matched = inbound(&n, "matched").await;
        if !matched.is_empty() {
            break matched;
        }
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "not fetched over TLS"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(matched.len(), 1);
    assert_eq!(matched[0]["sender"], LIAISON);
    let on_ticket: Vec<Value> = tickets
        .calls()
        .iter()
        .filter(|c| c.path == format!("/api/v1/tickets/{TICKET}/inbound"))
        .map(|c| c.json())
        .collect();
    assert_eq!(on_ticket.len(), 1, "{on_ticket:#?}");
    assert_eq!(on_ticket[0]["text"], "已办结");
    let stored = flags(&url).await;
    assert!(
        stored[0].1.iter().any(|f| f.contains(imap::STORED_KEYWORD)),
        "{stored:?}"
    );
}

// ---------------------------------------------------------------- crash and replicas

/// Set in the process that serves instead of testing.
const CHILD: &str = "NOTIFY_IMAP_CHILD";

fn spawn_notify(db: &TestDatabase, dir: &TempDir, port: u16, url: &str, tickets: &str) -> Child {
    let env = [
        ("HOTLINE_NOTIFY_WORKERS", "0".to_string()),
        ("HOTLINE_IMAP_URL", url.to_string()),
        ("HOTLINE_IMAP_POLL_SECS", "1".to_string()),
        ("HOTLINE_TICKETS_URL", tickets.to_string()),
    ];
    let test = "killed_mid_batch_and_two_replicas_store_each_message_once";
    spawn_child(test, CHILD, db, dir, port, &env)
}

async fn count(base: &str, status: &str) -> Option<i64> {
    let r = reqwest::Client::new()
        .get(format!("{base}/api/v1/inbound?status={status}&per_page=1"))
        .bearer_auth(token(Role::Supervisor))
        .send()
        .await
        .ok()?;
    r.json::<Value>().await.ok()?["total"].as_i64()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Dovecot (scripts/dovecot-setup)"]
async fn killed_mid_batch_and_two_replicas_store_each_message_once() {
    if std::env::var_os(CHILD).is_some() {
        let config = shared::config::Config::load().unwrap();
        let settings = shared::settings::ServiceSettings::from_config("notify", &config).unwrap();
        let app = notify::Application::build(settings).await.unwrap();
        app.run_until_stopped().await.unwrap();
        return;
    }
    const N: usize = 60;
    let url = new_folder("crash-").await;
    let tickets = tickets_stand_in().await;
    let messages: Vec<Vec<u8>> = (0..N)
        .map(|i| {
            mail(
                LIAISON,
                &format!("回复 {TICKET} 第{i}封"),
                "",
                &format!("第{i}封"),
            )
        })
        .collect();
    deliver(&url, &messages).await;
    let db = TestDatabase::new("notify").unwrap();
    let dirs = [
        TempDir::new("imap-a").unwrap(),
        TempDir::new("imap-b").unwrap(),
    ];
    let ports = [free_port(), free_port()];
    let bases = ports.map(|p| format!("http://127.0.0.1:{p}"));

    // The first run is killed as soon as it has stored something, before it is done.
    let mut first = spawn_notify(&db, &dirs[0], ports[0], &url, &tickets.url(""));
    let start = Instant::now();
    let seen = loop {
        if let Some(n) = count(&bases[0], "").await
            && n > 0
        {
            break n;
        }
        assert!(start.elapsed() < Duration::from_secs(30), "nothing stored");
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    first.kill().unwrap();
    first.wait().unwrap();
    eprintln!("killed after {seen} of {N} were stored");

    // Two replicas on the one database take it from there.
    let mut replicas = [
        spawn_notify(&db, &dirs[0], ports[0], &url, &tickets.url("")),
        spawn_notify(&db, &dirs[1], ports[1], &url, &tickets.url("")),
    ];
    let start = Instant::now();
    loop {
        let total = count(&bases[1], "").await;
        let matched = count(&bases[1], "matched").await;
        if total == Some(N as i64) && matched == Some(N as i64) {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "total {total:?}, matched {matched:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // A few more rounds of both replicas change nothing.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(count(&bases[0], "").await, Some(N as i64));
    for r in &mut replicas {
        r.kill().unwrap();
        r.wait().unwrap();
    }
    // Each message reached the ticket service (at least once; it keeps each key once), and
    // every one is flagged in the mailbox.
    let keys: BTreeSet<String> = tickets
        .calls()
        .iter()
        .filter(|c| c.path.ends_with("/inbound"))
        .map(|c| c.json()["message_key"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(keys.len(), N);
    let flagged = flags(&url).await;
    assert_eq!(flagged.len(), N);
    assert!(
        flagged
            .iter()
            .all(|(_, f)| f.iter().any(|x| x.contains("Seen")))
    );
}
