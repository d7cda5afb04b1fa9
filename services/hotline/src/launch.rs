//! Starting services and the one-shot commands.

use std::path::Path;

use shared::config::Config;
use shared::settings::ServiceSettings;

pub fn block_on(fut: impl std::future::Future<Output = Result<(), String>>) -> Result<(), String> {
    actix_web::rt::System::new().block_on(fut)
}

fn settings(config: &Config, service: &str) -> Result<ServiceSettings, String> {
    ServiceSettings::from_config(service, config).map_err(|e| format!("{service}: {e}"))
}

/// The reference data shipped in the repository, for the demo run's first start.
fn reference_data_dir(config: &Config) -> Option<String> {
    if let Some(dir) = config.get("knowledge_import_dir") {
        return Some(dir.to_string());
    }
    let candidates = [
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb"),
        Path::new("data/kb").to_path_buf(),
        Path::new("/usr/share/hotline/kb").to_path_buf(),
    ];
    candidates.iter().find(|p| p.join("departments.jsonl").exists()).map(|p| p.display().to_string())
}

pub async fn run_one(config: Config, service: &str) -> Result<(), String> {
    let settings = settings(&config, service)?;
    match service {
        "knowledge" => {
            let app = knowledge::Application::build(settings).await?;
            app.run_until_stopped().await.map_err(|e| e.to_string())
        }
        other => Err(format!("the {other} service is not built yet")),
    }
}

pub async fn run_all(mut config: Config) -> Result<(), String> {
    if let Some(dir) = reference_data_dir(&config) {
        config.set("knowledge_import_dir", dir);
    }
    let knowledge = knowledge::Application::build(settings(&config, "knowledge")?).await?;
    println!(
        "hotline is running:\n  knowledge http://127.0.0.1:{}\n\nLog in: curl -s -X POST http://127.0.0.1:{}/api/v1/auth/login -H 'content-type: application/json' -d '{{\"username\":\"operator\",\"password\":\"hotline-demo\"}}'",
        knowledge.port(),
        knowledge.port()
    );
    knowledge.run_until_stopped().await.map_err(|e| e.to_string())
}

pub fn migrate(config: &Config) -> Result<(), String> {
    let s = settings(config, "knowledge")?;
    let pool = shared::db::connect(&s.database_url, 2)?;
    let n = shared::db::run_migrations(&pool, knowledge::startup::SQLITE_MIGRATIONS, knowledge::startup::POSTGRES_MIGRATIONS)?;
    println!("knowledge: {n} migrations applied");
    Ok(())
}

pub fn import(_config: &Config, dir: &Path) -> Result<(), String> {
    Err(format!("import of {} is not wired yet", dir.display()))
}
