//! Building and running one service's HTTP server, the same way for all three.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use utoipa::openapi::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa_actix_web::AppExt;
use utoipa_actix_web::service_config::ServiceConfig as ApiConfig;

use crate::auth::JwtKeys;
use crate::metrics::Metrics;
use crate::telemetry;
use crate::web::{Readiness, extractor_configs, not_found, operational_routes};

/// A service's `/api/v1` routes, registered through utoipa so the OpenAPI document is made from
/// the same routes actix serves.
pub type Routes = fn(&mut ApiConfig);

/// The OpenAPI document of `routes`, on top of the service's base document (title, schemas).
pub fn openapi(base: OpenApi, routes: Routes) -> OpenApi {
    let (_, mut doc) = App::new()
        .into_utoipa_app()
        .openapi(base)
        .configure(routes)
        .split_for_parts();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(
            HttpBuilder::new()
                .scheme(HttpAuthScheme::Bearer)
                .bearer_format("JWT")
                .build(),
        ),
    );
    doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    doc
}

/// What the server hands every handler besides the service's own state.
#[derive(Clone)]
pub struct Common {
    pub keys: Arc<JwtKeys>,
    pub metrics: Arc<Metrics>,
    pub readiness: Readiness,
    pub json_limit: usize,
}

/// Binds `host:port` (port 0 picks one) and builds the server; `data` registers the service's
/// own state on every worker's app.
pub fn bind<D>(
    host: &str,
    port: u16,
    doc: OpenApi,
    routes: Routes,
    common: Common,
    data: D,
) -> std::io::Result<(actix_web::dev::Server, u16)>
where
    D: Fn(&mut web::ServiceConfig) + Send + Clone + 'static,
{
    let listener = TcpListener::bind((host, port))?;
    let port = listener.local_addr()?.port();
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .configure(routes)
            .split_for_parts();
        let common = common.clone();
        let data = data.clone();
        let doc = doc.clone();
        app.wrap(from_fn(telemetry::request_context))
            .app_data(web::Data::new(common.keys.clone()))
            .app_data(web::Data::new(common.metrics.clone()))
            .app_data(web::Data::new(common.readiness.clone()))
            .configure(|c| extractor_configs(c, common.json_limit))
            .configure(data)
            .configure(|c| operational_routes(c, doc))
            .default_service(web::to(not_found))
    })
    .listen(listener)?
    .shutdown_timeout(5)
    .run();
    Ok((server, port))
}
