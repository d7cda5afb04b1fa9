//! Calls to the three services with the signed-in person's own token.
//!
//! Every answer other than a 2xx becomes a [`PageError`] the person can read: 401 ends the
//! session (the token expired or was revoked), 404 is "not found" (also what a liaison gets for
//! another department's ticket), 4xx carry the service's own words, and an unreachable service
//! says which one.

pub mod knowledge;
pub mod types;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use shared::contract::knowledge::LoginRequest;
use shared::settings::ServiceUrls;

use crate::error::PageError;
use crate::session::{SessionStore, User};

/// Which service a call goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Knowledge,
    Tickets,
    Notify,
}

impl Service {
    /// The name shown when it cannot be reached.
    pub fn label(self) -> &'static str {
        match self {
            Service::Knowledge => "知识库服务",
            Service::Tickets => "工单服务",
            Service::Notify => "通知服务",
        }
    }
}

/// What the knowledge service answers to a sign-in or a password change.
pub use shared::contract::knowledge::LoginResponse as LoginAnswer;

#[derive(Clone)]
pub struct Api {
    http: reqwest::Client,
    urls: Arc<ServiceUrls>,
    sessions: actix_web::web::Data<SessionStore>,
    /// Reference data every signed-in person may read (the regions), kept a short while.
    shared: Arc<std::sync::Mutex<HashMap<String, (Instant, serde_json::Value)>>>,
}

/// How long reference data read through [`Api::get_reference`] is kept.
const REFERENCE_TTL: Duration = Duration::from_secs(60);

