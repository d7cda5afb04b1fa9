//! The notify service's own settings, read from the common configuration
//! (`HOTLINE_*` variables or `hotline.toml`); the keys are the serde names below.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use shared::config::{Config, ConfigError, Secret, Variable, list};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FaxTransportKind {
    #[default]
    Spool,
    Email,
    Http,
    Hylafax,
}

/// How text messages go (`HOTLINE_SMS_TRANSPORT`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmsTransportKind {
    /// `<sms_dir>/<id>.json`, for a modem script or a person to pick up.
    #[default]
    Spool,
    /// A JSON POST to an SMS gateway (`sms_http_url`).
    Http,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct NotifyConfig {
    /// `HOTLINE_SMTP_URL`; none means `.eml` files under `<data_dir>/mail`.
    pub smtp_url: Option<Secret>,
    pub smtp_timeout_secs: u64,
    pub mail_from: String,
    pub mail_from_name: String,
    /// Empty until [`NotifyConfig::from_config`] puts it under the data folder.
    pub mail_dir: PathBuf,
    pub fax_transport: FaxTransportKind,
    pub fax_dir: PathBuf,
    pub fax_email_template: String,
    pub fax_http_url: Option<String>,
    pub fax_http_token: Option<Secret>,
    /// Where the fax gateway answers whether it already has a notification's fax, with
    /// `{notification_id}` in it; asked before every send (issue 16).
    pub fax_http_lookup_url: Option<String>,
    /// `HOTLINE_FAX_HYLAFAX_HOST` (host:port of hfaxd); `HOTLINE_HYLAFAX_HOST` is its older name.
    #[serde(rename = "fax_hylafax_host")]
    pub hylafax_host: String,
    #[serde(rename = "hylafax_host")]
    hylafax_host_old: Option<String>,
    pub sms_transport: SmsTransportKind,
    /// Empty until [`NotifyConfig::from_config`] puts it under the data folder.
    pub sms_dir: PathBuf,
    pub sms_http_url: Option<String>,
    /// Sent as `Authorization: Bearer <token>`, or in the header `sms_http_key_header` names.
    pub sms_http_token: Option<Secret>,
    /// As `fax_http_lookup_url`, for the SMS gateway.
    pub sms_http_lookup_url: Option<String>,
    /// A header for the token instead of `Authorization` (`X-API-Key`); empty: bearer.
    pub sms_http_key_header: String,
    pub hotline_name: String,
    pub centre_fax: String,
    pub centre_email: String,
    /// Worker tasks per replica; 0 runs the API only.
    #[serde(rename = "notify_workers")]
    pub workers: usize,
    #[serde(rename = "notify_batch")]
    pub batch: i64,
    #[serde(rename = "notify_lease_ms")]
    pub lease_ms: i64,
    /// This replica's lasting name (`HOTLINE_NOTIFY_REPLICA`): the one it keeps across restarts,
    /// so that a restart takes back at once what its previous run held when it died. Empty:
    /// the host name and the data folder.
    #[serde(rename = "notify_replica")]
    pub replica: String,
    #[serde(rename = "notify_poll_ms")]
    pub poll_ms: u64,
    #[serde(rename = "notify_max_attempts")]
    pub max_attempts: i32,
    #[serde(rename = "notify_backoff_ms")]
    pub backoff_base_ms: u64,
    #[serde(rename = "notify_backoff_max_ms")]
    pub backoff_max_ms: u64,
    #[serde(rename = "notify_report")]
    pub report_enabled: bool,
    /// How often HylaFAX is asked about each fax it accepted and has not yet delivered
    /// (`HOTLINE_NOTIFY_FAX_CHECK_MS`). Keep it far below the time HylaFAX keeps finished jobs
    /// in its done queue (faxqclean), or a delivered job may be cleaned out before it is seen.
    #[serde(rename = "notify_fax_check_ms")]
    pub fax_check_ms: u64,
    /// `HOTLINE_IMAP_URL`: the mailboxes replies come to, `imap://user:password@host:port/Folder`
    /// (`imaps://` for TLS; STARTTLS is used when an `imap://` server offers it); several
    /// separated by commas. None: no mail is fetched.
    pub imap_url: Option<Secret>,
    /// `HOTLINE_IMAP_CA_FILE`: PEM certificates trusted for the mail server's TLS besides the
    /// public roots (a government network's own certificate authority). None: public roots.
    pub imap_ca_file: Option<String>,
    /// How often each mailbox is asked for new mail (seconds). At most 30 by default, so a reply
    /// reaches its ticket within a minute (issue 18).
    pub imap_poll_secs: u64,
    /// A larger message is dead-lettered (its size is known before it is fetched).
    pub imap_max_message_bytes: u64,
    pub imap_max_attachment_bytes: u64,
    pub imap_max_attachments: usize,
    /// The fax gateways' sender addresses: their mail is a received fax (issue 18).
    #[serde(deserialize_with = "list")]
    pub imap_fax_senders: Vec<String>,
    /// Finds the sender's fax number in a received fax's subject or text (its first group).
    pub imap_fax_number_pattern: String,
}

