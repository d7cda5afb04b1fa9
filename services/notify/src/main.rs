//! Runs the notify service alone (the `hotline` launcher can run all three).
//! `notify migrate` applies the migrations and exits.

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    shared::telemetry::init("info");
    let settings = match shared::config::Config::load()
        .and_then(|c| shared::settings::ServiceSettings::from_config("notify", &c))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    if std::env::args().nth(1).as_deref() == Some("migrate") {
        return match notify::startup::migrate(&settings) {
            Ok(n) => {
                println!("applied {n} migration(s)");
                std::process::ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("migrate: {e}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match notify::Application::build(settings).await {
        Ok(app) => match app.run_until_stopped().await {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("server: {e}");
                std::process::ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("start-up: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
