//! The `hylafax` fax transport: submits PDFs to a HylaFAX server by speaking the hfaxd client
//! protocol (port 4559, FTP-like) over TCP; no `sendfax` binary and no shell at run time.
//!
//! One submission is one session:
//!
//! ```text
//! USER hotline            230            (hosts.hfaxd lets the host in without a password)
//! JOBFMT "%j|%a|%J"       200            then EPSV + LIST sendq, EPSV + LIST doneq: look for a
//!                                        job already tagged with this notification (see below)
//! FORM PDF                200            without it the upload is stored as PostScript (.ps)
//! TYPE I                  200
//! EPSV                    229 (|||port|) passive data connection to the control peer's address
//! STOT                    150 FILE: /tmp/doc7.pdf ...   (data, close)   226 Transfer complete
//! JNEW                    200 New job created: jobid: 7 groupid: 7.
//! JPARM DIALSTRING "…"    213            JPARM NOTIFY "none", JPARM JOBINFO "hotline-<id>",
//!                                        JPARM LASTTIME 000300, JPARM PAGEWIDTH/PAGELENGTH
//!                                        (A4), JPARM VRES 196
//! JPARM DOCUMENT /tmp/doc7.pdf   200 Added document … as docq/doc7.pdf.7
//! JSUBM                   200 Job 7 submitted.
//! QUIT                    221
//! ```
//!
//! Exactly once: every job carries the tag `hotline-<notification_id>` (JOBINFO, shown by
//! `faxstat` as the job's identifier). Before creating a job the session lists the send and done
//! queues; a job with our tag that is queued, running or done is the earlier submission whose
//! answer was lost (worker killed, connection cut after `JSUBM`), and its id is returned instead
//! of faxing twice. A failed one is not reused: submitting again after a failure is a retry.
//! hfaxd deletes a job that was created but not submitted when the session ends, so a session
//! cut before `JSUBM` leaves nothing behind.
//!
//! The client is written here, on tokio's TCP streams, because no maintained Rust crate speaks
//! HylaFAX's client protocol (the FTP crates know neither `JNEW`/`JPARM`/`JSUBM` nor hfaxd's
//! replies), and the alternative, running `sendfax`, would put a shell and a binary on every
//! replica. It is split by responsibility: `protocol` (one hfaxd session: replies, commands,
//! data connections), `submit` (sending a fax exactly once), `status` (reading jobs back).

mod protocol;
mod status;
mod submit;
#[cfg(test)]
mod tests;

use std::fmt;
use std::time::Duration;

use protocol::{Session, Step, transient};

/// Where hfaxd listens unless `HOTLINE_FAX_HYLAFAX_HOST` says otherwise.
pub const DEFAULT_HOST: &str = "127.0.0.1:4559";
/// The HylaFAX user jobs are submitted as (the job owner shown by `faxstat`).
pub const DEFAULT_USER: &str = "hotline";
/// Prefix of the job tag that carries the notification id.
pub const TAG_PREFIX: &str = "hotline-";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long HylaFAX keeps trying to get a fax through before it fails the job.
const DEFAULT_GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 60 * 60);

/// A failed submission or query. `Transient` is worth retrying (server down, timeouts, 4xx
/// replies, server-side configuration); `Permanent` never succeeds as it stands (invalid number
/// or document, 5xx answers to the job's own parameters).
#[derive(Debug)]
pub enum HylafaxError {
    Transient(String),
    Permanent(String),
}

impl HylafaxError {
    pub fn is_permanent(&self) -> bool {
        matches!(self, HylafaxError::Permanent(_))
    }
}

impl fmt::Display for HylafaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HylafaxError::Transient(m) => write!(f, "HylaFAX (temporary): {m}"),
            HylafaxError::Permanent(m) => write!(f, "HylaFAX: {m}"),
        }
    }
}

impl std::error::Error for HylafaxError {}

/// A job's state as HylaFAX reports it.
#[derive(Debug, PartialEq)]
pub enum JobState {
    /// In the send queue (waiting, sleeping between tries, blocked, sending, suspended).
    Queued,
    /// Sent; the job is in the done queue.
    Done,
    /// Given up by HylaFAX (or killed by an operator), with its status text.
    Failed(String),
    /// Not in either queue: never existed, or cleaned out of the done queue.
    Unknown,
}

/// One job from a queue listing.
#[derive(Debug, Clone, PartialEq)]
pub struct QueuedJob {
    pub id: String,
    /// `faxstat`'s one-letter state: T suspended, P pending, S sleeping, B blocked, W waiting,
    /// R running, D done, F failed, ? undefined.
    pub state: char,
    pub tag: String,
}

impl QueuedJob {
    /// Whether this job stands for a submission that will be (or was) sent. A failed job does
    /// not, nor does a suspended one (hfaxd left it behind unsubmitted; nothing will send it).
    pub(crate) fn is_live(&self) -> bool {
        matches!(self.state, 'P' | 'S' | 'B' | 'W' | 'R' | 'D')
    }
}

/// A client for one HylaFAX server. Cheap to create; every call is its own session.
#[derive(Debug, Clone)]
pub struct HylafaxClient {
    host_port: String,
    user: String,
    password: Option<String>,
    timeout: Duration,
    give_up_after: Duration,
}

impl HylafaxClient {
    pub fn new(host_port: &str) -> HylafaxClient {
        let host_port = host_port.trim();
        HylafaxClient {
            host_port: if host_port.is_empty() {
                DEFAULT_HOST
            } else {
                host_port
            }
            .to_string(),
            user: DEFAULT_USER.to_string(),
            password: None,
            timeout: DEFAULT_TIMEOUT,
            give_up_after: DEFAULT_GIVE_UP_AFTER,
        }
    }

    /// Submit as another HylaFAX user (and password, for servers that ask for one).
    pub fn with_user(mut self, user: &str, password: Option<&str>) -> HylafaxClient {
        self.user = user.to_string();
        self.password = password.map(str::to_string);
        self
    }

    /// Limit on connecting and on each reply or transfer (default 20 s).
    pub fn with_timeout(mut self, limit: Duration) -> HylafaxClient {
        self.timeout = limit;
        self
    }

    /// How long HylaFAX keeps dialling before it fails the job (default 3 h, at most 99 days).
    pub fn with_give_up_after(mut self, limit: Duration) -> HylafaxClient {
        self.give_up_after = limit;
        self
    }

    pub fn host_port(&self) -> &str {
        &self.host_port
    }

    pub(crate) async fn login(&self) -> Result<Session, HylafaxError> {
        let mut session = Session::connect(&self.host_port, self.timeout).await?;
        let user = session.command(&format!("USER {}", self.user)).await?;
        match (user.code, &self.password) {
            (230, _) => {}
            (331, Some(password)) => {
                session
                    .command_ok(&format!("PASS {password}"), Step::Session)
                    .await?;
            }
            (331, None) => {
                return Err(HylafaxError::Transient(format!(
                    "{} asks user {} for a password; list this host in hosts.hfaxd",
                    self.host_port, self.user
                )));
            }
            _ => return Err(transient("USER", &user)),
        }
        Ok(session)
    }
}
