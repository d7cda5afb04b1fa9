//! What every service's HTTP surface shares: extractor limits mapped to problems, the
//! unauthenticated operational routes, readiness, and the not-found fallback.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::http::Method;
use actix_web::{HttpResponse, web};

use crate::error::{self, ApiError};
use crate::metrics::Metrics;

/// Largest JSON body any route accepts unless it says otherwise.
pub const DEFAULT_JSON_LIMIT: usize = 256 * 1024;

/// Flipped to ready once start-up (migrations, import, search index) is finished.
#[derive(Clone, Default)]
pub struct Readiness(Arc<AtomicBool>);

impl Readiness {
    pub fn set_ready(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_ready(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

pub fn json_config(limit: usize) -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(limit)
        .error_handler(error::json_error)
}

pub fn query_config() -> web::QueryConfig {
    web::QueryConfig::default().error_handler(error::query_error)
}

pub fn path_config() -> web::PathConfig {
    web::PathConfig::default().error_handler(error::path_error)
}

/// Registers the extractor configurations on an app or scope.
pub fn extractor_configs(cfg: &mut web::ServiceConfig, json_limit: usize) {
    cfg.app_data(json_config(json_limit))
        .app_data(crate::body::JsonLimit(json_limit))
        .app_data(query_config())
        .app_data(path_config());
}

async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({"status": "ok"}))
}

async fn readyz(ready: web::Data<Readiness>) -> HttpResponse {
    if ready.is_ready() {
        HttpResponse::Ok().json(serde_json::json!({"status": "ready"}))
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("application/problem+json")
            .json(ApiError::ServiceUnavailable("starting up".into()).problem())
    }
}

async fn metrics(m: web::Data<Arc<Metrics>>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(m.render())
}

/// `/healthz`, `/readyz`, `/metrics`, `/openapi.json` and `/docs`: no token needed.
pub fn operational_routes(cfg: &mut web::ServiceConfig, openapi: utoipa::openapi::OpenApi) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz))
        .route("/metrics", web::get().to(metrics))
        .service(utoipa_swagger_ui::SwaggerUi::new("/docs/{_:.*}").url("/openapi.json", openapi))
        .route(
            "/docs",
            web::get().to(|| async {
                HttpResponse::Found()
                    .insert_header(("location", "/docs/"))
                    .finish()
            }),
        );
}

/// Which methods each served path takes (the API's from its OpenAPI document, and the
/// operational routes), so a request to a served path with another method is told apart from a
/// request to a path nobody serves.
#[derive(Clone, Default)]
pub struct RouteMethods(Arc<Vec<(Vec<Segment>, Vec<Method>)>>);

#[derive(Clone, PartialEq)]
enum Segment {
    Literal(String),
    Parameter,
}

impl RouteMethods {
    pub fn new(doc: &utoipa::openapi::OpenApi) -> RouteMethods {
        let mut table: Vec<(Vec<Segment>, Vec<Method>)> = OPERATIONAL_PATHS
            .iter()
            .map(|path| (segments(path), vec![Method::GET]))
            .collect();
        for (path, item) in &doc.paths.paths {
            let ops = [
                (Method::GET, &item.get),
                (Method::PUT, &item.put),
                (Method::POST, &item.post),
                (Method::DELETE, &item.delete),
                (Method::OPTIONS, &item.options),
                (Method::HEAD, &item.head),
                (Method::PATCH, &item.patch),
                (Method::TRACE, &item.trace),
            ];
            let methods = ops
                .into_iter()
                .filter(|(_, op)| op.is_some())
                .map(|(m, _)| m)
                .collect();
            table.push((segments(path), methods));
        }
        RouteMethods(Arc::new(table))
    }

    /// The methods `path` takes, from the most literal templates that match it (actix prefers
    /// `/faqs/pending` to `/faqs/{code}` the same way); none for a path nobody serves.
    pub fn allowed(&self, path: &str) -> Vec<Method> {
        let parts: Vec<&str> = path.split('/').collect();
        let matching = self.0.iter().filter(|(template, _)| {
            template.len() == parts.len()
                && template.iter().zip(&parts).all(|(t, p)| match t {
                    Segment::Literal(l) => l == p,
                    Segment::Parameter => !p.is_empty(),
                })
        });
        let literal = |t: &[Segment]| t.iter().filter(|s| **s != Segment::Parameter).count();
        let best = matching.clone().map(|(t, _)| literal(t)).max();
        let mut methods: Vec<Method> = matching
            .filter(|(t, _)| Some(literal(t)) == best)
            .flat_map(|(_, m)| m.iter().cloned())
            .collect();
        methods.sort_by(|a, b| a.as_str().cmp(b.as_str()));
        methods.dedup();
        methods
    }
}