impl Default for NotifyConfig {
    fn default() -> Self {
        NotifyConfig {
            smtp_url: None,
            smtp_timeout_secs: 30,
            mail_from: "hotline@localhost".into(),
            mail_from_name: "96128政务信息查询专线".into(),
            mail_dir: PathBuf::new(),
            fax_transport: FaxTransportKind::Spool,
            fax_dir: PathBuf::new(),
            fax_email_template: "{number}@fax.example".into(),
            fax_http_url: None,
            fax_http_token: None,
            fax_http_lookup_url: None,
            hylafax_host: String::new(),
            hylafax_host_old: None,
            sms_transport: SmsTransportKind::Spool,
            sms_dir: PathBuf::new(),
            sms_http_url: None,
            sms_http_lookup_url: None,
            sms_http_token: None,
            sms_http_key_header: String::new(),
            hotline_name: "96128政务信息查询专线".into(),
            centre_fax: String::new(),
            centre_email: String::new(),
            workers: 8,
            batch: 8,
            lease_ms: 120_000,
            replica: String::new(),
            poll_ms: 1000,
            max_attempts: 8,
            backoff_base_ms: 5_000,
            backoff_max_ms: 3_600_000,
            report_enabled: true,
            fax_check_ms: 10_000,
            imap_url: None,
            imap_ca_file: None,
            imap_poll_secs: 15,
            imap_max_message_bytes: 25 * 1024 * 1024,
            imap_max_attachment_bytes: 10 * 1024 * 1024,
            imap_max_attachments: 20,
            imap_fax_senders: Vec::new(),
            imap_fax_number_pattern: crate::domain::inbound::DEFAULT_FAX_NUMBER_PATTERN.into(),
        }
    }
}

