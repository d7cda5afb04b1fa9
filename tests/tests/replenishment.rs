//! Journey 2: the missing-information loop (查无信息补充流程), with one rejection on the way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use e2e::journeys::replenishment_loop;
use e2e::{Options, Stack};

#[tokio::test]
async fn a_missing_department_is_replenished_and_found() {
    let stack = Stack::start(Options::default()).await;
    let bases = vec![stack.k("")];
    let report = replenishment_loop(&stack, &bases).await;
    // Each message once: no-info request to the government office's liaison(s) only.
    let dups = stack.smtp.duplicates();
    assert!(dups.is_empty(), "no message twice: {dups:?}");
    println!(
        "loop time {:.1} s; messages sent: {} e-mail(s), {} fax(es); ticket {} → {}",
        report.loop_time.as_secs_f64(),
        stack.smtp.mails().len(),
        stack.faxes().len(),
        report.ticket_id,
        report.entry_code
    );
    assert!(
        report.defects.is_empty(),
        "the loop ran to its end, but:\n- {}",
        report.defects.join("\n- ")
    );
}
