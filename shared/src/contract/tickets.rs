//! What the tickets service accepts from the others, and the calendar it serves them.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub use super::notify::Channel;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum KnowledgeOutcome {
    Applied,
    Rejected,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KnowledgeResult {
    pub change_request_id: i64,
    pub outcome: KnowledgeOutcome,
    /// The FAQ entry (or department) the applied change created or changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

impl KnowledgeResult {
    /// Where it is posted: `POST /api/v1/tickets/{ticket}/knowledge-result`.
    pub fn path(ticket: &str) -> String {
        format!("/api/v1/tickets/{ticket}/knowledge-result")
    }

    /// The ticket of a path made by [`KnowledgeResult::path`].
    pub fn ticket_of(path: &str) -> Option<&str> {
        path.strip_prefix("/api/v1/tickets/")?
            .strip_suffix("/knowledge-result")
            .filter(|t| !t.is_empty() && !t.contains('/'))
    }
}

/// What knowledge reads of a ticket (`GET /api/v1/tickets/{id}`, as a service) to fill a
/// script's `{deadline}`; the rest of the ticket's answer is ignored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct TicketDue {
    pub id: String,
    pub department: Option<String>,
    pub created_by: String,
    pub due_at: chrono::DateTime<chrono::Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Sent,
    Dead,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Sent => "sent",
            DeliveryStatus::Dead => "dead",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Delivery {
    pub notification_id: String,
    pub channel: Channel,
    pub to: String,
    pub status: DeliveryStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DeliveryRecorded {
    /// false when this notification's status was recorded before.
    pub recorded: bool,
}

/// `GET /api/v1/calendar`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarAnswer {
    pub years: Vec<CalendarYearOut>,
    /// e.g. `09:00-12:00,13:30-17:30`
    pub working_hours: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalendarYearOut {
    pub year: i32,
    #[schema(value_type = Vec<Vec<String>>)]
    pub holidays: Vec<(NaiveDate, NaiveDate, String)>,
    #[schema(value_type = Vec<String>)]
    pub adjusted_workdays: Vec<NaiveDate>,
    pub source: Option<String>,
}

impl From<crate::calendar::CalendarYear> for CalendarYearOut {
    fn from(y: crate::calendar::CalendarYear) -> CalendarYearOut {
        CalendarYearOut {
            year: y.year,
            holidays: y.holidays,
            adjusted_workdays: y.adjusted_workdays,
            source: y.source,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_knowledge_result_path_gives_back_its_ticket() {
        let path = KnowledgeResult::path("T20261204-000001");
        assert_eq!(KnowledgeResult::ticket_of(&path), Some("T20261204-000001"));
        assert_eq!(
            KnowledgeResult::ticket_of("/api/v1/tickets//knowledge-result"),
            None
        );
        assert_eq!(
            KnowledgeResult::ticket_of("/api/v1/tickets/a/b/knowledge-result"),
            None
        );
        assert_eq!(KnowledgeResult::ticket_of("/api/v1/calendar"), None);
    }
}

// ---- the supervisors' reports (`GET /api/v1/reports/…`), read by the console ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallDay {
    /// China-time date.
    pub date: NaiveDate,
    pub total: i64,
    /// Counts per classification (`basic_query`, `consultation`, `complaint`, `suggestion`).
    pub classification: BTreeMap<String, i64>,
    /// Counts per rating (`satisfied`, `basically_satisfied`, `dissatisfied`, `none`).
    pub satisfaction: BTreeMap<String, i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CallsDaily {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub days: Vec<CallDay>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegionReplenishment {
    pub region: String,
    /// No-info tickets opened in the range.
    pub opened: i64,
    /// Of those, closed.
    pub closed: i64,
    /// Of those, answered by an applied knowledge change.
    pub answered: i64,
    /// Median time from ticket to applied answer, in seconds.
    pub median_seconds_to_answer: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReplenishmentReport {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub regions: Vec<RegionReplenishment>,
}

// ---- the knowledge base health report (issue 19): what knowledge tells tickets ----

/// One China-time day's searches at the knowledge service, for one region filter (`""`: asked
/// without one): how many, and how many found nothing confident (the unanswered report's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchDayCount {
    pub day: NaiveDate,
    /// The region code the searches were narrowed to, `""` for none.
    pub region: String,
    pub searches: i64,
    /// Of those, searches whose answer was not confident.
    pub unconfident: i64,
}

/// Searches counted since knowledge's last message (`POST /api/v1/reports/search-counts`):
/// counts to add, never totals, so each message is added once, by its `key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchCounts {
    /// The message's own key (1-200 printable ASCII characters): the same key is added once.
    pub key: String,
    pub counts: Vec<SearchDayCount>,
    /// The same searches by the FAQ topic of their best answer (none for a search that
    /// found nothing): the 社情民意 digest's searched topics.
    #[serde(default)]
    pub topics: Vec<SearchTopicCount>,
}

/// One China-time day's searches whose best answer is of one FAQ topic, for one region
/// filter (`""`: asked without one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchTopicCount {
    pub day: NaiveDate,
    pub region: String,
    /// The topic: a kind of department (`rsj`, 人社), as in [`TopicWords`].
    pub topic: String,
    pub searches: i64,
}

/// The knowledge base's FAQ topics and the words that name them (`POST
/// /api/v1/reports/topic-words`): a topic is a kind of department (`rsj` in every region),
/// its words the jieba keywords of that kind's FAQ questions and keywords that few other
/// kinds use. Tickets files each new ticket's summary under a topic by these words (the
/// 社情民意 digest). Sent whole by knowledge when they change; each message replaces the last.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicWords {
    /// The message's own key (1-200 printable ASCII characters): a digest of its content.
    pub key: String,
    pub topics: Vec<TopicName>,
    pub words: Vec<TopicWord>,
}

impl TopicWords {
    pub const PATH: &'static str = "/api/v1/reports/topic-words";
}

/// A topic's code (a department kind) and the name a supervisor reads (人力资源和社会保障).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicName {
    pub topic: String,
    pub name: String,
}

/// A word (two to eight characters) and the topic it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TopicWord {
    pub word: String,
    pub topic: String,
}

impl SearchCounts {
    pub const PATH: &'static str = "/api/v1/reports/search-counts";
}

/// What tickets asks knowledge when a health report is read (`GET
/// /api/v1/reports/kb-health-now` at knowledge): states now, not events, so they are not sent ahead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct KbHealthNow {
    /// Unanswered queries not answered since (the unanswered report's `open`), last asked in
    /// the region filter (all when none).
    pub open_unanswered: i64,
    /// Published FAQ entries of the selected departments last changed (each change is
    /// reviewed) `months` or more months ago.
    pub stale_entries: i64,
    pub months: u32,
}
