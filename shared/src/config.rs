//! Where settings come from: an optional TOML file (`HOTLINE_CONFIG`, default `hotline.toml`
//! when present) overridden by `HOTLINE_*` environment variables, merged by figment.
//!
//! Keys are flat, lower-case and `_`-joined: the file's `[knowledge] database_url` and the
//! top-level `knowledge_database_url` are the same key, and `HOTLINE_KNOWLEDGE_DATABASE_URL`
//! overrides both. Every value is kept as the text the operator wrote (an empty one counts as
//! not set) and read as a number or a switch only by the field that wants one, so a fax number
//! such as `0871…` keeps its leading zero. Each service reads its part into a typed struct
//! with [`Config::extract`]; an error names the variable or file key the operator set.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

/// The prefix of every environment variable the settings read.
pub const ENV_PREFIX: &str = "HOTLINE_";

/// A value that must never appear in logs or answers.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
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
    /// `name` is what the operator set: `HOTLINE_TICKETS_PORT`, or `tickets_port in hotline.toml`.
    #[error("{name}: {message}")]
    Invalid { name: String, message: String },
}

/// The merged sources of the settings.
#[derive(Clone)]
pub struct Config {
    figment: Figment,
    /// Each key set, with the name the operator gave it (the last source that set it wins).
    names: BTreeMap<String, String>,
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Names only: values may be secrets.
        f.debug_list().entries(self.names.values()).finish()
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            figment: Figment::new(),
            names: BTreeMap::new(),
        }
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
                .merge_toml(&text, &path)
                .map_err(|message| ConfigError::Parse { path, message })?;
        }
        config.merge_env(std::env::vars());
        Ok(config)
    }

    /// Only the given keys (tests), as if they came from a file.
    pub fn from_pairs<K: Into<String>, V: Into<String>>(
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Self {
        let mut config = Self::default();
        for (k, v) in pairs {
            config.set(k, v);
        }
        config
    }

    /// Sets one key over whatever the sources said.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into().to_ascii_lowercase();
        let mut keys = Dict::new();
        keys.insert(key, Value::from(value.into()));
        self.merge(Layer::new(Source::Set, keys));
    }

    /// The keys of a TOML text, sections flattened into `_`-joined keys.
    pub fn merge_toml(&mut self, text: &str, path: &Path) -> Result<(), String> {
        let table: toml::Table = text.parse().map_err(|e: toml::de::Error| e.to_string())?;
        let mut keys = Dict::new();
        flatten("", &toml::Value::Table(table), &mut keys);
        self.merge(Layer::new(Source::File(path.to_path_buf()), keys));
        Ok(())
    }

    /// The `HOTLINE_*` variables among `vars`, over the file.
    pub fn merge_env(&mut self, vars: impl IntoIterator<Item = (String, String)>) {
        let keys = vars
            .into_iter()
            .filter_map(|(k, v)| {
                let rest = k.strip_prefix(ENV_PREFIX)?;
                Some((rest.to_ascii_lowercase(), Value::from(v)))
            })
            .collect();
        self.merge(Layer::new(Source::Env, keys));
    }

    fn merge(&mut self, layer: Layer) {
        for key in layer.keys.keys() {
            self.names.insert(key.clone(), layer.source.name_of(key));
        }
        self.figment = std::mem::take(&mut self.figment).merge(layer);
    }

    /// Reads the settings struct `T` (its field names are the keys; text becomes numbers and
    /// switches where a field wants one).
    pub fn extract<T: DeserializeOwned>(&self) -> Result<T, ConfigError> {
        self.figment.extract_lossy().map_err(|e| self.invalid(e))
    }

    /// Whether any source (file, environment, `set`) gave `key`.
    pub fn is_set(&self, key: &str) -> bool {
        self.names.contains_key(key)
    }

    /// The name the operator knows `key` by: where it was set, or else its variable.
    pub fn name_of(&self, key: &str) -> String {
        self.names
            .get(key)
            .cloned()
            .unwrap_or_else(|| Source::Env.name_of(key))
    }

    /// An error about `key`, naming it as the operator set it.
    pub fn error(&self, key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError::Invalid {
            name: self.name_of(key),
            message: message.into(),
        }
    }

    /// The names the operator set that are not one of `known` (a misspelt variable, say).
    pub fn unknown(&self, known: &BTreeSet<&str>) -> Vec<String> {
        self.names
            .iter()
            .filter(|(key, _)| !known.contains(key.as_str()))
            .map(|(_, name)| name.clone())
            .collect()
    }

    fn invalid(&self, e: figment::Error) -> ConfigError {
        let key = e.path.join("_");
        ConfigError::Invalid {
            name: if key.is_empty() {
                "settings".into()
            } else {
                self.name_of(&key)
            },
            message: e.kind.to_string(),
        }
    }
}

