//! Received e-mail (issue 18), without I/O: reading a message (mail-parser, which decodes GBK
//! and GB18030 like any other charset), the limits a message must keep, trimming a reply down
//! to what the sender wrote, and the rules that match it to a ticket.

use mail_parser::{HeaderValue, MessageParser, MimeHeaders};
use serde::{Deserialize, Serialize};

/// What may come in: a larger or odder message is dead-lettered with the reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The whole message as fetched.
    pub message_bytes: u64,
    /// One attachment, decoded.
    pub attachment_bytes: u64,
    pub attachments: usize,
}

/// An attachment of a received message, with its bytes (base64) as notify keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeptAttachment {
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Base64 of the decoded bytes.
    pub data: String,
}

/// A message read from its raw bytes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadMail {
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub sender: String,
    pub sender_name: Option<String>,
    pub subject: String,
    /// The text as received (HTML reduced to text when there is no plain part).
    pub body: String,
    pub attachments: Vec<KeptAttachment>,
}

/// Why a message is refused into the dead letters.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("message too large: {size} bytes (limit {limit})")]
    TooLarge { size: u64, limit: u64 },
    #[error("too many attachments: {count} (limit {limit})")]
    TooManyAttachments { count: usize, limit: usize },
    #[error("attachment {name} too large: {size} bytes (limit {limit})")]
    AttachmentTooLarge { name: String, size: u64, limit: u64 },
    #[error("malformed message: {0}")]
    Malformed(String),
}

/// Reads `raw` within `limits`.
pub fn read(raw: &[u8], limits: &Limits) -> Result<ReadMail, Refused> {
    let size = raw.len() as u64;
    if size > limits.message_bytes {
        return Err(Refused::TooLarge {
            size,
            limit: limits.message_bytes,
        });
    }
    let message = MessageParser::default()
        .parse(raw)
        .ok_or_else(|| Refused::Malformed("not a MIME message".into()))?;
    // A message with neither a sender nor a subject is not mail anyone wrote (a stray file,
    // a broken upload): nothing to match it by.
    let from = message.from().and_then(|a| a.first());
    let sender = from
        .and_then(|a| a.address())
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| a.contains('@'))
        .ok_or_else(|| Refused::Malformed("no sender address (From)".into()))?;
    let sender_name = from
        .and_then(|a| a.name())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty());
    let count = message.attachment_count();
    if count > limits.attachments {
        return Err(Refused::TooManyAttachments {
            count,
            limit: limits.attachments,
        });
    }
    let mut attachments = Vec::with_capacity(count);
    for (i, part) in message.attachments().enumerate() {
        let name = part
            .attachment_name()
            .map(str::to_string)
            .unwrap_or_else(|| format!("attachment-{}", i + 1));
        let bytes = part.contents();
        let len = bytes.len() as u64;
        if len > limits.attachment_bytes {
            return Err(Refused::AttachmentTooLarge {
                name,
                size: len,
                limit: limits.attachment_bytes,
            });
        }
        let content_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(sub) => format!("{}/{}", c.ctype(), sub),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into());
        use base64::Engine as _;
        attachments.push(KeptAttachment {
            filename: name,
            content_type: content_type.to_ascii_lowercase(),
            size: i64::try_from(len).unwrap_or(i64::MAX),
            data: base64::engine::general_purpose::STANDARD.encode(bytes),
        });
    }
    Ok(ReadMail {
        message_id: message.message_id().map(|m| m.trim().to_string()),
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        sender,
        sender_name,
        subject: message.subject().unwrap_or_default().trim().to_string(),
        // mail-parser reduces an HTML-only body to text here.
        body: message
            .body_text(0)
            .map(|t| t.replace("\r\n", "\n"))
            .unwrap_or_default(),
        attachments,
    })
}

