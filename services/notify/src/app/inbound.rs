//! Received e-mail (issue 18): storing a fetched message exactly once, matching it to its
//! ticket and recording it there through the ticket service, and the centre's decisions on
//! the unmatched ones (attach to a ticket, dismiss).
//!
//! A message is stored, with its mailbox's UID high-water mark, in one transaction before the
//! mailbox is told it was taken; its key (Message-ID, or mailbox, UIDVALIDITY and UID) is
//! unique, so a second fetch (another replica, a restart in between) stores nothing. Matching
//! is a separate step on stored rows, and the ticket service keeps each message once
//! (`message_key`), so a post repeated after a crash is harmless.

use serde::{Deserialize, Serialize};
use shared::auth::AuthUser;
use shared::clients::TicketsClient;
use shared::contract::inbound::{InboundAttachment, InboundMail, InboundRecordedAs};
use shared::db::{DbPool, write_tx};
use shared::http::ClientError;
use shared::pagination::Paging;
use shared::time::{from_ms, now_ms};
use shared::{ApiError, ApiResult};
use utoipa::ToSchema;

use crate::db::inbound::{self as store, InboundRow};
use crate::domain::inbound::{
    KeptAttachment, Limits, Match, ReadMail, excerpt, match_ticket, our_notifications,
    ticket_numbers, trim_reply,
};
use crate::domain::{backoff_ms, new_id};

/// The states of a received message.
pub const STATUSES: [&str; 6] = [
    "new",
    "matched",
    "unmatched",
    "attached",
    "dismissed",
    "dead",
];

/// A received message as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct InboundView {
    pub id: String,
    /// `new`, `matched`, `unmatched`, `attached`, `dismissed` or `dead`.
    pub status: String,
    pub sender: String,
    pub sender_name: Option<String>,
    pub subject: String,
    /// The first lines of the trimmed text.
    pub excerpt: String,
    /// The text with quoted earlier mail and the signature trimmed.
    pub text: String,
    pub message_id: Option<String>,
    pub received_at: chrono::DateTime<chrono::Utc>,
    pub ticket_id: Option<String>,
    /// `reply` or `note`, once recorded on a ticket.
    pub recorded_as: Option<String>,
    /// Why it is unmatched or dead, or why matching waits.
    pub reason: Option<String>,
    pub attachments: Vec<InboundAttachment>,
    /// The supervisor who attached or dismissed it.
    pub decided_by: Option<String>,
}

fn attachments_of(row: &InboundRow) -> Vec<KeptAttachment> {
    serde_json::from_str(&row.attachments).unwrap_or_default()
}

fn listed(kept: &[KeptAttachment]) -> Vec<InboundAttachment> {
    kept.iter()
        .map(|a| InboundAttachment {
            filename: a.filename.clone(),
            content_type: a.content_type.clone(),
            size: a.size,
        })
        .collect()
}

pub fn view(row: &InboundRow) -> InboundView {
    let text = trim_reply(&row.body);
    InboundView {
        id: row.id.clone(),
        status: row.status.clone(),
        sender: row.sender.clone(),
        sender_name: row.sender_name.clone(),
        subject: row.subject.clone(),
        excerpt: excerpt(&text, 120),
        text,
        message_id: row.message_id.clone(),
        received_at: from_ms(row.received_at),
        ticket_id: row.ticket_id.clone(),
        recorded_as: row.recorded_as.clone(),
        reason: row.reason.clone(),
        attachments: listed(&attachments_of(row)),
        decided_by: row.decided_by.clone(),
    }
}

/// Where a fetched message came from.
#[derive(Debug, Clone)]
pub struct Origin {
    pub mailbox: String,
    pub uid_validity: u32,
    pub uid: u32,
}

impl Origin {
    fn key(&self) -> String {
        format!("{}|{}|{}", self.mailbox, self.uid_validity, self.uid)
    }
}

/// What became of a fetched message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// A new row (`new`, or `dead` with the reason).
    New,
    /// Stored before (the same key): nothing written but the high-water mark.
    Again,
}

fn row_of(origin: &Origin, mail: ReadMail, size: i64, now: i64) -> InboundRow {
    let key = mail
        .message_id
        .as_ref()
        .map(|m| format!("mid:{m}"))
        .unwrap_or_else(|| origin.key());
    InboundRow {
        id: new_id(),
        message_key: key.chars().take(900).collect(),
        mailbox: origin.mailbox.clone(),
        uid: i64::from(origin.uid),
        message_id: mail.message_id,
        in_reply_to: mail.in_reply_to.first().cloned(),
        refs: mail
            .in_reply_to
            .iter()
            .chain(&mail.references)
            .cloned()
            .collect::<Vec<_>>()
            .join(" "),
        sender: mail.sender,
        sender_name: mail.sender_name,
        subject: mail.subject,
        body: mail.body,
        attachments: serde_json::to_string(&mail.attachments).unwrap_or_else(|_| "[]".into()),
        size,
        status: "new".into(),
        reason: None,
        ticket_id: None,
        recorded_as: None,
        attempts: 0,
        next_attempt_at: now,
        decided_by: None,
        received_at: now,
        created_at: now,
        updated_at: now,
    }
}

