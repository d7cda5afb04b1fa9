//! Typed settings of one service, read from [`Config`].

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::auth::JwtKeys;
use crate::clock::Clock;
use crate::config::{Config, ConfigError, Secret};

#[derive(Debug, Clone)]
pub struct ServiceUrls {
    pub knowledge: String,
    pub tickets: String,
    pub notify: String,
}

#[derive(Clone)]
pub struct ServiceSettings {
    /// `knowledge`, `tickets` or `notify`: also the JWT audience.
    pub name: String,
    pub host: String,
    /// 0 picks a free port (tests).
    pub port: u16,
    pub database_url: String,
    pub data_dir: PathBuf,
    pub jwt_secret: Secret,
    pub urls: ServiceUrls,
    pub clock: Clock,
    /// Everything else, for keys only one service reads.
    pub config: Config,
}

impl ServiceUrls {
    /// `HOTLINE_<SERVICE>_URL`, or the service on its configured port on this machine.
    pub fn from_config(config: &Config) -> Result<ServiceUrls, ConfigError> {
        let url = |svc: &str| {
            config
                .get(&format!("{svc}_url"))
                .map(str::to_string)
                .map(Ok)
                .unwrap_or_else(|| {
                    // A peer on a configured port is found there without a separate URL.
                    config
                        .parse(&format!("{svc}_port"), default_port(svc))
                        .map(|port| format!("http://127.0.0.1:{port}"))
                })
        };
        Ok(ServiceUrls {
            knowledge: url("knowledge")?,
            tickets: url("tickets")?,
            notify: url("notify")?,
        })
    }
}

pub fn default_port(service: &str) -> u16 {
    match service {
        "knowledge" => 8081,
        "tickets" => 8082,
        "notify" => 8083,
        _ => 8080,
    }
}

impl ServiceSettings {
    pub fn from_config(name: &str, config: &Config) -> Result<ServiceSettings, ConfigError> {
        let data_dir = config.data_dir();
        let database_url = config
            .get(&format!("{name}_database_url"))
            .map(str::to_string)
            .unwrap_or_else(|| {
                format!("sqlite://{}", data_dir.join(format!("{name}.db")).display())
            });
        let jwt_secret = jwt_secret(config, &data_dir)?;
        Ok(ServiceSettings {
            name: name.to_string(),
            host: config.get_or(&format!("{name}_host"), &config.get_or("host", "127.0.0.1")),
            port: config.parse(&format!("{name}_port"), default_port(name))?,
            database_url,
            data_dir,
            jwt_secret,
            urls: ServiceUrls::from_config(config)?,
            clock: Clock::from_config(config),
            config: config.clone(),
        })
    }

    pub fn keys(&self) -> Result<Arc<JwtKeys>, ConfigError> {
        JwtKeys::new(&self.jwt_secret, &self.name)
            .map(Arc::new)
            .map_err(|e| ConfigError::Invalid {
                key: "jwt_secret".into(),
                message: e.to_string(),
            })
    }
}

/// `HOTLINE_JWT_SECRET`, or else the secret kept in `<data_dir>/jwt-secret`, made on first use
/// so that every service and `hotline token` run with the same data folder agree.
pub fn jwt_secret(config: &Config, data_dir: &Path) -> Result<Secret, ConfigError> {
    if let Some(s) = config.secret("jwt_secret") {
        if s.expose().len() < 32 {
            return Err(ConfigError::Invalid {
                key: "jwt_secret".into(),
                message: "must be at least 32 bytes".into(),
            });
        }
        return Ok(s);
    }
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
        let again = ServiceSettings::from_config("knowledge", &config).unwrap();
        assert_eq!(s.jwt_secret, again.jwt_secret);
        assert!(s.keys().is_ok());
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
}
