//! Every setting the binary reads: the common section and each service's own, for the warning
//! about unknown variables at start and for `deploy/env-vars.txt`.

use std::collections::BTreeSet;

use serde::Deserialize;
use shared::config::{Variable, keys_of};

/// What only the launcher reads.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LauncherSettings {
    /// The demo accounts' password in `hotline run`.
    pub demo_password: Option<String>,
    /// `HOTLINE_DEMO=1`: `hotline run` may bind beyond loopback with its demo accounts.
    pub demo: bool,
    /// The settings file itself (read before the others).
    pub config: Option<String>,
}

impl LauncherSettings {
    pub const VARIABLES: &[Variable] = &[
        Variable::new(
            "demo_password",
            "password of the demo accounts `hotline run` creates",
            "hotline-demo",
        ),
        Variable::new(
            "demo",
            "1: `hotline run` (demo accounts, shared password) may bind beyond loopback",
            "unset: loopback only",
        ),
        Variable::new(
            "config",
            "TOML settings file, overridden by the variables",
            "./hotline.toml when present",
        ),
    ];
}

/// Variables read outside the settings structs (the test suites' own).
const OTHERS: &[Variable] = &[Variable::new(
    "require_hylafax",
    "tests only: the HylaFAX tests fail instead of passing when no HylaFAX answers",
    "unset",
)];

/// Each settings section: its title, the keys its struct reads, and their documentation.
pub fn sections() -> Vec<(&'static str, &'static [&'static str], &'static [Variable])> {
    vec![
        (
            "every service",
            keys_of::<shared::settings::CommonSettings>(),
            shared::settings::CommonSettings::VARIABLES,
        ),
        (
            "knowledge",
            keys_of::<knowledge::startup::KnowledgeSettings>(),
            knowledge::startup::KnowledgeSettings::VARIABLES,
        ),
        (
            "tickets",
            keys_of::<tickets::startup::TicketsSettings>(),
            tickets::startup::TicketsSettings::VARIABLES,
        ),
        (
            "notify",
            keys_of::<notify::config::NotifyConfig>(),
            notify::config::NotifyConfig::VARIABLES,
        ),
        (
            "console",
            keys_of::<console::settings::ConsoleOwn>(),
            console::settings::ConsoleOwn::VARIABLES,
        ),
        (
            "hotline",
            keys_of::<LauncherSettings>(),
            LauncherSettings::VARIABLES,
        ),
    ]
}

/// Every key some part of the binary reads.
pub fn known_keys() -> BTreeSet<&'static str> {
    let mut keys: BTreeSet<&str> = sections()
        .iter()
        .flat_map(|(_, k, _)| k.iter().copied())
        .collect();
    keys.extend(OTHERS.iter().map(|v| v.key));
    keys
}

/// The text of `deploy/env-vars.txt`: every variable, grouped by the part that reads it.
#[cfg(test)]
pub fn env_vars_text() -> String {
    use std::fmt::Write;
    let mut out = String::from(
        "# Environment variables the hotline binary reads (one a line; `#` starts a comment).\n\
         # Generated from the settings structs: UPDATE_ENV_VARS=1 cargo test -p hotline env_vars\n\
         # rewrites it. scripts/check-deploy fails if a deploy/ file names a HOTLINE_* variable\n\
         # not listed here, or gives a hotline container any other variable not listed here.\n\
         # Each may also be set in the TOML file (HOTLINE_CONFIG) as its key in lower case.\n",
    );
    let mut seen = BTreeSet::new();
    let mut section = |out: &mut String, title: &str, vars: &[Variable]| {
        let _ = writeln!(out, "\n# {title}");
        for v in vars {
            // The test suites' own variables are not for deployments.
            if v.key.contains("test") || !seen.insert(v.key) {
                continue;
            }
            let _ = writeln!(
                out,
                "{}  # {} (default: {})",
                v.name(),
                v.meaning,
                v.default
            );
        }
    };
    for (title, _, vars) in sections() {
        section(&mut out, title, vars);
    }
    section(&mut out, "tests", OTHERS);
    out.push_str(
        "\n# logging\n\
         LOG_FORMAT  # `json` for one JSON object a line (default: human-readable)\n\
         RUST_LOG  # log filter (default: info)\n",
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A name may not be documented without a field, nor a field left undocumented.
    #[test]
    fn every_field_is_documented() {
        for (title, keys, vars) in sections() {
            let documented: Vec<&str> = vars.iter().map(|v| v.key).collect();
            assert_eq!(
                keys, documented,
                "the {title} settings and their documentation"
            );
        }
    }

    /// `deploy/env-vars.txt` is what the structs say, and names every `HOTLINE_*` variable the
    /// sources of the services and the common crate write.
    #[test]
    fn env_vars_file_is_up_to_date() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let path = root.join("deploy/env-vars.txt");
        let text = env_vars_text();
        if std::env::var("UPDATE_ENV_VARS").is_ok_and(|v| v == "1") {
            std::fs::write(&path, &text).unwrap();
        }
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        let diff: Vec<String> = committed
            .lines()
            .filter(|l| !text.lines().any(|t| t == *l))
            .map(|l| format!("- {l}"))
            .chain(
                text.lines()
                    .filter(|t| !committed.lines().any(|l| l == *t))
                    .map(|t| format!("+ {t}")),
            )
            .collect();
        assert!(
            committed == text,
            "deploy/env-vars.txt is out of date; run UPDATE_ENV_VARS=1 cargo test -p hotline env_vars\n{}",
            diff.join("\n")
        );

        let listed: BTreeSet<&str> = text
            .lines()
            .map(|l| l.split('#').next().unwrap_or("").trim())
            .filter(|l| !l.is_empty())
            .collect();
        let mut written = BTreeSet::new();
        for dir in ["services", "shared"] {
            names_in(&root.join(dir), &mut written);
        }
        let missing: Vec<&String> = written
            .iter()
            .filter(|n| !n.contains("TEST") && !listed.contains(n.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "the sources name variables that no settings struct documents: {missing:?}"
        );
        assert!(written.len() > 10, "found only {written:?}");
    }

    /// Every `HOTLINE_*` name written in the `.rs` files under `dir`.
    fn names_in(dir: &std::path::Path, out: &mut BTreeSet<String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                names_in(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                for (at, _) in text.match_indices(shared::config::ENV_PREFIX) {
                    let rest = &text[at..];
                    let end = rest
                        .find(|c: char| !(c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'))
                        .unwrap_or(rest.len());
                    let name = rest[..end].trim_end_matches('_');
                    if name.len() > shared::config::ENV_PREFIX.len() {
                        out.insert(name.to_string());
                    }
                }
            }
        }
    }
}
