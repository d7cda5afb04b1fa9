//! The `hylafax` fax transport against a real HylaFAX server (`scripts/hylafax-setup` installs
//! and starts one: hfaxd on 127.0.0.1:4559, no modem, so jobs are accepted and queued).
//!
//! Every test here is `#[ignore]`d with the reason, so a plain `cargo test` says it did not run
//! them; where the server is there, run them with
//! `cargo test -p notify --test hylafax -- --include-ignored` (CI does, after hylafax-setup),
//! and then a missing server fails them. They share the machine's one HylaFAX server, so each
//! holds a file lock while it runs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

mod common;

use notify::fax::hylafax::{HylafaxClient, HylafaxError, JobState, QueuedJob};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

const SPOOL: &str = "/var/spool/hylafax";
const HFAXD: &str = "/usr/sbin/hfaxd";
const LOCK: &str = "/tmp/hotline-hylafax-tests.lock";

fn host() -> String {
    std::env::var("HOTLINE_FAX_HYLAFAX_HOST").unwrap_or_else(|_| "127.0.0.1:4559".to_string())
}

/// Fails the test: it was asked to run, and the server it needs is not there.
fn missing(why: &str) -> ! {
    panic!("{why}; run scripts/hylafax-setup (as root) first, or leave this ignored test out")
}

/// Exclusive use of the machine's HylaFAX server for one test.
struct ServerLock {
    _file: File,
}

/// Takes the lock and checks that hfaxd answers with its greeting.
async fn server() -> ServerLock {
    let file = File::create(LOCK).unwrap();
    file.lock().unwrap();
    let lock = ServerLock { _file: file };
    if !greeting(&host()).await {
        missing(&format!("no HylaFAX server answers on {}", host()));
    }
    lock
}

/// Like `server`, for tests that also look into the spool and stop and start hfaxd: they need
/// the server on this machine and root.
async fn local_server() -> ServerLock {
    let lock = server().await;
    let local = host().starts_with("127.0.0.1:") || host().starts_with("localhost:");
    if !local || !Path::new(SPOOL).join("sendq").is_dir() || !Path::new(HFAXD).exists() {
        missing(&format!("HylaFAX on {} is not this machine's", host()));
    }
    if !is_root() {
        missing("the test must run as root to stop and start hfaxd");
    }
    lock
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1).map(|uid| uid == "0"))
        .unwrap_or(false)
}

async fn greeting(host: &str) -> bool {
    let attempt = async {
        let stream = TcpStream::connect(host).await.ok()?;
        let mut line = String::new();
        BufReader::new(stream).read_line(&mut line).await.ok()?;
        Some(line.starts_with("220"))
    };
    matches!(
        tokio::time::timeout(Duration::from_secs(3), attempt).await,
        Ok(Some(true))
    )
}

/// A notification id nobody used before (HylaFAX's queues outlive test runs).
fn unique_id(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("test-{label}-{nanos:x}")
}

/// A one-page PDF with `text` in Helvetica, built by hand so this test needs no renderer.
fn plain_pdf(text: &str) -> Vec<u8> {
    let content = format!("BT /F1 18 Tf 72 760 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        pdf.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

/// The job's description file as faxq keeps it (`sendq/q<id>`, or `doneq/q<id>`).
fn job_file(job_id: &str) -> Vec<(String, String)> {
    let path = ["sendq", "doneq"]
        .iter()
        .map(|q| Path::new(SPOOL).join(q).join(format!("q{job_id}")))
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("job {job_id} is in neither sendq nor doneq"));
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn field<'a>(job: &'a [(String, String)], key: &str) -> &'a str {
    job.iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no `{key}` in the job file: {job:?}"))
}

/// The job's document in docq: the `pdf:0::docq/doc7.pdf.7` line.
fn job_document(job: &[(String, String)]) -> PathBuf {
    let line = field(job, "pdf");
    let relative = line.rsplit(':').next().unwrap();
    assert!(relative.starts_with("docq/"), "{line}");
    Path::new(SPOOL).join(relative)
}

fn pdf_text(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args([path.as_os_str(), "-".as_ref()])
        .output()
        .expect("pdftotext (poppler-utils; scripts/hylafax-setup installs it)");
    assert!(
        out.status.success(),
        "pdftotext failed on {}",
        path.display()
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `faxstat -s` lines as `id|number|tag|state`: an independent look at the send queue.
fn faxstat_send_queue() -> Vec<String> {
    let home = std::env::temp_dir().join("hotline-hylafax-faxstat");
    std::fs::create_dir_all(&home).unwrap();
    std::fs::write(home.join(".hylarc"), "JobFmt: \"%j|%e|%J|%a\"\n").unwrap();
    let out = Command::new("faxstat")
        .args(["-s", "-h", &host()])
        .env("HOME", &home)
        .output()
        .expect("faxstat (hylafax-client)");
    assert!(out.status.success(), "faxstat -s failed");
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.contains('|') && !l.starts_with("JID"))
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(""))
        .collect()
}

