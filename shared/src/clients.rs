//! One typed client per service, for the calls the others make to it. Each carries the
//! payloads of [`crate::contract`], so sender and receiver compile against the same types.
//! An answer the caller does not use is not parsed (`IgnoredAny`): it can grow without breaking
//! the caller.

use serde::de::IgnoredAny;

use crate::auth::JwtKeys;
use crate::contract::audit::AuditEvent;
use crate::contract::inbound::{FaxRecorded, InboundMail, InboundRecorded};
use crate::contract::knowledge::{
    ChangeRequestAccepted, ChangeRequestInput, DepartmentLookup, Revocation,
};
use crate::contract::notify::NotificationRequest;
use crate::contract::tickets::{
    CalendarAnswer, Delivery, KbHealthNow, KnowledgeResult, SearchCounts, TicketDue, TopicWords,
};
use crate::http::{ClientError, ServiceClient};

/// The knowledge service, as tickets calls it.
#[derive(Clone)]
pub struct KnowledgeClient(pub ServiceClient);

impl KnowledgeClient {
    /// A department by code; `None` when knowledge has no such department.
    pub async fn department(
        &self,
        code: &str,
        request_id: Option<&str>,
    ) -> Result<Option<DepartmentLookup>, ClientError> {
        let path = format!("/api/v1/departments/{code}");
        match self.0.get(&path, request_id).await {
            Ok(d) => Ok(Some(d)),
            Err(ClientError::Status { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The codes of the departments whose fax number (or a liaison's) is `number`, compared in
    /// the canonical phone form.
    pub async fn departments_by_fax(&self, number: &str) -> Result<Vec<String>, ClientError> {
        // The canonical form has digits and at most a leading `+`, which a query must escape.
        let fax = crate::values::normalize_phone(number).replace('+', "%2B");
        let path = format!("/api/v1/departments?fax={fax}&per_page=100");
        let page: crate::pagination::Page<DepartmentCodeOnly> = self.0.get(&path, None).await?;
        Ok(page.items.into_iter().map(|d| d.code).collect())
    }

    /// The regions: code and name.
    pub async fn regions(&self) -> Result<Vec<RegionName>, ClientError> {
        self.0.get("/api/v1/regions", None).await
    }

    /// Accounts whose older tokens ended since `since` (milliseconds since the epoch).
    pub async fn revocations(&self, since: i64) -> Result<Vec<Revocation>, ClientError> {
        let path = format!("/api/v1/auth/revocations?since={since}");
        self.0.get(&path, None).await
    }

    /// Records an event in the audit log; an event whose `key` was recorded is not again.
    pub async fn record_audit(&self, event: &AuditEvent) -> Result<(), ClientError> {
        let _: IgnoredAny = self
            .0
            .post("/api/v1/audit", event, None, Some(&event.key))
            .await?;
        Ok(())
    }

    /// The knowledge base's health now (open unanswered queries, entries not reviewed for
    /// `months`), in `region` (its sub-regions included) and `department` when given.
    pub async fn kb_health(
        &self,
        months: u32,
        region: Option<&str>,
        department: Option<&str>,
    ) -> Result<KbHealthNow, ClientError> {
        let mut path = format!("/api/v1/reports/kb-health-now?months={months}");
        // Codes are digits, letters and `-`: nothing to escape.
        for (name, v) in [("region", region), ("department", department)] {
            if let Some(v) = v {
                path.push_str(&format!("&{name}={v}"));
            }
        }
        self.0.get(&path, None).await
    }

    /// Files a change request; the same `key` answers the same request once more.
    pub async fn submit_change_request(
        &self,
        request: &ChangeRequestInput,
        key: &str,
    ) -> Result<ChangeRequestAccepted, ClientError> {
        self.0
            .post("/api/v1/change-requests", request, None, Some(key))
            .await
    }
}

/// The part of a department the fax look-up reads.
#[derive(Debug, Clone, serde::Deserialize)]
struct DepartmentCodeOnly {
    code: String,
}

/// A region's code and name, as the notification texts show it.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct RegionName {
    pub code: String,
    pub name: String,
}

/// The notify service, as tickets calls it.
#[derive(Clone)]
pub struct NotifyClient(pub ServiceClient);

impl NotifyClient {
    /// Queues a notification; the same `key` answers the same request once more.
    pub async fn send(&self, request: &NotificationRequest, key: &str) -> Result<(), ClientError> {
        let _: IgnoredAny = self
            .0
            .post("/api/v1/notifications", request, None, Some(key))
            .await?;
        Ok(())
    }
}

/// The tickets service, as knowledge and notify call it.
#[derive(Clone)]
pub struct TicketsClient(pub ServiceClient);

impl TicketsClient {
    /// Reports how a notification about `ticket` ended.
    pub async fn delivery(
        &self,
        ticket: &str,
        delivery: &Delivery,
        key: &str,
    ) -> Result<(), ClientError> {
        let path = format!("/api/v1/tickets/{ticket}/delivery");
        let _: IgnoredAny = self.0.post(&path, delivery, None, Some(key)).await?;
        Ok(())
    }

    /// Reports that the change request of `ticket` was applied or rejected.
    pub async fn knowledge_result(
        &self,
        ticket: &str,
        result: &KnowledgeResult,
        key: &str,
    ) -> Result<(), ClientError> {
        let _: IgnoredAny = self
            .0
            .post(&KnowledgeResult::path(ticket), result, None, Some(key))
            .await?;
        Ok(())
    }

    /// Adds knowledge's search counts to the health report's roll-ups; the same key once.
    pub async fn search_counts(&self, counts: &SearchCounts) -> Result<(), ClientError> {
        let _: IgnoredAny = self
            .0
            .post(SearchCounts::PATH, counts, None, Some(&counts.key))
            .await?;
        Ok(())
    }

    /// Replaces the digest's topic words with knowledge's current ones.
    pub async fn topic_words(&self, words: &TopicWords) -> Result<(), ClientError> {
        let _: IgnoredAny = self
            .0
            .post(TopicWords::PATH, words, None, Some(&words.key))
            .await?;
        Ok(())
    }

    /// Records a received e-mail on `ticket` (notify, issue 18); the same message once.
    pub async fn inbound(
        &self,
        ticket: &str,
        mail: &InboundMail,
    ) -> Result<InboundRecorded, ClientError> {
        let key = format!("inbound-{}", mail.message_key);
        self.0
            .post(&InboundMail::path(ticket), mail, None, Some(&key))
            .await
    }

    /// A ticket's department, author and reply deadline (knowledge fills `{deadline}`).
    pub async fn ticket_due(&self, id: &str) -> Result<TicketDue, ClientError> {
        self.0.get(&format!("/api/v1/tickets/{id}"), None).await
    }

    /// Offers a received fax (`mail.fax` set) to the ticket service, which attaches it to the
    /// one open urgent complaint of the department with that fax number; a 409 says why not.
    pub async fn inbound_fax(&self, mail: &InboundMail) -> Result<FaxRecorded, ClientError> {
        let key = format!("fax-{}", mail.message_key);
        self.0.post(FaxRecorded::PATH, mail, None, Some(&key)).await
    }

    /// The working-day calendar.
    pub async fn calendar(&self) -> Result<CalendarAnswer, ClientError> {
        self.0.get("/api/v1/calendar", None).await
    }
}

/// Keeps `keys`' ended tokens current from knowledge, for as long as the service runs.
pub async fn poll_revocations(knowledge: KnowledgeClient, keys: std::sync::Arc<JwtKeys>) {
    crate::auth::keep_revocations_current(keys, |since| {
        let knowledge = knowledge.clone();
        async move { knowledge.revocations(since).await }
    })
    .await;
}
