//! Fax: a rendered PDF handed to one of four transports, chosen by `HOTLINE_FAX_TRANSPORT`.

pub mod hylafax;
pub mod pdf;
pub mod received;
pub mod t4;

use std::path::PathBuf;
use std::time::Duration;

use lettre::message::Mailbox;

use crate::config::{FaxTransportKind, NotifyConfig};
use crate::domain::dial_string;
use crate::gateway;
use crate::mail::{Mailer, OutgoingAttachment, OutgoingMail, write_atomic};
use crate::send::SendError;

pub enum FaxTransport {
    /// `<dir>/<id>.pdf` and `<id>.json`, for a fax modem script or a person to pick up.
    Spool(PathBuf),
    /// An e-mail-to-fax gateway: the PDF attached to `{number}@gateway`.
    Email {
        template: String,
    },
    /// A commercial HTTP gateway: multipart POST, the gateway's job id kept.
    Http {
        client: reqwest::Client,
        url: String,
        token: Option<shared::config::Secret>,
        /// Asked first, when set: does the gateway already have this fax.
        lookup_url: Option<String>,
    },
    Hylafax(hylafax::HylafaxClient),
}

/// A fax to send.
pub struct OutgoingFax<'a> {
    pub notification_id: &'a str,
    pub number: &'a str,
    pub title: &'a str,
    pub pdf: Vec<u8>,
}

impl FaxTransport {
    pub fn from_config(c: &NotifyConfig) -> Result<FaxTransport, String> {
        Ok(match c.fax_transport {
            FaxTransportKind::Spool => FaxTransport::Spool(c.fax_dir.clone()),
            FaxTransportKind::Email => FaxTransport::Email {
                template: c.fax_email_template.clone(),
            },
            FaxTransportKind::Http => FaxTransport::Http {
                client: gateway::client(Duration::from_secs(60))?,
                url: c.fax_http_url.clone().unwrap_or_default(),
                token: c.fax_http_token.clone(),
                lookup_url: c.fax_http_lookup_url.clone(),
            },
            FaxTransportKind::Hylafax => {
                FaxTransport::Hylafax(hylafax::HylafaxClient::new(&c.hylafax_host))
            }
        })
    }

    /// Sends and returns the provider's id for the job.
    pub async fn send(
        &self,
        fax: OutgoingFax<'_>,
        mailer: &Mailer,
        from: &Mailbox,
    ) -> Result<String, SendError> {
        let dial = dial_string(fax.number);
        match self {
            FaxTransport::Spool(dir) => {
                let pdf_path = dir.join(format!("{}.pdf", fax.notification_id));
                let job_path = dir.join(format!("{}.json", fax.notification_id));
                let io = |e: std::io::Error| SendError::Transient(format!("fax spool: {e}"));
                write_atomic(&pdf_path, &fax.pdf).await.map_err(io)?;
                let job = serde_json::json!({
                    "id": fax.notification_id,
                    "number": dial,
                    "title": fax.title,
                    "pdf": format!("{}.pdf", fax.notification_id),
                    "created_at": chrono::Utc::now().to_rfc3339(),
                });
                // The job file comes last: a consumer that sees it finds the PDF complete.
                write_atomic(&job_path, job.to_string().as_bytes())
                    .await
                    .map_err(io)?;
                Ok(format!("spool:{}", fax.notification_id))
            }
            FaxTransport::Email { template } => {
                let to = template.replace("{number}", &dial);
                mailer
                    .send(
                        from,
                        OutgoingMail {
                            notification_id: fax.notification_id,
                            to: &to,
                            subject: fax.title,
                            body: &format!("传真：{}\n页数见附件 PDF。", fax.title),
                            attachments: vec![OutgoingAttachment {
                                filename: format!("{}.pdf", fax.notification_id),
                                content_type: "application/pdf".into(),
                                bytes: fax.pdf,
                            }],
                        },
                    )
                    .await
            }
            FaxTransport::Http {
                client,
                url,
                token,
                lookup_url,
            } => {
                const WHAT: &str = "fax gateway";
                let auth = |req: reqwest::RequestBuilder| match token {
                    Some(t) => req.bearer_auth(t.expose()),
                    None => req,
                };
                if let Some(lookup) = lookup_url {
                    let id = fax.notification_id;
                    if let Some(job) =
                        gateway::lookup(WHAT, client, lookup, id, JOB_KEYS, auth).await?
                    {
                        tracing::info!(notification = id, job = %job, "the fax gateway already has this fax; not sending it again");
                        return Ok(job);
                    }
                }
                let part = reqwest::multipart::Part::bytes(fax.pdf)
                    .file_name(format!("{}.pdf", fax.notification_id))
                    .mime_str("application/pdf")
                    .map_err(|e| SendError::Permanent(e.to_string()))?;
                let form = reqwest::multipart::Form::new()
                    .text("to", dial)
                    .text("notification_id", fax.notification_id.to_string())
                    .text("title", fax.title.to_string())
                    .part("file", part);
                let req = client
                    .post(url)
                    .header("idempotency-key", fax.notification_id)
                    .multipart(form);
                let res = auth(req)
                    .send()
                    .await
                    .map_err(|e| gateway::unreachable(WHAT, e))?;
                let text = gateway::answer(WHAT, res).await?;
                Ok(
                    gateway_job_id(&text)
                        .unwrap_or_else(|| format!("http:{}", fax.notification_id)),
                )
            }
            FaxTransport::Hylafax(client) => client
                .submit(&dial, &fax.pdf, fax.notification_id)
                .await
                .map(|job| format!("hylafax:{job}"))
                .map_err(|e| match e {
                    hylafax::HylafaxError::Transient(m) => {
                        SendError::Transient(format!("HylaFAX: {m}"))
                    }
                    hylafax::HylafaxError::Permanent(m) => {
                        SendError::Permanent(format!("HylaFAX: {m}"))
                    }
                }),
        }
    }
}

/// Where a fax gateway's JSON answer names its job.
const JOB_KEYS: &[&str] = &["job_id", "jobId", "id"];

/// The job id in a fax gateway's JSON answer: `job_id`, `jobId` or `id`, string or number.
pub fn gateway_job_id(answer: &str) -> Option<String> {
    gateway::answer_id(answer, JOB_KEYS)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn job_ids_from_gateway_answers() {
        assert_eq!(
            gateway_job_id(r#"{"job_id":"J-1"}"#).as_deref(),
            Some("J-1")
        );
        assert_eq!(gateway_job_id(r#"{"id":42}"#).as_deref(), Some("42"));
        assert_eq!(gateway_job_id("not json"), None);
        assert_eq!(gateway_job_id(r#"{"id":""}"#), None);
    }
}
