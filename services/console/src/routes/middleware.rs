//! What every request goes through: the CSRF check on state-changing requests, the security
//! headers, errors shaped for the kind of request (page, htmx fragment, sign-in redirect), and
//! the request metrics.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use shared::metrics::Metrics;

use crate::error::PageError;
use crate::session::{SessionStore, session_id};
use crate::views::layout;

/// No inline script or style anywhere; everything from this origin; no framing.
pub const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Largest form the CSRF check reads (the biggest form is a knowledge entry with its answer).
const FORM_LIMIT: usize = 256 * 1024;

/// The outermost layer: metrics and headers see every answer, errors included.
pub async fn headers_and_metrics(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let metrics = req.app_data::<web::Data<Arc<Metrics>>>().cloned();
    let method = req.method().to_string();
    let mut res = next.call(req).await?.map_into_boxed_body();
    if let Some(m) = metrics {
        let route = res
            .request()
            .match_pattern()
            .unwrap_or_else(|| "unmatched".into());
        m.observe(&method, &route, res.status().as_u16(), started.elapsed());
    }
    let h = res.headers_mut();
    // Pages carry callers' details: never kept by the browser or a proxy (assets say otherwise).
    let cache = (!h.contains_key("cache-control")).then_some(("cache-control", "no-store"));
    let fixed = [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "no-referrer"),
        ("cross-origin-opener-policy", "same-origin"),
    ];
    for (name, value) in fixed.into_iter().chain(cache) {
        h.insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    Ok(res)
}

/// Refuses a POST whose CSRF token is not the session's: from the `X-CSRF-Token` header
/// (htmx sends it from the page's `hx-headers`) or the form's `csrf` field. A POST without a
/// session passes on, to be sent to sign-in by the handler.
pub async fn csrf(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if req.method() != Method::POST || req.path() == "/login" {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    let user = req
        .app_data::<web::Data<SessionStore>>()
        .and_then(|s| session_id(req.request()).and_then(|id| s.get(&id)));
    let Some(user) = user else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let header_ok = req
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| same(v, &user.csrf));
    // A multipart form (a file upload) carries the token in its address: the body is a file
    // this check does not read.
    let multipart = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart && !header_ok {
        let query_ok = serde_urlencoded::from_str::<Vec<(String, String)>>(req.query_string())
            .ok()
            .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf"))
            .is_some_and(|(_, v)| same(&v, &user.csrf));
        if !query_ok {
            tracing::warn!(
                path = req.path(),
                "upload without a valid CSRF token refused"
            );
            let (http, _) = req.into_parts();
            let res = HttpResponse::from_error(actix_web::Error::from(PageError::Csrf));
            return Ok(ServiceResponse::new(http, res));
        }
    } else if !header_ok {
        let body = req.extract::<web::Bytes>().await?;
        let form_ok = body.len() <= FORM_LIMIT
            && serde_urlencoded::from_bytes::<Vec<(String, String)>>(&body)
                .ok()
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == "csrf"))
                .is_some_and(|(_, v)| same(&v, &user.csrf));
        if !form_ok {
            tracing::warn!(path = req.path(), "POST without a valid CSRF token refused");
            let (http, _) = req.into_parts();
            let res = HttpResponse::from_error(actix_web::Error::from(PageError::Csrf));
            return Ok(ServiceResponse::new(http, res));
        }
        // The handler reads the body again.
        req.set_payload(shared::web::bytes_payload(body));
    }
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}

/// Compares without stopping at the first difference (the token is a secret).
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Errors as the request needs them: a page load without a session goes to the sign-in form
/// (remembering where it was going); an htmx request gets `HX-Redirect` for that, and any other
/// error as a message in `#flash` with the page left as it was.
pub async fn shape_errors(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let htmx = req.headers().contains_key("hx-request");
    let res = next.call(req).await?.map_into_boxed_body();
    // actix answers a path served with other methods by an empty 405 with `Allow`.
    let wrong_method =
        res.status() == StatusCode::METHOD_NOT_ALLOWED && res.response().error().is_none();
    let Some(error) = res
        .response()
        .error()
        .and_then(|e| e.as_error::<PageError>())
        .cloned()
        .or(wrong_method.then_some(PageError::WrongMethod))
    else {
        return Ok(res);
    };
    let (http, old) = res.into_parts();
    let allow = old.headers().get(actix_web::http::header::ALLOW).cloned();
    let mut new = match &error {
        PageError::SignedOut if htmx => HttpResponse::build(StatusCode::UNAUTHORIZED)
            .insert_header(("hx-redirect", "/"))
            .finish(),
        PageError::SignedOut => {
            let target = http
                .uri()
                .path_and_query()
                .map(|p| p.as_str())
                .unwrap_or("/");
            let location = if target == "/" || http.method() != Method::GET {
                "/".to_string()
            } else {
                format!(
                    "/?{}",
                    serde_urlencoded::to_string([("next", target)]).unwrap_or_default()
                )
            };
            let mut r = HttpResponse::SeeOther()
                .insert_header(("location", location))
                .finish();
            // The session is gone: the cookie goes too.
            let _ = r.add_removal_cookie(&crate::session::removal_cookie(false));
            r
        }
        PageError::PasswordChange if htmx => HttpResponse::build(StatusCode::FORBIDDEN)
            .insert_header(("hx-redirect", crate::session::PASSWORD_PAGE))
            .finish(),
        PageError::PasswordChange => HttpResponse::SeeOther()
            .insert_header(("location", crate::session::PASSWORD_PAGE))
            .finish(),
        other if htmx => HttpResponse::build(old.status())
            .content_type("text/html; charset=utf-8")
            .insert_header(("hx-retarget", "#flash"))
            .insert_header(("hx-reswap", "innerHTML"))
            .body(layout::flash("error", &other.message()).into_string()),
        PageError::WrongMethod => HttpResponse::build(old.status())
            .content_type("text/html; charset=utf-8")
            .body(layout::error_page(&error).into_string()),
        _ => return Ok(ServiceResponse::new(http, old)),
    };
    if let Some(allow) = allow {
        new.headers_mut()
            .insert(actix_web::http::header::ALLOW, allow);
    }
    Ok(ServiceResponse::new(http, new))
}