impl NotifyConfig {
    pub const VARIABLES: &[Variable] = &[
        Variable::new(
            "smtp_url",
            "SMTP server (smtp:// or smtps://, user:password@ allowed)",
            ".eml files under <data dir>/mail",
        ),
        Variable::new("smtp_timeout_secs", "SMTP timeout in seconds", "30"),
        Variable::new(
            "mail_from",
            "sender address of notification mail",
            "hotline@localhost",
        ),
        Variable::new(
            "mail_from_name",
            "sender name of notification mail",
            "96128政务信息查询专线",
        ),
        Variable::new(
            "mail_dir",
            "where mail goes without an SMTP server",
            "<data dir>/mail",
        ),
        Variable::new(
            "fax_transport",
            "how faxes go: spool, email, http or hylafax",
            "spool",
        ),
        Variable::new(
            "fax_dir",
            "fax spool folder (fax_transport spool)",
            "<data dir>/fax",
        ),
        Variable::new(
            "fax_email_template",
            "mail-to-fax address, must contain {number}",
            "{number}@fax.example",
        ),
        Variable::new(
            "fax_http_url",
            "fax gateway URL (required with fax_transport http)",
            "none",
        ),
        Variable::new("fax_http_token", "bearer token for the fax gateway", "none"),
        Variable::new(
            "fax_http_lookup_url",
            "GET URL with {notification_id}: does the fax gateway already have it (asked before each send)",
            "none (not asked)",
        ),
        Variable::new(
            "fax_hylafax_host",
            "host:port of HylaFAX's hfaxd",
            "127.0.0.1:4559",
        ),
        Variable::new(
            "hylafax_host",
            "older name of HOTLINE_FAX_HYLAFAX_HOST",
            "none",
        ),
        Variable::new(
            "sms_transport",
            "how text messages go: spool or http",
            "spool",
        ),
        Variable::new(
            "sms_dir",
            "SMS spool folder (sms_transport spool)",
            "<data dir>/sms",
        ),
        Variable::new(
            "sms_http_url",
            "SMS gateway URL, JSON POST (required with sms_transport http)",
            "none",
        ),
        Variable::new("sms_http_token", "token for the SMS gateway", "none"),
        Variable::new(
            "sms_http_lookup_url",
            "GET URL with {notification_id}: does the SMS gateway already have it (asked before each send)",
            "none (not asked)",
        ),
        Variable::new(
            "sms_http_key_header",
            "header carrying sms_http_token instead of a bearer Authorization",
            "none (bearer)",
        ),
        Variable::new(
            "hotline_name",
            "the hotline's name on faxes and mail",
            "96128政务信息查询专线",
        ),
        Variable::new(
            "centre_fax",
            "the centre's fax number, printed on faxes",
            "empty",
        ),
        Variable::new(
            "centre_email",
            "the centre's e-mail address, printed on faxes",
            "empty",
        ),
        Variable::new(
            "notify_workers",
            "delivery workers per replica (0: API only)",
            "8",
        ),
        Variable::new("notify_batch", "notifications a worker claims at once", "8"),
        Variable::new(
            "notify_lease_ms",
            "how long a claimed notification is held (ms)",
            "120000",
        ),
        Variable::new(
            "notify_replica",
            "this replica's name, kept across restarts (unique per replica)",
            "host name and data folder",
        ),
        Variable::new(
            "notify_poll_ms",
            "how often idle workers look for work (ms)",
            "1000",
        ),
        Variable::new(
            "notify_max_attempts",
            "delivery attempts before a notification is dead",
            "8",
        ),
        Variable::new(
            "notify_backoff_ms",
            "first retry delay (ms); later retries wait longer",
            "5000",
        ),
        Variable::new(
            "notify_backoff_max_ms",
            "longest retry delay (ms)",
            "3600000",
        ),
        Variable::new(
            "notify_report",
            "report deliveries back to the ticket service",
            "true",
        ),
        Variable::new(
            "notify_fax_check_ms",
            "how often HylaFAX is asked about sent faxes (ms)",
            "10000",
        ),
        Variable::new(
            "imap_url",
            "mailboxes replies are fetched from: imap[s]://user:password@host:port/Folder, comma-separated",
            "none (no mail fetched)",
        ),
        Variable::new(
            "imap_ca_file",
            "PEM file of certificates trusted for the mail server's TLS besides the public roots",
            "none (public roots only)",
        ),
        Variable::new(
            "imap_poll_secs",
            "how often each mailbox is asked for new mail (s)",
            "15",
        ),
        Variable::new(
            "imap_max_message_bytes",
            "a larger received message is dead-lettered",
            "26214400",
        ),
        Variable::new(
            "imap_max_attachment_bytes",
            "a received message with a larger attachment is dead-lettered",
            "10485760",
        ),
        Variable::new(
            "imap_max_attachments",
            "a received message with more attachments is dead-lettered",
            "20",
        ),
        Variable::new(
            "imap_fax_senders",
            "fax gateways' sender addresses: their mail is a received fax (comma-separated)",
            "none",
        ),
        Variable::new(
            "imap_fax_number_pattern",
            "regular expression finding the sender's fax number in a received fax's subject or text (first group)",
            "a number after from / 来自 / 发送方",
        ),
    ];

    /// Whom TLS to the mail server trusts (`imap_ca_file` checked by
    /// [`NotifyConfig::from_config`]).
    pub fn imap_tls(&self) -> Result<crate::imap::Tls, String> {
        crate::imap::Tls::new(self.imap_ca_file.as_deref().map(std::path::Path::new))
    }

