//! Reading jobs back: one job's state (`JOB`, `JPARM STATE`), and the jobs of the send and
//! done queues that carry a notification's tag.

use super::protocol::{Session, Step, transient};
use super::submit::job_tag;
use super::{HylafaxClient, HylafaxError, JobState, QueuedJob};

/// JOBFMT for queue listings: job id, one-letter state, tag (last: it is free text).
const JOB_FORMAT: &str = "%j|%a|%J";

impl HylafaxClient {
    /// Reads a job's state back (sendq / doneq).
    pub async fn job_state(&self, job_id: &str) -> Result<JobState, HylafaxError> {
        if job_id.is_empty() || job_id.len() > 12 || !job_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(HylafaxError::Permanent(format!(
                "`{job_id}` is not a HylaFAX job id"
            )));
        }
        let mut session = self.login().await?;
        let selected = session.command(&format!("JOB {job_id}")).await?;
        if selected.code != 200 {
            session.quit().await;
            // "500 Cannot set job 9; job does not exist (No such file or directory)."
            return if selected.code >= 500 && selected.text().contains("does not exist") {
                Ok(JobState::Unknown)
            } else {
                Err(transient(&format!("JOB {job_id}"), &selected))
            };
        }
        let state = session.command("JPARM STATE").await?;
        let state = match state.code {
            213 => state.last_text(),
            // "500 Cannot access job state; job deleted by another party."
            500 => {
                session.quit().await;
                return Ok(JobState::Unknown);
            }
            _ => return Err(transient("JPARM STATE", &state)),
        };
        let result = match state.as_str() {
            "DONE" => JobState::Done,
            "FAILED" => {
                let status = session.command("JPARM STATUS").await?;
                let why = if status.code == 213 {
                    status.last_text()
                } else {
                    String::new()
                };
                JobState::Failed(if why.is_empty() {
                    format!("HylaFAX job {job_id} failed")
                } else {
                    why
                })
            }
            "SUSPENDED" | "PENDING" | "SLEEPING" | "BLOCKED" | "READY" | "ACTIVE" => {
                JobState::Queued
            }
            _ => JobState::Unknown,
        };
        session.quit().await;
        Ok(result)
    }

    /// The jobs in the send and done queues tagged with `notification_id` (for operators and
    /// tests; `submit` uses the same lookup).
    pub async fn find_jobs(&self, notification_id: &str) -> Result<Vec<QueuedJob>, HylafaxError> {
        let tag = job_tag(notification_id)?;
        let mut session = self.login().await?;
        let jobs = session.find_jobs(&tag).await?;
        session.quit().await;
        Ok(jobs)
    }
}

impl Session {
    /// Jobs tagged `tag` in the send queue, then the done queue. In that order: a job only
    /// moves from sendq to doneq, so one moving while we look still shows up in one of them.
    pub(crate) async fn find_jobs(&mut self, tag: &str) -> Result<Vec<QueuedJob>, HylafaxError> {
        self.command_ok(&format!("JOBFMT \"{JOB_FORMAT}\""), Step::Session)
            .await?;
        let mut jobs = Vec::new();
        for directory in ["sendq", "doneq"] {
            let listing = self.list(directory).await?;
            jobs.extend(
                parse_job_listing(&listing)
                    .into_iter()
                    .filter(|job| job.tag == tag),
            );
        }
        Ok(jobs)
    }
}

/// Lines of `%j|%a|%J` (JOB_FORMAT); lines that do not fit are skipped.
pub(crate) fn parse_job_listing(listing: &str) -> Vec<QueuedJob> {
    listing
        .lines()
        .filter_map(|line| {
            let mut parts = line.splitn(3, '|');
            let id = parts.next()?.trim();
            let state = parts.next()?.trim().chars().next().unwrap_or('?');
            let tag = parts.next()?.trim_end_matches('\r').trim();
            (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| QueuedJob {
                id: id.to_string(),
                state,
                tag: tag.to_string(),
            })
        })
        .collect()
}
