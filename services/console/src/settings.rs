//! The console's settings, read from the common [`Config`].

use std::time::Duration;

use shared::config::{Config, ConfigError};
use shared::settings::{ServiceUrls, default_port};

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
}

impl ConsoleSettings {
    pub fn from_config(config: &Config) -> Result<ConsoleSettings, ConfigError> {
        let idle_seconds: u64 = config.parse("console_idle_seconds", 30 * 60)?;
        Ok(ConsoleSettings {
            host: config.get_or("console_host", &config.get_or("host", "127.0.0.1")),
            port: config.parse("console_port", default_port("console"))?,
            urls: ServiceUrls::from_config(config)?,
            idle: Duration::from_secs(idle_seconds.max(1)),
            secure_cookie: config.parse("console_secure_cookie", false)?,
        })
    }
}