/// A dead letter: what could be read of a refused message, and why.
fn dead_row(origin: &Origin, reason: String, size: i64, now: i64) -> InboundRow {
    let nothing = ReadMail::default();
    InboundRow {
        status: "dead".into(),
        reason: Some(reason),
        ..row_of(origin, nothing, size, now)
    }
}

/// Stores message `raw` of `origin` (`None`: too large to fetch, `size` bytes) and moves its
/// mailbox's mark past it, in one transaction. A message refused by `limits` is stored as a
/// dead letter with the reason.
pub async fn store_fetched(
    pool: &DbPool,
    origin: Origin,
    raw: Option<Vec<u8>>,
    size: u64,
    limits: Limits,
) -> ApiResult<Stored> {
    let now = now_ms();
    let size_i = i64::try_from(size).unwrap_or(i64::MAX);
    let row = match raw {
        None => dead_row(
            &origin,
            format!(
                "message too large: {size} bytes (limit {})",
                limits.message_bytes
            ),
            size_i,
            now,
        ),
        Some(raw) => match crate::domain::inbound::read(&raw, &limits) {
            Ok(mail) => row_of(&origin, mail, size_i, now),
            Err(refused) => dead_row(&origin, refused.to_string(), size_i, now),
        },
    };
    if row.status == "dead" {
        tracing::warn!(mailbox = %origin.mailbox, uid = origin.uid, reason = ?row.reason, "received message dead-lettered");
    }
    // Two replicas may store the same message at once: the loser's unique violation rolls its
    // transaction back, and the second try finds the key.
    let mut tries = 0;
    loop {
        let (row, origin) = (row.clone(), origin.clone());
        let result = shared::db::run(pool, move |c| {
            Ok(write_tx(c, |c| {
                let again = store::key_exists(c, &row.message_key)?;
                if !again {
                    store::insert(c, &row)?;
                }
                store::advance_mark(
                    c,
                    &origin.mailbox,
                    i64::from(origin.uid_validity),
                    i64::from(origin.uid),
                    now,
                )?;
                Ok::<_, shared::db::DbError>(if again { Stored::Again } else { Stored::New })
            })?)
        })
        .await;
        match result {
            Err(e) if tries == 0 => {
                tracing::info!(error = %e, "storing a received message again");
                tries += 1;
            }
            other => return other,
        }
    }
}

/// The mark of `mailbox`: `(uid_validity, last_uid)`.
pub async fn mark(pool: &DbPool, mailbox: String) -> ApiResult<Option<(i64, i64)>> {
    shared::db::run(pool, move |c| Ok(store::mark(c, &mailbox)?)).await
}

/// How long a replica holds the messages it took for matching: longer than a post to the
/// ticket service can take; a replica that died lets them go when it runs out.
const MATCH_LEASE_MS: i64 = 120_000;

/// How a message's matching ended, for the matcher's log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Matched {
    Recorded { ticket: String, as_reply: bool },
    Unmatched(String),
    Later(String),
}

/// Matches up to `limit` new messages and records each on its ticket; how many it took.
pub async fn match_new(pool: &DbPool, tickets: &TicketsClient, limit: i64) -> ApiResult<usize> {
    let now = now_ms();
    let rows = shared::db::run(pool, move |c| {
        Ok(write_tx(c, |c| {
            store::claim_new(c, now, MATCH_LEASE_MS, limit)
        })?)
    })
    .await?;
    let n = rows.len();
    for row in rows {
        let id = row.id.clone();
        match match_one(pool, tickets, row).await {
            Ok(m) => tracing::info!(message = %id, outcome = ?m, "received message matched"),
            Err(e) => tracing::warn!(message = %id, error = %e, "cannot match a received message"),
        }
    }
    Ok(n)
}

fn mail_of(row: &InboundRow, attached_by: Option<String>) -> InboundMail {
    InboundMail {
        message_key: row.id.clone(),
        from: row.sender.clone(),
        from_name: row.sender_name.clone(),
        subject: row.subject.chars().take(1000).collect(),
        text: trim_reply(&row.body).chars().take(20_000).collect(),
        received_at: from_ms(row.received_at),
        attachments: listed(&attachments_of(row)),
        attached_by,
    }
}

fn recorded_as(r: InboundRecordedAs) -> &'static str {
    match r {
        InboundRecordedAs::Reply => "reply",
        InboundRecordedAs::Note => "note",
    }
}

