//! A real SMTP server inside the test (mailin-embedded), keeping every message it is given,
//! and the messages read back with a real MIME parser (mail-parser).

use std::collections::HashMap;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use mail_parser::MessageParser;
use mailin_embedded::{Handler, Response, Server, response};

use crate::wait::try_eventually;

/// One message as the server received it.
#[derive(Debug, Clone, Default)]
pub struct Mail {
    /// The envelope sender (`MAIL FROM`).
    pub from: String,
    /// The envelope recipients (`RCPT TO`): whom the message was really given to.
    pub rcpt: Vec<String>,
    /// The message after `DATA`, as sent (headers, a blank line, the body; CRLF line ends).
    pub data: String,
}

impl Mail {
    /// The header block as sent (folded lines and encoded words left as they are).
    pub fn headers(&self) -> &str {
        self.data.split("\r\n\r\n").next().unwrap_or_default()
    }

    /// The Message-ID header, `<…>` included.
    pub fn message_id(&self) -> String {
        MessageParser::new()
            .parse(self.data.as_bytes())
            .and_then(|m| m.message_id().map(|id| format!("<{id}>")))
            .unwrap_or_default()
    }

    /// The subject, encoded words decoded.
    pub fn subject(&self) -> String {
        MessageParser::new()
            .parse(self.data.as_bytes())
            .and_then(|m| m.subject().map(str::to_string))
            .unwrap_or_default()
    }

    /// The first text part, its transfer encoding undone (the whole body when single-part).
    pub fn text(&self) -> String {
        MessageParser::new()
            .parse(self.data.as_bytes())
            .and_then(|m| m.body_text(0).map(|t| t.into_owned()))
            .unwrap_or_default()
    }
}

/// How the server answers, for tests of a sender's error handling.
#[derive(Debug, Clone, Default)]
pub struct SmtpBehaviour {
    /// `RCPT TO` addresses containing this are refused with `550` (no such mailbox).
    pub reject_rcpt: Option<String>,
    /// How long to wait after a message is stored and before `250` is answered: a slow server,
    /// where a sender killed during the wait has delivered without knowing it.
    pub delay_after_data: Duration,
}

/// Connections served at once; a sender that keeps connections open (a pool per worker and
/// replica) must never wait for one.
const THREADS: u32 = 64;

/// The server runs on its own threads until the test process ends.
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Mail>>>,
}

impl SmtpServer {
    /// On a free port.
    pub fn start(behaviour: SmtpBehaviour) -> SmtpServer {
        Self::start_on(0, behaviour)
    }

    /// On `port` (0: a free one), e.g. a port a sender was told about before the server ran.
    pub fn start_on(port: u16, behaviour: SmtpBehaviour) -> SmtpServer {
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Inbox {
            inbox: inbox.clone(),
            behaviour: Arc::new(behaviour),
            current: Mail::default(),
            buffer: Vec::new(),
        };
        let mut server = Server::new(handler);
        server
            .with_name("test.smtp")
            .with_num_threads(THREADS)
            .with_tcp_listener(listener);
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, inbox }
    }

    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, in order.
    pub fn mails(&self) -> Vec<Mail> {
        self.inbox.lock().unwrap().clone()
    }

    /// Messages to `rcpt` (an envelope recipient containing it).
    pub fn mails_to(&self, rcpt: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.rcpt.iter().any(|t| t.contains(rcpt)))
            .collect()
    }

    /// Messages with this Message-ID (`<…>` included).
    pub fn with_id(&self, message_id: &str) -> Vec<Mail> {
        self.mails()
            .into_iter()
            .filter(|m| m.message_id() == message_id)
            .collect()
    }

    /// Message-IDs received more than once, and (recipient, subject) pairs received more than
    /// once: what a second delivery of one notification would leave.
    pub fn duplicates(&self) -> Vec<String> {
        let mut seen = HashMap::<String, usize>::new();
        for m in self.mails() {
            *seen
                .entry(format!("message-id {}", m.message_id()))
                .or_default() += 1;
            for t in &m.rcpt {
                *seen
                    .entry(format!("to {t} subject {}", m.subject()))
                    .or_default() += 1;
            }
        }
        let mut d: Vec<String> = seen
            .into_iter()
            .filter(|(_, n)| *n > 1)
            .map(|(k, n)| format!("{k} ×{n}"))
            .collect();
        d.sort();
        d
    }

    /// Waits up to 30 s for a message to `rcpt` matching `pred`.
    pub async fn wait_for(&self, rcpt: &str, what: &str, pred: impl Fn(&Mail) -> bool) -> Mail {
        let found = try_eventually(30, || async {
            self.mails_to(rcpt).into_iter().find(|m| pred(m))
        })
        .await;
        match found {
            Some(mail) => mail,
            None => panic!(
                "no mail to {rcpt} ({what}) within 30 s; received: {:?}",
                self.mails()
                    .iter()
                    .map(|m| (&m.rcpt, m.subject()))
                    .collect::<Vec<_>>()
            ),
        }
    }
}

