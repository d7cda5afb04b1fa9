//! The settings every service reads (where it listens, its database, the JWT secret, where the
//! other services are), and the resolved [`ServiceSettings`] of one service. Each service reads
//! its own section from the same [`Config`] into its own struct at start-up.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Deserialize;

use crate::auth::JwtKeys;
use crate::clock::Clock;
use crate::config::{Config, ConfigError, Secret, Variable};

/// The common section, as the operator writes it (keys are the field names).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CommonSettings {
    pub data_dir: Option<PathBuf>,
    pub host: Option<String>,
    pub jwt_secret: Option<Secret>,
    /// A manual clock for end-to-end tests (debug builds only).
    pub test_clock: Option<String>,
    pub knowledge_host: Option<String>,
    pub knowledge_port: Option<u16>,
    pub knowledge_url: Option<String>,
    pub knowledge_database_url: Option<String>,
    pub tickets_host: Option<String>,
    pub tickets_port: Option<u16>,
    pub tickets_url: Option<String>,
    pub tickets_database_url: Option<String>,
    pub notify_host: Option<String>,
    pub notify_port: Option<u16>,
    pub notify_url: Option<String>,
    pub notify_database_url: Option<String>,
    pub console_host: Option<String>,
    pub console_port: Option<u16>,
}

impl CommonSettings {
    pub const VARIABLES: &[Variable] = &[
        Variable::new(
            "data_dir",
            "folder of the SQLite databases, mail and fax spools and the generated JWT secret",
            "./data",
        ),
        Variable::new("host", "address every service binds", "127.0.0.1"),
        Variable::new(
            "jwt_secret",
            "token signing secret, 32+ bytes, the same for every service",
            "made once in <data dir>/jwt-secret",
        ),
        Variable::new(
            "test_clock",
            "start of a manual clock (RFC 3339), debug builds only",
            "system clock",
        ),
        Variable::new(
            "knowledge_host",
            "address the knowledge service binds",
            "HOTLINE_HOST",
        ),
        Variable::new(
            "knowledge_port",
            "port of the knowledge service (0 picks one)",
            "8081",
        ),
        Variable::new(
            "knowledge_url",
            "where the others reach the knowledge service",
            "http://127.0.0.1:<knowledge port>",
        ),
        Variable::new(
            "knowledge_database_url",
            "knowledge database (sqlite:// or postgres://)",
            "sqlite://<data dir>/knowledge.db",
        ),
        Variable::new(
            "tickets_host",
            "address the ticket service binds",
            "HOTLINE_HOST",
        ),
        Variable::new(
            "tickets_port",
            "port of the ticket service (0 picks one)",
            "8082",
        ),
        Variable::new(
            "tickets_url",
            "where the others reach the ticket service",
            "http://127.0.0.1:<tickets port>",
        ),
        Variable::new(
            "tickets_database_url",
            "ticket database (sqlite:// or postgres://)",
            "sqlite://<data dir>/tickets.db",
        ),
        Variable::new(
            "notify_host",
            "address the notify service binds",
            "HOTLINE_HOST",
        ),
        Variable::new(
            "notify_port",
            "port of the notify service (0 picks one)",
            "8083",
        ),
        Variable::new(
            "notify_url",
            "where the others reach the notify service",
            "http://127.0.0.1:<notify port>",
        ),
        Variable::new(
            "notify_database_url",
            "notify database (sqlite:// or postgres://)",
            "sqlite://<data dir>/notify.db",
        ),
        Variable::new("console_host", "address the console binds", "HOTLINE_HOST"),
        Variable::new("console_port", "port of the console (0 picks one)", "8080"),
    ];

    pub fn data_dir(&self) -> PathBuf {
        self.data_dir
            .clone()
            .unwrap_or_else(|| PathBuf::from("./data"))
    }

    /// `<service>_host`, else `host`, else this machine only.
    pub fn host_of(&self, service: &str) -> String {
        let own = match service {
            "knowledge" => &self.knowledge_host,
            "tickets" => &self.tickets_host,
            "notify" => &self.notify_host,
            _ => &self.console_host,
        };
        own.clone()
            .or_else(|| self.host.clone())
            .unwrap_or_else(|| "127.0.0.1".into())
    }

    pub fn port_of(&self, service: &str) -> u16 {
        let own = match service {
            "knowledge" => self.knowledge_port,
            "tickets" => self.tickets_port,
            "notify" => self.notify_port,
            _ => self.console_port,
        };
        own.unwrap_or_else(|| default_port(service))
    }

    /// `<SERVICE>_URL`, or the service on its configured port on this machine.
    pub fn urls(&self) -> ServiceUrls {
        // A peer on a configured port is found there without a separate URL.
        let url = |configured: &Option<String>, service: &str| {
            configured
                .clone()
                .unwrap_or_else(|| format!("http://127.0.0.1:{}", self.port_of(service)))
        };
        ServiceUrls {
            knowledge: url(&self.knowledge_url, "knowledge"),
            tickets: url(&self.tickets_url, "tickets"),
            notify: url(&self.notify_url, "notify"),
        }
    }

