//! Plain types and rules of the notify service: what a request may contain, how a job's
//! state moves, how long to wait before trying again.

use serde::{Deserialize, Serialize};
use shared::ApiError;
use shared::web::{check_len, check_required};
use utoipa::ToSchema;

pub mod inbound;
pub mod sms;
pub mod templates;

pub const MAX_SUBJECT: usize = 500;
pub const MAX_BODY: usize = 50_000;
pub const MAX_DATA_VALUE: usize = 20_000;
pub const MAX_DATA_KEYS: usize = 50;
pub const MAX_ATTACHMENTS: usize = 5;
/// Decoded size of all attachments together.
pub const MAX_ATTACHMENT_BYTES: usize = 1024 * 1024;

pub use shared::contract::notify::{Attachment, Channel, NotificationRequest};

/// `queued` (new or retried by hand) → `sending` (leased by a worker) → `sent`, or `failed`
/// (a transient error; tried again after a back-off) → … → `dead` (given up; an operator may
/// retry it).
///
/// `sent` means the provider accepted the message (the SMTP server, the fax gateway, HylaFAX).
/// A HylaFAX fax stays `sent` while HylaFAX still has it queued (`provider_status: queued`)
/// and is checked until HylaFAX reports it `delivered`; if HylaFAX fails or loses the job, the
/// notification goes back to `failed` (resubmitted after a back-off) or `dead`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Queued,
    Sending,
    Sent,
    Failed,
    Dead,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sending => "sending",
            Status::Sent => "sent",
            Status::Failed => "failed",
            Status::Dead => "dead",
        }
    }
    pub fn parse(s: &str) -> Option<Status> {
        Some(match s {
            "queued" => Status::Queued,
            "sending" => Status::Sending,
            "sent" => Status::Sent,
            "failed" => Status::Failed,
            "dead" => Status::Dead,
            _ => return None,
        })
    }
}

/// What the provider last said about an accepted (`sent`) message; only HylaFAX faxes are
/// read back, other transports leave it empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProviderStatus {
    /// Accepted and waiting in the provider's queue (or being dialled): not delivered yet.
    Queued,
    /// The provider reports the fax sent to the recipient.
    Delivered,
    /// The provider gave up on the job (or an operator killed it); retried as a new job.
    Failed,
    /// The job is in none of the provider's queues any more; retried as a new job.
    Lost,
}

impl ProviderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderStatus::Queued => "queued",
            ProviderStatus::Delivered => "delivered",
            ProviderStatus::Failed => "failed",
            ProviderStatus::Lost => "lost",
        }
    }
    pub fn parse(s: &str) -> Option<ProviderStatus> {
        Some(match s {
            "queued" => ProviderStatus::Queued,
            "delivered" => ProviderStatus::Delivered,
            "failed" => ProviderStatus::Failed,
            "lost" => ProviderStatus::Lost,
            _ => return None,
        })
    }
}

/// Prefix of the provider id of a fax submitted to HylaFAX (`hylafax:<job id>`).
pub const HYLAFAX_PREFIX: &str = "hylafax:";

/// The HylaFAX job id of a provider id, if the fax went through HylaFAX (whose jobs are read
/// back; other providers' ids are not).
pub fn hylafax_job(provider_id: &str) -> Option<&str> {
    provider_id
        .strip_prefix(HYLAFAX_PREFIX)
        .filter(|job| !job.is_empty())
}

/// What a check of an accepted fax found, as the service acts on it.
#[derive(Debug, Clone, PartialEq)]
pub enum FaxCheck {
    /// Still in the provider's queue: ask again later.
    Pending,
    Delivered,
    /// Failed or lost: a failed delivery (retry with back-off, or `dead`), with the error shown
    /// to supervisors and the ticket.
    Undelivered {
        status: ProviderStatus,
        error: String,
    },
}

/// Maps HylaFAX's answer about `job` to what the service does next.
pub fn fax_check(job: &str, state: &crate::fax::hylafax::JobState) -> FaxCheck {
    use crate::fax::hylafax::JobState;
    match state {
        JobState::Queued => FaxCheck::Pending,
        JobState::Done => FaxCheck::Delivered,
        JobState::Failed(why) => FaxCheck::Undelivered {
            status: ProviderStatus::Failed,
            error: format!("HylaFAX job {job} failed: {why}"),
        },
        JobState::Unknown => FaxCheck::Undelivered {
            status: ProviderStatus::Lost,
            error: format!("HylaFAX job {job} is in neither its send nor its done queue (lost)"),
        },
    }
}

