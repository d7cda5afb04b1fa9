//! `hotline`: runs the three services (all at once for the embedded default, or one each),
//! migrates, imports the reference data, and mints tokens for operations.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use shared::auth::{ALL_AUDIENCES, Role};
use shared::config::Config;
use shared::settings::ServiceSettings;

mod accounts;
mod backup;
mod launch;
mod settings;

/// The services allocate and free many small strings per request (search above all);
/// mimalloc does that with less work than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "hotline",
    version,
    about = "Government information hotline back office"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// All three services and the console on their default ports with SQLite under HOTLINE_DATA_DIR, the
    /// reference data imported on first start and the demo accounts created.
    Run,
    /// The knowledge service alone.
    Knowledge,
    /// The ticket service alone.
    Tickets,
    /// The notification service alone.
    Notify,
    /// The workbench (web console) alone, in front of services running elsewhere.
    Console,
    /// Runs every service's pending database migrations and exits.
    Migrate,
    /// Imports the reference data (the JSONL files of DIR) into the knowledge database.
    Import { dir: PathBuf },
    /// Creates accounts in the knowledge database: the first admin of a deployment, liaisons in
    /// bulk.
    Accounts {
        #[command(subcommand)]
        command: AccountsCommand,
    },
    /// Copies every service's SQLite database into DIR (as `<service>.db`), consistent while
    /// the services run; to restore, stop them and put the copies back in the data folder.
    Backup { dir: PathBuf },
    /// Prints a token for operations, signed with this data folder's (or the configured) secret.
    Token {
        #[arg(long)]
        role: String,
        #[arg(long)]
        department: Option<String>,
        #[arg(long, default_value = "admin-cli")]
        subject: String,
        /// Lifetime in seconds.
        #[arg(long, default_value_t = 3600)]
        ttl: i64,
    },
}

#[derive(Subcommand)]
enum AccountsCommand {
    /// One account; the password is read from --password-file, or else from the standard input.
    Create {
        #[arg(long)]
        username: String,
        /// operator, liaison, kb_editor, supervisor or admin.
        #[arg(long)]
        role: String,
        /// A liaison's department code.
        #[arg(long)]
        department: Option<String>,
        #[arg(long)]
        password_file: Option<PathBuf>,
    },
    /// Accounts from a CSV file of `username,role,department`; prints each one's one-time
    /// password as `username,password`.
    Import { file: PathBuf },
}

/// mimalloc's options, which it reads from the environment when the process starts.
/// `MIMALLOC_PURGE_DELAY`: how long freed memory stays the process's before it goes back to
/// the system, in milliseconds (1,000 by default). Building the search index frees much
/// as it goes; held for a second, it raised the start's peak at scale 20 from about 300 MB
/// to 360–410 MB. Searching costs no more with 10 (`bench/search/README.md`, round 17).
const ALLOCATOR_OPTIONS: &[(&str, &str)] = &[("MIMALLOC_PURGE_DELAY", "10")];

/// Starts this program again with [`ALLOCATOR_OPTIONS`] in its environment (the same
/// process: `exec`), unless they are there already, as an operator may set them. Returns
/// only when they are, or when the program cannot be started again (then it runs with
/// mimalloc's defaults).
fn with_allocator_options() {
    use std::os::unix::process::CommandExt;
    if ALLOCATOR_OPTIONS
        .iter()
        .all(|(name, _)| std::env::var_os(name).is_some())
    {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let mut again = std::process::Command::new(exe);
    again.args(std::env::args_os().skip(1));
    for (name, value) in ALLOCATOR_OPTIONS {
        if std::env::var_os(name).is_none() {
            again.env(name, value);
        }
    }
    let error = again.exec();
    eprintln!(
        "hotline: could not start again with the allocator's options ({error}); running with its defaults"
    );
}

fn main() -> ExitCode {
    with_allocator_options();
    let cli = Cli::parse();
    shared::telemetry::init("info,tantivy=warn");
    let config = match Config::load() {
        Ok(c) => c,
        Err(e) => return fail(format!("configuration: {e}")),
    };
    // A misspelt name would otherwise be silently ignored and its default used.
    for name in config.unknown(&settings::known_keys()) {
        tracing::warn!("{name} is not a setting hotline reads; it is ignored");
    }
    let result = match cli.command {
        Command::Token {
            role,
            department,
            subject,
            ttl,
        } => token(&config, &role, department.as_deref(), &subject, ttl),
        Command::Accounts {
            command:
                AccountsCommand::Create {
                    username,
                    role,
                    department,
                    password_file,
                },
        } => accounts::create(
            &config,
            &username,
            &role,
            department.as_deref(),
            password_file.as_deref(),
        ),
        Command::Accounts {
            command: AccountsCommand::Import { file },
        } => accounts::import(&config, &file),
        Command::Backup { dir } => backup::backup(&config, &dir),
        Command::Migrate => launch::migrate(&config),
        Command::Import { dir } => launch::import(&config, &dir),
        Command::Run => launch::block_on(launch::run_all(config)),
        Command::Knowledge => launch::block_on(launch::run_one(config, "knowledge")),
        Command::Tickets => launch::block_on(launch::run_one(config, "tickets")),
        Command::Notify => launch::block_on(launch::run_one(config, "notify")),
        Command::Console => launch::block_on(launch::run_one(config, "console")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(e),
    }
}

fn fail(message: String) -> ExitCode {
    eprintln!("hotline: {message}");
    ExitCode::FAILURE
}

fn token(
    config: &Config,
    role: &str,
    department: Option<&str>,
    subject: &str,
    ttl: i64,
) -> Result<(), String> {
    let role: Role = role.parse()?;
    if role == Role::Liaison && department.is_none() {
        return Err("a liaison token needs --department CODE".into());
    }
    let settings = ServiceSettings::from_config("knowledge", config).map_err(|e| e.to_string())?;
    let keys = settings.keys().map_err(|e| e.to_string())?;
    let token = keys
        .issue(subject, role, department, &ALL_AUDIENCES, ttl)
        .map_err(|e| e.to_string())?;
    println!("{token}");
    Ok(())
}
