//! One hfaxd session: FTP-style replies (`213 text`, multi-line `213-…`), commands that must
//! succeed, passive data connections for uploads and queue listings.

use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::time::timeout;

use super::HylafaxError;

/// Longest reply line / listing we accept; hfaxd's are far shorter.
const MAX_LINE: u64 = 16 * 1024;
const MAX_REPLY_LINES: usize = 1_000;
const MAX_LISTING: u64 = 16 * 1024 * 1024;

/// Which part of the exchange a reply belongs to: a 5xx to the job's own parameters (the
/// number, the submission) is the message's fault and permanent; a 5xx anywhere else means
/// the server is set up differently than we expect, which an operator can fix, so retry.
#[derive(Clone, Copy)]
pub(crate) enum Step {
    Session,
    Job,
}

/// One logged-in control connection to hfaxd; data connections go to the same peer address.
pub(crate) struct Session {
    reader: BufReader<OwnedReadHalf>,
    writer: OwnedWriteHalf,
    peer: IpAddr,
    timeout: Duration,
}

impl Session {
    pub(crate) async fn connect(host_port: &str, limit: Duration) -> Result<Session, HylafaxError> {
        let stream = match timeout(limit, TcpStream::connect(host_port)).await {
            Ok(Ok(stream)) => stream,
            Ok(Err(e)) => {
                return Err(HylafaxError::Transient(format!(
                    "cannot connect to {host_port}: {e}"
                )));
            }
            Err(_) => {
                return Err(HylafaxError::Transient(format!(
                    "connecting to {host_port} timed out"
                )));
            }
        };
        let peer = stream
            .peer_addr()
            .map_err(|e| HylafaxError::Transient(format!("{host_port}: {e}")))?
            .ip();
        let (read, writer) = stream.into_split();
        let mut session = Session {
            reader: BufReader::new(read),
            writer,
            peer,
            timeout: limit,
        };
        let greeting = session.read_reply().await?;
        if greeting.code != 220 {
            return Err(transient("greeting", &greeting));
        }
        Ok(session)
    }

    pub(crate) async fn read_reply(&mut self) -> Result<Reply, HylafaxError> {
        let mut parser = ReplyParser::default();
        loop {
            let mut line = Vec::new();
            let read = timeout(
                self.timeout,
                (&mut self.reader)
                    .take(MAX_LINE)
                    .read_until(b'\n', &mut line),
            )
            .await
            .map_err(|_| HylafaxError::Transient("no answer from hfaxd (timed out)".into()))?
            .map_err(|e| HylafaxError::Transient(format!("connection to hfaxd: {e}")))?;
            if read == 0 {
                return Err(HylafaxError::Transient(
                    "hfaxd closed the connection".into(),
                ));
            }
            let line = String::from_utf8_lossy(&line);
            match parser.push(&line) {
                Ok(Some(reply)) => return Ok(reply),
                Ok(None) => {}
                Err(e) => return Err(HylafaxError::Transient(e)),
            }
        }
    }

    /// Sends one command line and reads its reply, whatever the code.
    pub(crate) async fn command(&mut self, line: &str) -> Result<Reply, HylafaxError> {
        // Everything we send is built from validated parts; a line break would be a second
        // command, so refuse it outright.
        if line.contains(['\r', '\n']) {
            return Err(HylafaxError::Permanent(
                "refusing to send a command with a line break".into(),
            ));
        }
        let verb = line.split(' ').next().unwrap_or(line);
        tracing::debug!(command = %verb, "hfaxd");
        let mut bytes = line.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        timeout(self.timeout, self.writer.write_all(&bytes))
            .await
            .map_err(|_| HylafaxError::Transient(format!("sending {verb} timed out")))?
            .map_err(|e| HylafaxError::Transient(format!("sending {verb}: {e}")))?;
        self.read_reply().await
    }

    /// Sends a command that must succeed with a 2xx reply.
    pub(crate) async fn command_ok(
        &mut self,
        line: &str,
        step: Step,
    ) -> Result<Reply, HylafaxError> {
        let reply = self.command(line).await?;
        check(line, &reply, step)?;
        Ok(reply)
    }