/// The message ids of an `In-Reply-To` or `References` header, without angle brackets.
fn ids(value: &HeaderValue<'_>) -> Vec<String> {
    let clean = |s: &str| s.trim().trim_matches(['<', '>']).to_string();
    match value {
        HeaderValue::Text(t) => t.split_whitespace().map(clean).collect(),
        HeaderValue::TextList(l) => l.iter().map(|t| clean(t)).collect(),
        _ => Vec::new(),
    }
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect()
}

/// The lines a reply starts its quotation of the earlier mail with: everything from such a
/// line on is the earlier mail, not what the sender wrote.
fn starts_quotation(line: &str) -> bool {
    let l = line.trim();
    let lower = l.to_ascii_lowercase();
    let dashes = l.trim_matches('-').trim();
    (l.starts_with("-----")
        && (dashes == "原始邮件" || dashes.eq_ignore_ascii_case("Original Message")))
        || (l.starts_with("____") && l.trim_matches('_').is_empty() && l.len() >= 10)
        || ((lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (l.starts_with('在') && (l.ends_with("写道：") || l.ends_with("写道:"))))
        || l.starts_with("发件人：")
        || l.starts_with("发件人:")
        || lower.starts_with("from: ") && lower.contains('@')
}

/// What the sender wrote: quoted lines (`> …`), the quoted earlier mail (from
/// "-----原始邮件-----", "-----Original Message-----", "On … wrote:", "在…写道：" on) and the
/// signature (from a `-- ` line on) are cut; blank lines at either end too. A reply that is
/// nothing but quotation keeps its text rather than becoming empty.
pub fn trim_reply(text: &str) -> String {
    let mut kept: Vec<&str> = Vec::new();
    for line in text.lines() {
        if starts_quotation(line) || line == "-- " || line == "--" {
            break;
        }
        if line.trim_start().starts_with('>') {
            continue;
        }
        kept.push(line.trim_end());
    }
    let trimmed = kept.join("\n").trim().to_string();
    if trimmed.is_empty() {
        text.trim().to_string()
    } else {
        trimmed
    }
}

/// The ticket numbers in `text` (`T` + eight digits of the day + `-` + four to six digits),
/// each once, in order.
pub fn ticket_numbers(text: &str) -> Vec<String> {
    let b = text.as_bytes();
    let mut found: Vec<String> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'T'
            && (i == 0 || !b[i - 1].is_ascii_alphanumeric())
            && let Some(len) = ticket_at(&b[i..])
        {
            let n = &text[i..i + len];
            if !found.iter().any(|f| f == n) {
                found.push(n.to_string());
            }
            i += len;
            continue;
        }
        i += 1;
    }
    found
}

/// The length of the ticket number at the start of `b`, if one is there.
fn ticket_at(b: &[u8]) -> Option<usize> {
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    if b.len() < 14 || digits(1) != 8 || b[9] != b'-' {
        return None;
    }
    let seq = digits(10);
    (4..=6).contains(&seq).then_some(10 + seq)
}

/// The notification ids in message ids we sent (`<id@hotline>`, `mail::message_id`).
pub fn our_notifications(ids: &[String]) -> Vec<String> {
    ids.iter()
        .filter_map(|m| m.strip_suffix("@hotline"))
        .filter(|id| !id.is_empty() && id.len() <= 64 && !id.contains(['<', '>', '@']))
        .map(str::to_string)
        .collect()
}

/// Where a received message belongs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Match {
    Ticket(String),
    Unmatched(String),
}

/// The ticket of a message: the tickets of the mails it answers (`In-Reply-To`/`References`,
/// looked up by the caller) first, then the ticket numbers in its subject. One ticket or
/// none: two different ones are ambiguous and left to a person.
pub fn match_ticket(replied_tickets: &[String], subject_tickets: &[String]) -> Match {
    let one = |list: &[String]| -> Option<Result<String, String>> {
        let first = list.first()?;
        if list.iter().all(|t| t == first) {
            Some(Ok(first.clone()))
        } else {
            Some(Err(list.join(", ")))
        }
    };
    match one(replied_tickets) {
        Some(Ok(t)) => Match::Ticket(t),
        Some(Err(all)) => Match::Unmatched(format!("回复了多张工单的邮件：{all}")),
        None => match one(subject_tickets) {
            Some(Ok(t)) => Match::Ticket(t),
            Some(Err(all)) => Match::Unmatched(format!("主题中有多个工单号：{all}")),
            None => Match::Unmatched("未找到工单号".into()),
        },
    }
}

