//! Building and running one service's HTTP server, the same way for all three.

use std::net::TcpListener;
use std::sync::Arc;

use actix_web::middleware::{DefaultHeaders, from_fn};
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
    problem_content_type(&mut doc);
    doc.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    doc
}

/// Error answers are `application/problem+json`, and every route can give some of them
/// whatever its handler says (the token check, the extractors, the database pool): they are
/// documented here once for all routes rather than repeated on each.
fn problem_content_type(doc: &mut OpenApi) {
    use utoipa::openapi::schema::{AdditionalProperties, Schema};
    use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
    let problem = |what: &str| {
        RefOr::T(
            ResponseBuilder::new()
                .description(what)
                .content(
                    "application/problem+json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("Problem")))
                        .build(),
                )
                .build(),
        )
    };
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            continue;
        }
        let ops = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in ops.into_iter().flatten() {
            let has_body = op.request_body.is_some();
            let responses = &mut op.responses.responses;
            for (status, response) in responses.iter_mut() {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                if let RefOr::T(r) = response
                    && let Some(content) = r.content.shift_remove("application/json")
                {
                    r.content
                        .insert("application/problem+json".to_string(), content);
                }
            }
            let mut common = vec![
                ("400", "Invalid query, path or body"),
                ("401", "Missing or invalid token"),
                ("403", "Role not allowed"),
                ("503", "A database or service it needs is unavailable"),
            ];
            if path.contains('{') {
                common.push(("404", "Not found"));
            }
            if has_body {
                common.push(("413", "Body too large"));
            }
            for (status, what) in common {
                responses
                    .entry(status.to_string())
                    .or_insert_with(|| problem(what));
            }
        }
    }
    let components = doc.components.get_or_insert_with(Default::default);
    components
        .schemas
        .entry("Problem".to_string())
        .or_insert_with(<crate::error::Problem as utoipa::PartialSchema>::schema);
    // Write bodies refuse unknown fields, but the same types are flattened into answers with
    // more fields; `additionalProperties: false` would make those answers invalid documents.
    for schema in components.schemas.values_mut() {
        if let RefOr::T(Schema::Object(obj)) = schema
            && matches!(
                obj.additional_properties.as_deref(),
                Some(AdditionalProperties::FreeForm(false))
            )
        {
            obj.additional_properties = None;
        }
    }
}

/// What the server hands every handler besides the service's own state.
#[derive(Clone)]
pub struct Common {
    pub keys: Arc<JwtKeys>,
    pub metrics: Arc<Metrics>,
    pub readiness: Readiness,
    pub json_limit: usize,
}

/// A service's API: the head of its OpenAPI document (title, tags) and every route.
pub struct Api {
    pub head: OpenApi,
    pub routes: Routes,
}

impl Api {
    /// The OpenAPI document, made from the routes the server registers.
    pub fn openapi(&self) -> OpenApi {
        openapi(self.head.clone(), self.routes)
    }
}

impl Common {
    /// The parts every service has, with the default JSON limit and a readiness not yet set.
    pub fn new(keys: Arc<JwtKeys>, metrics: Arc<Metrics>) -> Common {
        Common {
            keys,
            metrics,
            readiness: Readiness::default(),
            json_limit: crate::web::DEFAULT_JSON_LIMIT,
        }
    }
}

/// Binds the service's configured address with `state` (its `AppState`) registered for the
/// handlers, and a body limit of `common.json_limit` for raw bodies as for JSON.
pub fn bind_service<S: Clone + Send + 'static>(
    settings: &crate::settings::ServiceSettings,
    api: Api,
    common: Common,
    state: S,
) -> Result<(actix_web::dev::Server, u16), String> {
    let limit = common.json_limit;
    bind(
        &settings.host,
        settings.port,
        api.openapi(),
        api.routes,
        common,
        move |c: &mut web::ServiceConfig| {
            c.app_data(web::Data::new(state.clone()))
                .app_data(web::PayloadConfig::new(limit));
        },
    )
    .map_err(|e| format!("bind {}:{}: {e}", settings.host, settings.port))
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
    let methods = web::Data::new(crate::web::RouteMethods::new(&doc));
    let server = HttpServer::new(move || {
        let (app, _) = App::new()
            .into_utoipa_app()
            .configure(routes)
            .split_for_parts();
        let common = common.clone();
        let data = data.clone();
        let doc = doc.clone();
        // Answers carry callers' and accounts' details: no browser or proxy keeps them, and none
        // guesses their type (an answer that sets its own cache-control keeps it).
        let headers = DefaultHeaders::new()
            .add(("x-content-type-options", "nosniff"))
            .add(("cache-control", "no-store"));
        app.wrap(from_fn(crate::web::text_guard))
            .wrap(headers)
            .wrap(from_fn(telemetry::request_context))
            .app_data(web::Data::new(common.keys.clone()))
            .app_data(web::Data::new(common.metrics.clone()))
            .app_data(web::Data::new(common.readiness.clone()))
            .app_data(methods.clone())
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