/// Checks everything in a request that does not need the database.
pub fn validate(request: &NotificationRequest) -> Result<(), ApiError> {
    match request.channel {
        Channel::Email => validate_email(&request.to)?,
        Channel::Fax => validate_fax_number(&request.to)?,
        Channel::Sms => {
            sms::recipient(&request.to)?;
        }
    }
    match (&request.template, &request.body) {
        (Some(t), None) => {
            check_required("template", t, 64)?;
            if request.subject.is_some() {
                return Err(ApiError::bad_request(
                    "give either `template` (with `data`) or `subject` and `body`, not both",
                ));
            }
        }
        (None, Some(b)) => {
            check_required("body", b, MAX_BODY)?;
            match (&request.subject, request.channel) {
                (Some(s), _) => check_required("subject", s, MAX_SUBJECT)?,
                (None, Channel::Email) => {
                    return Err(ApiError::bad_request("an e-mail needs a `subject`"));
                }
                (None, Channel::Fax | Channel::Sms) => {}
            }
            if request.channel == Channel::Sms {
                sms::check_text(b)?;
            }
        }
        (Some(_), Some(_)) => {
            return Err(ApiError::bad_request(
                "give either `template` (with `data`) or `subject` and `body`, not both",
            ));
        }
        (None, None) => {
            return Err(ApiError::bad_request(
                "give `template` (with `data`) or `subject` and `body`",
            ));
        }
    }
    if request.data.len() > MAX_DATA_KEYS {
        return Err(ApiError::bad_request(format!(
            "`data` has more than {MAX_DATA_KEYS} keys"
        )));
    }
    for (k, v) in &request.data {
        if k.is_empty()
            || k.len() > 64
            || !k.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(ApiError::bad_request(format!(
                "`data` key `{}` must be 1-64 letters, digits or `_`",
                k.chars().take(64).collect::<String>()
            )));
        }
        match v {
            serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
                return Err(ApiError::bad_request(format!(
                    "`data.{k}` must be a string, number, boolean or null"
                )));
            }
            other => check_len(&format!("data.{k}"), &value_text(other), MAX_DATA_VALUE)?,
        }
    }
    if let Some(t) = &request.ticket_id {
        check_required("ticket_id", t, 64)?;
        if !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(ApiError::bad_request(
                "`ticket_id` may hold only letters, digits, `-` and `_`",
            ));
        }
    }
    if !request.attachments.is_empty() && request.channel != Channel::Email {
        return Err(ApiError::bad_request(
            "`attachments` are for e-mail; a fax or a text message is made from its text",
        ));
    }
    if request.attachments.len() > MAX_ATTACHMENTS {
        return Err(ApiError::bad_request(format!(
            "at most {MAX_ATTACHMENTS} attachments"
        )));
    }
    let mut total = 0usize;
    for a in &request.attachments {
        check_required("attachments.filename", &a.filename, 200)?;
        if a.filename.contains(['/', '\\', '\r', '\n', '"']) {
            return Err(ApiError::bad_request(
                "`attachments.filename` must be a plain file name",
            ));
        }
        lettre::message::header::ContentType::parse(&a.content_type)
            .map_err(|_| ApiError::bad_request("`attachments.content_type` is not a media type"))?;
        total += decode_attachment(a)?.len();
    }
    if total > MAX_ATTACHMENT_BYTES {
        return Err(ApiError::PayloadTooLarge(format!(
            "attachments exceed {MAX_ATTACHMENT_BYTES} bytes"
        )));
    }
    Ok(())
}

/// What is stored for an accepted request: its text, the recipient in its stored form (a
/// mobile number normalised: `13800138000`), and for a text message the number of messages it
/// is sent as.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub message: templates::Message,
    pub recipient: String,
    pub segments: Option<i32>,
}

/// The stored form of a valid request's text (`template` rendered with its data, see
/// [`templates::message`]); a 400 when the template lacks a value or a text message is too
/// long once rendered.
pub fn outgoing(
    request: &NotificationRequest,
    template: Option<&templates::Template>,
    details: &templates::HotlineDetails,
) -> Result<Outgoing, ApiError> {
    let message = templates::message(request, template, details)?;
    let (recipient, segments) = match request.channel {
        Channel::Sms => {
            let parts = sms::check_text(&message.body)?;
            (
                sms::recipient(&request.to)?,
                Some(i32::try_from(parts).unwrap_or(i32::MAX)),
            )
        }
        Channel::Email | Channel::Fax => (request.to.clone(), None),
    };
    Ok(Outgoing {
        message,
        recipient,
        segments,
    })
}

