//! Plain types and functions of the ticket service: no requests, no connections.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub mod calendar;
pub mod deadlines;
pub mod lifecycle;
pub mod notifications;
pub mod reports;
pub mod ticket;

/// A closed set of names stored as text: `as_str` for the database, `parse` back.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        pub enum $name {
            $($(#[$vm])* #[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<$name> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// The kind of work order.
    TicketType {
        Complaint = "complaint",
        NoInfo = "no_info",
        Consultation = "consultation",
        Suggestion = "suggestion",
    }
);

text_enum!(
    /// Where a ticket is in its lifecycle (new, dispatched, accepted, returned, replied, reopened, closed).
    Status {
        New = "new",
        Dispatched = "dispatched",
        Accepted = "accepted",
        Returned = "returned",
        Replied = "replied",
        Reopened = "reopened",
        Closed = "closed",
    }
);

text_enum!(
    /// Why a caller complains: policy outside what is allowed, wrong or weak handling, attitude.
    Cause {
        Policy = "policy",
        Handling = "handling",
        Attitude = "attitude",
    }
);

text_enum!(
    /// How an operator classified a call (预受理).
    Classification {
        BasicQuery = "basic_query",
        Consultation = "consultation",
        Complaint = "complaint",
        Suggestion = "suggestion",
    }
);

text_enum!(
    /// What came of a call.
    Outcome {
        Answered = "answered",
        Transferred = "transferred",
        NumberReported = "number_reported",
        TicketCreated = "ticket_created",
    }
);

text_enum!(
    /// How a reply reached the caller or the centre.
    ReplyChannel {
        System = "system",
        Phone = "phone",
        Fax = "fax",
        Email = "email",
    }
);

/// The caller's rating (一次一评). Accepts the Chinese labels 满意 / 基本满意 / 不满意 as
/// well; answers always use the English names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Satisfaction {
    #[serde(rename = "satisfied", alias = "满意")]
    Satisfied,
    #[serde(rename = "basically_satisfied", alias = "基本满意")]
    BasicallySatisfied,
    #[serde(rename = "dissatisfied", alias = "不满意")]
    Dissatisfied,
}

impl Satisfaction {
    pub const ALL: &'static [Satisfaction] = &[
        Satisfaction::Satisfied,
        Satisfaction::BasicallySatisfied,
        Satisfaction::Dissatisfied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Satisfaction::Satisfied => "satisfied",
            Satisfaction::BasicallySatisfied => "basically_satisfied",
            Satisfaction::Dissatisfied => "dissatisfied",
        }
    }

    pub fn parse(text: &str) -> Option<Satisfaction> {
        match text {
            "satisfied" | "满意" => Some(Satisfaction::Satisfied),
            "basically_satisfied" | "基本满意" => Some(Satisfaction::BasicallySatisfied),
            "dissatisfied" | "不满意" => Some(Satisfaction::Dissatisfied),
            _ => None,
        }
    }
}

/// The department code of a region's government office, which receives no-info tickets.
pub fn government_office(region: &str) -> String {
    format!("{region}-zfb")
}

/// A region code: six digits (云南 530000, 昆明 530100, 五华 530102).
pub fn valid_region(code: &str) -> bool {
    code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())
}

/// A department code such as `530100-rsj`: it is put into a URL path, so only safe characters.
pub fn valid_department(code: &str) -> bool {
    (3..=64).contains(&code.len())
        && code
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A phone number as callers give it: digits, `-`, `+`, spaces; 3 to 20 digits.
pub fn valid_phone(phone: &str) -> bool {
    let digits = phone.bytes().filter(u8::is_ascii_digit).count();
    (3..=20).contains(&digits)
        && phone.len() <= 32
        && phone
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'-' || b == b'+' || b == b' ')
}

/// A plausible e-mail address (one `@`, a dot in the domain, no spaces).
pub fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && email.len() <= 254
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// Ticket numbers read aloud to callers: `T20261127-000123` (the day in China time and a
/// per-day sequence).
pub fn ticket_id(day: &str, seq: i64) -> String {
    format!("T{day}-{seq:06}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(*s));
        }
        for t in TicketType::ALL {
            assert_eq!(TicketType::parse(t.as_str()), Some(*t));
        }
        assert_eq!(
            Satisfaction::parse("基本满意"),
            Some(Satisfaction::BasicallySatisfied)
        );
        let s: Satisfaction = serde_json::from_str("\"不满意\"").unwrap();
        assert_eq!(s, Satisfaction::Dissatisfied);
        assert_eq!(serde_json::to_string(&s).unwrap(), "\"dissatisfied\"");
        assert!(serde_json::from_str::<Satisfaction>("\"great\"").is_err());
    }

    #[test]
    fn codes_and_ids() {
        assert_eq!(government_office("530100"), "530100-zfb");
        assert!(valid_region("530100"));
        assert!(!valid_region("53010"));
        assert!(valid_department("530100-rsj"));
        assert!(!valid_department("../x"));
        assert!(valid_phone("139 1234 1234"));
        assert!(valid_phone("0871-64590534"));
        assert!(!valid_phone("call me"));
        assert!(valid_email("a@b.cn"));
        assert!(!valid_email("a@b"));
        assert_eq!(ticket_id("20261127", 123), "T20261127-000123");
    }
}
