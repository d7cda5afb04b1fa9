//! Values that cross layers and services, checked once where they enter: a ticket number, a
//! phone number, an e-mail address. Each serializes as the plain string it holds, so answers
//! and the OpenAPI documents show strings.

use std::fmt;

use serde::Serialize;

/// A ticket number as read aloud to callers: `T20261127-000123` (the day in China time and a
/// per-day sequence).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct TicketId(String);

impl TicketId {
    /// The `seq`-th ticket of `day` (`YYYYMMDD`).
    pub fn new(day: &str, seq: i64) -> TicketId {
        TicketId(format!("T{day}-{seq:06}"))
    }
    /// A ticket number as typed: `T`, eight digits of the day, `-`, and the sequence (at least
    /// six digits); a lowercase `t` is taken too.
    pub fn parse(text: &str) -> Option<TicketId> {
        let t = text.trim().to_uppercase();
        let (day, seq) = t.strip_prefix('T')?.split_once('-')?;
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        (day.len() == 8 && (6..=9).contains(&seq.len()) && digits(day) && digits(seq))
            .then_some(TicketId(t))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for TicketId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A phone number as stored and searched: digits and `+` only. Callers give it with spaces
/// and dashes (`139 1234 1234`, `0871-64590534`); [`Phone::parse`] accepts those forms.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Phone(String);

impl Phone {
    /// Digits, `-`, `+` and spaces, 3 to 20 digits, at most 32 characters; `None` otherwise.
    pub fn parse(text: &str) -> Option<Phone> {
        let digits = text.bytes().filter(u8::is_ascii_digit).count();
        let allowed = text
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+' || b == b' ');
        ((3..=20).contains(&digits) && text.len() <= 32 && allowed)
            .then(|| Phone(normalize_phone(text)))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
    /// `139****1234`, for logs, lists and readers who may not see the whole number.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The stored form of a number (digits and `+`), also for a search term that is not a valid
/// [`Phone`]: a search by it then simply finds nothing.
/// Texts are read out and shown as plain text: a tag (`<b>`, `</p>`, `<!--`, `<script`), a
/// character reference or a `javascript:` link is refused at every entry point rather than
/// stored, so no client ever renders it. `收入 < 5000 元` is plain text.
pub fn looks_like_markup(s: &str) -> bool {
    let b = s.as_bytes();
    b.windows(2)
        .any(|w| w[0] == b'<' && (w[1].is_ascii_alphabetic() || matches!(w[1], b'/' | b'!' | b'?')))
        || s.contains("&#")
        || s.to_ascii_lowercase().contains("javascript:")
}

///
/// One caller, one form (issue 17): a number given with China's country code (`+86`, `0086`,
/// or `86` before a mobile) is stored as dialled at home — a mobile as its 11 digits, a
/// landline with its trunk `0` (`+86 871 6459 0534` → `087164590534`). Other numbers keep their
/// digits and a leading `+`.
pub fn normalize_phone(text: &str) -> String {
    let raw: String = text
        .trim()
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '+')
        .collect();
    let is_mobile = |n: &str| {
        let b = n.as_bytes();
        b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
    };
    let national = raw
        .strip_prefix("+86")
        .or_else(|| raw.strip_prefix("0086"))
        .or_else(|| raw.strip_prefix("86").filter(|n| is_mobile(n)));
    match national {
        Some(n) if is_mobile(n) || n.is_empty() || n.starts_with('0') => n.to_string(),
        Some(n) => format!("0{n}"),
        None => raw,
    }
}

/// Masks a phone number for logs and lists: `13912341234` → `139****1234`.
pub fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    if chars.len() <= 7 {
        return "*".repeat(chars.len());
    }
    let head: String = chars[..3].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}****{tail}")
}

/// A number a fax can dial: digits, `-`, and `+` only in front; 6 to 20 digits. Notify's fax
/// transports refuse anything else, so every place that takes a fax number checks this.
pub fn is_fax_number(text: &str) -> bool {
    let chars_ok = text.len() <= 40
        && text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == '+')
        && !text.chars().skip(1).any(|c| c == '+');
    let digits = text.chars().filter(char::is_ascii_digit).count();
    chars_ok && (6..=20).contains(&digits)
}

/// A mainland China mobile number in the form an SMS gateway takes, or `None`: 11 digits
/// beginning `13` to `19`, optionally after `+86` or `0086`, with spaces or `-` between digit
/// groups (`+86 138-0013-8000` → `13800138000`). Landlines, short codes and foreign numbers
/// are refused: notify sends SMS only to mainland mobiles.
pub fn mobile_number(text: &str) -> Option<String> {
    let text = text.trim();
    if text.len() > 32
        || !text
            .chars()
            .all(|c| c.is_ascii_digit() || c == '-' || c == ' ' || c == '+')
        || text.chars().skip(1).any(|c| c == '+')
    {
        return None;
    }
    let digits: String = text.chars().filter(char::is_ascii_digit).collect();
    let national = if let Some(rest) = text.strip_prefix('+') {
        // The `+` must be followed by 86 itself (no `+ 86`, no `+0086`).
        rest.starts_with("86").then(|| &digits[2..])?
    } else if digits.len() == 15 && text.starts_with("0086") {
        &digits[4..]
    } else {
        &digits[..]
    };
    let bytes = national.as_bytes();
    (bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]))
        .then(|| national.to_string())
}

