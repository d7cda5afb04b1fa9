//! The IMAP client of inbound mail (issue 18): a mailbox URL, a session over TCP, TLS
//! (`imaps://`) or STARTTLS (offered by an `imap://` server), and the few commands fetching
//! needs. The rules of what is stored live in `app::inbound`; this file only talks IMAP.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use async_imap::imap_proto::{Capability, Response, ResponseCode};
use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

/// Every command waits at most this long: a server that stops answering ends the round,
/// and the next poll starts afresh.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The keyword set on a message once it is stored (with `\Seen`), so a person looking at the
/// mailbox sees what the hotline took; messages are never deleted.
pub const STORED_KEYWORD: &str = "$HotlineStored";

/// One mailbox of `HOTLINE_IMAP_URL`: `imap[s]://user:password@host[:port]/Folder`.
#[derive(Clone, PartialEq, Eq)]
pub struct MailboxUrl {
    pub tls: bool,
    pub host: String,
    pub port: u16,
    pub user: String,
    password: String,
    pub folder: String,
}

impl std::fmt::Debug for MailboxUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl MailboxUrl {
    /// Reads a mailbox URL; the error never repeats the password.
    pub fn parse(text: &str) -> Result<MailboxUrl, String> {
        let url = reqwest::Url::parse(text).map_err(|e| format!("not a URL: {e}"))?;
        let tls = match url.scheme() {
            "imap" => false,
            "imaps" => true,
            other => return Err(format!("scheme must be imap or imaps, not {other}")),
        };
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())
            .ok_or("no host")?
            .trim_matches(['[', ']'])
            .to_string();
        let user = percent_decode(url.username());
        if user.is_empty() {
            return Err("no user (imap://user:password@host/Folder)".into());
        }
        let password = percent_decode(url.password().unwrap_or_default());
        let folder = percent_decode(url.path().trim_start_matches('/'));
        // IMAP names folders in its own modified UTF-7 (RFC 3501 5.1.3): 回复 is `&Vt5ZDQ-`.
        if !folder.is_ascii() {
            return Err(
                "write a non-ASCII folder name in IMAP's modified UTF-7 (e.g. 回复 as &Vt5ZDQ-)"
                    .into(),
            );
        }
        Ok(MailboxUrl {
            tls,
            port: url.port().unwrap_or(if tls { 993 } else { 143 }),
            host,
            user,
            password,
            folder: if folder.is_empty() {
                "INBOX".into()
            } else {
                folder
            },
        })
    }

    /// The mailbox without its password: its name in the database and in logs.
    pub fn name(&self) -> String {
        let scheme = if self.tls { "imaps" } else { "imap" };
        format!(
            "{scheme}://{}@{}:{}/{}",
            self.user, self.host, self.port, self.folder
        )
    }
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%'
            && i + 2 < b.len()
            && let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2]))
        {
            out.push((h * 16 + l) as u8);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A connection before or after TLS.
#[derive(Debug)]
pub enum Stream {
    Plain(TcpStream),
    Tls(Box<TlsStream<TcpStream>>),
}

impl AsyncRead for Stream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_read(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Stream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_write(cx, buf),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_write(cx, buf),
        }
    }
    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_flush(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_flush(cx),
        }
    }
    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        match self.get_mut() {
            Stream::Plain(s) => Pin::new(s).poll_shutdown(cx),
            Stream::Tls(s) => Pin::new(s.as_mut()).poll_shutdown(cx),
        }
    }
}

pub type Session = async_imap::Session<Stream>;

/// Why a round with a mailbox ended early; every one is retried at the next poll.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    #[error("IMAP: {0}")]
    Imap(#[from] async_imap::error::Error),
    #[error("IMAP connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("IMAP server did not answer within {0:?}")]
    Timeout(Duration),
    #[error("IMAP: {0}")]
    Protocol(String),
}

async fn timed<T, E: Into<ImapError>>(
    f: impl std::future::Future<Output = Result<T, E>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(TIMEOUT, f).await {
        Ok(r) => r.map_err(Into::into),
        Err(_) => Err(ImapError::Timeout(TIMEOUT)),
    }
}

/// Whom TLS trusts: the public roots, and the certificates of `HOTLINE_IMAP_CA_FILE`.
#[derive(Clone)]
pub struct Tls(tokio_rustls::TlsConnector);

