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
    /// A received fax (a message from the fax gateway): the sender's fax number as the gateway
    /// gave it. The ticket keeps it as a received fax reply awaiting confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fax: Option<String>,
}

impl InboundMail {
    /// Where it is posted: `POST /api/v1/tickets/{ticket}/inbound`.
    pub fn path(ticket: &str) -> String {
        format!("/api/v1/tickets/{ticket}/inbound")
    }
}

/// An attachment of a received mail. Posted to tickets with its bytes (`data`), which it keeps
/// as a ticket attachment when it is a PDF, TIFF, PNG or JPEG within its size limit; listed
/// without them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InboundAttachment {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Base64 of the bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<String>,
}

/// The answer of `POST /api/v1/faxes/inbound`: the urgent complaint a received fax was
/// attached to, for confirmation. A fax no ticket can be found for is a 409 whose detail says
/// why (it goes to the unmatched queue).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FaxRecorded {
    pub ticket_id: String,
    /// False when this message was recorded on the ticket before.
    pub recorded: bool,
}

impl FaxRecorded {
    /// Where notify posts a received fax for matching: `POST /api/v1/faxes/inbound`.
    pub const PATH: &str = "/api/v1/faxes/inbound";
}

/// How a received mail was recorded on the ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InboundRecordedAs {
    /// The liaison's reply (`reply` event; the ticket is replied).
    Reply,
    /// A note on the ticket (`inbound_mail` event; the state stays).
    Note,
    /// A received fax awaiting confirmation (`fax_received` event; the state stays until a
    /// supervisor confirms it as the department's reply).
    Fax,
}

/// The answer of `POST /api/v1/tickets/{id}/inbound`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboundRecorded {
    pub recorded_as: InboundRecordedAs,
    /// False when this message was recorded on the ticket before.
    pub recorded: bool,
}