/// Where a layer of keys came from.
#[derive(Clone)]
enum Source {
    Env,
    File(PathBuf),
    Set,
}

impl Source {
    fn name_of(&self, key: &str) -> String {
        match self {
            Source::Env => format!("{ENV_PREFIX}{}", key.to_ascii_uppercase()),
            Source::File(path) => format!("{key} in {}", path.display()),
            Source::Set => key.to_string(),
        }
    }
}

/// One source's keys, as a figment provider.
struct Layer {
    source: Source,
    keys: Dict,
}

impl Layer {
    fn new(source: Source, mut keys: Dict) -> Layer {
        // An empty value counts as not set, as it did before figment.
        keys.retain(|_, v| !matches!(v, Value::String(_, s) if s.trim().is_empty()));
        Layer { source, keys }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        match &self.source {
            Source::Env => Metadata::named("environment"),
            Source::File(path) => Metadata::named(path.display().to_string()),
            Source::Set => Metadata::named("settings"),
        }
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.keys.clone()))
    }
}

/// Sections become `_`-joined keys; every scalar is kept as its text, arrays as arrays.
fn flatten(prefix: &str, value: &toml::Value, out: &mut Dict) {
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
        other => {
            out.insert(prefix.to_string(), scalar(other));
        }
    }
}

fn scalar(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::from(s.clone()),
        toml::Value::Array(items) => Value::from(items.iter().map(scalar).collect::<Vec<_>>()),
        other => Value::from(other.to_string()),
    }
}

/// A period given in milliseconds; never below 10 ms, so a typo cannot make a loop spin.
pub fn millis<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
    u64::deserialize(d).map(|ms| Duration::from_millis(ms.max(10)))
}

/// A list given as one text (`a@x, b@y`, split at `,` or `;`) or, in the file, as an array.
pub fn list<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Text {
        One(String),
        Many(Vec<String>),
    }
    let items = match Text::deserialize(d)? {
        Text::One(s) => s.split([',', ';']).map(str::to_string).collect(),
        Text::Many(v) => v,
    };
    Ok(items
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect())
}

/// The keys a settings struct reads: the names serde gives its fields.
pub fn keys_of<T: DeserializeOwned>() -> &'static [&'static str] {
    let mut fields: &'static [&'static str] = &[];
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that only records the field names of the struct asked for.
struct FieldNames<'a>(&'a mut &'static [&'static str]);

impl<'de> Deserializer<'de> for FieldNames<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        *self.0 = fields;
        Err(serde::de::Error::custom("field names only"))
    }

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

/// One documented setting: its key (the variable is `HOTLINE_` and the key in capitals), what
/// it means, and its default.
#[derive(Debug, Clone, Copy)]
pub struct Variable {
    pub key: &'static str,
    pub meaning: &'static str,
    pub default: &'static str,
}

impl Variable {
    pub const fn new(key: &'static str, meaning: &'static str, default: &'static str) -> Self {
        Variable {
            key,
            meaning,
            default,
        }
    }