    /// The mailboxes of `imap_url` (checked by [`NotifyConfig::from_config`]).
    pub fn mailboxes(&self) -> Vec<crate::imap::MailboxUrl> {
        let Some(urls) = &self.imap_url else {
            return Vec::new();
        };
        urls.expose()
            .split(',')
            .filter_map(|u| crate::imap::MailboxUrl::parse(u.trim()).ok())
            .collect()
    }

    /// The limits a received message must keep.
    pub fn inbound_limits(&self) -> crate::domain::inbound::Limits {
        crate::domain::inbound::Limits {
            message_bytes: self.imap_max_message_bytes,
            attachment_bytes: self.imap_max_attachment_bytes,
            attachments: self.imap_max_attachments,
        }
    }

    /// How received faxes are told from other mail (the pattern was checked by
    /// [`NotifyConfig::from_config`]).
    pub fn fax_rules(&self) -> Result<crate::domain::inbound::FaxRules, String> {
        crate::domain::inbound::FaxRules::new(&self.imap_fax_senders, &self.imap_fax_number_pattern)
            .map_err(|e| format!("imap_fax_number_pattern: {e}"))
    }

    /// Reads the notify section of `c`; paths default to folders of `data_dir`.
    pub fn from_config(c: &Config, data_dir: &Path) -> Result<NotifyConfig, ConfigError> {
        let mut n: NotifyConfig = c.extract()?;
        if n.mail_dir.as_os_str().is_empty() {
            n.mail_dir = data_dir.join("mail");
        }
        if n.fax_dir.as_os_str().is_empty() {
            n.fax_dir = data_dir.join("fax");
        }
        if n.sms_dir.as_os_str().is_empty() {
            n.sms_dir = data_dir.join("sms");
        }
        if n.replica.trim().is_empty() {
            n.replica = default_replica(data_dir);
        }
        if n.replica.contains('|') {
            return Err(c.error("notify_replica", "must not contain `|`"));
        }
        if n.hylafax_host.is_empty() {
            n.hylafax_host = n
                .hylafax_host_old
                .clone()
                .unwrap_or_else(|| crate::fax::hylafax::DEFAULT_HOST.to_string());
        }
        if n.fax_transport == FaxTransportKind::Http && n.fax_http_url.is_none() {
            return Err(c.error(
                "fax_http_url",
                format!("required when {} is http", c.name_of("fax_transport")),
            ));
        }
        if n.sms_transport == SmsTransportKind::Http && n.sms_http_url.is_none() {
            return Err(c.error(
                "sms_http_url",
                format!("required when {} is http", c.name_of("sms_transport")),
            ));
        }
        let header = n.sms_http_key_header.trim();
        if !header.is_empty() && reqwest::header::HeaderName::from_bytes(header.as_bytes()).is_err()
        {
            return Err(c.error("sms_http_key_header", "not an HTTP header name"));
        }
        for (key, url) in [
            ("fax_http_lookup_url", &n.fax_http_lookup_url),
            ("sms_http_lookup_url", &n.sms_http_lookup_url),
        ] {
            if url
                .as_deref()
                .is_some_and(|u| !u.contains(crate::gateway::LOOKUP_PLACEHOLDER))
            {
                return Err(c.error(key, "must contain {notification_id}"));
            }
        }
        if !n.fax_email_template.contains("{number}") {
            return Err(c.error("fax_email_template", "must contain {number}"));
        }
        if let Some(urls) = &n.imap_url {
            for url in urls.expose().split(',').filter(|u| !u.trim().is_empty()) {
                if let Err(e) = crate::imap::MailboxUrl::parse(url.trim()) {
                    return Err(c.error("imap_url", e));
                }
            }
        }
        if let Some(path) = &n.imap_ca_file
            && let Err(e) = crate::imap::Tls::new(Some(std::path::Path::new(path)))
        {
            return Err(c.error("imap_ca_file", e));
        }
        if let Err(e) = regex::Regex::new(&n.imap_fax_number_pattern) {
            return Err(c.error("imap_fax_number_pattern", e.to_string()));
        }
        if n.imap_poll_secs == 0 {
            return Err(c.error("imap_poll_secs", "must be at least 1"));
        }
        if n.mail_from.parse::<lettre::Address>().is_err() {
            return Err(c.error("mail_from", "not an e-mail address"));
        }
        Ok(n)
    }
}

