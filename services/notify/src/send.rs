//! One delivery attempt of one notification, through the configured e-mail, fax or SMS
//! transport.

use std::collections::BTreeMap;

use lettre::message::Mailbox;

use crate::config::NotifyConfig;
use crate::db::notifications::NotificationRow;
use crate::domain::{Attachment, Channel, decode_attachment, value_text};
use crate::fax::pdf::{FaxDocument, render};
use crate::fax::{FaxTransport, OutgoingFax};
use crate::mail::{Mailer, OutgoingAttachment, OutgoingMail};
use crate::sms::{OutgoingSms, SmsTransport};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SendError {
    /// May succeed later: the server is down, busy, or answered 4xx (SMTP) / 5xx (HTTP).
    #[error("{0}")]
    Transient(String),
    /// Will never succeed: SMTP 5xx, a refused number, a bad address.
    #[error("{0}")]
    Permanent(String),
}

pub struct Sender {
    pub mailer: Mailer,
    pub fax: FaxTransport,
    pub sms: SmsTransport,
    pub from: Mailbox,
    /// Printed in every fax's header, and its sender unless the data names one.
    pub hotline_name: String,
}

impl Sender {
    pub fn from_config(config: &NotifyConfig) -> Result<Sender, String> {
        let address = config
            .mail_from
            .parse::<lettre::Address>()
            .map_err(|e| format!("mail_from: {e}"))?;
        Ok(Sender {
            mailer: Mailer::from_config(config)?,
            fax: FaxTransport::from_config(config)?,
            sms: SmsTransport::from_config(config)?,
            from: Mailbox::new(Some(config.mail_from_name.clone()), address),
            hotline_name: config.hotline_name.clone(),
        })
    }

    /// Sends once; the provider id (Message-ID, fax job id, SMS message id) on success.
    pub async fn deliver(&self, row: &NotificationRow) -> Result<String, SendError> {
        match row.channel() {
            Channel::Email => {
                let attachments: Vec<Attachment> = serde_json::from_str(&row.attachments)
                    .map_err(|e| SendError::Permanent(format!("stored attachments: {e}")))?;
                let mut files = Vec::with_capacity(attachments.len());
                for a in &attachments {
                    files.push(OutgoingAttachment {
                        filename: a.filename.clone(),
                        content_type: a.content_type.clone(),
                        bytes: decode_attachment(a)
                            .map_err(|e| SendError::Permanent(e.to_string()))?,
                    });
                }
                self.mailer
                    .send(
                        &self.from,
                        OutgoingMail {
                            notification_id: &row.id,
                            to: &row.recipient,
                            subject: &row.subject,
                            body: &row.body,
                            attachments: files,
                        },
                    )
                    .await
            }
            Channel::Fax => {
                let doc = self.fax_document(row);
                // Rendering is CPU work (font subsetting): keep it off the async threads.
                let pdf = tokio::task::spawn_blocking(move || render(&doc))
                    .await
                    .map_err(|e| SendError::Transient(format!("render task: {e}")))?
                    .map_err(SendError::Permanent)?;
                self.fax
                    .send(
                        OutgoingFax {
                            notification_id: &row.id,
                            number: &row.recipient,
                            title: &row.subject,
                            pdf,
                        },
                        &self.mailer,
                        &self.from,
                    )
                    .await
            }
            Channel::Sms => {
                let text = &row.body;
                let segments = row
                    .segments
                    .and_then(|n| usize::try_from(n).ok())
                    .unwrap_or_else(|| crate::domain::sms::segments(text));
                self.sms
                    .send(OutgoingSms {
                        notification_id: &row.id,
                        to: &row.recipient,
                        text,
                        segments,
                    })
                    .await
            }
        }
    }

    pub fn fax_document(&self, row: &NotificationRow) -> FaxDocument {
        let data: BTreeMap<String, serde_json::Value> =
            serde_json::from_str(&row.data).unwrap_or_default();
        let get = |k: &str| data.get(k).map(value_text).unwrap_or_default();
        let department = Some(get("department_name"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| get("department"));
        let sender = Some(get("sender"))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| self.hotline_name.clone());
        let ticket = row.ticket_id.clone().unwrap_or_else(|| get("ticket_id"));
        FaxDocument {
            hotline_name: self.hotline_name.clone(),
            title: row.subject.clone(),
            ticket_id: ticket,
            department,
            due_at: format_due(&get("due_at")),
            body: row.body.clone(),
            sender,
            sent_at: chrono::Utc::now()
                .with_timezone(&china())
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        }
    }
}

/// UTC+8, the hotline's local time, without a time-zone database.
fn china() -> chrono::FixedOffset {
    use chrono::Offset;
    chrono::FixedOffset::east_opt(8 * 3600).unwrap_or_else(|| chrono::Utc.fix())
}

/// An RFC 3339 deadline shown in local time; anything else as given.
fn format_due(s: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| {
            t.with_timezone(&china())
                .format("%Y-%m-%d %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| s.to_string())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::domain::NotificationRequest;
    use crate::domain::templates::Message;
    use crate::mail::Outbox;

    /// A fax through an e-mail-to-fax gateway: the rendered PDF goes, attached, to the
    /// gateway's address for the number (kept by the in-memory mailer, no SMTP server).
    #[tokio::test]
    async fn a_fax_by_email_gateway_carries_the_pdf() {
        let outbox = Outbox::default();
        let sender = Sender {
            mailer: Mailer::Memory(outbox.clone()),
            fax: FaxTransport::Email {
                template: "{number}@fax.example".into(),
            },
            sms: SmsTransport::Spool(std::env::temp_dir()),
            from: "Hotline <hotline@example.org>".parse().unwrap(),
            hotline_name: "12345热线".into(),
        };
        let request: NotificationRequest = serde_json::from_value(serde_json::json!({
            "channel": "fax", "to": "0871-1234567", "body": "请核实",
        }))
        .unwrap();
        let message = Message {
            subject: "传真".into(),
            body: "请核实".into(),
        };
        let outgoing = crate::domain::Outgoing {
            message,
            recipient: request.to.clone(),
            segments: None,
        };
        let row = NotificationRow::queued("n1".into(), None, "{}".into(), &request, outgoing, 3, 0)
            .unwrap();
        assert_eq!(sender.deliver(&row).await.unwrap(), "<n1@hotline>");
        let sent = outbox.messages();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].to, ["08711234567@fax.example"]);
        let raw = String::from_utf8_lossy(&sent[0].raw);
        assert!(raw.contains("application/pdf"), "{raw}");
        assert!(raw.contains("n1.pdf"), "{raw}");
    }
}
