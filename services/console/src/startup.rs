//! `Application`: binds the console's port and serves the pages.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{App, HttpResponse, HttpServer, web};
use shared::metrics::Metrics;

use crate::api::Api;
use crate::routes;
use crate::session::SessionStore;
use crate::settings::ConsoleSettings;

/// Largest form body a page posts (an FAQ answer, an import line list).
const FORM_LIMIT: usize = 256 * 1024;

pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
}

impl Application {
    pub async fn build(settings: ConsoleSettings) -> Result<Application, String> {
        let sessions = web::Data::new(SessionStore::new(settings.idle));
        let api = web::Data::new(Api::new(settings.urls.clone(), sessions.clone())?);
        let metrics = web::Data::new(Arc::new(Metrics::new("console")));
        let settings_data = web::Data::new(settings.clone());
        let listener = TcpListener::bind((settings.host.as_str(), settings.port))
            .map_err(|e| format!("bind {}:{}: {e}", settings.host, settings.port))?;
        let port = listener.local_addr().map_err(|e| e.to_string())?.port();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(sessions.clone())
                .app_data(api.clone())
                .app_data(metrics.clone())
                .app_data(settings_data.clone())
                .app_data(web::FormConfig::default().limit(FORM_LIMIT))
                .app_data(web::QueryConfig::default())
                .route(
                    "/healthz",
                    web::get().to(|| async { HttpResponse::Ok().body("ok") }),
                )
                // Ready as soon as it serves: the console keeps no state that needs loading, and a
                // service being down shows as a message on the page that needs it.
                .route(
                    "/readyz",
                    web::get().to(|| async { HttpResponse::Ok().body("ready") }),
                )
                .route("/metrics", web::get().to(metrics_text))
                .configure(routes::register)
                .default_service(web::to(not_found))
                .wrap(from_fn(routes::middleware::csrf))
                .wrap(from_fn(routes::middleware::shape_errors))
                .wrap(from_fn(routes::middleware::headers_and_metrics))
        })
        .listen(listener)
        .map_err(|e| e.to_string())?
        .run();
        tracing::info!(port, "console listening");
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn metrics_text(m: web::Data<Arc<Metrics>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(m.render())
}

async fn not_found() -> Result<HttpResponse, crate::error::PageError> {
    Err(crate::error::PageError::NotFound)
}