impl Api {
    pub fn new(
        urls: ServiceUrls,
        sessions: actix_web::web::Data<SessionStore>,
    ) -> Result<Api, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(15))
            // The services close a connection idle for 5 s (actix-web's keep-alive); a pooled
            // connection must be dropped before that, or a request can race the close.
            .pool_idle_timeout(Duration::from_secs(4))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Api {
            http,
            urls: Arc::new(urls),
            sessions,
            shared: Arc::default(),
        })
    }

    fn url(&self, service: Service, path: &str) -> String {
        let base = match service {
            Service::Knowledge => &self.urls.knowledge,
            Service::Tickets => &self.urls.tickets,
            Service::Notify => &self.urls.notify,
        };
        format!("{}{path}", base.trim_end_matches('/'))
    }

    /// Signs in at the knowledge service; `client` is the browser's address, forwarded so the
    /// service's throttling and audit see the person, not the console.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: Option<&str>,
    ) -> Result<LoginAnswer, PageError> {
        let build = || {
            let mut req = self
                .http
                .post(self.url(Service::Knowledge, "/api/v1/auth/login"))
                .json(&LoginRequest {
                    username: username.to_string(),
                    password: password.to_string(),
                });
            if let Some(addr) = client {
                req = req.header("x-forwarded-for", addr);
            }
            req
        };
        // A sign-in that could not be sent changed nothing: it is tried once more.
        let res = match build().send().await {
            Ok(r) => Ok(r),
            Err(_) => build().send().await,
        }
        .map_err(|_| PageError::Unavailable(Service::Knowledge.label().into()))?;
        match res.status().as_u16() {
            200 => res
                .json()
                .await
                .map_err(|_| PageError::Unavailable(Service::Knowledge.label().into())),
            401 | 400 | 422 => Err(PageError::Invalid("用户名或密码不正确".into())),
            429 => Err(PageError::TooMany),
            _ => Err(PageError::Unavailable(Service::Knowledge.label().into())),
        }
    }

    /// The signed-in person chooses their own password; the answer carries their new token.
    pub async fn change_password(
        &self,
        user: &User,
        current: &str,
        new: &str,
    ) -> Result<LoginAnswer, PageError> {
        let body = shared::contract::knowledge::PasswordChange {
            current_password: current.to_string(),
            new_password: new.to_string(),
        };
        self.send(
            user,
            Method::POST,
            Service::Knowledge,
            "/api/v1/auth/password",
            &body,
        )
        .await
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        user: &User,
        service: Service,
        path: &str,
    ) -> Result<T, PageError> {
        self.call(user, Method::GET, service, path, None::<&()>, None)
            .await
    }

    /// A GET of reference data the same for everyone signed in (the regions): answered from
    /// what was read in the last minute, so a page does not wait on it. The person's token is
    /// checked by the page's other calls; the data itself is public to every role.
    pub async fn get_reference<T: DeserializeOwned>(
        &self,
        user: &User,
        service: Service,
        path: &str,
    ) -> Result<T, PageError> {
        let key = format!("{}{path}", self.url(service, ""));
        let cached = self.shared.lock().ok().and_then(|m| {
            m.get(&key)
                .filter(|(at, _)| at.elapsed() < REFERENCE_TTL)
                .map(|(_, v)| v.clone())
        });
        let value = match cached {
            Some(v) => v,
            None => {
                let v: serde_json::Value = self.get(user, service, path).await?;
                if let Ok(mut m) = self.shared.lock() {
                    m.insert(key, (Instant::now(), v.clone()));
                }
                v
            }
        };
        serde_json::from_value(value).map_err(|e| {
            tracing::error!(service = service.label(), error = %e, "unexpected answer");
            PageError::Unavailable(service.label().into())
        })
    }

    /// A GET with a query string made from `query` (a struct or a list of pairs).
    pub async fn get_query<T: DeserializeOwned, Q: Serialize + ?Sized>(
        &self,
        user: &User,
        service: Service,
        path: &str,
        query: &Q,
    ) -> Result<T, PageError> {
        let qs = serde_urlencoded::to_string(query)
            .map_err(|_| PageError::Invalid("查询条件有误".into()))?;
        let full = if qs.is_empty() {
            path.to_string()
        } else {
            format!("{path}?{qs}")
        };
        self.get(user, service, &full).await
    }

    /// A write (`POST`, `PATCH`, `PUT`) with a JSON body; not tried again if it could not be
    /// sent, since the service might have done it.
    pub async fn send<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        user: &User,
        method: Method,
        service: Service,
        path: &str,
        body: &B,
    ) -> Result<T, PageError> {
        self.call(user, method, service, path, Some(body), None)
            .await
    }

    /// A POST the service de-duplicates by `key` (ticket creation: a double click makes one).
    pub async fn post_once<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        user: &User,
        service: Service,
        path: &str,
        body: &B,
        key: &str,
    ) -> Result<T, PageError> {
        self.call(user, Method::POST, service, path, Some(body), Some(key))
            .await
    }

    /// A DELETE whose answer has no body worth reading.
    pub async fn delete(&self, user: &User, service: Service, path: &str) -> Result<(), PageError> {
        self.call::<serde_json::Value, ()>(user, Method::DELETE, service, path, None, None)
            .await
            .map(|_| ())
    }

    /// A GET of a file to pass on to the browser as it is (a report's CSV or Excel).
    pub async fn download(
        &self,
        user: &User,
        service: Service,
        path: &str,
    ) -> Result<Download, PageError> {
        let mut req = self
            .http
            .get(self.url(service, path))
            .bearer_auth(&user.token);
        if !user.address.is_empty() {
            req = req.header("x-forwarded-for", &user.address);
        }
        let res = req
            .send()
            .await
            .map_err(|_| PageError::Unavailable(service.label().into()))?;
        let status = res.status().as_u16();
        if !(200..300).contains(&status) {
            let detail = res
                .json::<shared::error::Problem>()
                .await
                .ok()
                .and_then(|p| p.detail)
                .unwrap_or_default();
            if status == 401 {
                self.sessions.remove(&user.sid);
            }
            return Err(PageError::from_status(status, detail, service));
        }
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type =
            header("content-type").unwrap_or_else(|| "application/octet-stream".into());
        let disposition = header("content-disposition");
        let body = res
            .bytes()
            .await
            .map_err(|_| PageError::Unavailable(service.label().into()))?;
        Ok(Download {
            content_type,
            disposition,
            body,
        })
    }

    async fn call<T: DeserializeOwned, B: Serialize + ?Sized>(
        &self,
        user: &User,
        method: Method,
        service: Service,
        path: &str,
        body: Option<&B>,
        idempotency_key: Option<&str>,
    ) -> Result<T, PageError> {
        let build = || {
            let mut req = self
                .http
                .request(method.clone(), self.url(service, path))
                .bearer_auth(&user.token);
            if !user.address.is_empty() {
                req = req.header("x-forwarded-for", &user.address);
            }
            if let Some(b) = body {
                req = req.json(b);
            }
            if let Some(k) = idempotency_key {
                req = req.header("idempotency-key", k);
            }
            req
        };
        let mut sent = build().send().await;
        // A read that could not be sent (a connection closed under it) is tried once more; a
        // write is not, unless the service de-duplicates it by its idempotency key.
        if let Err(e) = &sent
            && (method == Method::GET || idempotency_key.is_some())
        {
            tracing::info!(service = service.label(), error = %e, "trying again");
            sent = build().send().await;
        }
        let res = sent.map_err(|e| {
            tracing::warn!(service = service.label(), error = %e, "service unreachable");
            PageError::Unavailable(service.label().into())
        })?;
        self.answer(res, user, service).await
    }

    /// A POST of a file as it is (`content_type`), answered with JSON (a ticket's attachment).
    pub async fn upload<T: DeserializeOwned>(
        &self,
        user: &User,
        service: Service,
        path: &str,
        content_type: &str,
        body: actix_web::web::Bytes,
    ) -> Result<T, PageError> {
        let mut req = self
            .http
            .post(self.url(service, path))
            .bearer_auth(&user.token)
            .header("content-type", content_type)
            .body(body);
        if !user.address.is_empty() {
            req = req.header("x-forwarded-for", &user.address);
        }
        let res = req.send().await.map_err(|e| {
            tracing::warn!(service = service.label(), error = %e, "service unreachable");
            PageError::Unavailable(service.label().into())
        })?;
        self.answer(res, user, service).await
    }

    /// A service's answer: the JSON of a 2xx, otherwise the error the person reads.
    async fn answer<T: DeserializeOwned>(
        &self,
        res: reqwest::Response,
        user: &User,
        service: Service,
    ) -> Result<T, PageError> {
        let status = res.status().as_u16();
        if (200..300).contains(&status) {
            let bytes = res
                .bytes()
                .await
                .map_err(|_| PageError::Unavailable(service.label().into()))?;
            // An empty 2xx (204) reads as JSON null.
            let bytes = if bytes.is_empty() {
                actix_web::web::Bytes::from_static(b"null")
            } else {
                bytes
            };
            return serde_json::from_slice(&bytes).map_err(|e| {
                tracing::error!(service = service.label(), error = %e, "unexpected answer");
                PageError::Unavailable(service.label().into())
            });
        }
        let detail = res
            .json::<shared::error::Problem>()
            .await
            .ok()
            .and_then(|p| p.detail.or(Some(p.title)))
            .unwrap_or_default();
        if status == 401 {
            // The token expired or was revoked: this session is over.
            self.sessions.remove(&user.sid);
        }
        Err(PageError::from_status(status, detail, service))
    }
}