fn live(jobs: &[QueuedJob]) -> Vec<&QueuedJob> {
    jobs.iter()
        .filter(|j| !matches!(j.state, 'F' | 'T'))
        .collect()
}

/// Kills a job we submitted (as the same HylaFAX user), so the queue does not fill up with
/// test faxes; it moves to doneq as failed ("Job aborted by request").
async fn kill_job(job_id: &str) {
    let stream = TcpStream::connect(host()).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut expect = async |code: &str| {
        let line = lines.next_line().await.unwrap().unwrap_or_default();
        assert!(line.starts_with(code), "expected {code}, got {line}");
    };
    expect("220").await;
    for (command, code) in [
        ("USER hotline".to_string(), "230"),
        (format!("JOB {job_id}"), "200"),
        ("JKILL".to_string(), "200"),
        ("QUIT".to_string(), "221"),
    ] {
        write
            .write_all(format!("{command}\r\n").as_bytes())
            .await
            .unwrap();
        expect(code).await;
    }
}

async fn wait_for_state(
    client: &HylafaxClient,
    job_id: &str,
    want: impl Fn(&JobState) -> bool,
) -> JobState {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let state = client.job_state(job_id).await.unwrap();
        if want(&state) || Instant::now() > deadline {
            return state;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn submitted_fax_is_queued_with_the_number_and_a_pdf() {
    let _lock = local_server().await;
    let client = HylafaxClient::new(&host());
    let id = unique_id("queued");
    let number = "0871-64590534";
    let job_id = client
        .submit(number, &plain_pdf("Hotline fax test"), &id)
        .await
        .unwrap();
    assert!(job_id.bytes().all(|b| b.is_ascii_digit()), "{job_id}");

    // In the queue, as faxq keeps it: our number, our tag, a PDF document.
    let job = job_file(&job_id);
    assert_eq!(field(&job, "number"), number);
    assert_eq!(field(&job, "jobtag"), format!("hotline-{id}"));
    assert_eq!(field(&job, "notify"), "none");
    let document = job_document(&job);
    let bytes = std::fs::read(&document).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-"),
        "{} is not a PDF",
        document.display()
    );
    assert!(pdf_text(&document).contains("Hotline fax test"));
    // And as faxstat shows it.
    let listed = faxstat_send_queue();
    // Waiting for a modem (W), or blocked (B) behind another job to the same number.
    let ours = format!("{job_id}|{number}|hotline-{id}|");
    assert!(
        listed.iter().any(|l| l
            .strip_prefix(&ours)
            .is_some_and(|state| state.len() == 1 && "WBPS".contains(state))),
        "job {job_id} not waiting in faxstat -s: {listed:?}"
    );
    assert_eq!(client.job_state(&job_id).await.unwrap(), JobState::Queued);

    // Submitting the same notification again (a worker that died before recording the job
    // id) finds the job instead of faxing twice.
    let again = client
        .submit(number, &plain_pdf("Hotline fax test"), &id)
        .await
        .unwrap();
    assert_eq!(again, job_id);
    assert_eq!(live(&client.find_jobs(&id).await.unwrap()).len(), 1);

    // A job HylaFAX fails is reported with its reason, and a retry is a new job.
    kill_job(&job_id).await;
    let state = wait_for_state(&client, &job_id, |s| matches!(s, JobState::Failed(_))).await;
    assert_eq!(state, JobState::Failed("Job aborted by request".into()));
    let retry = client
        .submit(number, &plain_pdf("Hotline fax test"), &id)
        .await
        .unwrap();
    assert_ne!(retry, job_id);
    let jobs = client.find_jobs(&id).await.unwrap();
    assert_eq!(live(&jobs).len(), 1, "{jobs:?}");
    assert_eq!(live(&jobs)[0].id, retry);
    kill_job(&retry).await;

    // A job id HylaFAX does not know: lost from its queues.
    assert_eq!(client.job_state("999999").await.unwrap(), JobState::Unknown);
}

#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn chinese_fax_pdf_reaches_the_queue_intact() {
    let _lock = local_server().await;
    let pdf = notify::fax::pdf::render(&notify::fax::pdf::FaxDocument {
        hotline_name: "12345 政务服务便民热线".into(),
        title: "紧急投诉".into(),
        ticket_id: "T-20261127-0001".into(),
        department: "昆明市市场监督管理局".into(),
        due_at: "2026-11-27 17:30".into(),
        body: "市民反映：五华区某超市销售过期食品，请尽快核查处理。".into(),
        sender: "热线中心".into(),
        sent_at: "2026-11-27 15:00".into(),
    })
    .unwrap();
    let client = HylafaxClient::new(&host());
    let id = unique_id("chinese");
    let job_id = client.submit("+86-871-64590534", &pdf, &id).await.unwrap();
    let job = job_file(&job_id);
    assert_eq!(field(&job, "number"), "+86-871-64590534");
    let text = pdf_text(&job_document(&job));
    for expected in [
        "紧急投诉",
        "T-20261127-0001",
        "昆明市市场监督管理局",
        "过期食品",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` not in the queued PDF: {text}"
        );
    }
    kill_job(&job_id).await;
}

/// A TCP proxy to hfaxd that passes `JSUBM` on but cuts the connection before its answer
/// comes back: the job is queued, the client never hears so.
async fn proxy_losing_the_submit_answer(upstream: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    tokio::spawn(async move {
        let Ok((client, _)) = listener.accept().await else {
            return;
        };
        let server = TcpStream::connect(&upstream).await.unwrap();
        let (client_read, mut client_write) = client.into_split();
        let (server_read, mut server_write) = server.into_split();
        let submitted = Arc::new(AtomicBool::new(false));
        let seen = submitted.clone();
        let answers = tokio::spawn(async move {
            let mut lines = BufReader::new(server_read).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if seen.load(Ordering::SeqCst) {
                    break;
                }
                if client_write
                    .write_all(format!("{line}\r\n").as_bytes())
                    .await
                    .is_err()
                {
                    break;
                }
            }
        });
        let mut commands = BufReader::new(client_read).lines();
        while let Ok(Some(line)) = commands.next_line().await {
            if line.starts_with("JSUBM") {
                submitted.store(true, Ordering::SeqCst);
            }
            if server_write
                .write_all(format!("{line}\r\n").as_bytes())
                .await
                .is_err()
            {
                break;
            }
            if line.starts_with("JSUBM") {
                // Give hfaxd time to queue the job, then drop both sides.
                tokio::time::sleep(Duration::from_millis(500)).await;
                break;
            }
        }
        answers.abort();
    });
    addr
}

#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn resubmission_after_a_lost_answer_is_detected() {
    let _lock = local_server().await;
    let id = unique_id("lost");
    let number = "0871-63130000";
    let pdf = plain_pdf("Lost answer");
    let proxy = proxy_losing_the_submit_answer(host()).await;
    let err = HylafaxClient::new(&proxy)
        .with_timeout(Duration::from_secs(5))
        .submit(number, &pdf, &id)
        .await
        .unwrap_err();
    assert!(matches!(err, HylafaxError::Transient(_)), "{err}");

    let client = HylafaxClient::new(&host());
    let before = client.find_jobs(&id).await.unwrap();
    assert_eq!(
        live(&before).len(),
        1,
        "the cut session should have queued one job: {before:?}"
    );
    let job_id = client.submit(number, &pdf, &id).await.unwrap();
    assert_eq!(job_id, live(&before)[0].id);
    let after = client.find_jobs(&id).await.unwrap();
    assert_eq!(after.len(), 1, "{after:?}");
    kill_job(&job_id).await;
}

/// The hfaxd processes serving `port` (the listener and any sessions it forked).
fn hfaxd_pids(port: &str) -> Vec<u32> {
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(cmdline) = std::fs::read(entry.path().join("cmdline")) else {
            continue;
        };
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let is_hfaxd = args
            .first()
            .is_some_and(|a| a.ends_with("/hfaxd") || a == "hfaxd");
        let on_port = args.windows(2).any(|w| w[0] == "-i" && w[1] == port);
        if is_hfaxd && on_port {
            pids.push(pid);
        }
    }
    pids
}

fn stop_hfaxd(port: &str) {
    for pid in hfaxd_pids(port) {
        let _ = Command::new("kill")
            .arg(pid.to_string())
            .stderr(std::process::Stdio::null())
            .status();
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !hfaxd_pids(port).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(hfaxd_pids(port).is_empty(), "hfaxd did not stop");
}

async fn start_hfaxd(port: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if hfaxd_pids(port).is_empty() {
            // hfaxd puts itself in the background; this returns once it has.
            let _ = Command::new(HFAXD).args(["-i", port]).status();
        }
        if greeting(&format!("127.0.0.1:{port}")).await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    panic!("hfaxd did not come back on port {port}");
}

/// Starts hfaxd again if a test stopped it and then failed.
struct RestartOnDrop(String);

impl Drop for RestartOnDrop {
    fn drop(&mut self) {
        if hfaxd_pids(&self.0).is_empty() {
            let _ = Command::new(HFAXD).args(["-i", &self.0]).status();
        }
    }
}

#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn server_stopped_then_started_fax_submitted_exactly_once() {
    let _lock = local_server().await;
    let port = host().rsplit(':').next().unwrap().to_string();
    let client = HylafaxClient::new(&host()).with_timeout(Duration::from_secs(5));
    let id = unique_id("restart");
    let number = "0871-65550000";
    let pdf = plain_pdf("Server restart");

    let _restart = RestartOnDrop(port.clone());
    stop_hfaxd(&port);
    let err = client.submit(number, &pdf, &id).await.unwrap_err();
    assert!(matches!(err, HylafaxError::Transient(_)), "{err}");
    let err = client.job_state("1").await.unwrap_err();
    assert!(matches!(err, HylafaxError::Transient(_)), "{err}");

    start_hfaxd(&port).await;
    let job_id = client.submit(number, &pdf, &id).await.unwrap();
    // The worker retries once more (say its record of the job id was lost): still one fax.
    assert_eq!(client.submit(number, &pdf, &id).await.unwrap(), job_id);

    let jobs = client.find_jobs(&id).await.unwrap();
    assert_eq!(jobs.len(), 1, "{jobs:?}");
    let tag = format!("hotline-{id}");
    let queued: Vec<String> = faxstat_send_queue()
        .into_iter()
        .filter(|l| l.contains(&tag))
        .collect();
    assert_eq!(queued.len(), 1, "{queued:?}");
    assert!(
        queued[0].starts_with(&format!("{job_id}|{number}|")),
        "{queued:?}"
    );
    let files = std::fs::read_dir(Path::new(SPOOL).join("sendq"))
        .unwrap()
        .flatten()
        .filter(|e| {
            std::fs::read_to_string(e.path())
                .unwrap_or_default()
                .lines()
                .any(|l| l == format!("jobtag:{tag}"))
        })
        .count();
    assert_eq!(files, 1);
    kill_job(&job_id).await;
}

/// A TCP proxy to hfaxd that counts the `JSUBM` commands going through it.
async fn counting_proxy(upstream: String) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let submits = Arc::new(AtomicUsize::new(0));
    let counter = submits.clone();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let Ok(server) = TcpStream::connect(&upstream).await else {
                continue;
            };
            let counter = counter.clone();
            tokio::spawn(async move {
                let (client_read, mut client_write) = client.into_split();
                let (mut server_read, mut server_write) = server.into_split();
                let answers = tokio::spawn(async move {
                    let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
                });
                let mut commands = BufReader::new(client_read).lines();
                while let Ok(Some(line)) = commands.next_line().await {
                    if line.starts_with("JSUBM") {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                    if server_write
                        .write_all(format!("{line}\r\n").as_bytes())
                        .await
                        .is_err()
                    {
                        break;
                    }
                }
                let _ = server_write.shutdown().await;
                let _ = answers.await;
            });
        }
    });
    (addr, submits)
}

const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// The whole path: an urgent complaint posted to the notify service with
/// `HOTLINE_FAX_TRANSPORT=hylafax` is rendered, submitted by a worker, and sits in HylaFAX's
/// queue with the liaison's number and a PDF carrying our Chinese text. The service reaches
/// HylaFAX through a proxy named by `HOTLINE_FAX_HYLAFAX_HOST`, which sees one `JSUBM`.
#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn urgent_complaint_fax_through_the_notify_service_lands_in_hylafax() {
    use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
    use shared::config::{Config, Secret};

    let _lock = local_server().await;
    let (proxy, submits) = counting_proxy(host()).await;
    let db = testkit::TestDatabase::new("notify").unwrap();
    let dir = testkit::TempDir::new("notify-hylafax").unwrap();
    let config = Config::from_pairs([
        ("jwt_secret", SECRET),
        ("notify_database_url", db.url.as_str()),
        ("notify_port", "0"),
        ("data_dir", dir.path().to_str().unwrap()),
        ("fax_transport", "hylafax"),
        ("fax_hylafax_host", proxy.as_str()),
        ("notify_workers", "1"),
        ("notify_poll_ms", "100"),
        ("notify_report", "false"),
        ("centre_fax", "0871-12345000"),
    ]);
    let settings = shared::settings::ServiceSettings::from_config("notify", &config).unwrap();
    let app = notify::Application::build(settings).await.unwrap();
    let base = format!("http://127.0.0.1:{}/api/v1", app.port());
    tokio::spawn(app.run_until_stopped());
    let token = JwtKeys::new(&Secret::new(SECRET), "notify")
        .unwrap()
        .issue("admin", Role::Admin, None, &ALL_AUDIENCES, 600)
        .unwrap();
    let http = reqwest::Client::new();

    let ticket = format!("T-{}", unique_id("svc").rsplit('-').next().unwrap());
    let number = "0871-64590534";
    let res = http
        .post(format!("{base}/notifications"))
        .bearer_auth(&token)
        .header("Idempotency-Key", unique_id("key"))
        .json(&serde_json::json!({
            "channel": "fax",
            "to": number,
            "template": "urgent_complaint",
            "ticket_id": ticket,
            "data": {
                "ticket_id": ticket,
                "type": "投诉",
                "urgent": "true",
                "summary": "五华区某超市销售过期食品",
                "details": "市民反映该超市冷柜内多件酸奶已过保质期仍在销售，请立即核查。",
                "region": "昆明市五华区",
                "department": "KM-SCJG",
                "department_name": "昆明市市场监督管理局",
                "due_at": "2026-11-27 17:30"
            }
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
    let accepted: serde_json::Value = res.json().await.unwrap();
    let id = accepted["id"].as_str().unwrap().to_string();

    let deadline = Instant::now() + Duration::from_secs(60);
    let view = loop {
        let view: serde_json::Value = http
            .get(format!("{base}/notifications/{id}"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if view["status"] == "sent" || view["status"] == "dead" || Instant::now() > deadline {
            break view;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(view["status"], "sent", "{view}");
    let provider = view["provider_id"].as_str().unwrap();
    let job_id = provider
        .strip_prefix("hylafax:")
        .unwrap_or_else(|| panic!("provider id {provider}"));

    let job = job_file(job_id);
    // The service dials the digits (HylaFAX's dial rules would drop the `-` anyway).
    assert_eq!(field(&job, "number"), notify::domain::dial_string(number));
    assert_eq!(field(&job, "jobtag"), format!("hotline-{id}"));
    let document = job_document(&job);
    assert!(std::fs::read(&document).unwrap().starts_with(b"%PDF-"));
    let text: String = pdf_text(&document).split_whitespace().collect();
    for expected in [
        "紧急",
        ticket.as_str(),
        "昆明市市场监督管理局",
        "五华区某超市销售过期食品",
        "多件酸奶已过保质期仍在销售",
    ] {
        assert!(
            text.contains(expected),
            "`{expected}` not in the faxed PDF: {text}"
        );
    }
    let client = HylafaxClient::new(&host());
    assert_eq!(client.job_state(job_id).await.unwrap(), JobState::Queued);
    // Accepted and queued by HylaFAX, not yet delivered (there is no modem): the service says
    // so, and keeps asking.
    assert_eq!(view["provider_status"], "queued", "{view}");
    assert!(view["delivered_at"].is_null(), "{view}");
    assert_eq!(live(&client.find_jobs(&id).await.unwrap()).len(), 1);
    assert_eq!(submits.load(Ordering::SeqCst), 1, "one fax, submitted once");
    // No await after this: the service's checker cannot see the kill before the test ends.
    kill_job_now(job_id);
}

/// Kills a job without yielding to the runtime: the notify service running in this test's
/// (single-threaded) runtime cannot notice and resubmit it before the test returns.
fn kill_job_now(job_id: &str) {
    use std::io::{BufRead, Write};
    let stream = std::net::TcpStream::connect(host()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut lines = std::io::BufReader::new(stream.try_clone().unwrap()).lines();
    let mut write = stream;
    let mut expect = |code: &str| {
        let line = lines.next().unwrap().unwrap();
        assert!(line.starts_with(code), "expected {code}, got {line}");
    };
    expect("220");
    for (command, code) in [
        ("USER hotline".to_string(), "230"),
        (format!("JOB {job_id}"), "200"),
        ("JKILL".to_string(), "200"),
        ("QUIT".to_string(), "221"),
    ] {
        write
            .write_all(format!("{command}\r\n").as_bytes())
            .unwrap();
        expect(code);
    }
}

/// Removes a queued job from HylaFAX altogether (suspend, then delete: hfaxd refuses to delete
/// a job that is not suspended), so it is in neither the send nor the done queue. While
/// suspended the job counts as queued, so a check in between sees nothing wrong.
async fn remove_job(job_id: &str) {
    let suspended = job_session(job_id, "JSUSP").await;
    assert!(suspended.starts_with("200"), "JSUSP: {suspended}");
    // faxq suspends the job a moment after hfaxd answers, and a session keeps the state it
    // first read: until then JDELE answers 504, so ask again in a new session.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let answer = job_session(job_id, "JDELE").await;
        if answer.starts_with("200") {
            return;
        }
        assert!(
            answer.starts_with("504") && Instant::now() < deadline,
            "JDELE: {answer}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// One session as user hotline: selects the job, sends `command`, returns its answer.
async fn job_session(job_id: &str, command: &str) -> String {
    let stream = TcpStream::connect(host()).await.unwrap();
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let greeting = lines.next_line().await.unwrap().unwrap_or_default();
    assert!(greeting.starts_with("220"), "{greeting}");
    let mut answers = Vec::new();
    for line in ["USER hotline", &format!("JOB {job_id}"), command, "QUIT"] {
        write
            .write_all(format!("{line}\r\n").as_bytes())
            .await
            .unwrap();
        answers.push(lines.next_line().await.unwrap().unwrap_or_default());
    }
    assert!(answers[0].starts_with("230"), "USER: {}", answers[0]);
    assert!(answers[1].starts_with("200"), "JOB: {}", answers[1]);
    answers.swap_remove(2)
}

/// The notify service with `HOTLINE_FAX_TRANSPORT=hylafax`, reaching HylaFAX through
/// `hylafax_host`, on a fresh database, with quick checks and retries.
struct Service {
    base: String,
    token: String,
    http: reqwest::Client,
    db_url: String,
    _db: Option<testkit::TestDatabase>,
    _dir: testkit::TempDir,
}

impl Service {
    async fn start(hylafax_host: &str, extra: &[(&str, &str)]) -> Service {
        let db = testkit::TestDatabase::new("notify").unwrap();
        let mut service = Service::replica(&db.url, hylafax_host, extra).await;
        service._db = Some(db);
        service
    }

    /// Another replica on the database at `db_url`.
    async fn replica(db_url: &str, hylafax_host: &str, extra: &[(&str, &str)]) -> Service {
        use shared::auth::{ALL_AUDIENCES, JwtKeys, Role};
        use shared::config::{Config, Secret};

        let dir = testkit::TempDir::new("notify-hylafax").unwrap();
        let mut config = Config::from_pairs([
            ("jwt_secret", SECRET),
            ("notify_database_url", db_url),
            ("notify_port", "0"),
            ("data_dir", dir.path().to_str().unwrap()),
            ("fax_transport", "hylafax"),
            ("fax_hylafax_host", hylafax_host),
            ("notify_workers", "1"),
            ("notify_poll_ms", "100"),
            ("notify_fax_check_ms", "300"),
            ("notify_backoff_ms", "200"),
            ("notify_backoff_max_ms", "1000"),
            ("notify_report", "false"),
            ("centre_fax", "0871-12345000"),
        ]);
        for (k, v) in extra {
            config.set(*k, *v);
        }
        let settings = shared::settings::ServiceSettings::from_config("notify", &config).unwrap();
        let app = notify::Application::build(settings).await.unwrap();
        let base = format!("http://127.0.0.1:{}/api/v1", app.port());
        tokio::spawn(app.run_until_stopped());
        let token = JwtKeys::new(&Secret::new(SECRET), "notify")
            .unwrap()
            .issue("admin", Role::Admin, None, &ALL_AUDIENCES, 600)
            .unwrap();
        Service {
            base,
            token,
            http: reqwest::Client::new(),
            db_url: db_url.to_string(),
            _db: None,
            _dir: dir,
        }
    }

    /// Posts a fax and returns the notification id.
    async fn fax(&self, number: &str, ticket_id: Option<&str>) -> String {
        let res = self
            .http
            .post(format!("{}/notifications", self.base))
            .bearer_auth(&self.token)
            .json(&serde_json::json!({
                "channel": "fax",
                "to": number,
                "subject": "紧急投诉",
                "body": "市民反映：五华区某超市销售过期食品，请尽快核查处理。",
                "ticket_id": ticket_id,
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 202, "{}", res.text().await.unwrap());
        let accepted: serde_json::Value = res.json().await.unwrap();
        accepted["id"].as_str().unwrap().to_string()
    }

    async fn view(&self, id: &str) -> serde_json::Value {
        let res = self
            .http
            .get(format!("{}/notifications/{id}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }

    /// Polls the notification until `done` holds; panics with `what` after 60 s.
    async fn wait_for(
        &self,
        id: &str,
        what: &str,
        done: impl Fn(&serde_json::Value) -> bool,
    ) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let view = self.view(id).await;
            if done(&view) {
                return view;
            }
            assert!(
                Instant::now() < deadline,
                "timed out waiting for {what}: {view}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn hylafax_job_of(view: &serde_json::Value) -> String {
    let provider = view["provider_id"].as_str().unwrap();
    provider
        .strip_prefix("hylafax:")
        .unwrap_or_else(|| panic!("provider id {provider}"))
        .to_string()
}

/// The fax is sent and queued in HylaFAX, and the service's checks have seen it there.
async fn sent_and_checked(service: &Service, id: &str) -> serde_json::Value {
    let view = service
        .wait_for(id, "sent", |v| {
            v["status"] != "queued" && v["status"] != "sending"
        })
        .await;
    assert_eq!(view["status"], "sent", "{view}");
    assert_eq!(view["provider_status"], "queued", "{view}");
    // A check finds the job still queued and leaves it so.
    let checked = service
        .wait_for(id, "a check", |v| !v["provider_checked_at"].is_null())
        .await;
    assert_eq!(checked["status"], "sent", "{checked}");
    assert_eq!(checked["provider_status"], "queued", "{checked}");
    assert_eq!(checked["provider_id"], view["provider_id"], "{checked}");
    assert!(checked["delivered_at"].is_null(), "{checked}");
    checked
}

/// After a resubmission: a few more checks go by and nothing else is submitted.
async fn stays_queued(
    service: &Service,
    id: &str,
    view: &serde_json::Value,
    submits: &AtomicUsize,
) {
    let before = submits.load(Ordering::SeqCst);
    let again = service
        .wait_for(id, "a check of the new job", |v| {
            !v["provider_checked_at"].is_null()
        })
        .await;
    tokio::time::sleep(Duration::from_millis(1_000)).await;
    let later = service.view(id).await;
    for v in [&again, &later] {
        assert_eq!(v["status"], "sent", "{v}");
        assert_eq!(v["provider_status"], "queued", "{v}");
        assert_eq!(v["provider_id"], view["provider_id"], "{v}");
        assert_eq!(v["attempts"], view["attempts"], "{v}");
    }
    assert_ne!(
        later["provider_checked_at"], again["provider_checked_at"],
        "checks go on while the job is queued"
    );
    assert_eq!(
        submits.load(Ordering::SeqCst),
        before,
        "no further submission"
    );
}

/// An operator (or HylaFAX itself) kills the queued job: the service's check sees it failed,
/// puts the notification back on the retry path, and a worker submits the fax again as a new
/// job, which is then queued exactly once.
#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn killed_hylafax_job_is_resubmitted_once_by_the_service() {
    let _lock = server().await;
    let (proxy, submits) = counting_proxy(host()).await;
    let service = Service::start(&proxy, &[]).await;
    let id = service.fax("0871-64590534", None).await;
    let first = sent_and_checked(&service, &id).await;
    let job1 = hylafax_job_of(&first);
    assert_eq!(first["attempts"], 1);
    assert_eq!(submits.load(Ordering::SeqCst), 1);

    kill_job(&job1).await;
    let again = service
        .wait_for(&id, "a new HylaFAX job", |v| {
            v["status"] == "sent" && v["provider_id"] != first["provider_id"]
        })
        .await;
    let job2 = hylafax_job_of(&again);
    assert_eq!(again["attempts"], 2, "{again}");
    assert_eq!(again["provider_status"], "queued", "{again}");
    let error = again["last_error"].as_str().unwrap();
    assert!(
        error.contains(&format!(
            "HylaFAX job {job1} failed: Job aborted by request"
        )),
        "{error}"
    );
    assert_eq!(submits.load(Ordering::SeqCst), 2, "submitted again once");

    let client = HylafaxClient::new(&host());
    assert_eq!(
        client.job_state(&job1).await.unwrap(),
        JobState::Failed("Job aborted by request".into())
    );
    assert_eq!(client.job_state(&job2).await.unwrap(), JobState::Queued);
    let jobs = client.find_jobs(&id).await.unwrap();
    assert_eq!(
        jobs.len(),
        2,
        "the killed job and its replacement: {jobs:?}"
    );
    assert_eq!(
        live(&jobs)
            .iter()
            .map(|j| j.id.as_str())
            .collect::<Vec<_>>(),
        vec![job2.as_str()],
        "{jobs:?}"
    );

    stays_queued(&service, &id, &again, &submits).await;
    assert_eq!(live(&client.find_jobs(&id).await.unwrap()).len(), 1);
    kill_job_now(&job2);
}

/// The queued job disappears from HylaFAX altogether (deleted from its queues): the service's
/// check finds it in neither queue and submits the fax again, once.
#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn hylafax_job_lost_from_the_queues_is_resubmitted_once_by_the_service() {
    let _lock = server().await;
    let (proxy, submits) = counting_proxy(host()).await;
    let service = Service::start(&proxy, &[]).await;
    let id = service.fax("0871-64590535", None).await;
    let first = sent_and_checked(&service, &id).await;
    let job1 = hylafax_job_of(&first);

    remove_job(&job1).await;
    let client = HylafaxClient::new(&host());
    assert_eq!(client.job_state(&job1).await.unwrap(), JobState::Unknown);
    let again = service
        .wait_for(&id, "a new HylaFAX job", |v| {
            v["status"] == "sent" && v["provider_id"] != first["provider_id"]
        })
        .await;
    let job2 = hylafax_job_of(&again);
    assert_eq!(again["attempts"], 2, "{again}");
    let error = again["last_error"].as_str().unwrap();
    assert!(
        error.contains(&format!("HylaFAX job {job1} is in neither")) && error.contains("lost"),
        "{error}"
    );
    assert_eq!(submits.load(Ordering::SeqCst), 2, "submitted again once");
    let jobs = client.find_jobs(&id).await.unwrap();
    assert_eq!(
        jobs.iter().map(|j| j.id.as_str()).collect::<Vec<_>>(),
        vec![job2.as_str()],
        "only the new job: {jobs:?}"
    );
    assert!(live(&jobs).len() == 1, "{jobs:?}");

    stays_queued(&service, &id, &again, &submits).await;
    kill_job_now(&job2);
}

/// A killed job with no attempts left: the notification goes `dead` with HylaFAX's reason, and
/// the ticket, which heard `sent` when HylaFAX accepted the fax, now hears `dead`.
#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn killed_hylafax_job_without_attempts_left_is_dead_and_the_ticket_hears() {
    let _lock = server().await;
    let tickets = common::HttpStandIn::start(Arc::new(|_| {
        (200, serde_json::json!({"recorded": true}), Duration::ZERO)
    }))
    .await;
    let (proxy, submits) = counting_proxy(host()).await;
    let tickets_url = tickets.url("");
    let service = Service::start(
        &proxy,
        &[
            ("notify_max_attempts", "1"),
            ("notify_report", "true"),
            ("tickets_url", tickets_url.as_str()),
        ],
    )
    .await;
    let ticket = format!("T-{}", unique_id("dead").rsplit('-').next().unwrap());
    let id = service.fax("0871-64590536", Some(&ticket)).await;
    let first = sent_and_checked(&service, &id).await;
    let job = hylafax_job_of(&first);
    let reports = |status: &str| {
        tickets
            .calls()
            .into_iter()
            .filter(|c| c.path == format!("/api/v1/tickets/{ticket}/delivery"))
            .map(|c| c.json())
            .filter(|b| b["notification_id"] == id.as_str() && b["status"] == status)
            .collect::<Vec<_>>()
    };
    let deadline = Instant::now() + Duration::from_secs(30);
    while reports("sent").is_empty() {
        assert!(Instant::now() < deadline, "no `sent` report");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(reports("sent")[0]["provider_id"], format!("hylafax:{job}"));

    kill_job(&job).await;
    let dead = service
        .wait_for(&id, "dead", |v| v["status"] == "dead")
        .await;
    assert_eq!(dead["attempts"], 1, "{dead}");
    assert_eq!(dead["provider_status"], "failed", "{dead}");
    assert!(
        dead["last_error"]
            .as_str()
            .unwrap()
            .contains("Job aborted by request"),
        "{dead}"
    );
    let deadline = Instant::now() + Duration::from_secs(30);
    while reports("dead").is_empty() {
        assert!(Instant::now() < deadline, "no `dead` report");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let report = &reports("dead")[0];
    assert!(
        report["error"]
            .as_str()
            .unwrap()
            .contains("Job aborted by request"),
        "{report}"
    );
    service
        .wait_for(&id, "the dead report recorded", |v| {
            !v["reported_at"].is_null()
        })
        .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(reports("sent").len(), 1);
    assert_eq!(reports("dead").len(), 1);
    assert_eq!(submits.load(Ordering::SeqCst), 1, "not submitted again");
    let jobs = HylafaxClient::new(&host()).find_jobs(&id).await.unwrap();
    assert!(live(&jobs).is_empty(), "{jobs:?}");
}

/// Two replicas on one database, each with its worker and checker: every killed job is seen
/// failed and resubmitted exactly once, whichever replica checks or sends it.
#[tokio::test]
#[ignore = "needs HylaFAX (scripts/hylafax-setup)"]
async fn two_replicas_resubmit_each_killed_job_once() {
    let _lock = server().await;
    let (proxy, submits) = counting_proxy(host()).await;
    let a = Service::start(&proxy, &[]).await;
    let b = Service::replica(&a.db_url, &proxy, &[]).await;
    let mut ids = Vec::new();
    for i in 0..4 {
        let replica = if i % 2 == 0 { &a } else { &b };
        ids.push(replica.fax(&format!("0871-6459100{i}"), None).await);
    }
    let mut first = Vec::new();
    for id in &ids {
        first.push(sent_and_checked(&a, id).await);
    }
    assert_eq!(submits.load(Ordering::SeqCst), 4);
    for view in &first {
        kill_job(&hylafax_job_of(view)).await;
    }
    let mut again = Vec::new();
    for (id, before) in ids.iter().zip(&first) {
        let view = b
            .wait_for(id, "a new HylaFAX job", |v| {
                v["status"] == "sent" && v["provider_id"] != before["provider_id"]
            })
            .await;
        assert_eq!(view["attempts"], 2, "{view}");
        again.push(view);
    }
    // A few more rounds of checks by both replicas: nothing more is submitted.
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        submits.load(Ordering::SeqCst),
        8,
        "each fax submitted again once"
    );
    let client = HylafaxClient::new(&host());
    for (id, view) in ids.iter().zip(&again) {
        let now = a.view(id).await;
        assert_eq!(now["provider_id"], view["provider_id"], "{now}");
        assert_eq!(now["attempts"], 2, "{now}");
        let jobs = client.find_jobs(id).await.unwrap();
        assert_eq!(live(&jobs).len(), 1, "{jobs:?}");
        assert_eq!(live(&jobs)[0].id, hylafax_job_of(view));
    }
    for view in &again {
        kill_job_now(&hylafax_job_of(view));
    }
}
