//! What the notify service accepts from the others.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Fax,
    /// A text message to a mainland mobile number.
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Fax => "fax",
            Channel::Sms => "sms",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        match s {
            "email" => Some(Channel::Email),
            "fax" => Some(Channel::Fax),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

/// A file sent with an e-mail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Attachment {
    pub filename: String,
    /// e.g. `application/pdf`.
    pub content_type: String,
    /// The file, base64-encoded.
    pub content_base64: String,
}

/// `POST /api/v1/notifications`: a template with data, or a ready subject and body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotificationRequest {
    pub channel: Channel,
    /// An e-mail address, a fax number (digits, `-`, `+`), or a mainland mobile number (11
    /// digits from `13` to `19`, `+86` or `0086` in front allowed).
    pub to: String,
    /// One of the stored templates (`GET /api/v1/templates`).
    #[serde(default)]
    pub template: Option<String>,
    /// Values for the template's placeholders (`{{ name }}`). A placeholder the template
    /// needs and `data` lacks refuses the request (400); a `null` counts as missing.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub data: BTreeMap<String, serde_json::Value>,
    #[serde(default)]
    pub subject: Option<String>,
    #[serde(default)]
    pub body: Option<String>,
    /// E-mail only.
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The ticket the delivery result is reported to.
    #[serde(default)]
    pub ticket_id: Option<String>,
}

impl NotificationRequest {
    /// A stored template filled with `data`, about `ticket_id`.
    pub fn template(
        channel: Channel,
        to: &str,
        template: &str,
        data: BTreeMap<String, serde_json::Value>,
        ticket_id: Option<&str>,
    ) -> NotificationRequest {
        NotificationRequest {
            channel,
            to: to.to_string(),
            template: Some(template.to_string()),
            data,
            subject: None,
            body: None,
            attachments: Vec::new(),
            ticket_id: ticket_id.map(str::to_string),
        }
    }
}