/// How a received fax is told from other mail: fax servers and fax services deliver a received
/// fax as mail from their own address, with the sender's number in the subject or the text.
#[derive(Debug, Clone)]
pub struct FaxRules {
    /// The gateways' sender addresses, lower case.
    pub senders: Vec<String>,
    /// Finds the sender's number: its first group, or the whole match.
    pub number: regex::Regex,
}

/// The default pattern: a number after "from", 来自 or 发送方 (HylaFAX's FaxDispatch writes
/// "Facsimile received from 0871 6459 0534"; fax services "Fax from +86 871…").
pub const DEFAULT_FAX_NUMBER_PATTERN: &str =
    r"(?i)(?:from|来自|发送方|发件方|主叫)[\s:：]*(\+?[0-9][0-9 ()\-]{4,30}[0-9])";

impl FaxRules {
    /// The rules of a comma-separated address list and a pattern (refused when it is not a
    /// regular expression).
    pub fn new(senders: &[String], pattern: &str) -> Result<FaxRules, String> {
        let number = regex::Regex::new(pattern).map_err(|e| e.to_string())?;
        Ok(FaxRules {
            senders: senders
                .iter()
                .map(|s| s.trim().to_ascii_lowercase())
                .filter(|s| !s.is_empty())
                .collect(),
            number,
        })
    }

    /// `None` unless `sender` is a fax gateway; then the sender's number found in the subject,
    /// else in the text (digits, `+` and `-` kept), if any.
    pub fn fax(&self, sender: &str, subject: &str, text: &str) -> Option<Option<String>> {
        if !self.senders.iter().any(|s| s == sender) {
            return None;
        }
        let find = |t: &str| {
            let c = self.number.captures(t)?;
            let m = c.get(1).or_else(|| c.get(0))?;
            let n: String = m
                .as_str()
                .chars()
                .filter(|c| c.is_ascii_digit() || matches!(c, '+' | '-'))
                .collect();
            (n.chars().filter(char::is_ascii_digit).count() >= 5).then_some(n)
        };
        Some(find(subject).or_else(|| find(text)))
    }
}