async fn match_one(pool: &DbPool, tickets: &TicketsClient, row: InboundRow) -> ApiResult<Matched> {
    let replied: Vec<String> = row.refs.split_whitespace().map(str::to_string).collect();
    let ours = our_notifications(&replied);
    let replied_tickets = shared::db::run(pool, move |c| {
        Ok(store::tickets_of_notifications(c, &ours)?)
    })
    .await?;
    let outcome = match match_ticket(&replied_tickets, &ticket_numbers(&row.subject)) {
        Match::Unmatched(reason) => Matched::Unmatched(reason),
        Match::Ticket(ticket) => match tickets.inbound(&ticket, &mail_of(&row, None)).await {
            Ok(r) => Matched::Recorded {
                ticket,
                as_reply: r.recorded_as == InboundRecordedAs::Reply,
            },
            Err(ClientError::Status { status: 404, .. }) => {
                Matched::Unmatched(format!("没有工单 {ticket}"))
            }
            Err(ClientError::Status { status: 409, .. }) => {
                Matched::Unmatched(format!("发件人不是工单 {ticket} 承办部门的联络员"))
            }
            Err(e) if e.is_refusal() => {
                Matched::Unmatched(format!("工单服务未接受（{ticket}）：{e}"))
            }
            Err(e) => Matched::Later(e.to_string()),
        },
    };
    let now = now_ms();
    let id = row.id.clone();
    let stored = outcome.clone();
    shared::db::run(pool, move |c| {
        match &stored {
            Matched::Recorded { ticket, as_reply } => {
                let as_ = if *as_reply { "reply" } else { "note" };
                store::settle(
                    c,
                    &id,
                    "new",
                    "matched",
                    Some(ticket),
                    Some(as_),
                    None,
                    None,
                    now,
                )?;
            }
            Matched::Unmatched(reason) => {
                store::settle(
                    c,
                    &id,
                    "new",
                    "unmatched",
                    None,
                    None,
                    Some(reason),
                    None,
                    now,
                )?;
            }
            Matched::Later(reason) => {
                let wait = backoff_ms(row.attempts + 1, 2_000, 300_000, rand::random());
                let next = now + i64::try_from(wait).unwrap_or(300_000);
                store::retry_at(c, &id, reason, next, now)?;
            }
        }
        Ok(())
    })
    .await?;
    Ok(outcome)
}

/// Received messages of one status (all when none), newest first.
pub async fn list(
    pool: &DbPool,
    status: Option<String>,
    paging: Paging,
) -> ApiResult<(Vec<InboundRow>, i64)> {
    shared::db::run(pool, move |c| {
        Ok(store::list(c, status.as_deref(), paging)?)
    })
    .await
}

async fn unmatched(pool: &DbPool, id: String) -> ApiResult<InboundRow> {
    let lookup = id.clone();
    let row = shared::db::run(pool, move |c| Ok(store::find(c, &lookup)?))
        .await?
        .ok_or_else(|| ApiError::not_found(format!("no received message {id}")))?;
    if row.status != "unmatched" {
        return Err(ApiError::conflict(format!(
            "the message is {}, not unmatched",
            row.status
        )));
    }
    Ok(row)
}

/// A supervisor attaches unmatched message `id` to `ticket`: recorded there as the liaison's
/// reply or as a note (by the ticket service's rules), then `attached`. 404 for an unknown
/// ticket, 409 unless the message is unmatched, 503 when the ticket service cannot be reached.
pub async fn attach(
    pool: &DbPool,
    tickets: &TicketsClient,
    id: String,
    ticket: String,
    user: &AuthUser,
) -> ApiResult<InboundRow> {
    let row = unmatched(pool, id.clone()).await?;
    let recorded = match tickets
        .inbound(&ticket, &mail_of(&row, Some(user.sub.clone())))
        .await
    {
        Ok(r) => r,
        Err(ClientError::Status { status: 404, .. }) => {
            return Err(ApiError::bad_request(format!("没有工单 {ticket}")));
        }
        Err(e) if e.is_refusal() => {
            return Err(ApiError::bad_request(format!("工单服务未接受：{e}")));
        }
        Err(e) => {
            tracing::warn!(error = %e, "cannot reach the ticket service to attach a message");
            return Err(ApiError::ServiceUnavailable(
                "the ticket service cannot be reached now; try again shortly".into(),
            ));
        }
    };
    let by = user.sub.clone();
    let as_ = recorded_as(recorded.recorded_as);
    let now = now_ms();
    shared::db::run(pool, move |c| {
        store::settle(
            c,
            &id,
            "unmatched",
            "attached",
            Some(&ticket),
            Some(as_),
            None,
            Some(&by),
            now,
        )?;
        store::find(c, &id)?.ok_or_else(|| ApiError::not_found("the message is gone"))
    })
    .await
}

/// A supervisor dismisses unmatched message `id` (spam, nothing to do): `dismissed`.
pub async fn dismiss(pool: &DbPool, id: String, user: &AuthUser) -> ApiResult<InboundRow> {
    unmatched(pool, id.clone()).await?;
    let by = user.sub.clone();
    let now = now_ms();
    shared::db::run(pool, move |c| {
        if !store::settle(
            c,
            &id,
            "unmatched",
            "dismissed",
            None,
            None,
            None,
            Some(&by),
            now,
        )? {
            return Err(ApiError::conflict("the message was decided meanwhile"));
        }
        store::find(c, &id)?.ok_or_else(|| ApiError::not_found("the message is gone"))
    })
    .await
}