    fn database_url_of(&self, service: &str) -> String {
        let own = match service {
            "knowledge" => &self.knowledge_database_url,
            "tickets" => &self.tickets_database_url,
            _ => &self.notify_database_url,
        };
        own.clone().unwrap_or_else(|| {
            format!(
                "sqlite://{}",
                self.data_dir().join(format!("{service}.db")).display()
            )
        })
    }
}

#[derive(Debug, Clone)]
pub struct ServiceUrls {
    pub knowledge: String,
    pub tickets: String,
    pub notify: String,
}

pub fn default_port(service: &str) -> u16 {
    match service {
        "knowledge" => 8081,
        "tickets" => 8082,
        "notify" => 8083,
        _ => 8080,
    }
}

/// The common settings of one service, resolved.
#[derive(Clone)]
pub struct ServiceSettings {
    /// `knowledge`, `tickets` or `notify`: also the JWT audience.
    pub name: String,
    pub host: String,
    /// 0 picks a free port (tests).
    pub port: u16,
    pub database_url: String,
    pub data_dir: PathBuf,
    /// The configured secret; none means the one kept in the data folder (see [`Self::keys`]).
    pub jwt_secret: Option<Secret>,
    pub urls: ServiceUrls,
    pub clock: Clock,
    /// The sources, for the service's own section, read at its start-up.
    pub config: Config,
}

impl ServiceSettings {
    pub fn from_config(name: &str, config: &Config) -> Result<ServiceSettings, ConfigError> {
        let common: CommonSettings = config.extract()?;
        if let Some(s) = &common.jwt_secret
            && s.expose().len() < 32
        {
            return Err(config.error("jwt_secret", "must be at least 32 bytes"));
        }
        Ok(ServiceSettings {
            name: name.to_string(),
            host: common.host_of(name),
            port: common.port_of(name),
            database_url: common.database_url_of(name),
            data_dir: common.data_dir(),
            jwt_secret: common.jwt_secret.clone(),
            urls: common.urls(),
            clock: Clock::from_setting(common.test_clock.as_deref()),
            config: config.clone(),
        })
    }

    /// The service's own section.
    pub fn own<T: serde::de::DeserializeOwned>(&self) -> Result<T, ConfigError> {
        self.config.extract()
    }

    /// The signing keys. Without a configured secret this reads, or on first use writes, the
    /// secret file of the data folder: a start-up step, not part of reading the settings.
    pub fn keys(&self) -> Result<Arc<JwtKeys>, ConfigError> {
        let secret = match &self.jwt_secret {
            Some(s) => s.clone(),
            None => secret_in(&self.data_dir)?,
        };
        JwtKeys::new(&secret, &self.name)
            .map(Arc::new)
            .map_err(|e| self.config.error("jwt_secret", e.to_string()))
    }
}

/// The secret kept in `<data_dir>/jwt-secret`, made on first use so that every service and
/// `hotline token` run with the same data folder agree.
pub fn secret_in(data_dir: &Path) -> Result<Secret, ConfigError> {
    let path = data_dir.join("jwt-secret");
    let io = |e: std::io::Error| ConfigError::Read {
        path: path.clone(),
        source: e,
    };
    if let Ok(text) = std::fs::read_to_string(&path)
        && text.trim().len() >= 32
    {
        return Ok(Secret::new(text.trim()));
    }
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let secret = {
        use rand::Rng;
        let bytes: [u8; 32] = rand::rng().random();
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    write_private(&path, &secret).map_err(io)?;
    // Another process may have won the race; whatever is on disk now is the secret.
    let text = std::fs::read_to_string(&path).map_err(io)?;
    Ok(Secret::new(text.trim()))
}

fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    match options.open(path) {
        Ok(mut f) => f.write_all(text.as_bytes()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_generated_secret() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_pairs([("data_dir", dir.path().to_str().unwrap())]);
        let s = ServiceSettings::from_config("tickets", &config).unwrap();
        assert_eq!(s.port, 8082);
        assert!(s.database_url.ends_with("tickets.db"));
        // Reading the settings writes nothing; the keys make the secret once.
        assert!(!dir.path().join("jwt-secret").exists());
        assert!(s.keys().is_ok());
        let again = ServiceSettings::from_config("knowledge", &config).unwrap();
        assert!(again.keys().is_ok());
        assert_eq!(
            secret_in(dir.path()).unwrap(),
            secret_in(dir.path()).unwrap()
        );
    }

    #[test]
    fn peers_are_found_on_their_configured_ports() {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::from_pairs([
            ("data_dir", dir.path().to_str().unwrap()),
            ("knowledge_port", "18581"),
            ("notify_url", "http://n:1"),
        ]);
        let s = ServiceSettings::from_config("tickets", &config).unwrap();
        assert_eq!(s.urls.knowledge, "http://127.0.0.1:18581");
        assert_eq!(s.urls.tickets, "http://127.0.0.1:8082");
        assert_eq!(s.urls.notify, "http://n:1");
    }

    #[test]
    fn short_configured_secret_is_an_error() {
        let config = Config::from_pairs([("jwt_secret", "short")]);
        assert!(ServiceSettings::from_config("tickets", &config).is_err());
    }

    #[test]
    fn every_common_key_is_documented() {
        let documented: Vec<_> = CommonSettings::VARIABLES.iter().map(|v| v.key).collect();
        assert_eq!(crate::config::keys_of::<CommonSettings>(), documented);
    }
}