impl Tls {
    /// The public roots, and the PEM certificates of `ca_file` if given (an unreadable file,
    /// or one without a certificate, is an error: the mailbox would never connect).
    pub fn new(ca_file: Option<&std::path::Path>) -> Result<Tls, String> {
        use tokio_rustls::rustls::pki_types::CertificateDer;
        use tokio_rustls::rustls::pki_types::pem::PemObject;
        let mut roots = tokio_rustls::rustls::RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        if let Some(path) = ca_file {
            let what = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| what(&e))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| what(&e))?;
            if certs.is_empty() {
                return Err(what(&"no PEM certificate in it"));
            }
            for c in certs {
                roots.add(c).map_err(|e| what(&e))?;
            }
        }
        let config = tokio_rustls::rustls::ClientConfig::builder_with_provider(Arc::new(
            tokio_rustls::rustls::crypto::aws_lc_rs::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
        Ok(Tls(tokio_rustls::TlsConnector::from(Arc::new(config))))
    }
}

async fn start_tls(url: &MailboxUrl, tls: &Tls, tcp: TcpStream) -> Result<Stream, ImapError> {
    let name = tokio_rustls::rustls::pki_types::ServerName::try_from(url.host.clone())
        .map_err(|e| ImapError::Protocol(format!("bad TLS server name: {e}")))?;
    let stream = timed(tls.0.connect(name, tcp)).await?;
    Ok(Stream::Tls(Box::new(stream)))
}

/// Whether a greeting lists STARTTLS among its capabilities (Dovecot, Cyrus and most others
/// put them in the greeting; a server that does not is spoken to in the clear, as its URL
/// says `imap://`).
fn offers_starttls(greeting: &Response<'_>) -> bool {
    let caps = match greeting {
        Response::Data { outcome, .. } => match &outcome.code {
            Some(ResponseCode::Capabilities(c)) => c.as_slice(),
            _ => return false,
        },
        Response::Capabilities(c) => c.as_slice(),
        _ => return false,
    };
    caps.iter()
        .any(|c| matches!(c, Capability::Atom(a) if a.eq_ignore_ascii_case("STARTTLS")))
}

/// Connects (TLS trusting `tls`) and signs in.
pub async fn connect(url: &MailboxUrl, tls: &Tls) -> Result<Session, ImapError> {
    let tcp = timed(TcpStream::connect((url.host.as_str(), url.port))).await?;
    let stream = if url.tls {
        start_tls(url, tls, tcp).await?
    } else {
        Stream::Plain(tcp)
    };
    let mut client = async_imap::Client::new(stream);
    let greeting = timed(client.read_response())
        .await?
        .ok_or_else(|| ImapError::Protocol("closed before its greeting".into()))?;
    if !url.tls && offers_starttls(greeting.parsed()) {
        timed(client.run_command_and_check_ok("STARTTLS", None)).await?;
        let Stream::Plain(tcp) = client.into_inner() else {
            return Err(ImapError::Protocol("STARTTLS on a TLS stream".into()));
        };
        client = async_imap::Client::new(start_tls(url, tls, tcp).await?);
    }
    match tokio::time::timeout(TIMEOUT, client.login(&url.user, &url.password)).await {
        Ok(Ok(session)) => Ok(session),
        Ok(Err((e, _))) => Err(e.into()),
        Err(_) => Err(ImapError::Timeout(TIMEOUT)),
    }
}

/// Whether the server offers IDLE (RFC 2177).
pub async fn offers_idle(session: &mut Session) -> Result<bool, ImapError> {
    Ok(timed(session.capabilities()).await?.has_str("IDLE"))
}

/// Waits in IDLE on the selected folder until the server reports a change or `at_most` has
/// passed, then ends IDLE; the session is ready for the next command.
pub async fn idle(session: Session, at_most: Duration) -> Result<Session, ImapError> {
    let mut handle = session.idle();
    timed(handle.init()).await?;
    {
        // The stop source ends the wait when dropped: kept until the wait is over.
        let (wait, _stop) = handle.wait_with_timeout(at_most);
        // A server that keeps sending keepalives would reset the library's timer.
        if let Ok(answer) = tokio::time::timeout(at_most + Duration::from_secs(1), wait).await {
            answer?;
        }
    }
    timed(handle.done()).await
}

