//! Plain types and functions of the ticket service: no requests, no connections.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub mod access;
pub mod action;
pub mod alerts;
pub mod attachments;
pub mod calendar;
pub mod deadlines;
pub mod intake;
pub mod lifecycle;
pub mod notifications;
pub mod rating;
pub mod record;
pub mod reports;
pub mod reports_health;
pub mod reports_operators;
pub mod reports_topics;
pub mod routing;
pub mod view;

use shared::text_enum;
pub use shared::text_enum::UnknownName;

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

/// Whose attitude a cause-C complaint was about: an operator account, or a department (its
/// liaisons). Written `operator:<account>` or `liaison:<department code>`, in the API and
/// in the database.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AttitudeOf {
    Operator(String),
    Liaison(String),
}

impl AttitudeOf {
    pub fn parse(text: &str) -> Option<AttitudeOf> {
        let (kind, who) = text.split_once(':')?;
        let who = who.trim();
        let fits = !who.is_empty()
            && who.len() <= 64
            && who
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
        match kind {
            "operator" if fits => Some(AttitudeOf::Operator(who.to_string())),
            "liaison" if valid_department(who) => Some(AttitudeOf::Liaison(who.to_string())),
            _ => None,
        }
    }
}

impl std::fmt::Display for AttitudeOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AttitudeOf::Operator(a) => write!(f, "operator:{a}"),
            AttitudeOf::Liaison(d) => write!(f, "liaison:{d}"),
        }
    }
}

impl Serialize for AttitudeOf {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for AttitudeOf {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<AttitudeOf, D::Error> {
        let text = String::deserialize(d)?;
        AttitudeOf::parse(&text).ok_or_else(|| {
            serde::de::Error::custom(
                "`attitude_of` is `operator:<account>` or `liaison:<department code>`",
            )
        })
    }
}

impl utoipa::PartialSchema for AttitudeOf {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .description(Some(
                "Whose attitude a cause-C complaint was about: `operator:<account>` or `liaison:<department code>`.",
            ))
            .examples([serde_json::json!("liaison:530100-gaj")])
            .into()
    }
}

impl utoipa::ToSchema for AttitudeOf {}

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
    /// How a call came in: to the hotline, or to a department's liaison, transferred by the
    /// hotline or dialled directly (the guide's liaison duty 1).
    CallVia {
        Hotline = "hotline",
        Transferred = "transferred",
        Direct = "direct",
    }
);

text_enum!(
    /// How a reply reached the caller or the centre.
    ReplyChannel {
        System = "system",
        Phone = "phone",
        Fax = "fax",
        Email = "email",
        Paper = "paper",
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

impl TryFrom<String> for Satisfaction {
    type Error = UnknownName;
    fn try_from(text: String) -> Result<Satisfaction, UnknownName> {
        Satisfaction::parse(&text).ok_or(UnknownName {
            kind: "Satisfaction",
            name: text,
        })
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
        assert_eq!(Status::try_from("closed".to_string()), Ok(Status::Closed));
        assert!(Status::try_from("lost".to_string()).is_err());
    }
}