/// Whether [`mobile_number`] takes `text`.
pub fn is_mobile_number(text: &str) -> bool {
    mobile_number(text).is_some()
}

/// An e-mail address that the mailer will take: [`lettre::Address`] checks it (as notify
/// does when it sends), and the domain must have a dot (`a@b` is not a caller's address).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    pub fn parse(text: &str) -> Option<Email> {
        // A quoted local part (`"x y"@example.org`) is valid mail but no liaison's or caller's
        // address; refusing it everywhere keeps the three services' rule one.
        if text.chars().any(|c| c.is_whitespace() || c == '"') {
            return None;
        }
        let address: lettre::Address = text.parse().ok()?;
        let domain = address.domain();
        let dotted = domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.');
        (dotted && text.len() <= 254).then(|| Email(text.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticket_ids_are_read_as_typed() {
        assert_eq!(
            TicketId::parse(" t20261201-000007").map(TicketId::into_string),
            Some("T20261201-000007".into())
        );
        for bad in [
            "",
            "T2026-000001",
            "X20261201-000007",
            "T20261201-12",
            "T20261201-00000x",
        ] {
            assert_eq!(TicketId::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn ticket_ids_are_numbered_per_day() {
        assert_eq!(TicketId::new("20261127", 123).as_str(), "T20261127-000123");
    }

    #[test]
    fn phones_are_checked_and_normalized() {
        assert_eq!(
            Phone::parse("139 1234 1234").unwrap().as_str(),
            "13912341234"
        );
        assert_eq!(
            Phone::parse("0871-64590534").unwrap().as_str(),
            "087164590534"
        );
        assert_eq!(
            Phone::parse("+1 202 555 0100").unwrap().as_str(),
            "+12025550100"
        );
        assert!(Phone::parse("call me").is_none());
        assert!(Phone::parse("12").is_none());
        assert!(Phone::parse(&"1".repeat(21)).is_none());
        assert_eq!(normalize_phone(" 139-1234 "), "1391234");
    }

    #[test]
    fn one_caller_is_one_number_however_it_is_written() {
        for written in [
            "13800001111",
            "+86 138 0000 1111",
            "008613800001111",
            "8613800001111",
            "+86-138-0000-1111",
        ] {
            assert_eq!(normalize_phone(written), "13800001111", "{written}");
        }
        for written in ["0871-64590534", "+86 871 6459 0534", "0086 871 64590534"] {
            assert_eq!(normalize_phone(written), "087164590534", "{written}");
        }
        // An 86 that is not a country code stays.
        assert_eq!(normalize_phone("8612345"), "8612345");
    }

    #[test]
    fn masks_phones() {
        assert_eq!(mask_phone("13912341234"), "139****1234");
        assert_eq!(mask_phone("0871-64590534"), "087****0534");
        assert_eq!(mask_phone("123"), "***");
        assert_eq!(Phone::parse("13912341234").unwrap().masked(), "139****1234");
    }

    #[test]
    fn mobiles_are_checked_and_normalized() {
        for (given, stored) in [
            ("13800138000", "13800138000"),
            ("+8613800138000", "13800138000"),
            ("+86 138-0013-8000", "13800138000"),
            ("008619912345678", "19912345678"),
            ("0086 139 1234 1234", "13912341234"),
            (" 15012345678 ", "15012345678"),
        ] {
            assert_eq!(mobile_number(given).as_deref(), Some(stored), "{given}");
        }
        for bad in [
            "",
            "12800138000",
            "10086",
            "1380013800",
            "138001380001",
            "0871-64590534",
            "+8513800138000",
            "+0086 13800138000",
            "86+13800138000",
            "8613800138000",
            "138 0013 8000;rm",
            "１３８００１３８０００",
            "+1 415 555 0100",
        ] {
            assert!(!is_mobile_number(bad), "{bad}");
        }
    }

    #[test]
    fn emails_are_checked_by_lettre() {
        assert!(Email::parse("a@b.cn").is_some());
        assert!(Email::parse("zhang.san@example.org").is_some());
        assert!(Email::parse("a@b").is_none());
        assert!(Email::parse("not-an-address").is_none());
        assert!(Email::parse("a b@c.cn").is_none());
        assert!(Email::parse("\"x y\"@example.org").is_none());
        assert!(Email::parse("a@.cn").is_none());
        assert!(Email::parse("a@b.cn.").is_none());
        assert!(Email::parse("张三@example.cn").is_some());
        // Accepted by the ticket service's own check before, refused by lettre now (notify
        // could not have sent to them anyway).
        assert!(Email::parse("a..b@c.cn").is_none());
        assert!(Email::parse("a(b@c.cn").is_none());
        assert!(Email::parse(&format!("{}@c.cn", "a".repeat(65))).is_none());
    }
}