/// The routes of [`operational_routes`], all GET.
const OPERATIONAL_PATHS: [&str; 5] = ["/healthz", "/readyz", "/metrics", "/openapi.json", "/docs"];

fn segments(template: &str) -> Vec<Segment> {
    template
        .split('/')
        .map(|s| {
            if s.starts_with('{') && s.ends_with('}') {
                Segment::Parameter
            } else {
                Segment::Literal(s.to_string())
            }
        })
        .collect()
}

/// The answer for a request no route took: 405 with `Allow` when the path is served with other
/// methods, else 404.
pub async fn not_found(
    req: actix_web::HttpRequest,
    routes: Option<web::Data<RouteMethods>>,
) -> Result<HttpResponse, ApiError> {
    let allowed = routes.map(|r| r.allowed(req.path())).unwrap_or_default();
    if allowed.is_empty() {
        return Err(ApiError::not_found("no such resource"));
    }
    Err(ApiError::MethodNotAllowed {
        method: req.method().to_string(),
        allow: allowed
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", "),
    })
}

/// Checks a string field's length in characters, for bodies and queries.
pub fn check_len(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    let n = value.chars().count();
    if n > max {
        return Err(ApiError::bad_request(format!(
            "`{field}` is longer than {max} characters"
        )));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(ApiError::bad_request(format!(
            "`{field}` contains control characters"
        )));
    }
    Ok(())
}

/// Like [`check_len`] but also refuses an empty (or all-blank) value.
pub fn check_required(field: &str, value: &str, max: usize) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::bad_request(format!(
            "`{field}` must not be empty"
        )));
    }
    check_len(field, value, max)
}

/// Pretty JSON of an OpenAPI document, as committed under `openapi/`.
pub fn openapi_json(doc: &utoipa::openapi::OpenApi) -> String {
    let mut s = doc.to_pretty_json().unwrap_or_default();
    s.push('\n');
    s
}

/// The request's `Idempotency-Key`, if any: 1–200 printable ASCII characters, else a 400.
/// Callers scope it (per user, per endpoint) before storing it.
pub fn idempotency_key(req: &actix_web::HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(v) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let key = v.to_str().ok().map(str::trim).unwrap_or_default();
    if key.is_empty() || key.len() > 200 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::bad_request(
            "`Idempotency-Key` must be 1 to 200 printable ASCII characters",
        ));
    }
    Ok(Some(key.to_string()))
}

/// A 414 or 431 for a request whose URI or headers pass the limits above.
fn oversized(req: &actix_web::dev::ServiceRequest) -> Option<ApiError> {
    let uri = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if uri > MAX_URI_BYTES {
        return Some(ApiError::UriTooLong(format!(
            "the URI is {uri} bytes; at most {MAX_URI_BYTES} are read"
        )));
    }
    let headers: usize = req
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len())
        .sum();
    (headers > MAX_HEADER_BYTES).then(|| {
        ApiError::HeadersTooLarge(format!(
            "the request headers are {headers} bytes; at most {MAX_HEADER_BYTES} are read"
        ))
    })
}

/// The largest body the text guard reads to look for NUL (the knowledge import's limit); a
/// larger body is refused here as the route would refuse it.
pub const GUARD_BODY_LIMIT: usize = 64 * 1024 * 1024;

/// The longest URI (path and query) a service reads; longer ones are 414. No route needs a
/// tenth of it, and nginx's default for a request line is the same.
pub const MAX_URI_BYTES: usize = 8 * 1024;
/// The most header bytes a request may carry (names and values); more is 431. actix-web's own
/// parser answers a bare 431 only past 128 kB, before any of our code runs: this limit is
/// lower, so the answers a client can meet are problem+json (the proxy's are in
/// `deploy/nginx/hotline.conf`).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;