/// A file a service answered, for [`Api::download`].
pub struct Download {
    pub content_type: String,
    pub disposition: Option<String>,
    pub body: actix_web::web::Bytes,
}

/// A code or id from a page's address, checked before it goes into a service's path: 1–64
/// letters, digits, `-`, `_` or `.`, and not a dot segment (which a URL parser would resolve).
/// Anything else is a page that does not exist. Every route that puts a code into a service path
/// goes through here.
pub fn path_code(code: &str) -> Result<&str, PageError> {
    let ok = (1..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
        && code.bytes().any(|b| b != b'.');
    ok.then_some(code).ok_or(PageError::NotFound)
}

/// A list page's query: the page, its size, and those of `filters` that are set.
pub fn page_query(
    page: i64,
    per_page: i64,
    filters: &[(&'static str, &str)],
) -> Vec<(&'static str, String)> {
    let mut query = vec![
        ("page", page.to_string()),
        ("per_page", per_page.to_string()),
    ];
    query.extend(
        filters
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| (*k, v.to_string())),
    );
    query
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_codes_reach_a_service_path() {
        for ok in [
            "530100-rsj",
            "530100-rsj-1",
            "T20261204-000001",
            "liaison.a_b",
        ] {
            assert!(path_code(ok).is_ok(), "{ok}");
        }
        let long = "x".repeat(65);
        for bad in [
            "",
            "..",
            ".",
            "../admin",
            "a/b",
            "a?b",
            "a%2e",
            "部门",
            long.as_str(),
        ] {
            assert!(path_code(bad).is_err(), "{bad}");
        }
    }
}
