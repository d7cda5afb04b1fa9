//! Starting services and the one-shot commands.

use std::io::IsTerminal;
use std::path::Path;

use shared::config::Config;
use shared::settings::ServiceSettings;

use crate::settings::LauncherSettings;

pub fn block_on(fut: impl std::future::Future<Output = Result<(), String>>) -> Result<(), String> {
    actix_web::rt::System::new().block_on(fut)
}

fn console_settings(config: &Config) -> Result<console::ConsoleSettings, String> {
    console::ConsoleSettings::from_config(config).map_err(|e| format!("console: {e}"))
}

fn settings(config: &Config, service: &str) -> Result<ServiceSettings, String> {
    ServiceSettings::from_config(service, config).map_err(|e| format!("{service}: {e}"))
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The reference data shipped in the repository, for the demo run's first start.
fn reference_data_dir(config: &Config) -> Result<Option<String>, String> {
    let knowledge: knowledge::startup::KnowledgeSettings =
        config.extract().map_err(|e| format!("knowledge: {e}"))?;
    if let Some(dir) = knowledge.first_start_import {
        return Ok(Some(dir.display().to_string()));
    }
    let candidates = [
        Path::new("data/kb").to_path_buf(),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/kb"),
        Path::new("/usr/share/hotline/kb").to_path_buf(),
    ];
    Ok(candidates
        .iter()
        .find(|p| p.join("departments.jsonl").exists())
        .map(|p| p.display().to_string()))
}

pub async fn run_one(config: Config, service: &str) -> Result<(), String> {
    if service == "console" {
        let app = console::Application::build(console_settings(&config)?).await?;
        println!("hotline console: http://127.0.0.1:{}/", app.port());
        return app.run_until_stopped().await.map_err(|e| e.to_string());
    }
    let settings = settings(&config, service)?;
    let served = match service {
        "knowledge" => {
            knowledge::Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        "tickets" => {
            tickets::Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        "notify" => {
            notify::Application::build(settings)
                .await?
                .run_until_stopped()
                .await
        }
        other => return Err(format!("no service named {other}")),
    };
    served.map_err(|e| e.to_string())
}

/// The hotline centre's and the supervisors' addresses of the demo run.
const DEMO_CONTACTS: [(&str, &str); 4] = [
    ("centre_fax", "0871-96128000"),
    ("centre_email", "centre@hotline.demo"),
    ("supervisor_email", "supervisors@hotline.demo"),
    ("supervisor_mobile", "13800096128"),
];

/// The embedded default: all three services in this process, SQLite, reference data, demo
/// accounts.
pub async fn run_all(mut config: Config) -> Result<(), String> {
    if let Some(dir) = reference_data_dir(&config)? {
        config.set("knowledge_import_dir", dir);
    }
    // The demo's own centre and supervisors, unless given: their mail lands in the mail folder
    // and their faxes and texts in the spools, so urgent complaints show every message.
    for (key, value) in DEMO_CONTACTS {
        if !config.is_set(key) {
            config.set(key, value);
        }
    }
    let launcher: LauncherSettings = config.extract().map_err(|e| e.to_string())?;
    // The demo accounts share one known password: reachable from this machine only, unless
    // the operator says in so many words that this is a demo.
    let hosts = [
        settings(&config, "knowledge")?.host,
        settings(&config, "tickets")?.host,
        settings(&config, "notify")?.host,
        console_settings(&config)?.host,
    ];
    if let Some(open) = hosts.iter().find(|h| !is_loopback(h))
        && !launcher.demo
    {
        return Err(format!(
            "hotline run creates demo accounts with a shared password, so it binds only to this \
             machine (127.0.0.1), not {open}. For a demo others can reach, set HOTLINE_DEMO=1; \
             for a deployment, run each service on its own (hotline knowledge|tickets|notify|console), \
             which creates no demo accounts"
        ));
    }
    let password = launcher
        .demo_password
        .clone()
        .unwrap_or_else(|| "hotline-demo".into());
    let knowledge_settings = settings(&config, "knowledge")?;
    let data_dir = knowledge_settings.data_dir.clone();
    let knowledge = knowledge::Application::build(knowledge_settings).await?;
    if let Some(report) = &knowledge.first_import {
        println!(
            "imported the reference data: {} created, {} rejected, {} ms",
            report.created(),
            report.rejected(),
            report.took_ms
        );
    }
    // Demo accounts exist only in this embedded demo run, never in `hotline knowledge`.
    let pool = knowledge.state.pool.clone();
    let seeded = actix_web::web::block(move || {
        let mut conn = pool.get().map_err(|e| e.to_string())?;
        knowledge::seed::seed_demo_accounts(&mut conn, &password).map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| e.to_string())??;
    if seeded > 0 {
        println!("created {seeded} demo accounts");
    }
    let tickets = tickets::Application::build(settings(&config, "tickets")?).await?;
    let notify = notify::Application::build(settings(&config, "notify")?).await?;
    let console = console::Application::build(console_settings(&config)?).await?;
    let k = knowledge.port();
    let demo_password = if launcher.demo_password.is_some() {
        "the password in HOTLINE_DEMO_PASSWORD"
    } else {
        "password hotline-demo"
    };
    println!(
        "\nhotline is running (data in {data}):\n  console    http://127.0.0.1:{c}/   <- open this in a browser\n  knowledge  http://127.0.0.1:{k}   docs: http://127.0.0.1:{k}/docs/\n  tickets    http://127.0.0.1:{t}   docs: http://127.0.0.1:{t}/docs/\n  notify     http://127.0.0.1:{n}   docs: http://127.0.0.1:{n}/docs/\n\n\
         Demo accounts: operator, editor, supervisor, admin, liaison-<department code> (e.g. liaison-530100-zfb),\n\
         all with the {demo_password}.\n",
        data = data_dir.display(),
        c = console.port(),
        t = tickets.port(),
        n = notify.port(),
    );
    let (a, b, c, d) = tokio::join!(
        knowledge.run_until_stopped(),
        tickets.run_until_stopped(),
        notify.run_until_stopped(),
        console.run_until_stopped()
    );
    a.and(b).and(c).and(d).map_err(|e| e.to_string())
}

pub fn migrate(config: &Config) -> Result<(), String> {
    type Pair = (
        diesel_migrations::EmbeddedMigrations,
        diesel_migrations::EmbeddedMigrations,
    );
    let services: [(&str, Pair); 3] = [
        (
            "knowledge",
            (
                knowledge::startup::SQLITE_MIGRATIONS,
                knowledge::startup::POSTGRES_MIGRATIONS,
            ),
        ),
        (
            "tickets",
            (
                tickets::startup::SQLITE_MIGRATIONS,
                tickets::startup::POSTGRES_MIGRATIONS,
            ),
        ),
        (
            "notify",
            (
                notify::startup::SQLITE_MIGRATIONS,
                notify::startup::POSTGRES_MIGRATIONS,
            ),
        ),
    ];
    for (name, (sqlite, postgres)) in services {
        let s = settings(config, name)?;
        let pool = shared::db::connect(&s.database_url, 1)?;
        let n = shared::db::run_migrations(&pool, name, sqlite, postgres)?;
        println!("{name}: {n} migrations applied");
    }
    Ok(())
}

/// The knowledge database, migrated (for the commands that write to it).
pub fn knowledge_db(config: &Config) -> Result<shared::db::DbPool, String> {
    let s = settings(config, "knowledge")?;
    let pool = shared::db::connect(&s.database_url, 1)?;
    shared::db::run_migrations(
        &pool,
        "knowledge",
        knowledge::startup::SQLITE_MIGRATIONS,
        knowledge::startup::POSTGRES_MIGRATIONS,
    )?;
    Ok(pool)
}

pub fn import(config: &Config, dir: &Path) -> Result<(), String> {
    let pool = knowledge_db(config)?;
    let mut conn = pool.get().map_err(|e| e.to_string())?;
    let tty = std::io::stderr().is_terminal();
    let total = knowledge::import::Kind::ALL.len();
    let mut done = 0;
    let report = knowledge::import::import_dir_with_progress(&mut conn, dir, &mut |file| {
        done += 1;
        if tty {
            let bar = "#".repeat(done * 20 / total) + &"-".repeat(20 - done * 20 / total);
            eprint!("\r[{bar}] {done}/{total} {:<16}", file.file);
        }
    })
    .map_err(|e| e.to_string())?;
    if tty {
        eprintln!();
    }
    for f in &report.files {
        println!(
            "{:<18} created {:>6}  updated {:>6}  unchanged {:>6}  rejected {:>4}",
            f.file,
            f.created,
            f.updated,
            f.unchanged,
            f.rejected.len()
        );
        for r in &f.rejected {
            println!("    line {}: {}", r.line, r.error);
        }
    }
    println!("import took {} ms", report.took_ms);
    Ok(())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    async fn get(port: u16, path: &str) -> String {
        let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .unwrap();
        let request = format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut answer = String::new();
        stream.read_to_string(&mut answer).await.unwrap();
        answer
    }

    /// `hotline run` and the tests start several services in one process: each `/metrics`
    /// reports that service's requests only (one recorder per service, none process-wide).
    #[test]
    fn services_in_one_process_report_their_own_requests() {
        let dir = std::env::temp_dir().join(format!("hotline-metrics-{}", std::process::id()));
        let config = Config::from_pairs([
            ("data_dir", dir.display().to_string()),
            ("tickets_port", "0".into()),
            ("notify_port", "0".into()),
            ("notify_workers", "0".into()),
            // Nobody listens there: the relays retry in the background.
            ("knowledge_url", "http://127.0.0.1:9".into()),
        ]);
        block_on(async move {
            let tickets = tickets::Application::build(settings(&config, "tickets")?).await?;
            let notify = notify::Application::build(settings(&config, "notify")?).await?;
            let (t, n) = (tickets.port(), notify.port());
            actix_web::rt::spawn(tickets.run_until_stopped());
            actix_web::rt::spawn(notify.run_until_stopped());
            get(t, "/healthz").await;
            get(n, "/readyz").await;
            let (t, n) = (get(t, "/metrics").await, get(n, "/metrics").await);
            assert!(
                t.contains("service=\"tickets\",method=\"GET\",route=\"/healthz\""),
                "{t}"
            );
            assert!(
                !t.contains("service=\"notify\"") && !t.contains("/readyz"),
                "{t}"
            );
            assert!(
                n.contains("service=\"notify\",method=\"GET\",route=\"/readyz\""),
                "{n}"
            );
            assert!(
                !n.contains("service=\"tickets\"") && !n.contains("/healthz"),
                "{n}"
            );
            Ok(())
        })
        .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
    }
}
