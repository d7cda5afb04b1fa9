//! Submitting a fax exactly once: look for a job already tagged with the notification, else
//! upload the PDF and create, parametrise and submit a new job.

use std::time::Duration;

use super::protocol::Step;
use super::{HylafaxClient, HylafaxError, QueuedJob, TAG_PREFIX};

impl HylafaxClient {
    /// Submits one PDF for `number`; returns the job id HylaFAX assigns. If a job tagged with
    /// `notification_id` is already queued or done, returns its id instead (see module docs).
    pub async fn submit(
        &self,
        number: &str,
        pdf: &[u8],
        notification_id: &str,
    ) -> Result<String, HylafaxError> {
        validate_number(number)?;
        let tag = job_tag(notification_id)?;
        if !pdf.starts_with(b"%PDF-") {
            return Err(HylafaxError::Permanent("the document is not a PDF".into()));
        }

        let mut session = self.login().await?;
        let existing = session.find_jobs(&tag).await?;
        if let Some(job) = pick_existing(&existing) {
            tracing::info!(
                job_id = %job.id,
                state = %job.state,
                notification_id,
                "HylaFAX already has this fax; not submitting it again"
            );
            session.quit().await;
            return Ok(job.id.clone());
        }

        session.command_ok("FORM PDF", Step::Session).await?;
        session.command_ok("TYPE I", Step::Session).await?;
        let document = session.store_temporary(pdf).await?;

        let created = session.command_ok("JNEW", Step::Session).await?;
        let job_id = parse_new_job(&created.text()).ok_or_else(|| {
            HylafaxError::Transient(format!("unexpected answer to JNEW: {}", created.text()))
        })?;
        session
            .command_ok(&format!("JPARM DIALSTRING \"{number}\""), Step::Job)
            .await?;
        session
            .command_ok("JPARM NOTIFY \"none\"", Step::Session)
            .await?;
        session
            .command_ok(&format!("JPARM JOBINFO \"{tag}\""), Step::Session)
            .await?;
        // Without LASTTIME the job's kill time is counted from the epoch and the scheduler
        // fails it at once ("Kill time expired").
        session
            .command_ok(
                &format!("JPARM LASTTIME {}", last_time(self.give_up_after)),
                Step::Session,
            )
            .await?;
        // A4 at fine resolution (196 lpi): what the renderer lays out, and legible CJK.
        session
            .command_ok("JPARM PAGEWIDTH 209", Step::Session)
            .await?;
        session
            .command_ok("JPARM PAGELENGTH 296", Step::Session)
            .await?;
        session.command_ok("JPARM VRES 196", Step::Session).await?;
        session
            .command_ok(&format!("JPARM DOCUMENT {document}"), Step::Session)
            .await?;
        session.command_ok("JSUBM", Step::Job).await?;
        tracing::info!(job_id = %job_id, notification_id, "fax submitted to HylaFAX");
        session.quit().await;
        Ok(job_id)
    }
}

/// Digits, `-` and `+` (a `+` only in front), 6 to 20 digits: the same rule as the service's.
pub(crate) fn validate_number(number: &str) -> Result<(), HylafaxError> {
    if crate::domain::is_fax_number(number) {
        Ok(())
    } else {
        Err(HylafaxError::Permanent(format!(
            "`{number}` is not a fax number (digits, `-`, `+`; 6-20 digits)"
        )))
    }
}

/// LASTTIME's relative `DDHHMM`, at least one minute, at most 99 days.
pub(crate) fn last_time(limit: Duration) -> String {
    let minutes = (limit.as_secs() / 60).clamp(1, 99 * 24 * 60 + 23 * 60 + 59);
    format!(
        "{:02}{:02}{:02}",
        minutes / (24 * 60),
        (minutes / 60) % 24,
        minutes % 60
    )
}

/// The job tag for a notification. The id goes inside a quoted protocol argument, so it is
/// held to characters that need no quoting.
pub(crate) fn job_tag(notification_id: &str) -> Result<String, HylafaxError> {
    let ok = !notification_id.is_empty()
        && notification_id.len() <= 100
        && notification_id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(format!("{TAG_PREFIX}{notification_id}"))
    } else {
        Err(HylafaxError::Permanent(format!(
            "notification id `{notification_id}` cannot be used as a HylaFAX job tag"
        )))
    }
}

/// The job to reuse instead of submitting again: a done one first, else the newest live one.
pub(crate) fn pick_existing(jobs: &[QueuedJob]) -> Option<&QueuedJob> {
    jobs.iter()
        .filter(|j| j.is_live())
        .max_by_key(|j| (j.state == 'D', j.id.parse::<u64>().unwrap_or(0)))
}

/// `New job created: jobid: 7 groupid: 7.` → `7`.
pub(crate) fn parse_new_job(text: &str) -> Option<String> {
    let rest = &text[text.find("jobid:")? + "jobid:".len()..];
    let id: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!id.is_empty()).then_some(id)
}