/// How long a JSON request body may take to arrive, all of it.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Middleware: refuses text the databases cannot store before any route sees it. PostgreSQL
/// rejects a NUL character in text with an error the services would answer as 500, and SQLite
/// would cut the text at it; a NUL in the path, the query or a JSON string is a 400 instead.
/// Also marks every answer `nosniff` and `no-store` (tickets carry callers' details).
pub async fn text_guard(
    mut req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<actix_web::dev::ServiceResponse<actix_web::body::BoxBody>, actix_web::Error> {
    use actix_web::dev::ServiceResponse;
    use futures_util::StreamExt;
    let refuse = |req: actix_web::dev::ServiceRequest, api: ApiError| {
        let (http, _) = req.into_parts();
        Ok(ServiceResponse::new(
            http,
            actix_web::ResponseError::error_response(&api),
        ))
    };
    if let Some(problem) = oversized(&req) {
        return refuse(req, problem);
    }
    if uri_has_nul(req.uri()) {
        return refuse(
            req,
            ApiError::bad_request("a NUL character is not allowed in a URL"),
        );
    }
    let is_json = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if is_json {
        let mut payload = actix_web::HttpMessage::take_payload(&mut req);
        let mut body = web::BytesMut::new();
        // A body trickled in byte by byte would hold a worker's connection for as long as the
        // sender likes: the whole body has BODY_TIMEOUT from here.
        let deadline = tokio::time::Instant::now() + BODY_TIMEOUT;
        loop {
            let next = match tokio::time::timeout_at(deadline, payload.next()).await {
                Ok(next) => next,
                Err(_) => {
                    return refuse(
                        req,
                        ApiError::RequestTimeout(format!(
                            "the request body did not arrive within {} s",
                            BODY_TIMEOUT.as_secs()
                        )),
                    );
                }
            };
            let Some(chunk) = next else { break };
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    return refuse(req, ApiError::bad_request(format!("cannot read body: {e}")));
                }
            };
            if body.len() + chunk.len() > GUARD_BODY_LIMIT {
                return refuse(
                    req,
                    ApiError::PayloadTooLarge("request body is too large".into()),
                );
            }
            body.extend_from_slice(&chunk);
        }
        if json_has_nul(&body) {
            return refuse(
                req,
                ApiError::bad_request("a NUL character is not allowed in text"),
            );
        }
        req.set_payload(bytes_payload(body.freeze()));
    }
    let mut res = next.call(req).await?.map_into_boxed_body();
    let h = res.headers_mut();
    h.insert(
        actix_web::http::header::X_CONTENT_TYPE_OPTIONS,
        actix_web::http::header::HeaderValue::from_static("nosniff"),
    );
    if !h.contains_key(actix_web::http::header::CACHE_CONTROL) {
        h.insert(
            actix_web::http::header::CACHE_CONTROL,
            actix_web::http::header::HeaderValue::from_static("no-store"),
        );
    }
    Ok(res)
}

/// A payload that yields `body`, for middleware that had to read the body first.
pub fn bytes_payload(body: web::Bytes) -> actix_web::dev::Payload {
    let (_, mut payload) = actix_http::h1::Payload::create(true);
    payload.unread_data(body);
    actix_web::dev::Payload::from(payload)
}

/// Whether the path or query, percent-decoded, has a NUL.
pub fn uri_has_nul(uri: &actix_web::http::Uri) -> bool {
    let has = |s: &str| {
        let b = s.as_bytes();
        b.contains(&0)
            || b.windows(3)
                .any(|w| w[0] == b'%' && w[1] == b'0' && w[2] == b'0')
    };
    has(uri.path()) || uri.query().is_some_and(has)
}

/// Whether a JSON document has a NUL in it: a raw 0 byte or a `\u0000` escape (an escaped
/// backslash followed by `u0000` is ordinary text).
pub fn json_has_nul(body: &[u8]) -> bool {
    let mut i = 0;
    while i < body.len() {
        match body[i] {
            0 => return true,
            b'\\' => {
                if body.get(i + 1) == Some(&b'u')
                    && body.get(i + 2..i + 6) == Some(b"0000".as_slice())
                {
                    return true;
                }
                // Skip the escaped character, whatever it is.
                i += 2;
            }
            _ => i += 1,
        }
    }
    false
}

/// The client's address: the peer's, unless the peer is a trusted proxy (the console, a load
/// balancer), in which case the nearest `X-Forwarded-For` entry that is not itself a trusted
/// proxy. Anyone else's `X-Forwarded-For` is ignored: it is whatever they chose to write.
pub fn client_address(
    peer: Option<std::net::IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let peer = peer?;
    if !trusted.contains(&peer) {
        return Some(peer);
    }
    let mut nearest = peer;
    for part in forwarded_for.unwrap_or_default().rsplit(',') {
        match part.trim().parse::<std::net::IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => nearest = ip,
            Ok(ip) => return Some(ip),
            // A garbled entry: nothing before it can be believed.
            Err(_) => break,
        }
    }
    Some(nearest)
}