/// The host name and the data folder: two replicas on one host have their own data folders
/// (mail and fax spools live there), and a restarted replica finds the same ones.
fn default_replica(data_dir: &Path) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .unwrap_or_default();
    let dir = std::fs::canonicalize(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    format!("{}:{}", host.trim(), dir.display()).replace('|', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_checks() {
        let dir = Path::new("/srv/hotline");
        let n = NotifyConfig::from_config(&Config::default(), dir).unwrap();
        assert_eq!(n.mail_dir, dir.join("mail"));
        assert_eq!(n.fax_transport, FaxTransportKind::Spool);
        assert_eq!(n.hylafax_host, crate::fax::hylafax::DEFAULT_HOST);
        assert_eq!((n.workers, n.poll_ms, n.report_enabled), (8, 1000, true));
        let old = Config::from_pairs([("hylafax_host", "fax:4559"), ("centre_fax", "08710")]);
        let n = NotifyConfig::from_config(&old, dir).unwrap();
        assert_eq!(
            (n.hylafax_host.as_str(), n.centre_fax.as_str()),
            ("fax:4559", "08710")
        );
        let mut c = Config::default();
        c.merge_env([("HOTLINE_FAX_TRANSPORT".into(), "http".into())]);
        let e = NotifyConfig::from_config(&c, dir).unwrap_err().to_string();
        assert_eq!(
            e,
            "HOTLINE_FAX_HTTP_URL: required when HOTLINE_FAX_TRANSPORT is http"
        );
        let mut sms = Config::default();
        sms.merge_env([("HOTLINE_SMS_TRANSPORT".into(), "http".into())]);
        let e = NotifyConfig::from_config(&sms, dir)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "HOTLINE_SMS_HTTP_URL: required when HOTLINE_SMS_TRANSPORT is http"
        );
        let n = NotifyConfig::from_config(&Config::default(), dir).unwrap();
        assert_eq!(
            (n.sms_transport, n.sms_dir),
            (SmsTransportKind::Spool, dir.join("sms"))
        );
        sms.merge_env([
            (
                "HOTLINE_SMS_HTTP_URL".into(),
                "http://sms.example/send".into(),
            ),
            ("HOTLINE_SMS_HTTP_KEY_HEADER".into(), "X API".into()),
        ]);
        let e = NotifyConfig::from_config(&sms, dir)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("HOTLINE_SMS_HTTP_KEY_HEADER: "), "{e}");
        let mut imap = Config::default();
        imap.merge_env([(
            "HOTLINE_IMAP_URL".into(),
            "imap://u:pw@127.0.0.1:10143/INBOX,pop3://u:secret-pw@mail.example".into(),
        )]);
        let e = NotifyConfig::from_config(&imap, dir)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("HOTLINE_IMAP_URL: ") && !e.contains("secret-pw"),
            "{e}"
        );
        let ok = Config::from_pairs([("imap_url", "imaps://u:p@mail.example/&Vt5ZDQ-")]);
        let n = NotifyConfig::from_config(&ok, dir).unwrap();
        assert_eq!(n.mailboxes().len(), 1);
        assert_eq!(n.imap_poll_secs, 15);
        // A CA file the mail server's TLS would need, which cannot be read or holds no
        // certificate, stops the start (the mailbox would never connect).
        let not_pem = std::env::temp_dir().join(format!("not-a-ca-{}.pem", std::process::id()));
        std::fs::write(&not_pem, "hello").unwrap();
        for path in ["/no/such/ca.pem".to_string(), not_pem.display().to_string()] {
            let bad = Config::from_pairs([("imap_ca_file", path.as_str())]);
            let e = NotifyConfig::from_config(&bad, dir)
                .unwrap_err()
                .to_string();
            assert!(e.starts_with("imap_ca_file: "), "{e}");
        }
        let _ = std::fs::remove_file(&not_pem);
        c.merge_env([("HOTLINE_FAX_TRANSPORT".into(), "pigeon".into())]);
        let e = NotifyConfig::from_config(&c, dir).unwrap_err().to_string();
        assert!(e.starts_with("HOTLINE_FAX_TRANSPORT: "), "{e}");
    }
}
