//! Configuration: an optional TOML file (`HOTLINE_CONFIG`, default `hotline.toml` when present)
//! overridden by `HOTLINE_*` environment variables.
//!
//! Keys are flat, lower-case and `_`-joined: the file's `[knowledge] database_url` and the
//! top-level `knowledge_database_url` are the same key, and `HOTLINE_KNOWLEDGE_DATABASE_URL`
//! overrides both.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// A value that must never appear in logs or answers.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("configuration file {path} is not valid TOML: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("configuration key {key}: {message}")]
    Invalid { key: String, message: String },
}

/// Flat key/value configuration.
#[derive(Clone, Default)]
pub struct Config {
    values: BTreeMap<String, String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Keys only: values may be secrets.
        f.debug_list().entries(self.values.keys()).finish()
    }
}

impl Config {
    /// Loads the file named by `HOTLINE_CONFIG` (or `./hotline.toml` if it exists), then the
    /// process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let mut config = Self::default();
        let path = std::env::var_os("HOTLINE_CONFIG").map(PathBuf::from);
        let path = path.or_else(|| {
            let p = PathBuf::from("hotline.toml");
            p.exists().then_some(p)
        });
        if let Some(path) = path {
            let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                path: path.clone(),
                source,
            })?;
            config
                .merge_toml(&text)
                .map_err(|message| ConfigError::Parse { path, message })?;
        }
        config.merge_env(std::env::vars());
        Ok(config)
    }

    /// An empty configuration with only the given pairs (tests).
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut config = Self::default();
        for (k, v) in pairs {
            config.set(k, v);
        }
        config
    }

    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.values
            .insert(key.into().to_ascii_lowercase(), value.into());
    }

    pub fn merge_toml(&mut self, text: &str) -> Result<(), String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        flatten("", &toml::Value::Table(table), &mut self.values);
        Ok(())
    }

    pub fn merge_env(&mut self, vars: impl IntoIterator<Item = (String, String)>) {
        for (k, v) in vars {
            if let Some(rest) = k.strip_prefix("HOTLINE_") {
                self.set(rest, v);
            }
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values
            .get(key)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn get_or(&self, key: &str, default: &str) -> String {
        self.get(key).unwrap_or(default).to_string()
    }

    pub fn secret(&self, key: &str) -> Option<Secret> {
        self.get(key).map(Secret::new)
    }

    pub fn parse<T: std::str::FromStr>(&self, key: &str, default: T) -> Result<T, ConfigError>
    where
        T::Err: fmt::Display,
    {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|e: T::Err| ConfigError::Invalid {
                key: key.to_string(),
                message: e.to_string(),
            }),
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        PathBuf::from(self.get_or("data_dir", "./data"))
    }
}

fn flatten(prefix: &str, value: &toml::Value, out: &mut BTreeMap<String, String>) {
    match value {
        toml::Value::Table(t) => {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.to_ascii_lowercase()
                } else {
                    format!("{prefix}_{}", k.to_ascii_lowercase())
                };
                flatten(&key, v, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_overrides_file_and_sections_flatten() {
        let mut c = Config::default();
        c.merge_toml("[knowledge]\ndatabase_url = \"sqlite://a.db\"\nport = 9000\n")
            .unwrap();
        assert_eq!(c.get("knowledge_database_url"), Some("sqlite://a.db"));
        assert_eq!(c.get("knowledge_port"), Some("9000"));
        c.merge_env([("HOTLINE_KNOWLEDGE_PORT".to_string(), "9100".to_string())]);
        assert_eq!(c.parse::<u16>("knowledge_port", 1).unwrap(), 9100);
        assert!(c.parse::<u16>("missing", 7).is_ok_and(|v| v == 7));
    }

    #[test]
    fn secrets_do_not_print() {
        let c = Config::from_pairs([("jwt_secret", "topsecretvalue")]);
        assert!(!format!("{c:?}").contains("topsecret"));
        assert_eq!(
            format!("{:?}", c.secret("jwt_secret").unwrap()),
            "Secret(***)"
        );
    }
}