/// One connection's handler (mailin clones it per connection): the message in progress, and
/// the inbox every connection stores into.
#[derive(Clone)]
struct Inbox {
    inbox: Arc<Mutex<Vec<Mail>>>,
    behaviour: Arc<SmtpBehaviour>,
    current: Mail,
    buffer: Vec<u8>,
}

impl Handler for Inbox {
    fn rcpt(&mut self, to: &str) -> Response {
        match &self.behaviour.reject_rcpt {
            Some(refused) if to.contains(refused.as_str()) => response::NO_MAILBOX,
            _ => response::OK,
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Mail {
            from: from.to_string(),
            rcpt: to.to_vec(),
            data: String::new(),
        };
        self.buffer.clear();
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        self.buffer.extend_from_slice(buf);
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        let mut mail = std::mem::take(&mut self.current);
        mail.data = String::from_utf8_lossy(&self.buffer).into_owned();
        self.inbox.lock().unwrap().push(mail);
        if !self.behaviour.delay_after_data.is_zero() {
            std::thread::sleep(self.behaviour.delay_after_data);
        }
        response::OK
    }
}

#[cfg(test)]
mod tests {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpStream;

    use super::*;

    /// A bare SMTP client: each command's reply, first line of the last reply line.
    struct Client {
        reader: BufReader<TcpStream>,
        writer: TcpStream,
    }

    impl Client {
        fn connect(port: u16) -> (Client, String) {
            let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            let mut client = Client {
                reader: BufReader::new(stream.try_clone().unwrap()),
                writer: stream,
            };
            let greeting = client.reply();
            (client, greeting)
        }

        /// A reply; a multi-line one continues with `250-` and ends with `250 `.
        fn reply(&mut self) -> String {
            loop {
                let mut line = String::new();
                self.reader.read_line(&mut line).unwrap();
                if line.len() < 4 || line.as_bytes()[3] != b'-' {
                    return line.trim_end().to_string();
                }
            }
        }

        fn send(&mut self, line: &str) {
            self.writer
                .write_all(format!("{line}\r\n").as_bytes())
                .unwrap();
        }

        fn command(&mut self, line: &str) -> String {
            self.send(line);
            self.reply()
        }
    }

    #[test]
    fn keeps_messages_and_decodes_them() {
        let server = SmtpServer::start(SmtpBehaviour {
            reject_rcpt: Some("nobody@".into()),
            ..Default::default()
        });
        let (mut c, greeting) = Client::connect(server.port);
        assert!(greeting.starts_with("220"), "{greeting}");
        assert!(c.command("EHLO client").starts_with("250"));
        assert!(
            c.command("MAIL FROM:<hotline@localhost>")
                .starts_with("250")
        );
        assert!(
            c.command("RCPT TO:<nobody@dept.example>")
                .starts_with("550")
        );
        assert!(
            c.command("RCPT TO:<liaison@dept.example>")
                .starts_with("250")
        );
        assert!(c.command("DATA").starts_with("354"));
        for line in [
            "Message-ID: <n1@hotline>",
            "Subject: =?utf-8?b?5oqV6K+J6L2s5Yqe?= T-1",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: quoted-printable",
            "",
            "=E7=BB=93=E6=9D=9F line",
            "..dot",
        ] {
            c.send(line);
        }
        assert!(c.command(".").starts_with("250"));
        c.command("QUIT");

        let mails = server.mails_to("liaison@dept.example");
        assert_eq!(mails.len(), 1);
        let m = &mails[0];
        assert_eq!(m.rcpt, ["liaison@dept.example"]);
        assert!(m.from.contains("hotline@localhost"), "{}", m.from);
        assert_eq!(m.message_id(), "<n1@hotline>");
        assert_eq!(m.subject(), "投诉转办 T-1");
        assert!(m.text().starts_with("结束 line\r\n.dot"), "{:?}", m.text());
        assert_eq!(server.with_id("<n1@hotline>").len(), 1);
        assert!(server.duplicates().is_empty());
    }
}
