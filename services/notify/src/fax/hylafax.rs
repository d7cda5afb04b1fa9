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

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::timeout;

/// Where hfaxd listens unless `HOTLINE_FAX_HYLAFAX_HOST` says otherwise.
pub const DEFAULT_HOST: &str = "127.0.0.1:4559";
/// The HylaFAX user jobs are submitted as (the job owner shown by `faxstat`).
pub const DEFAULT_USER: &str = "hotline";
/// Prefix of the job tag that carries the notification id.
pub const TAG_PREFIX: &str = "hotline-";

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);
/// How long HylaFAX keeps trying to get a fax through before it fails the job.
const DEFAULT_GIVE_UP_AFTER: Duration = Duration::from_secs(3 * 60 * 60);
/// Longest reply line / listing we accept; hfaxd's are far shorter.
const MAX_LINE: u64 = 16 * 1024;
const MAX_REPLY_LINES: usize = 1_000;
const MAX_LISTING: u64 = 16 * 1024 * 1024;
/// JOBFMT for queue listings: job id, one-letter state, tag (last: it is free text).
const JOB_FORMAT: &str = "%j|%a|%J";

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
    fn is_live(&self) -> bool {
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

    async fn login(&self) -> Result<Session, HylafaxError> {
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

/// Which part of the exchange a reply belongs to: a 5xx to the job's own parameters (the
/// number, the submission) is the message's fault and permanent; a 5xx anywhere else means
/// the server is set up differently than we expect, which an operator can fix, so retry.
#[derive(Clone, Copy)]
enum Step {
    Session,
    Job,
}

struct Session {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    peer: IpAddr,
    timeout: Duration,
}

impl Session {
    async fn connect(host_port: &str, limit: Duration) -> Result<Session, HylafaxError> {
        let stream = match timeout(limit, TcpStream::connect(host_port)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                return Err(HylafaxError::Transient(format!(
                    "cannot connect to {host_port}: {e}"
                )));
            }
            Err(_) => {
                return Err(HylafaxError::Transient(format!(
                    "connecting to {host_port} timed out"
                )));
            }
        };
        let peer = stream
            .peer_addr()
            .map_err(|e| HylafaxError::Transient(format!("{host_port}: {e}")))?
            .ip();
        let (read, writer) = stream.into_split();
        let mut session = Session {
            reader: BufReader::new(read),
            writer,
            peer,
            timeout: limit,
        };
        let greeting = session.read_reply().await?;
        if greeting.code != 220 {
            return Err(transient("greeting", &greeting));
        }
        Ok(session)
    }

    async fn read_reply(&mut self) -> Result<Reply, HylafaxError> {
        let mut parser = ReplyParser::default();
        loop {
            let mut line = Vec::new();
            let read = timeout(
                self.timeout,
                (&mut self.reader)
                    .take(MAX_LINE)
                    .read_until(b'\n', &mut line),
            )
            .await
            .map_err(|_| HylafaxError::Transient("no answer from hfaxd (timed out)".into()))?
            .map_err(|e| HylafaxError::Transient(format!("connection to hfaxd: {e}")))?;
            if read == 0 {
                return Err(HylafaxError::Transient(
                    "hfaxd closed the connection".into(),
                ));
            }
            let line = String::from_utf8_lossy(&line);
            match parser.push(&line) {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err(e) => return Err(HylafaxError::Transient(e)),
            }
        }
    }

    /// Sends one command line and reads its reply, whatever the code.
    async fn command(&mut self, line: &str) -> Result<Reply, HylafaxError> {
        // Everything we send is built from validated parts; a line break would be a second
        // command, so refuse it outright.
        if line.contains(['\r', '\n']) {
            return Err(HylafaxError::Permanent(
                "refusing to send a command with a line break".into(),
            ));
        }
        let verb = line.split(' ').next().unwrap_or(line);
        tracing::debug!(command = %verb, "hfaxd");
        let mut bytes = line.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        timeout(self.timeout, self.writer.write_all(&bytes))
            .await
            .map_err(|_| HylafaxError::Transient(format!("sending {verb} timed out")))?
            .map_err(|e| HylafaxError::Transient(format!("sending {verb}: {e}")))?;
        self.read_reply().await
    }

    /// Sends a command that must succeed with a 2xx reply.
    async fn command_ok(&mut self, line: &str, step: Step) -> Result<Reply, HylafaxError> {
        let reply = self.command(line).await?;
        check(line, &reply, step)?;
        Ok(reply)
    }

    /// Opens a passive data connection: EPSV, falling back to PASV. Connects to the address
    /// of the control connection, not the one PASV names (which is wrong behind NAT).
    async fn open_data(&mut self) -> Result<TcpStream, HylafaxError> {
        let mut reply = self.command("EPSV").await?;
        let port = if reply.code == 229 {
            parse_epsv(&reply.text())
        } else {
            reply = self.command("PASV").await?;
            if reply.code == 227 {
                parse_pasv(&reply.text())
            } else {
                None
            }
        };
        let port = port.ok_or_else(|| transient("EPSV/PASV", &reply))?;
        let addr = SocketAddr::new(self.peer, port);
        match timeout(self.timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(HylafaxError::Transient(format!(
                "data connection to {addr}: {e}"
            ))),
            Err(_) => Err(HylafaxError::Transient(format!(
                "data connection to {addr} timed out"
            ))),
        }
    }

    /// Uploads `data` as a temporary file with a server-chosen name (STOT); returns its path.
    async fn store_temporary(&mut self, data: &[u8]) -> Result<String, HylafaxError> {
        let mut stream = self.open_data().await?;
        let opened = self.command("STOT").await?;
        if !(opened.code == 150 || opened.code == 125) {
            return Err(transient("STOT", &opened));
        }
        let send = async {
            stream.write_all(data).await?;
            stream.shutdown().await
        };
        timeout(self.timeout, send)
            .await
            .map_err(|_| HylafaxError::Transient("uploading the PDF timed out".into()))?
            .map_err(|e| HylafaxError::Transient(format!("uploading the PDF: {e}")))?;
        drop(stream);
        let done = self.read_reply().await?;
        check("STOT", &done, Step::Session)?;
        parse_stored_file(&opened.text())
            .or_else(|| parse_stored_file(&done.text()))
            .ok_or_else(|| {
                HylafaxError::Transient(format!(
                    "hfaxd did not name the stored file: {}",
                    opened.text()
                ))
            })
    }

    /// Reads a directory listing (LIST) through a data connection.
    async fn list(&mut self, directory: &str) -> Result<String, HylafaxError> {
        let mut stream = self.open_data().await?;
        let command = format!("LIST {directory}");
        let opened = self.command(&command).await?;
        if !(opened.code == 150 || opened.code == 125) {
            return Err(transient(&command, &opened));
        }
        let mut data = Vec::new();
        timeout(
            self.timeout,
            (&mut stream).take(MAX_LISTING).read_to_end(&mut data),
        )
        .await
        .map_err(|_| HylafaxError::Transient(format!("{command} timed out")))?
        .map_err(|e| HylafaxError::Transient(format!("{command}: {e}")))?;
        drop(stream);
        let done = self.read_reply().await?;
        check(&command, &done, Step::Session)?;
        Ok(String::from_utf8_lossy(&data).into_owned())
    }

    /// Jobs tagged `tag` in the send queue, then the done queue. In that order: a job only
    /// moves from sendq to doneq, so one moving while we look still shows up in one of them.
    async fn find_jobs(&mut self, tag: &str) -> Result<Vec<QueuedJob>, HylafaxError> {
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

    /// Ends the session politely; the work is done, so errors here do not matter.
    async fn quit(mut self) {
        let _ = self.command("QUIT").await;
    }
}

/// One reply: its code and its lines without the code prefix.
#[derive(Debug, Clone, PartialEq)]
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    fn text(&self) -> String {
        self.lines.join("\n")
    }

    fn last_text(&self) -> String {
        self.lines
            .last()
            .map(|l| l.trim().to_string())
            .unwrap_or_default()
    }
}

/// Assembles FTP-style replies line by line: `213 text` is complete; `213-text` opens a
/// multi-line reply that ends at a line starting `213 ` (lines in between may have any form).
#[derive(Default)]
struct ReplyParser {
    open: Option<Reply>,
}

impl ReplyParser {
    fn push(&mut self, raw: &str) -> Result<Option<Reply>, String> {
        let line = raw.trim_end_matches(['\r', '\n']);
        let code = reply_code(line);
        match self.open.as_mut() {
            None => {
                let code = code.ok_or_else(|| format!("not a reply line: {line:?}"))?;
                let rest = line.get(4..).unwrap_or("").to_string();
                if line.as_bytes().get(3) == Some(&b'-') {
                    self.open = Some(Reply {
                        code,
                        lines: vec![rest],
                    });
                    Ok(None)
                } else {
                    Ok(Some(Reply {
                        code,
                        lines: vec![rest],
                    }))
                }
            }
            Some(open) => {
                let last = code == Some(open.code) && line.as_bytes().get(3) != Some(&b'-');
                if open.lines.len() >= MAX_REPLY_LINES {
                    return Err("reply too long".into());
                }
                if last {
                    open.lines.push(line.get(4..).unwrap_or("").to_string());
                    Ok(self.open.take())
                } else {
                    // A continuation line may repeat the code with a dash ("213-PDF …").
                    let text = if code == Some(open.code) {
                        line.get(4..).unwrap_or("")
                    } else {
                        line
                    };
                    open.lines.push(text.to_string());
                    Ok(None)
                }
            }
        }
    }
}

/// The three-digit code opening a reply line, followed by a space, a dash or nothing.
fn reply_code(line: &str) -> Option<u16> {
    let bytes = line.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !matches!(bytes.get(3), None | Some(b' ') | Some(b'-')) {
        return None;
    }
    let code = line[..3].parse::<u16>().ok()?;
    (100..600).contains(&code).then_some(code)
}

fn check(command: &str, reply: &Reply, step: Step) -> Result<(), HylafaxError> {
    match (reply.code, step) {
        (200..=299, _) => Ok(()),
        (500..=599, Step::Job) => Err(HylafaxError::Permanent(format!(
            "{} refused: {} {}",
            verb(command),
            reply.code,
            reply.text()
        ))),
        _ => Err(transient(command, reply)),
    }
}

fn transient(command: &str, reply: &Reply) -> HylafaxError {
    HylafaxError::Transient(format!(
        "{}: {} {}",
        verb(command),
        reply.code,
        reply.text()
    ))
}

/// The command word (and JPARM's parameter name): never the password or the number.
fn verb(command: &str) -> String {
    let mut words = command.split(' ');
    match (words.next(), words.next()) {
        (Some("JPARM"), Some(name)) => format!("JPARM {name}"),
        (Some(word), _) => word.to_string(),
        (None, _) => String::new(),
    }
}

/// Digits, `-` and `+` (a `+` only in front), 6 to 20 digits: the same rule as the service's.
fn validate_number(number: &str) -> Result<(), HylafaxError> {
    let chars_ok = number.len() <= 40
        && number
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
        && !number.chars().skip(1).any(|c| c == '+');
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if chars_ok && (6..=20).contains(&digits) {
        Ok(())
    } else {
        Err(HylafaxError::Permanent(format!(
            "`{number}` is not a fax number (digits, `-`, `+`; 6-20 digits)"
        )))
    }
}

/// LASTTIME's relative `DDHHMM`, at least one minute, at most 99 days.
fn last_time(limit: Duration) -> String {
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
fn job_tag(notification_id: &str) -> Result<String, HylafaxError> {
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
fn pick_existing(jobs: &[QueuedJob]) -> Option<&QueuedJob> {
    jobs.iter()
        .filter(|j| j.is_live())
        .max_by_key(|j| (j.state == 'D', j.id.parse::<u64>().unwrap_or(0)))
}

/// `New job created: jobid: 7 groupid: 7.` → `7`.
fn parse_new_job(text: &str) -> Option<String> {
    let rest = &text[text.find("jobid:")? + "jobid:".len()..];
    let id: String = rest
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    (!id.is_empty()).then_some(id)
}

/// `FILE: /tmp/doc7.pdf (Opening new data connection).` → `/tmp/doc7.pdf`.
fn parse_stored_file(text: &str) -> Option<String> {
    let rest = &text[text.find("FILE: ")? + "FILE: ".len()..];
    let path: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ')')
        .collect();
    let safe = path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'));
    (safe && path.len() > 1).then_some(path)
}

/// `Entering Extended Passive Mode (|||41755|)` → 41755.
fn parse_epsv(text: &str) -> Option<u16> {
    let inner = &text[text.find('(')? + 1..];
    let inner = &inner[..inner.find(')')?];
    let delimiter = inner.chars().next()?;
    let parts: Vec<&str> = inner.split(delimiter).collect();
    // (|||port|) splits into ["", "", "", "port", ""].
    parts.get(3)?.parse::<u16>().ok().filter(|p| *p != 0)
}

/// `Entering passive mode (127,0,0,1,161,233)` → 161*256+233.
fn parse_pasv(text: &str) -> Option<u16> {
    let inner = &text[text.find('(')? + 1..];
    let inner = &inner[..inner.find(')')?];
    let numbers: Vec<u16> = inner
        .split(',')
        .map(|n| n.trim().parse::<u16>())
        .collect::<Result<_, _>>()
        .ok()?;
    if numbers.len() != 6 || numbers[4] > 255 || numbers[5] > 255 {
        return None;
    }
    Some(numbers[4] * 256 + numbers[5]).filter(|p| *p != 0)
}

/// Lines of `%j|%a|%J` (JOB_FORMAT); lines that do not fit are skipped.
fn parse_job_listing(listing: &str) -> Vec<QueuedJob> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

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
        let listing =
            "1|W|hotline-abc\n6|F|tokill\n7|D|hotline-abc\n5|F|中文|with|bars\r\nrubbish\n\n";
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
}
