//! Runs the knowledge service alone (the `hotline` launcher can run all three).

/// A search allocates and frees many small strings and vectors; mimalloc does that with
/// less work than the system allocator under two busy worker threads.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[actix_web::main]
async fn main() -> std::process::ExitCode {
    shared::telemetry::init("info");
    let settings = match shared::config::Config::load()
        .and_then(|c| shared::settings::ServiceSettings::from_config("knowledge", &c))
    {
        Ok(s) => s,
        Err(e) => {
            eprintln!("configuration: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match knowledge::Application::build(settings).await {
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