/// The canonical form compared for a repeated `Idempotency-Key` (`data` is a sorted map).
pub fn fingerprint(request: &NotificationRequest) -> Result<String, ApiError> {
    Ok(serde_json::to_string(request)?)
}

pub fn decode_attachment(a: &Attachment) -> Result<Vec<u8>, ApiError> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(a.content_base64.trim())
        .map_err(|_| ApiError::bad_request("`attachments.content_base64` is not base64"))
}

/// The text a `data` value renders as.
pub fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn validate_email(to: &str) -> Result<(), ApiError> {
    check_required("to", to, 254)?;
    // The rule every service uses (`shared::values::Email`).
    shared::values::Email::parse(to)
        .map(|_| ())
        .ok_or_else(|| ApiError::bad_request("`to` is not an e-mail address"))
}

/// Digits, `-` and `+` (a `+` only in front), 6 to 20 digits.
pub fn validate_fax_number(to: &str) -> Result<(), ApiError> {
    if is_fax_number(to) {
        Ok(())
    } else {
        Err(ApiError::bad_request(
            "`to` is not a fax number (digits, `-`, `+`; 6-20 digits)",
        ))
    }
}

/// The rule for a fax number (one for every service), also checked by the HylaFAX client
/// before it dials.
pub use shared::values::is_fax_number;

/// The number a fax transport dials: the digits, with a leading `+` kept.
pub fn dial_string(number: &str) -> String {
    let digits: String = number.chars().filter(char::is_ascii_digit).collect();
    if number.starts_with('+') {
        format!("+{digits}")
    } else {
        digits
    }
}

/// A new notification id: 32 random hex digits (also the left part of the Message-ID).
pub fn new_id() -> String {
    use rand::Rng;
    let n: u128 = rand::rng().random();
    format!("{n:032x}")
}

