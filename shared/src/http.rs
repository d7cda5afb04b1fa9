//! The HTTP client for calls between services: timeouts, a short-lived service token for the
//! target's audience, the caller's request id, and an optional idempotency key.

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::auth::JwtKeys;
use crate::telemetry::REQUEST_ID_HEADER;

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("{target} unreachable: {message}")]
    Unreachable { target: String, message: String },
    #[error("{target} answered {status}: {body}")]
    Status {
        target: String,
        status: u16,
        body: String,
    },
    #[error("cannot make a token: {0}")]
    Token(String),
}

impl ClientError {
    /// Whether the other service refused the request itself (bad body, no such thing, a
    /// conflict): sending it again cannot succeed, so it is final and shown, not retried.
    pub fn is_refusal(&self) -> bool {
        matches!(self, ClientError::Status { status, .. } if matches!(status, 400 | 404 | 409 | 413 | 422))
    }

    /// Whether trying again later may succeed (unreachable, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        match self {
            ClientError::Unreachable { .. } => true,
            ClientError::Status { status, .. } => *status >= 500 || *status == 429,
            ClientError::Token(_) => false,
        }
    }
}

/// A client for one other service.
#[derive(Clone)]
pub struct ServiceClient {
    http: reqwest::Client,
    base_url: String,
    caller: String,
    target: String,
    keys: Arc<JwtKeys>,
}

impl ServiceClient {
    pub fn new(
        base_url: &str,
        caller: &str,
        target: &str,
        keys: Arc<JwtKeys>,
    ) -> Result<ServiceClient, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(2))
            .timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(ServiceClient {
            http,
            base_url: base_url.trim_end_matches('/').to_string(),
            caller: caller.to_string(),
            target: target.to_string(),
            keys,
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a request and returns the JSON answer of a 2xx as `T`; anything else is an error.
    pub async fn send<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        request_id: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<T, ClientError> {
        let token = self
            .keys
            .service_token(&self.caller, &self.target)
            .map_err(|e| ClientError::Token(e.to_string()))?;
        let mut req = self
            .http
            .request(method, format!("{}{}", self.base_url, path))
            .bearer_auth(token);
        if let Some(id) = request_id {
            req = req.header(REQUEST_ID_HEADER, id);
        }
        if let Some(key) = idempotency_key {
            req = req.header("idempotency-key", key);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let res = req.send().await.map_err(|e| ClientError::Unreachable {
            target: self.target.clone(),
            message: e.to_string(),
        })?;
        let status = res.status();
        let text = res.text().await.map_err(|e| ClientError::Unreachable {
            target: self.target.clone(),
            message: e.to_string(),
        })?;
        if !status.is_success() {
            return Err(ClientError::Status {
                target: self.target.clone(),
                status: status.as_u16(),
                body: text.chars().take(500).collect(),
            });
        }
        let text = if text.is_empty() { "null" } else { &text };
        serde_json::from_str(text).map_err(|e| ClientError::Status {
            target: self.target.clone(),
            status: status.as_u16(),
            body: format!("answer not understood: {e}"),
        })
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        request_id: Option<&str>,
    ) -> Result<T, ClientError> {
        self.send::<(), T>(Method::GET, path, None, request_id, None)
            .await
    }

    pub async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        body: &B,
        request_id: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<T, ClientError> {
        self.send(Method::POST, path, Some(body), request_id, idempotency_key)
            .await
    }
}
