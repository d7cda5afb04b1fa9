//! Text messages: handed to one of two transports, chosen by `HOTLINE_SMS_TRANSPORT`.

use std::path::PathBuf;
use std::time::Duration;

use serde::Serialize;

use crate::config::{NotifyConfig, SmsTransportKind};
use crate::gateway;
use crate::mail::write_atomic;
use crate::send::SendError;

pub enum SmsTransport {
    /// `<dir>/<id>.json`, for a modem script or a person to pick up.
    Spool(PathBuf),
    /// An SMS gateway: a JSON POST ([`GatewayRequest`]), the gateway's message id kept.
    Http {
        client: reqwest::Client,
        url: String,
        token: Option<shared::config::Secret>,
        /// The header that carries the token; `None`: `Authorization: Bearer`.
        key_header: Option<reqwest::header::HeaderName>,
        /// Asked first, when set: does the gateway already have this message.
        lookup_url: Option<String>,
    },
}

/// A text message to send.
pub struct OutgoingSms<'a> {
    pub notification_id: &'a str,
    /// A mainland mobile number, normalised (`13800138000`).
    pub to: &'a str,
    pub text: &'a str,
    pub segments: usize,
}

/// What the HTTP transport posts.
/// The same `notification_id` (and `Idempotency-Key` header) on every attempt, so a gateway
/// can drop a repeat.
#[derive(Debug, Serialize)]
pub struct GatewayRequest<'a> {
    pub notification_id: &'a str,
    pub to: &'a str,
    pub text: &'a str,
    pub segments: usize,
}

/// Where a gateway's answer may name its message id (`{"message_id": …}`, `{"data": {"id": …}}`,
/// Aliyun's `BizId`, …).
const ID_KEYS: &[&str] = &[
    "message_id",
    "messageId",
    "msg_id",
    "msgId",
    "sid",
    "BizId",
    "id",
];

impl SmsTransport {
    pub fn from_config(c: &NotifyConfig) -> Result<SmsTransport, String> {
        Ok(match c.sms_transport {
            SmsTransportKind::Spool => SmsTransport::Spool(c.sms_dir.clone()),
            SmsTransportKind::Http => {
                let header = c.sms_http_key_header.trim();
                SmsTransport::Http {
                    client: gateway::client(Duration::from_secs(30))?,
                    url: c.sms_http_url.clone().unwrap_or_default(),
                    token: c.sms_http_token.clone(),
                    lookup_url: c.sms_http_lookup_url.clone(),
                    key_header: if header.is_empty() {
                        None
                    } else {
                        Some(
                            reqwest::header::HeaderName::from_bytes(header.as_bytes())
                                .map_err(|e| format!("sms_http_key_header: {e}"))?,
                        )
                    },
                }
            }
        })
    }

    /// Sends and returns the provider's id for the message.
    pub async fn send(&self, sms: OutgoingSms<'_>) -> Result<String, SendError> {
        let request = GatewayRequest {
            notification_id: sms.notification_id,
            to: sms.to,
            text: sms.text,
            segments: sms.segments,
        };
        match self {
            SmsTransport::Spool(dir) => {
                let path = dir.join(format!("{}.json", sms.notification_id));
                let job = serde_json::json!({
                    "id": request.notification_id,
                    "to": request.to,
                    "text": request.text,
                    "segments": request.segments,
                    "created_at": chrono::Utc::now().to_rfc3339(),
                });
                write_atomic(&path, job.to_string().as_bytes())
                    .await
                    .map_err(|e| SendError::Transient(format!("SMS spool: {e}")))?;
                Ok(format!("spool:{}", sms.notification_id))
            }
            SmsTransport::Http {
                client,
                url,
                token,
                key_header,
                lookup_url,
            } => {
                const WHAT: &str = "SMS gateway";
                let auth = |req: reqwest::RequestBuilder| match (token, key_header) {
                    (Some(t), Some(h)) => req.header(h.clone(), t.expose()),
                    (Some(t), None) => req.bearer_auth(t.expose()),
                    (None, _) => req,
                };
                if let Some(lookup) = lookup_url {
                    let id = sms.notification_id;
                    if let Some(m) =
                        gateway::lookup(WHAT, client, lookup, id, ID_KEYS, auth).await?
                    {
                        tracing::info!(notification = id, message = %m, "the SMS gateway already has this message; not sending it again");
                        return Ok(m);
                    }
                }
                let req = client
                    .post(url)
                    .header("idempotency-key", sms.notification_id)
                    .json(&request);
                let res = auth(req)
                    .send()
                    .await
                    .map_err(|e| gateway::unreachable(WHAT, e))?;
                let text = gateway::answer(WHAT, res).await?;
                Ok(gateway::answer_id(&text, ID_KEYS)
                    .unwrap_or_else(|| format!("http:{}", sms.notification_id)))
            }
        }
    }
}