    pub fn name(&self) -> String {
        Source::Env.name_of(self.key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Default, Debug)]
    #[serde(default)]
    struct Sample {
        knowledge_port: Option<u16>,
        knowledge_database_url: Option<String>,
        centre_fax: Option<String>,
        notify_report: Option<bool>,
        #[serde(deserialize_with = "list")]
        supervisor_email: Vec<String>,
        #[serde(deserialize_with = "millis")]
        poll_ms: Duration,
    }

    #[test]
    fn env_overrides_file_and_sections_flatten() {
        let mut c = Config::default();
        c.merge_toml(
            "poll_ms = 1\nsupervisor_email = [\"a@x\", \" b@y\"]\n[knowledge]\ndatabase_url = \"sqlite://a.db\"\nport = 9000\n",
            Path::new("h.toml"),
        )
        .unwrap();
        let s: Sample = c.extract().unwrap();
        assert_eq!(s.knowledge_database_url.as_deref(), Some("sqlite://a.db"));
        assert_eq!(s.knowledge_port, Some(9000));
        assert_eq!(s.supervisor_email, ["a@x", "b@y"]);
        assert_eq!(s.poll_ms, Duration::from_millis(10));
        c.merge_env([
            ("HOTLINE_KNOWLEDGE_PORT".to_string(), "9100".to_string()),
            ("HOTLINE_CENTRE_FAX".to_string(), "08710".to_string()),
            ("HOTLINE_NOTIFY_REPORT".to_string(), "false".to_string()),
            (
                "HOTLINE_SUPERVISOR_EMAIL".to_string(),
                "c@x; d@y,".to_string(),
            ),
            ("HOTLINE_KNOWLEDGE_DATABASE_URL".to_string(), String::new()),
            ("OTHER_PORT".to_string(), "1".to_string()),
        ]);
        let s: Sample = c.extract().unwrap();
        assert_eq!(s.knowledge_port, Some(9100));
        assert_eq!(s.centre_fax.as_deref(), Some("08710"));
        assert_eq!(s.notify_report, Some(false));
        assert_eq!(s.supervisor_email, ["c@x", "d@y"]);
        // Empty counts as not set: the file's value stays.
        assert_eq!(s.knowledge_database_url.as_deref(), Some("sqlite://a.db"));
        assert_eq!(
            Config::default()
                .extract::<Sample>()
                .unwrap()
                .knowledge_port,
            None
        );
    }

    #[test]
    fn errors_name_what_the_operator_set() {
        let mut c = Config::default();
        c.merge_toml("[knowledge]\nport = \"x\"\n", Path::new("h.toml"))
            .unwrap();
        let e = c.extract::<Sample>().unwrap_err().to_string();
        assert!(e.starts_with("knowledge_port in h.toml: "), "{e}");
        c.merge_env([("HOTLINE_KNOWLEDGE_PORT".to_string(), "80a".to_string())]);
        let e = c.extract::<Sample>().unwrap_err().to_string();
        assert!(e.starts_with("HOTLINE_KNOWLEDGE_PORT: "), "{e}");
        assert_eq!(c.name_of("centre_fax"), "HOTLINE_CENTRE_FAX");
    }

    #[test]
    fn unknown_keys_are_named() {
        // Spelt out of parts: `deploy/env-vars.txt` must list every variable the sources name.
        let misspelt = format!("{ENV_PREFIX}SMTP_ULR");
        let mut c = Config::default();
        c.merge_env([
            (misspelt.clone(), "smtp://x".to_string()),
            ("HOTLINE_CENTRE_FAX".to_string(), "1".to_string()),
        ]);
        let known: BTreeSet<&str> = keys_of::<Sample>().iter().copied().collect();
        assert!(known.contains("supervisor_email") && known.len() == 6);
        assert_eq!(c.unknown(&known), [misspelt]);
    }

    #[test]
    fn secrets_do_not_print() {
        let c = Config::from_pairs([("jwt_secret", "topsecretvalue")]);
        assert!(!format!("{c:?}").contains("topsecret"));
        assert_eq!(format!("{:?}", Secret::new("x")), "Secret(***)");
    }
}