/// Exponential back-off with "equal jitter": half the step fixed, half random, capped.
/// `attempt` is the number of attempts made so far (1 after the first failure).
pub fn backoff_ms(attempt: i32, base_ms: u64, max_ms: u64, jitter: f64) -> u64 {
    let exp = u32::try_from(attempt.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
    let step = base_ms.saturating_mul(1u64 << exp).min(max_ms);
    let half = step / 2;
    half + (half as f64 * jitter.clamp(0.0, 1.0)) as u64
}

/// A notification as supervisors see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub channel: Channel,
    pub to: String,
    pub template: Option<String>,
    pub subject: String,
    pub body: String,
    pub ticket_id: Option<String>,
    pub status: Status,
    pub attempts: i32,
    pub max_attempts: i32,
    pub last_error: Option<String>,
    /// The SMTP Message-ID, the fax gateway's job id, or the SMS gateway's message id.
    pub provider_id: Option<String>,
    /// Text messages: how many messages the text is sent as (70 characters in one, 67 per
    /// part of a longer one).
    pub segments: Option<i32>,
    pub created_at: chrono::DateTime<chrono::Utc>,
    pub updated_at: chrono::DateTime<chrono::Utc>,
    pub next_attempt_at: Option<chrono::DateTime<chrono::Utc>>,
    pub sent_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the result was reported to the ticket service.
    pub reported_at: Option<chrono::DateTime<chrono::Utc>>,
    /// What the provider last said about the accepted message (HylaFAX faxes only).
    pub provider_status: Option<ProviderStatus>,
    /// When the provider was last asked.
    pub provider_checked_at: Option<chrono::DateTime<chrono::Utc>>,
    /// When the provider reported the fax delivered.
    pub delivered_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// The `202` answer of an accepted notification.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Accepted {
    pub id: String,
    pub status: Status,
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn email(to: &str) -> NotificationRequest {
        NotificationRequest {
            channel: Channel::Email,
            to: to.into(),
            template: None,
            data: BTreeMap::new(),
            subject: Some("s".into()),
            body: Some("b".into()),
            attachments: vec![],
            ticket_id: None,
        }
    }

    #[test]
    fn fax_numbers() {
        for ok in [
            "0871-12345",
            "+86 871 1234567".replace(' ', "-").as_str(),
            "123456",
        ] {
            assert!(validate_fax_number(ok).is_ok(), "{ok}");
        }
        for bad in [
            "12345",
            "0871 123456",
            "0871-1234;rm -rf /",
            "$(reboot)",
            "1+23456789",
            "123456789012345678901",
            "",
            "--------",
        ] {
            assert!(validate_fax_number(bad).is_err(), "{bad}");
        }
        assert_eq!(dial_string("+86-871-1234567"), "+868711234567");
    }

    #[test]
    fn request_shapes() {
        assert!(validate(&email("a@b.example")).is_ok());
        assert!(validate(&email("not an address")).is_err());
        let mut r = email("a@b.example");
        r.template = Some("dispatch".into());
        assert!(validate(&r).is_err(), "template and body together");
        r.subject = None;
        r.body = None;
        assert!(validate(&r).is_ok());
        r.data.insert("x".into(), serde_json::json!({"nested": 1}));
        assert!(validate(&r).is_err());
        let mut f = email("0871-1234567");
        f.channel = Channel::Fax;
        f.subject = None;
        assert!(validate(&f).is_ok());
        f.attachments.push(Attachment {
            filename: "a.pdf".into(),
            content_type: "application/pdf".into(),
            content_base64: "JVBERg==".into(),
        });
        assert!(validate(&f).is_err());
    }

    #[test]
    fn text_messages() {
        let mut m = email("+86 138-0013-8000");
        m.channel = Channel::Sms;
        m.subject = None;
        m.body = Some("工单已派发，请签收".into());
        assert!(validate(&m).is_ok());
        let out = outgoing(&m, None, &templates::HotlineDetails::default()).unwrap();
        assert_eq!(out.recipient, "13800138000");
        assert_eq!(out.segments, Some(1));
        assert_eq!(out.message.subject, "短信");
        m.body = Some("字".repeat(sms::MAX_CHARS + 1));
        assert!(validate(&m).is_err(), "too long");
        m.body = Some("短".into());
        m.to = "0871-64590534".into();
        assert!(validate(&m).is_err(), "a landline");
        m.to = "13800138000".into();
        m.attachments.push(Attachment {
            filename: "a.pdf".into(),
            content_type: "application/pdf".into(),
            content_base64: "JVBERg==".into(),
        });
        assert!(validate(&m).is_err(), "no attachments");
        let e = email("a@b.example");
        assert_eq!(
            outgoing(&e, None, &templates::HotlineDetails::default())
                .unwrap()
                .segments,
            None
        );
    }

    #[test]
    fn fingerprint_ignores_data_order() {
        let mut a = email("a@b.example");
        a.data.insert("b".into(), "2".into());
        a.data.insert("a".into(), "1".into());
        let mut b = email("a@b.example");
        b.data.insert("a".into(), "1".into());
        b.data.insert("b".into(), "2".into());
        assert_eq!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
        b.to = "c@d.example".into();
        assert_ne!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
    }

    #[test]
    fn hylafax_answers_become_actions() {
        use crate::fax::hylafax::JobState;
        assert_eq!(hylafax_job("hylafax:17"), Some("17"));
        assert_eq!(hylafax_job("hylafax:"), None);
        assert_eq!(hylafax_job("GW-3"), None);
        assert_eq!(hylafax_job("<abc@hotline>"), None);
        assert_eq!(fax_check("7", &JobState::Queued), FaxCheck::Pending);
        assert_eq!(fax_check("7", &JobState::Done), FaxCheck::Delivered);
        assert_eq!(
            fax_check("7", &JobState::Failed("Job aborted by request".into())),
            FaxCheck::Undelivered {
                status: ProviderStatus::Failed,
                error: "HylaFAX job 7 failed: Job aborted by request".into()
            }
        );
        assert!(matches!(
            fax_check("7", &JobState::Unknown),
            FaxCheck::Undelivered { status: ProviderStatus::Lost, error } if error.contains("lost")
        ));
        for s in [
            ProviderStatus::Queued,
            ProviderStatus::Delivered,
            ProviderStatus::Failed,
            ProviderStatus::Lost,
        ] {
            assert_eq!(ProviderStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert_eq!(backoff_ms(1, 1000, 60_000, 0.0), 500);
        assert_eq!(backoff_ms(1, 1000, 60_000, 1.0), 1000);
        assert_eq!(backoff_ms(3, 1000, 60_000, 1.0), 4000);
        assert_eq!(backoff_ms(30, 1000, 60_000, 1.0), 60_000);
        assert!(backoff_ms(2, 1000, 60_000, 0.5) >= 1000);
    }
}
