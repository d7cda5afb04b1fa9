//! `hotline backup DIR`: a consistent copy of each service's SQLite database, taken while the
//! services run (issue 16). PostgreSQL is backed up with its own tools (the README says how).

use std::path::Path;

use shared::config::Config;
use shared::settings::ServiceSettings;

pub const SERVICES: [&str; 3] = ["knowledge", "tickets", "notify"];

/// Writes `<dir>/<service>.db` for each service; `dir` is created and must not hold them yet.
pub fn backup(config: &Config, dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    for service in SERVICES {
        let settings =
            ServiceSettings::from_config(service, config).map_err(|e| format!("{service}: {e}"))?;
        let dest = dir.join(format!("{service}.db"));
        shared::db::backup_sqlite(&settings.database_url, &dest)?;
        println!("{service}: {}", dest.display());
    }
    Ok(())
}