/// Selects the folder; its UIDVALIDITY (0 when the server gives none).
pub async fn select(session: &mut Session, folder: &str) -> Result<u32, ImapError> {
    let mailbox = timed(session.select(folder)).await?;
    Ok(mailbox.uid_validity.unwrap_or(0))
}

/// The UIDs above `after`, lowest first. (`n:*` always answers the highest UID even when it is
/// below `n`: filtered here.)
pub async fn uids_after(session: &mut Session, after: u32) -> Result<Vec<u32>, ImapError> {
    let found = timed(session.uid_search(format!("UID {}:*", after.saturating_add(1)))).await?;
    let mut uids: Vec<u32> = found.into_iter().filter(|u| *u > after).collect();
    uids.sort_unstable();
    Ok(uids)
}

/// The UIDs up to `last` not yet flagged as taken: stored by a run that died before it could
/// flag them (the mark moves with the store, so they are not fetched again).
pub async fn unflagged_upto(session: &mut Session, last: u32) -> Result<Vec<u32>, ImapError> {
    if last == 0 {
        return Ok(Vec::new());
    }
    let query = format!("UID 1:{last} UNKEYWORD {STORED_KEYWORD}");
    let mut uids: Vec<u32> = timed(session.uid_search(query))
        .await?
        .into_iter()
        .collect();
    uids.retain(|u| *u <= last);
    uids.sort_unstable();
    Ok(uids)
}

/// The size of message `uid`, before fetching it.
pub async fn size(session: &mut Session, uid: u32) -> Result<Option<u32>, ImapError> {
    let fetched = fetch(session, uid, "RFC822.SIZE").await?;
    Ok(fetched
        .iter()
        .find(|f| f.uid == Some(uid))
        .and_then(|f| f.size))
}

/// The whole message `uid`, without setting `\Seen` (that is done once it is stored).
pub async fn body(session: &mut Session, uid: u32) -> Result<Option<Vec<u8>>, ImapError> {
    let fetched = fetch(session, uid, "BODY.PEEK[]").await?;
    Ok(fetched
        .iter()
        .find(|f| f.uid == Some(uid))
        .and_then(|f| f.body().map(<[u8]>::to_vec)))
}

/// `UID FETCH uid items`, within the command timeout.
async fn fetch(
    session: &mut Session,
    uid: u32,
    items: &str,
) -> Result<Vec<async_imap::types::Fetch>, ImapError> {
    timed(async {
        session
            .uid_fetch(uid.to_string(), items)
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await
}

/// Marks message `uid` as taken: `\Seen` and [`STORED_KEYWORD`], or `\Seen` alone where the
/// folder takes no keywords. Never deleted.
pub async fn mark_stored(session: &mut Session, uid: u32) -> Result<(), ImapError> {
    let flags = format!("+FLAGS.SILENT (\\Seen {STORED_KEYWORD})");
    let with_keyword = timed(async {
        session
            .uid_store(uid.to_string(), &flags)
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await;
    if with_keyword.is_ok() {
        return Ok(());
    }
    timed(async {
        session
            .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Seen)")
            .await?
            .try_collect::<Vec<_>>()
            .await
    })
    .await?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn mailbox_urls() {
        let m =
            MailboxUrl::parse("imap://hotline%40gov.cn:p%40ss@127.0.0.1:10143/Replies").unwrap();
        assert_eq!(
            (
                m.tls,
                m.host.as_str(),
                m.port,
                m.user.as_str(),
                m.password.as_str(),
                m.folder.as_str()
            ),
            (
                false,
                "127.0.0.1",
                10143,
                "hotline@gov.cn",
                "p@ss",
                "Replies"
            )
        );
        assert_eq!(m.name(), "imap://hotline@gov.cn@127.0.0.1:10143/Replies");
        assert!(!format!("{m:?}").contains("p@ss"));
        let s = MailboxUrl::parse("imaps://u:secret@mail.example.org").unwrap();
        assert_eq!((s.tls, s.port, s.folder.as_str()), (true, 993, "INBOX"));
        for bad in [
            "pop3://u:p@h/INBOX",
            "imap://h/INBOX",
            "nonsense",
            "imap://u:secret@h/回复",
        ] {
            let e = MailboxUrl::parse(bad).unwrap_err();
            assert!(!e.contains("secret"), "{e}");
        }
    }
}
