//! The console's settings: where it listens and where the services are (the common section),
//! and its own keys.

use std::time::Duration;

use serde::Deserialize;
use shared::config::{Config, ConfigError, Variable};
use shared::settings::{CommonSettings, ServiceUrls};

#[derive(Debug, Clone)]
pub struct ConsoleSettings {
    pub host: String,
    /// 0 picks a free port (tests).
    pub port: u16,
    /// Where the three services listen, as the browser's requests are forwarded to them.
    pub urls: ServiceUrls,
    /// A session unused this long is gone; the next page is the sign-in form.
    pub idle: Duration,
    /// `Secure` on the session cookie: set when the console is served over TLS (behind a proxy).
    pub secure_cookie: bool,
    /// The TLS proxies in front: their `X-Forwarded-For` names the browser whose address the
    /// sign-in is counted against.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

/// The console's own keys, as the operator writes them.
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct ConsoleOwn {
    pub console_idle_seconds: u64,
    pub console_secure_cookie: bool,
    #[serde(deserialize_with = "shared::config::list")]
    pub console_trusted_proxies: Vec<String>,
}

impl Default for ConsoleOwn {
    fn default() -> Self {
        ConsoleOwn {
            console_idle_seconds: 30 * 60,
            console_secure_cookie: false,
            console_trusted_proxies: Vec::new(),
        }
    }
}

impl ConsoleOwn {
    pub const VARIABLES: &[Variable] = &[
        Variable::new(
            "console_idle_seconds",
            "a console session unused this long ends (s)",
            "1800",
        ),
        Variable::new(
            "console_secure_cookie",
            "mark the session cookie Secure (set when served over TLS)",
            "false",
        ),
        Variable::new(
            "console_trusted_proxies",
            "addresses of the proxies in front whose X-Forwarded-For names the browser",
            "none",
        ),
    ];
}

impl ConsoleSettings {
    pub fn from_config(config: &Config) -> Result<ConsoleSettings, ConfigError> {
        let common: CommonSettings = config.extract()?;
        let own: ConsoleOwn = config.extract()?;
        let mut trusted_proxies = Vec::new();
        for a in &own.console_trusted_proxies {
            let ip = a.trim().parse().map_err(|_| ConfigError::Invalid {
                name: "HOTLINE_CONSOLE_TRUSTED_PROXIES".into(),
                message: format!("`{a}` is not an IP address"),
            })?;
            trusted_proxies.push(ip);
        }
        Ok(ConsoleSettings {
            host: common.host_of("console"),
            port: common.port_of("console"),
            urls: common.urls(),
            idle: Duration::from_secs(own.console_idle_seconds.max(1)),
            secure_cookie: own.console_secure_cookie,
            trusted_proxies,
        })
    }
}