/// The first lines of a text, for lists.
pub fn excerpt(text: &str, chars: usize) -> String {
    let flat: String = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .take(3)
        .collect::<Vec<_>>()
        .join(" ");
    if flat.chars().count() > chars {
        let mut s: String = flat.chars().take(chars).collect();
        s.push('…');
        s
    } else {
        flat
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        message_bytes: 100_000,
        attachment_bytes: 1_000,
        attachments: 2,
    };

    #[test]
    fn gbk_and_gb18030_read_right() {
        // "办理结果：已解决" in GBK, in a GBK subject (RFC 2047) and a GBK body.
        let (body, _, _) = encoding_gbk("办理结果：已解决");
        for charset in ["gbk", "GB18030", "gb2312"] {
            let mut raw = format!(
                "From: =?{charset}?B?{}?= <liaison@km.gov.cn>\r\nSubject: =?{charset}?B?{}?=\r\n\
                 Content-Type: text/plain; charset={charset}\r\nContent-Transfer-Encoding: 8bit\r\n\r\n",
                b64(&encoding_gbk("张三").0),
                b64(&encoding_gbk("回复：工单 T20261205-000001").0),
            )
            .into_bytes();
            raw.extend_from_slice(&body);
            let m = read(&raw, &LIMITS).unwrap();
            assert_eq!(m.subject, "回复：工单 T20261205-000001", "{charset}");
            assert_eq!(m.body.trim(), "办理结果：已解决", "{charset}");
            assert_eq!(m.sender_name.as_deref(), Some("张三"));
            assert_eq!(m.sender, "liaison@km.gov.cn");
        }
    }

    /// GBK bytes of a few known characters (no encoder in the dependencies: a table of the
    /// ones the test uses).
    fn encoding_gbk(s: &str) -> (Vec<u8>, (), ()) {
        let table: &[(char, [u8; 2])] = &[
            ('办', [0xb0, 0xec]),
            ('理', [0xc0, 0xed]),
            ('结', [0xbd, 0xe1]),
            ('果', [0xb9, 0xfb]),
            ('：', [0xa3, 0xba]),
            ('已', [0xd2, 0xd1]),
            ('解', [0xbd, 0xe2]),
            ('决', [0xbe, 0xf6]),
            ('张', [0xd5, 0xc5]),
            ('三', [0xc8, 0xfd]),
            ('回', [0xbb, 0xd8]),
            ('复', [0xb8, 0xb4]),
            ('工', [0xb9, 0xa4]),
            ('单', [0xb5, 0xa5]),
        ];
        let mut out = Vec::new();
        for c in s.chars() {
            match table.iter().find(|(k, _)| *k == c) {
                Some((_, b)) => out.extend_from_slice(b),
                None => out.extend_from_slice(c.to_string().as_bytes()),
            }
        }
        (out, (), ())
    }

    fn b64(b: &[u8]) -> String {
        use base64::Engine as _;
        base64::engine::general_purpose::STANDARD.encode(b)
    }

    #[test]
    fn html_only_mail_reads_as_text() {
        let raw = "From: a@b.cn\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n\
                   <html><body><p>已办结</p><p>请查收</p></body></html>";
        let m = read(raw.as_bytes(), &LIMITS).unwrap();
        assert!(
            m.body.contains("已办结") && m.body.contains("请查收"),
            "{}",
            m.body
        );
        assert!(!m.body.contains('<'), "{}", m.body);
    }

    #[test]
    fn limits_and_malformed_are_refused() {
        let big = vec![b'x'; 100_001];
        assert!(matches!(read(&big, &LIMITS), Err(Refused::TooLarge { .. })));
        assert!(matches!(
            read(b"no headers at all", &LIMITS),
            Err(Refused::Malformed(_))
        ));
        let mut many = String::from(
            "From: a@b.cn\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\
             Content-Type: text/plain\r\n\r\nhi\r\n",
        );
        for i in 0..3 {
            many.push_str(&format!(
                "--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; \
                 filename=f{i}.pdf\r\n\r\n%PDF\r\n"
            ));
        }
        many.push_str("--b--\r\n");
        assert_eq!(
            read(many.as_bytes(), &LIMITS),
            Err(Refused::TooManyAttachments { count: 3, limit: 2 })
        );
        let one = many.replacen("--b\r\nContent-Type: application/pdf", "--x", 2);
        let m = read(one.as_bytes(), &LIMITS).unwrap();
        assert_eq!(m.attachments.len(), 1);
        assert_eq!(m.attachments[0].filename, "f2.pdf");
        assert_eq!(m.attachments[0].content_type, "application/pdf");
    }

    #[test]
    fn headers_give_the_replied_ids() {
        let raw = "From: Li <Li@Example.ORG>\r\nSubject: Re: x\r\nMessage-ID: <r1@mail.example.org>\r\n\
                   In-Reply-To: <abc@hotline>\r\nReferences: <x@y> <abc@hotline>\r\n\r\nok";
        let m = read(raw.as_bytes(), &LIMITS).unwrap();
        assert_eq!(m.sender, "li@example.org");
        assert_eq!(m.message_id.as_deref(), Some("r1@mail.example.org"));
        assert_eq!(m.in_reply_to, vec!["abc@hotline"]);
        assert_eq!(m.references, vec!["x@y", "abc@hotline"]);
        assert_eq!(our_notifications(&m.references), vec!["abc"]);
    }

    #[test]
    fn replies_are_trimmed_to_what_was_written() {
        let outlook =
            "已于12月5日办结，详见附件。\n\n张三\n\n-----原始邮件-----\n发件人：热线\n主题：派单";
        assert_eq!(trim_reply(outlook), "已于12月5日办结，详见附件。\n\n张三");
        let english = "Done.\r\n-----Original Message-----\r\nFrom: hotline";
        assert_eq!(trim_reply(english), "Done.");
        let quoted = "同意。\n> 请于3日内回复\n> 谢谢\n";
        assert_eq!(trim_reply(quoted), "同意。");
        let gmail = "好的\n\nOn Fri, Dec 5, 2026 at 9:00 AM Hotline <h@x> wrote:\n> 派单";
        assert_eq!(trim_reply(gmail), "好的");
        let chinese = "收到\n在 2026年12月5日 09:00，热线 写道：\n> 派单";
        assert_eq!(trim_reply(chinese), "收到");
        let signed = "已处理\n-- \n昆明市人社局 张三\n电话 0871-1234567";
        assert_eq!(trim_reply(signed), "已处理");
        assert_eq!(trim_reply("> only quoted"), "> only quoted");
    }

    #[test]
    fn ticket_numbers_in_subjects() {
        assert_eq!(
            ticket_numbers("回复：【紧急】工单 T20261205-000123：停水"),
            vec!["T20261205-000123"]
        );
        assert_eq!(ticket_numbers("T20261205-1234"), vec!["T20261205-1234"]);
        assert!(ticket_numbers("T2026120-000123 XT20261205-000123 T20261205-12").is_empty());
        assert_eq!(
            ticket_numbers("T20261205-000001 T20261205-000001 T20261205-000002"),
            vec!["T20261205-000001", "T20261205-000002"]
        );
    }

    #[test]
    fn matching_prefers_the_replied_mail() {
        let t = |s: &str| vec![s.to_string()];
        assert_eq!(match_ticket(&t("T1"), &t("T2")), Match::Ticket("T1".into()));
        assert_eq!(match_ticket(&[], &t("T2")), Match::Ticket("T2".into()));
        assert!(matches!(match_ticket(&[], &[]), Match::Unmatched(_)));
        let two = vec!["T1".to_string(), "T2".to_string()];
        assert!(matches!(match_ticket(&two, &t("T1")), Match::Unmatched(_)));
        assert!(matches!(match_ticket(&[], &two), Match::Unmatched(_)));
    }

    #[test]
    fn faxes_are_told_by_their_gateway_and_give_the_number() {
        let rules = FaxRules::new(
            &["Fax@Gateway.example".to_string(), " ".to_string()],
            DEFAULT_FAX_NUMBER_PATTERN,
        )
        .unwrap();
        assert_eq!(rules.fax("li@km.gov.cn", "from 0871-1234567", ""), None);
        assert_eq!(
            rules.fax(
                "fax@gateway.example",
                "Facsimile received from 0871 6459 0534",
                ""
            ),
            Some(Some("087164590534".into()))
        );
        assert_eq!(
            rules.fax(
                "fax@gateway.example",
                "传真",
                "来自：+86 871-4679 8102\n共 2 页"
            ),
            Some(Some("+86871-46798102".into()))
        );
        assert_eq!(
            rules.fax("fax@gateway.example", "传真", "共 2 页"),
            Some(None)
        );
        let own = FaxRules::new(&["f@g".into()], r"CSID=(\d+)").unwrap();
        assert_eq!(
            own.fax("f@g", "x CSID=0871123456", ""),
            Some(Some("0871123456".into()))
        );
        assert!(FaxRules::new(&[], "(").is_err());
    }

    #[test]
    fn excerpts_are_short() {
        assert_eq!(excerpt("\n a \n\n b \n c \n d", 100), "a b c");
        assert_eq!(excerpt("一二三四五", 3), "一二三…");
    }
}
