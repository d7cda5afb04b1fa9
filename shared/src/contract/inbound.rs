//! An e-mail that came in to the centre's mailbox, as notify posts it to the ticket it belongs
//! to (`POST /api/v1/tickets/{id}/inbound`, issue 18), and what tickets made of it.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A received mail for a ticket. Notify posts it when it matched the mail to the ticket, or
/// when a supervisor attached an unmatched one by hand (`attached_by`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundMail {
    /// Notify's id of the inbound message: the same message is recorded once.
    pub message_key: String,
    /// The sender's address (`From`).
    pub from: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_name: Option<String>,
    pub subject: String,
    /// The body with quoted earlier text and the signature trimmed.
    pub text: String,
    /// When the mailbox received it (RFC 3339).
    pub received_at: chrono::DateTime<chrono::Utc>,
    #[serde(default)]
    pub attachments: Vec<InboundAttachment>,
    /// The supervisor who attached it by hand; none when notify matched it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attached_by: Option<String>,
}

impl InboundMail {
    /// Where it is posted: `POST /api/v1/tickets/{ticket}/inbound`.
    pub fn path(ticket: &str) -> String {
        format!("/api/v1/tickets/{ticket}/inbound")
    }
}

/// An attachment of a received mail, as listed on the ticket (notify keeps the bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundAttachment {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// How a received mail was recorded on the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboundRecordedAs {
    /// The liaison's reply (`reply` event; the ticket is replied).
    Reply,
    /// A note on the ticket (`inbound_mail` event; the state stays).
    Note,
}

/// The answer of `POST /api/v1/tickets/{id}/inbound`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboundRecorded {
    pub recorded_as: InboundRecordedAs,
    /// False when this message was recorded on the ticket before.
    pub recorded: bool,
}
