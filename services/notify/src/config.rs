//! The notify service's own settings, read from the common configuration
//! (`HOTLINE_*` variables or `hotline.toml`).

use std::path::PathBuf;

use shared::config::{Config, ConfigError, Secret};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaxTransportKind {
    Spool,
    Email,
    Http,
    Hylafax,
}

#[derive(Debug, Clone)]
pub struct NotifyConfig {
    /// `HOTLINE_SMTP_URL`; none means `.eml` files under `<data_dir>/mail`.
    pub smtp_url: Option<Secret>,
    pub smtp_timeout_secs: u64,
    pub mail_from: String,
    pub mail_from_name: String,
    pub mail_dir: PathBuf,
    pub fax_transport: FaxTransportKind,
    pub fax_dir: PathBuf,
    pub fax_email_template: String,
    pub fax_http_url: Option<String>,
    pub fax_http_token: Option<Secret>,
    /// `HOTLINE_FAX_HYLAFAX_HOST` (host:port of hfaxd).
    pub hylafax_host: String,
    pub hotline_name: String,
    pub centre_fax: String,
    pub centre_email: String,
    /// Worker tasks per replica; 0 runs the API only.
    pub workers: usize,
    pub batch: i64,
    pub lease_ms: i64,
    pub poll_ms: u64,
    pub max_attempts: i32,
    pub backoff_base_ms: u64,
    pub backoff_max_ms: u64,
    pub report_enabled: bool,
    /// How often HylaFAX is asked about each fax it accepted and has not yet delivered
    /// (`HOTLINE_NOTIFY_FAX_CHECK_MS`). Keep it far below the time HylaFAX keeps finished jobs
    /// in its done queue (faxqclean), or a delivered job may be cleaned out before it is seen.
    pub fax_check_ms: u64,
}

impl NotifyConfig {
    pub fn from_config(
        c: &Config,
        data_dir: &std::path::Path,
    ) -> Result<NotifyConfig, ConfigError> {
        let fax_transport = match c.get_or("fax_transport", "spool").as_str() {
            "spool" => FaxTransportKind::Spool,
            "email" => FaxTransportKind::Email,
            "http" => FaxTransportKind::Http,
            "hylafax" => FaxTransportKind::Hylafax,
            other => {
                return Err(ConfigError::Invalid {
                    key: "fax_transport".into(),
                    message: format!("`{other}` is not one of spool, email, http, hylafax"),
                });
            }
        };
        let fax_http_url = c.get("fax_http_url").map(str::to_string);
        if fax_transport == FaxTransportKind::Http && fax_http_url.is_none() {
            return Err(ConfigError::Invalid {
                key: "fax_http_url".into(),
                message: "required when fax_transport is http".into(),
            });
        }
        let fax_email_template = c.get_or("fax_email_template", "{number}@fax.example");
        if !fax_email_template.contains("{number}") {
            return Err(ConfigError::Invalid {
                key: "fax_email_template".into(),
                message: "must contain {number}".into(),
            });
        }
        let mail_from = c.get_or("mail_from", "hotline@localhost");
        if mail_from.parse::<lettre::Address>().is_err() {
            return Err(ConfigError::Invalid {
                key: "mail_from".into(),
                message: "not an e-mail address".into(),
            });
        }
        Ok(NotifyConfig {
            smtp_url: c.secret("smtp_url"),
            smtp_timeout_secs: c.parse("smtp_timeout_secs", 30)?,
            mail_from,
            mail_from_name: c.get_or("mail_from_name", "96128政务信息查询专线"),
            mail_dir: c
                .get("mail_dir")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("mail")),
            fax_transport,
            fax_dir: c
                .get("fax_dir")
                .map(PathBuf::from)
                .unwrap_or_else(|| data_dir.join("fax")),
            fax_email_template,
            fax_http_url,
            fax_http_token: c.secret("fax_http_token"),
            hylafax_host: c
                .get("fax_hylafax_host")
                .or_else(|| c.get("hylafax_host"))
                .unwrap_or(crate::fax::hylafax::DEFAULT_HOST)
                .to_string(),
            hotline_name: c.get_or("hotline_name", "96128政务信息查询专线"),
            centre_fax: c.get_or("centre_fax", ""),
            centre_email: c.get_or("centre_email", ""),
            workers: c.parse("notify_workers", 8)?,
            batch: c.parse("notify_batch", 8)?,
            lease_ms: c.parse("notify_lease_ms", 120_000)?,
            poll_ms: c.parse("notify_poll_ms", 1000)?,
            max_attempts: c.parse("notify_max_attempts", 8)?,
            backoff_base_ms: c.parse("notify_backoff_ms", 5_000)?,
            backoff_max_ms: c.parse("notify_backoff_max_ms", 3_600_000)?,
            report_enabled: c.parse("notify_report", true)?,
            fax_check_ms: c.parse("notify_fax_check_ms", 10_000)?,
        })
    }
}
