//! E-mail: messages built only through lettre's typed builder, sent over SMTP, written as
//! `.eml` files when no SMTP server is configured, or kept in memory (unit tests).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::{Attachment as MailAttachment, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::PoolConfig;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::NotifyConfig;
use crate::send::SendError;

/// One file attached to an outgoing message.
pub struct OutgoingAttachment {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// An e-mail to send; every field is data, none is ever parsed as a header.
pub struct OutgoingMail<'a> {
    pub notification_id: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub attachments: Vec<OutgoingAttachment>,
}

#[derive(Clone)]
pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// The embedded default: `<dir>/<notification id>.eml`.
    Dir(PathBuf),
    /// Kept in memory, for tests of the code that sends without an SMTP server.
    Memory(Outbox),
}

impl Mailer {
    pub fn from_config(c: &NotifyConfig) -> Result<Mailer, String> {
        match &c.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose())
                    // The URL may carry a password: say only that it is wrong.
                    .map_err(|_| "HOTLINE_SMTP_URL is not a valid smtp:// or smtps:// URL")?
                    .timeout(Some(Duration::from_secs(c.smtp_timeout_secs)))
                    // One connection per worker. lettre sends the final "." in a write of its
                    // own without TCP_NODELAY, so each message waits out the server's delayed
                    // ACK (~40 ms on Linux): throughput comes from parallel connections.
                    .pool_config(PoolConfig::new().max_size(c.workers.clamp(1, 64) as u32))
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => Ok(Mailer::Dir(c.mail_dir.clone())),
        }
    }

    /// Sends and returns the Message-ID.
    pub async fn send(&self, from: &Mailbox, mail: OutgoingMail<'_>) -> Result<String, SendError> {
        let message_id = message_id(mail.notification_id);
        let message = build(from, &message_id, &mail)?;
        match self {
            Mailer::Smtp(t) => {
                t.send(message).await.map_err(|e| {
                    let text = format!("SMTP: {e}");
                    if e.is_permanent() {
                        SendError::Permanent(text)
                    } else {
                        SendError::Transient(text)
                    }
                })?;
            }
            Mailer::Dir(dir) => {
                let path = dir.join(format!("{}.eml", mail.notification_id));
                write_atomic(&path, &message.formatted())
                    .await
                    .map_err(|e| SendError::Transient(format!("write {}: {e}", path.display())))?;
            }
            Mailer::Memory(outbox) => outbox.push(KeptMail {
                message_id: message_id.clone(),
                to: message
                    .envelope()
                    .to()
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
                subject: one_line(mail.subject),
                raw: message.formatted(),
            }),
        }
        Ok(message_id)
    }
}

/// A message the in-memory mailer kept.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptMail {
    pub message_id: String,
    /// The envelope's recipients.
    pub to: Vec<String>,
    /// The subject as given (one line), before header encoding.
    pub subject: String,
    /// The whole message as it would go over SMTP.
    pub raw: Vec<u8>,
}

/// The messages an in-memory mailer was given, shared by its clones.
#[derive(Debug, Clone, Default)]
pub struct Outbox(Arc<Mutex<Vec<KeptMail>>>);

impl Outbox {
    /// Every message kept so far, oldest first.
    pub fn messages(&self) -> Vec<KeptMail> {
        self.lock().clone()
    }

