//! Unit tests of the HylaFAX client: reply parsing, the answers it reads, the checks it makes
//! before connecting, and how it fails when the server is down or silent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use super::protocol::{
    Reply, ReplyParser, Step, check, parse_epsv, parse_pasv, parse_stored_file, reply_code, verb,
};
use super::status::parse_job_listing;
use super::submit::{job_tag, last_time, parse_new_job, pick_existing, validate_number};
use super::{HylafaxClient, QueuedJob};

fn parse_all(lines: &[&str]) -> Vec<Reply> {
    let mut parser = ReplyParser::default();
    let mut out = Vec::new();
    for line in lines {
        if let Some(reply) = parser.push(&format!("{line}\r\n")).unwrap() {
            out.push(reply);
        }
    }
    assert!(parser.open.is_none(), "a reply left open");
    out
}

#[test]
fn single_line_replies() {
    let replies = parse_all(&[
        "220 vm server (HylaFAX (tm) Version 6.0.7) ready.",
        "230 User hotline logged in.",
        "213 READY",
        "213 ",
    ]);
    assert_eq!(replies.len(), 4);
    assert_eq!(replies[0].code, 220);
    assert_eq!(replies[1].text(), "User hotline logged in.");
    assert_eq!(replies[2].last_text(), "READY");
    assert_eq!(replies[3].last_text(), "");
}

#[test]
fn multi_line_replies_end_at_the_same_code_with_a_space() {
    // As hfaxd answers JPARM DOCUMENT and HELP (continuation lines with and without code).
    let replies = parse_all(&[
        "213-PDF docq/doc1.pdf.1",
        "213 End of documents.",
        "214-The following commands are recognized (* =>'s unimplemented).",
        "   ABOR            IDLE            JGRP*           REST ",
        "200 not the end: another code",
        "214 Direct comments to FaxMaster@vm.",
    ]);
    assert_eq!(replies.len(), 2);
    assert_eq!(replies[0].code, 213);
    assert_eq!(
        replies[0].lines,
        vec!["PDF docq/doc1.pdf.1", "End of documents."]
    );
    assert_eq!(replies[1].code, 214);
    assert_eq!(replies[1].lines.len(), 4);
    assert_eq!(replies[1].lines[2], "200 not the end: another code");
}

#[test]
fn garbage_is_an_error_not_a_panic() {
    let mut parser = ReplyParser::default();
    assert!(parser.push("hello\r\n").is_err());
    assert!(parser.push("99 short\r\n").is_err());
    assert!(parser.push("2000 long\r\n").is_err());
    assert!(parser.push("").is_err());
    assert!(parser.push("中文\r\n").is_err());
    assert_eq!(parser.push("250\r\n").unwrap().map(|r| r.code), Some(250));
}

#[test]
fn reply_codes() {
    assert_eq!(reply_code("213 READY"), Some(213));
    assert_eq!(reply_code("213-PDF x"), Some(213));
    assert_eq!(reply_code("213"), Some(213));
    assert_eq!(reply_code("213x"), None);
    assert_eq!(reply_code("099 x"), None);
    assert_eq!(reply_code("   ABOR"), None);
}

#[test]
fn parses_job_creation_and_stored_files() {
    assert_eq!(
        parse_new_job("New job created: jobid: 17 groupid: 4.").as_deref(),
        Some("17")
    );
    assert_eq!(parse_new_job("New job created."), None);
    assert_eq!(parse_new_job("jobid: x"), None);
    assert_eq!(
        parse_stored_file("FILE: /tmp/doc5.pdf (Opening new data connection).").as_deref(),
        Some("/tmp/doc5.pdf")
    );
    assert_eq!(
        parse_stored_file("Transfer complete (FILE: /tmp/doc5.pdf).").as_deref(),
        Some("/tmp/doc5.pdf")
    );
    // Whatever comes back is sent in a later command: nothing but a plain path.
    assert_eq!(parse_stored_file("FILE: /tmp/a;b (x)"), None);
    assert_eq!(parse_stored_file("FILE: relative.pdf"), None);
    assert_eq!(parse_stored_file("Transfer complete."), None);
}

#[test]
fn parses_passive_ports() {
    assert_eq!(
        parse_epsv("Entering Extended Passive Mode (|||41755|)"),
        Some(41755)
    );
    assert_eq!(
        parse_epsv("Entering Extended Passive Mode (!!!21!)"),
        Some(21)
    );
    assert_eq!(parse_epsv("Entering Extended Passive Mode (|||0|)"), None);
    assert_eq!(parse_epsv("Entering Extended Passive Mode"), None);
    assert_eq!(
        parse_pasv("Entering passive mode (127,0,0,1,161,233)"),
        Some(161 * 256 + 233)
    );
    assert_eq!(parse_pasv("Entering passive mode (127,0,0,1,300,1)"), None);
    assert_eq!(parse_pasv("Entering passive mode (1,2,3)"), None);
}