/// [`client_address`] of a request: its peer and its `X-Forwarded-For`.
pub fn request_client_address(
    req: &actix_web::HttpRequest,
    trusted: &[std::net::IpAddr],
) -> Option<std::net::IpAddr> {
    let forwarded = req
        .headers()
        .get("x-forwarded-for")
        .and_then(|v| v.to_str().ok());
    client_address(req.peer_addr().map(|a| a.ip()), forwarded, trusted)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod address_tests {
    use super::*;

    #[test]
    fn the_forwarded_address_is_believed_only_from_a_trusted_proxy() {
        let ip = |s: &str| s.parse::<std::net::IpAddr>().unwrap();
        let trusted = [ip("127.0.0.1"), ip("10.0.0.2")];
        let from = |peer: &str, xff: Option<&str>| client_address(Some(ip(peer)), xff, &trusted);
        assert_eq!(
            from("203.0.113.9", Some("198.51.100.1")),
            Some(ip("203.0.113.9"))
        );
        assert_eq!(
            from("127.0.0.1", Some("198.51.100.1")),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(from("127.0.0.1", None), Some(ip("127.0.0.1")));
        // Through the balancer and the console; the client's own header entry is ignored.
        assert_eq!(
            from("127.0.0.1", Some("6.6.6.6, 198.51.100.1, 10.0.0.2")),
            Some(ip("198.51.100.1"))
        );
        assert_eq!(from("127.0.0.1", Some("nonsense")), Some(ip("127.0.0.1")));
        assert_eq!(client_address(None, None, &trusted), None);
    }
}

#[cfg(test)]
mod guard_tests {
    use super::*;

    #[test]
    fn nul_in_json() {
        assert!(json_has_nul(br#"{"a":"x\u0000y"}"#));
        assert!(json_has_nul(b"{\"a\":\"x\0\"}"));
        assert!(!json_has_nul(br#"{"a":"x\\u0000y"}"#));
        assert!(json_has_nul(br#"{"a":"x\\\u0000y"}"#));
        assert!(!json_has_nul(br#"{"a":"\u0001 \n \""}"#));
    }

    #[test]
    fn nul_in_uris() {
        let uri = |s: &str| s.parse::<actix_web::http::Uri>().unwrap();
        assert!(uri_has_nul(&uri("/api/v1/tickets/a%00b")));
        assert!(uri_has_nul(&uri("/api/v1/search?q=a%00")));
        assert!(!uri_has_nul(&uri("/api/v1/search?q=%E6%98%86")));
        assert!(!uri_has_nul(&uri("/api/v1/tickets/T20261205-000001")));
    }
}

#[cfg(test)]
mod method_tests {
    use super::*;
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem, PathsBuilder};

    #[test]
    fn a_served_path_lists_its_methods_and_an_unknown_one_none() {
        let item = |methods: &[HttpMethod]| {
            let mut item = PathItem::new(methods[0].clone(), OperationBuilder::new());
            for m in &methods[1..] {
                item.merge_operations(PathItem::new(m.clone(), OperationBuilder::new()));
            }
            item
        };
        let doc = utoipa::openapi::OpenApiBuilder::new()
            .paths(
                PathsBuilder::new()
                    .path(
                        "/api/v1/faqs/{code}",
                        item(&[HttpMethod::Get, HttpMethod::Patch]),
                    )
                    .path("/api/v1/faqs/pending", item(&[HttpMethod::Get]))
                    .path("/api/v1/faqs", item(&[HttpMethod::Post])),
            )
            .build();
        let routes = RouteMethods::new(&doc);
        let names = |path: &str| {
            let methods = routes.allowed(path);
            methods.iter().map(|m| m.to_string()).collect::<Vec<_>>()
        };
        assert_eq!(names("/api/v1/faqs/x-1"), ["GET", "PATCH"]);
        assert_eq!(names("/api/v1/faqs/pending"), ["GET"]);
        assert_eq!(names("/api/v1/faqs"), ["POST"]);
        assert_eq!(names("/healthz"), ["GET"]);
        assert!(names("/api/v1/faqs/x/y").is_empty());
        assert!(names("/api/v1/faqs/").is_empty());
        assert!(names("/api/v1/nothing").is_empty());
    }
}
