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
    FaxRules, KeptAttachment, Limits, Match, ReadMail, excerpt, match_ticket, our_notifications,
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
            data: None,
        })
        .collect()
}

/// The files as posted to the ticket service, with their bytes; a received fax's TIFF pages
/// also as one PDF, to be read in a browser.
fn posted(kept: Vec<KeptAttachment>, fax: bool) -> Vec<InboundAttachment> {
    let mut out = Vec::with_capacity(kept.len());
    for a in kept {
        if fax && let Some(pdf) = crate::fax::received::pdf_of_tiff_base64(&a.data) {
            out.push(pdf_of(&a.filename, pdf));
        }
        out.push(InboundAttachment {
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            data: Some(a.data),
        });
    }
    out
}

/// The PDF made of TIFF `filename`.
fn pdf_of(filename: &str, pdf: Vec<u8>) -> InboundAttachment {
    use base64::Engine as _;
    let stem = filename.rsplit_once('.').map_or(filename, |(stem, _)| stem);
    InboundAttachment {
        filename: format!("{stem}.pdf"),
        content_type: "application/pdf".into(),
        size: i64::try_from(pdf.len()).unwrap_or(i64::MAX),
        data: Some(base64::engine::general_purpose::STANDARD.encode(pdf)),
    }
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
    /// Recorded on `ticket` as a `reply`, a `note` or a received `fax`.
    Recorded {
        ticket: String,
        as_: &'static str,
    },
    Unmatched(String),
    Later(String),
}

/// Matches up to `limit` new messages and records each on its ticket; how many it took.
pub async fn match_new(
    pool: &DbPool,
    tickets: &TicketsClient,
    fax: &FaxRules,
    limit: i64,
) -> ApiResult<usize> {
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
        match match_one(pool, tickets, fax, row).await {
            Ok(m) => tracing::info!(message = %id, outcome = ?m, "received message matched"),
            Err(e) => tracing::warn!(message = %id, error = %e, "cannot match a received message"),
        }
    }
    Ok(n)
}

/// The message as posted to the ticket service, with its files; `fax`: the sender's number of
/// a received fax.
fn mail_of(row: &InboundRow, attached_by: Option<String>, fax: Option<String>) -> InboundMail {
    InboundMail {
        message_key: row.id.clone(),
        from: row.sender.clone(),
        from_name: row.sender_name.clone(),
        subject: row.subject.chars().take(1000).collect(),
        text: trim_reply(&row.body).chars().take(20_000).collect(),
        received_at: from_ms(row.received_at),
        attachments: posted(attachments_of(row), fax.is_some()),
        attached_by,
        fax: fax.map(|n| n.chars().take(40).collect()),
    }
}

fn recorded_as(r: InboundRecordedAs) -> &'static str {
    match r {
        InboundRecordedAs::Reply => "reply",
        InboundRecordedAs::Note => "note",
        InboundRecordedAs::Fax => "fax",
    }
}

/// The detail of a refusal's problem+json, else the whole answer.
fn refusal_detail(e: &ClientError) -> String {
    match e {
        ClientError::Status { body, .. } => serde_json::from_str::<serde_json::Value>(body)
            .ok()
            .and_then(|p| p.get("detail")?.as_str().map(str::to_string))
            .unwrap_or_else(|| body.clone()),
        other => other.to_string(),
    }
}

/// A received fax offered to the ticket service, which finds the urgent complaint it answers.
async fn match_fax(tickets: &TicketsClient, row: &InboundRow, number: Option<String>) -> Matched {
    let Some(number) = number else {
        return Matched::Unmatched("传真网关来信中未找到发送方传真号码".into());
    };
    match tickets.inbound_fax(&mail_of(row, None, Some(number))).await {
        Ok(r) => Matched::Recorded {
            ticket: r.ticket_id,
            as_: "fax",
        },
        Err(e) if e.is_refusal() => Matched::Unmatched(refusal_detail(&e)),
        Err(e) => Matched::Later(e.to_string()),
    }
}

async fn match_one(
    pool: &DbPool,
    tickets: &TicketsClient,
    fax: &FaxRules,
    row: InboundRow,
) -> ApiResult<Matched> {
    let outcome = match fax.fax(&row.sender, &row.subject, &row.body) {
        Some(number) => match_fax(tickets, &row, number).await,
        None => match_mail(pool, tickets, &row).await?,
    };
    settle_match(pool, &row, &outcome).await?;
    Ok(outcome)
}

/// A mail matched by the mails it answers, else the ticket number in its subject, and offered
/// to that ticket.
async fn match_mail(
    pool: &DbPool,
    tickets: &TicketsClient,
    row: &InboundRow,
) -> ApiResult<Matched> {
    let replied: Vec<String> = row.refs.split_whitespace().map(str::to_string).collect();
    let ours = our_notifications(&replied);
    let replied_tickets = shared::db::run(pool, move |c| {
        Ok(store::tickets_of_notifications(c, &ours)?)
    })
    .await?;
    let outcome = match match_ticket(&replied_tickets, &ticket_numbers(&row.subject)) {
        Match::Unmatched(reason) => Matched::Unmatched(reason),
        Match::Ticket(ticket) => match tickets.inbound(&ticket, &mail_of(row, None, None)).await {
            Ok(r) => Matched::Recorded {
                ticket,
                as_: recorded_as(r.recorded_as),
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
    Ok(outcome)
}

/// Writes how matching `row` ended: matched, unmatched, or tried again later.
async fn settle_match(pool: &DbPool, row: &InboundRow, outcome: &Matched) -> ApiResult<()> {
    let now = now_ms();
    let id = row.id.clone();
    let attempts = row.attempts;
    let stored = outcome.clone();
    shared::db::run(pool, move |c| {
        match &stored {
            Matched::Recorded { ticket, as_ } => {
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
                let wait = backoff_ms(attempts + 1, 2_000, 300_000, rand::random());
                let next = now + i64::try_from(wait).unwrap_or(300_000);
                store::retry_at(c, &id, reason, next, now)?;
            }
        }
        Ok(())
    })
    .await
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
    fax: &FaxRules,
    id: String,
    ticket: String,
    user: &AuthUser,
) -> ApiResult<InboundRow> {
    let row = unmatched(pool, id.clone()).await?;
    // A received fax stays one: kept on the ticket awaiting confirmation, its number unknown
    // when the gateway did not give it.
    let number = fax
        .fax(&row.sender, &row.subject, &row.body)
        .map(|n| n.unwrap_or_else(|| "unknown".into()));
    let recorded = match tickets
        .inbound(&ticket, &mail_of(&row, Some(user.sub.clone()), number))
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