    fn push(&self, mail: KeptMail) {
        self.lock().push(mail);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<KeptMail>> {
        // A panic while holding the lock leaves a list that is still whole.
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The same for every attempt, so receivers can drop a duplicate.
pub fn message_id(notification_id: &str) -> String {
    format!("<{notification_id}@hotline>")
}

/// A subject is one line: line breaks and other control characters become spaces before
/// lettre (which encodes the header properly anyway) ever sees it.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

pub fn build(
    from: &Mailbox,
    message_id: &str,
    mail: &OutgoingMail<'_>,
) -> Result<Message, SendError> {
    let to: Mailbox = mail
        .to
        .parse::<lettre::Address>()
        .map(|a| Mailbox::new(None, a))
        .map_err(|e| SendError::Permanent(format!("invalid recipient: {e}")))?;
    let builder = Message::builder()
        .from(from.clone())
        .to(to)
        .subject(one_line(mail.subject))
        .message_id(Some(message_id.to_string()));
    let text = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body.to_string());
    let built = if mail.attachments.is_empty() {
        builder.singlepart(text)
    } else {
        let mut multi = MultiPart::mixed().singlepart(text);
        for a in &mail.attachments {
            let ct = ContentType::parse(&a.content_type)
                .map_err(|_| SendError::Permanent("bad attachment content type".into()))?;
            multi =
                multi.singlepart(MailAttachment::new(a.filename.clone()).body(a.bytes.clone(), ct));
        }
        builder.multipart(multi)
    };
    built.map_err(|e| SendError::Permanent(format!("cannot build the message: {e}")))
}

/// Writes through a temporary file and a rename, so a reader never sees half a file. The
/// spools hold callers' complaints: folders are created `rwxr-x---` and files `rw-r-----`, for
/// the service's user and the group that collects them only.
pub async fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use tokio::io::AsyncWriteExt;
    if let Some(dir) = path.parent() {
        let mut builder = tokio::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        builder.mode(0o750);
        builder.create(dir).await?;
    }
    let tmp = path.with_extension("part");
    let mut options = tokio::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    options.mode(0o640);
    let mut file = options.open(&tmp).await?;
    file.write_all(bytes).await?;
    file.flush().await?;
    drop(file);
    tokio::fs::rename(&tmp, path).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    /// Issue 16, finding 8: spooled mail and faxes are not world-readable.
    #[cfg(unix)]
    #[tokio::test]
    async fn spool_files_are_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = testkit::TempDir::new("spool-mode").unwrap();
        let path = dir.path().join("mail/new/1.eml");
        write_atomic(&path, b"x").await.unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o640);
        assert_eq!(mode(path.parent().unwrap()), 0o750);
    }

    fn config(url: Option<&str>) -> NotifyConfig {
        let mut pairs = vec![];
        if let Some(u) = url {
            pairs.push(("smtp_url", u));
        }
        let c = shared::config::Config::from_pairs(pairs);
        NotifyConfig::from_config(&c, std::path::Path::new("/tmp/x")).unwrap()
    }

    #[tokio::test]
    async fn smtp_urls_and_the_embedded_default() {
        for ok in [
            "smtp://127.0.0.1:2525",
            "smtps://user:secret-pw@mail.example.org",
            "smtp://user:secret-pw@mail.example.org:587?tls=required",
        ] {
            assert!(
                matches!(Mailer::from_config(&config(Some(ok))), Ok(Mailer::Smtp(_))),
                "{ok}"
            );
        }
        let err = Mailer::from_config(&config(Some("ftp://user:secret-pw@host")))
            .err()
            .unwrap();
        assert!(!err.contains("secret-pw"), "{err}");
        assert!(
            matches!(Mailer::from_config(&config(None)), Ok(Mailer::Dir(d)) if d.ends_with("mail"))
        );
    }

    #[test]
    fn subject_line_breaks_do_not_make_headers() {
        let from: Mailbox = "Hotline <hotline@example.org>".parse().unwrap();
        let mail = OutgoingMail {
            notification_id: "abc",
            to: "liaison@example.org",
            subject: "你好\r\nBcc: victim@evil.example\r\nX-Evil: 1",
            body: "正文\r\nBcc: nobody@evil.example",
            attachments: vec![],
        };
        let m = build(&from, &message_id("abc"), &mail).unwrap();
        let text = String::from_utf8_lossy(&m.formatted()).to_string();
        let head = text.split("\r\n\r\n").next().unwrap();
        assert!(
            !head
                .lines()
                .any(|l| l.to_ascii_lowercase().starts_with("bcc:")),
            "{head}"
        );
        assert!(!head.lines().any(|l| l.starts_with("X-Evil")), "{head}");
        assert!(head.contains("Message-ID: <abc@hotline>"), "{head}");
        assert_eq!(m.envelope().to().len(), 1);
    }
}