    /// Opens a passive data connection: EPSV, falling back to PASV. Connects to the address
    /// of the control connection, not the one PASV names (which is wrong behind NAT).
    pub(crate) async fn open_data(&mut self) -> Result<TcpStream, HylafaxError> {
        let mut reply = self.command("EPSV").await?;
        let port = if reply.code == 229 {
            parse_epsv(&reply.text())
        } else {
            reply = self.command("PASV").await?;
            if reply.code == 227 {
                parse_pasv(&reply.text())
            } else {
                None
            }
        };
        let port = port.ok_or_else(|| transient("EPSV/PASV", &reply))?;
        let addr = SocketAddr::new(self.peer, port);
        match timeout(self.timeout, TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => Ok(stream),
            Ok(Err(e)) => Err(HylafaxError::Transient(format!(
                "data connection to {addr}: {e}"
            ))),
            Err(_) => Err(HylafaxError::Transient(format!(
                "data connection to {addr} timed out"
            ))),
        }
    }

    /// Uploads `data` as a temporary file with a server-chosen name (STOT); returns its path.
    pub(crate) async fn store_temporary(&mut self, data: &[u8]) -> Result<String, HylafaxError> {
        let mut stream = self.open_data().await?;
        let opened = self.command("STOT").await?;
        if !(opened.code == 150 || opened.code == 125) {
            return Err(transient("STOT", &opened));
        }
        let send = async {
            stream.write_all(data).await?;
            stream.shutdown().await
        };
        timeout(self.timeout, send)
            .await
            .map_err(|_| HylafaxError::Transient("uploading the PDF timed out".into()))?
            .map_err(|e| HylafaxError::Transient(format!("uploading the PDF: {e}")))?;
        drop(stream);
        let done = self.read_reply().await?;
        check("STOT", &done, Step::Session)?;
        parse_stored_file(&opened.text())
            .or_else(|| parse_stored_file(&done.text()))
            .ok_or_else(|| {
                HylafaxError::Transient(format!(
                    "hfaxd did not name the stored file: {}",
                    opened.text()
                ))
            })
    }

    /// Reads a directory listing (LIST) through a data connection.
    pub(crate) async fn list(&mut self, directory: &str) -> Result<String, HylafaxError> {
        let mut stream = self.open_data().await?;
        let command = format!("LIST {directory}");
        let opened = self.command(&command).await?;
        if !(opened.code == 150 || opened.code == 125) {
            return Err(transient(&command, &opened));
        }
        let mut data = Vec::new();
        timeout(
            self.timeout,
            (&mut stream).take(MAX_LISTING).read_to_end(&mut data),
        )
        .await
        .map_err(|_| HylafaxError::Transient(format!("{command} timed out")))?
        .map_err(|e| HylafaxError::Transient(format!("{command}: {e}")))?;
        drop(stream);
        let done = self.read_reply().await?;
        check(&command, &done, Step::Session)?;
        Ok(String::from_utf8_lossy(&data).into_owned())
    }

    /// Ends the session politely; the work is done, so errors here do not matter.
    pub(crate) async fn quit(mut self) {
        let _ = self.command("QUIT").await;
    }
}

/// One reply: its code and its lines without the code prefix.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Reply {
    pub(crate) code: u16,
    pub(crate) lines: Vec<String>,
}

impl Reply {
    pub(crate) fn text(&self) -> String {
        self.lines.join("\n")
    }

    pub(crate) fn last_text(&self) -> String {
        self.lines
            .last()
            .map(|l| l.trim().to_string())
            .unwrap_or_default()
    }
}

/// Assembles FTP-style replies line by line: `213 text` is complete; `213-text` opens a
/// multi-line reply that ends at a line starting `213 ` (lines in between may have any form).
#[derive(Default)]
pub(crate) struct ReplyParser {
    pub(crate) open: Option<Reply>,
}