#[test]
fn parses_queue_listings_and_picks_the_job_to_reuse() {
    let listing = "1|W|hotline-abc\n6|F|tokill\n7|D|hotline-abc\n5|F|中文|with|bars\r\nrubbish\n\n";
    let jobs = parse_job_listing(listing);
    assert_eq!(jobs.len(), 4);
    assert_eq!(jobs[3].tag, "中文|with|bars");
    assert_eq!(jobs[1].state, 'F');
    let ours: Vec<QueuedJob> = jobs
        .into_iter()
        .filter(|j| j.tag == "hotline-abc")
        .collect();
    assert_eq!(pick_existing(&ours).map(|j| j.id.as_str()), Some("7"));

    let only_failed = parse_job_listing("3|F|hotline-x\n4|T|hotline-x\n");
    assert_eq!(
        pick_existing(&only_failed),
        None,
        "failed/suspended: submit anew"
    );
    let waiting = parse_job_listing("3|F|hotline-x\n9|W|hotline-x\n8|S|hotline-x\n");
    assert_eq!(pick_existing(&waiting).map(|j| j.id.as_str()), Some("9"));
}

#[test]
fn classifies_failures() {
    let reply = |code, text: &str| Reply {
        code,
        lines: vec![text.to_string()],
    };
    assert!(check("JSUBM", &reply(200, "Job 1 submitted."), Step::Job).is_ok());
    assert!(
        check(
            "JSUBM",
            &reply(
                504,
                "Cannot submit job 4; null or missing DIALSTRING parameter."
            ),
            Step::Job
        )
        .is_err_and(|e| e.is_permanent())
    );
    assert!(
        check(
            "JSUBM",
            &reply(460, "Failed to submit job 7: Unable to open scheduler FIFO"),
            Step::Job
        )
        .is_err_and(|e| !e.is_permanent())
    );
    assert!(
        check(
            "TYPE I",
            &reply(500, "TYPE: Command not recognized."),
            Step::Session
        )
        .is_err_and(|e| !e.is_permanent())
    );
    // Error messages name the command, never the number or a password.
    let e = check(
        "JPARM DIALSTRING \"0871-64590534\"",
        &reply(503, "x"),
        Step::Job,
    )
    .unwrap_err();
    assert!(!e.to_string().contains("64590534"), "{e}");
    assert!(e.to_string().contains("JPARM DIALSTRING"), "{e}");
    assert_eq!(verb("PASS secret"), "PASS");
}

#[test]
fn formats_the_kill_time() {
    assert_eq!(last_time(Duration::from_secs(3 * 3600)), "000300");
    assert_eq!(last_time(Duration::from_secs(26 * 3600 + 61)), "010201");
    assert_eq!(last_time(Duration::ZERO), "000001");
    assert_eq!(last_time(Duration::from_secs(1 << 40)), "992359");
}

#[test]
fn validates_numbers_and_tags() {
    for ok in [
        "0871-64590534",
        "+86-871-64590534",
        "123456",
        "12345678901234567890",
    ] {
        assert!(validate_number(ok).is_ok(), "{ok}");
    }
    for bad in [
        "12345",
        "0871 64590534",
        "0871-6459\"0534",
        "1+23456789",
        "123456789012345678901",
        "",
        "abcdefgh",
        "0871\r\nJKILL",
    ] {
        assert!(
            validate_number(bad).is_err_and(|e| e.is_permanent()),
            "{bad}"
        );
    }
    assert_eq!(job_tag("0af3").unwrap(), "hotline-0af3");
    for bad in ["", "a\"b", "a b", "a\r\nJKILL", &"x".repeat(101)] {
        assert!(job_tag(bad).is_err_and(|e| e.is_permanent()), "{bad:?}");
    }
}

#[tokio::test]
async fn refuses_bad_input_before_connecting() {
    // Port 9 on localhost: nothing listens; a connection attempt would be Transient.
    let client = HylafaxClient::new("127.0.0.1:9");
    let e = client.submit("12", b"%PDF-1.4", "n1").await.unwrap_err();
    assert!(e.is_permanent(), "{e}");
    let e = client
        .submit("0871-64590534", b"hello", "n1")
        .await
        .unwrap_err();
    assert!(e.is_permanent(), "{e}");
    let e = client.job_state("1; JKILL").await.unwrap_err();
    assert!(e.is_permanent(), "{e}");
}

#[tokio::test]
async fn server_down_is_transient() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    drop(listener);
    let client = HylafaxClient::new(&addr).with_timeout(Duration::from_secs(2));
    let e = client
        .submit("0871-64590534", b"%PDF-1.4", "n1")
        .await
        .unwrap_err();
    assert!(!e.is_permanent(), "{e}");
    let e = client.job_state("1").await.unwrap_err();
    assert!(!e.is_permanent(), "{e}");
}

#[tokio::test]
async fn a_silent_server_times_out_as_transient() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let hold = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
        drop(socket);
    });
    let client = HylafaxClient::new(&addr).with_timeout(Duration::from_millis(300));
    let e = client.job_state("1").await.unwrap_err();
    assert!(!e.is_permanent(), "{e}");
    assert!(e.to_string().contains("timed out"), "{e}");
    hold.abort();
}
