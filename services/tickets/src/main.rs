//! Runs the ticket service alone (the `hotline` launcher can run all three).

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    shared::telemetry::init("info");
    let settings = match shared::config::Config::load()
        .and_then(|c| shared::settings::ServiceSettings::from_config("tickets", &c))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match tickets::Application::build(settings).await {
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