impl ReplyParser {
    pub(crate) fn push(&mut self, raw: &str) -> Result<Option<Reply>, String> {
        let line = raw.trim_end_matches(['\r', '\n']);
        let code = reply_code(line);
        match self.open.as_mut() {
            None => {
                let code = code.ok_or_else(|| format!("not a reply line: {line:?}"))?;
                let rest = line.get(4..).unwrap_or("").to_string();
                if line.as_bytes().get(3) == Some(&b'-') {
                    self.open = Some(Reply {
                        code,
                        lines: vec![rest],
                    });
                    Ok(None)
                } else {
                    Ok(Some(Reply {
                        code,
                        lines: vec![rest],
                    }))
                }
            }
            Some(open) => {
                let last = code == Some(open.code) && line.as_bytes().get(3) != Some(&b'-');
                if open.lines.len() >= MAX_REPLY_LINES {
                    return Err("reply too long".into());
                }
                if last {
                    open.lines.push(line.get(4..).unwrap_or("").to_string());
                    Ok(self.open.take())
                } else {
                    // A continuation line may repeat the code with a dash ("213-PDF …").
                    let text = if code == Some(open.code) {
                        line.get(4..).unwrap_or("")
                    } else {
                        line
                    };
                    open.lines.push(text.to_string());
                    Ok(None)
                }
            }
        }
    }
}

/// The three-digit code opening a reply line, followed by a space, a dash or nothing.
pub(crate) fn reply_code(line: &str) -> Option<u16> {
    let bytes = line.as_bytes();
    if bytes.len() < 3 || !bytes[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if !matches!(bytes.get(3), None | Some(b' ') | Some(b'-')) {
        return None;
    }
    let code = line[..3].parse::<u16>().ok()?;
    (100..600).contains(&code).then_some(code)
}

pub(crate) fn check(command: &str, reply: &Reply, step: Step) -> Result<(), HylafaxError> {
    match (reply.code, step) {
        (200..=299, _) => Ok(()),
        (500..=599, Step::Job) => Err(HylafaxError::Permanent(format!(
            "{} refused: {} {}",
            verb(command),
            reply.code,
            reply.text()
        ))),
        _ => Err(transient(command, reply)),
    }
}

pub(crate) fn transient(command: &str, reply: &Reply) -> HylafaxError {
    HylafaxError::Transient(format!(
        "{}: {} {}",
        verb(command),
        reply.code,
        reply.text()
    ))
}

/// The command word (and JPARM's parameter name): never the password or the number.
pub(crate) fn verb(command: &str) -> String {
    let mut words = command.split(' ');
    match (words.next(), words.next()) {
        (Some("JPARM"), Some(name)) => format!("JPARM {name}"),
        (Some(word), _) => word.to_string(),
        (None, _) => String::new(),
    }
}

/// `FILE: /tmp/doc7.pdf (Opening new data connection).` → `/tmp/doc7.pdf`.
pub(crate) fn parse_stored_file(text: &str) -> Option<String> {
    let rest = &text[text.find("FILE: ")? + "FILE: ".len()..];
    let path: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != ')')
        .collect();
    let safe = path.starts_with('/')
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'/' | b'.' | b'_' | b'-'));
    (safe && path.len() > 1).then_some(path)
}

/// `Entering Extended Passive Mode (|||41755|)` → 41755.
pub(crate) fn parse_epsv(text: &str) -> Option<u16> {
    let inner = &text[text.find('(')? + 1..];
    let inner = &inner[..inner.find(')')?];
    let delimiter = inner.chars().next()?;
    let parts: Vec<&str> = inner.split(delimiter).collect();
    // (|||port|) splits into ["", "", "", "port", ""].
    parts.get(3)?.parse::<u16>().ok().filter(|p| *p != 0)
}

/// `Entering passive mode (127,0,0,1,161,233)` → 161*256+233.
pub(crate) fn parse_pasv(text: &str) -> Option<u16> {
    let inner = &text[text.find('(')? + 1..];
    let inner = &inner[..inner.find(')')?];
    let numbers: Vec<u16> = inner
        .split(',')
        .map(|n| n.trim().parse::<u16>())
        .collect::<Result<_, _>>()
        .ok()?;
    if numbers.len() != 6 || numbers[4] > 255 || numbers[5] > 255 {
        return None;
    }
    Some(numbers[4] * 256 + numbers[5]).filter(|p| *p != 0)
}
