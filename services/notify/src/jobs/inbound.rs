//! Inbound mail (issue 18): one fetcher per configured mailbox and one matcher on every
//! replica. The fetcher connects, stores every message above the mailbox's UID high-water mark
//! (`app::inbound::store_fetched`), flags it in the mailbox, and waits for the next poll (in
//! IDLE where the server offers it, so new mail is taken at once); the matcher records the
//! stored messages on their tickets. Any failure ends the round and is
//! logged; the next round starts again from the mark.

use std::sync::Arc;
use std::time::Duration;

use shared::clients::TicketsClient;
use shared::db::DbPool;
use tokio::sync::Notify;

use crate::app::inbound::{self as app, Origin, Stored};
use crate::domain::inbound::{FaxRules, Limits};
use crate::imap::{self, ImapError, MailboxUrl};

/// What the inbound tasks of one replica share.
#[derive(Clone)]
pub struct Inbound {
    pub pool: DbPool,
    pub tickets: TicketsClient,
    pub mailboxes: Vec<MailboxUrl>,
    /// Whom TLS to the mail server trusts.
    pub tls: imap::Tls,
    pub poll: Duration,
    pub limits: Limits,
    /// How received faxes are told from other mail.
    pub fax: Arc<FaxRules>,
    /// Poked when a message is stored, so the matcher starts at once.
    pub stored: Arc<Notify>,
}

impl Inbound {
    pub fn spawn(&self) {
        if self.mailboxes.is_empty() {
            return;
        }
        for mailbox in &self.mailboxes {
            let (me, mailbox) = (self.clone(), mailbox.clone());
            tokio::spawn(async move { me.fetch_loop(mailbox).await });
        }
        let me = self.clone();
        tokio::spawn(async move { me.match_loop().await });
    }

    async fn fetch_loop(self, mailbox: MailboxUrl) {
        loop {
            if let Err(e) = self.stay_connected(&mailbox).await {
                tracing::warn!(mailbox = %mailbox.name(), error = %e, "cannot fetch mail");
            }
            tokio::time::sleep(self.poll).await;
        }
    }

    /// Rounds with one connection: where the server offers IDLE it stays signed in and a new
    /// message starts the next round at once (a round runs at least every poll interval all
    /// the same); otherwise one round, and the caller waits for the next poll.
    async fn stay_connected(&self, mailbox: &MailboxUrl) -> Result<(), FetchError> {
        let mut session = imap::connect(mailbox, &self.tls).await?;
        let idle = imap::offers_idle(&mut session).await?;
        loop {
            let n = fetch_in(&self.pool, &mut session, mailbox, self.limits).await?;
            if n > 0 {
                tracing::info!(mailbox = %mailbox.name(), stored = n, "received mail stored");
                self.stored.notify_one();
            }
            if !idle {
                let _ = tokio::time::timeout(Duration::from_secs(5), session.logout()).await;
                return Ok(());
            }
            session = imap::idle(session, self.poll).await?;
        }
    }

    async fn match_loop(self) {
        loop {
            match app::match_new(&self.pool, &self.tickets, &self.fax, 20).await {
                Ok(n) if n > 0 => continue,
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "cannot match received mail"),
            }
            let wait = self.poll.min(Duration::from_secs(5));
            let _ = tokio::time::timeout(wait, self.stored.notified()).await;
        }
    }
}

/// Why a fetch round ended.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error(transparent)]
    Imap(#[from] ImapError),
    #[error("database: {0}")]
    Db(#[from] shared::ApiError),
}

/// One round with the selected folder of `mailbox`: every message above its mark is stored
/// (or dead-lettered) and then flagged; how many new rows it made.
async fn fetch_in(
    pool: &DbPool,
    session: &mut imap::Session,
    mailbox: &MailboxUrl,
    limits: Limits,
) -> Result<usize, FetchError> {
    let validity = imap::select(session, &mailbox.folder).await?;
    let name = mailbox.name();
    let after = match app::mark(pool, name.clone()).await? {
        Some((v, last)) if v == i64::from(validity) => u32::try_from(last).unwrap_or(0),
        // A new UIDVALIDITY renumbered the folder: read it all again; the message keys keep
        // what was stored before from being stored twice.
        _ => 0,
    };
    for uid in imap::unflagged_upto(session, after).await? {
        imap::mark_stored(session, uid).await?;
    }
    let mut stored = 0;
    for uid in imap::uids_after(session, after).await? {
        let size = imap::size(session, uid).await?.unwrap_or(0);
        let raw = if u64::from(size) > limits.message_bytes {
            None
        } else {
            match imap::body(session, uid).await? {
                Some(raw) => Some(raw),
                // Expunged since the search: nothing to store.
                None => continue,
            }
        };
        let origin = Origin {
            mailbox: name.clone(),
            uid_validity: validity,
            uid,
        };
        if app::store_fetched(pool, origin, raw, u64::from(size), limits).await? == Stored::New {
            stored += 1;
        }
        imap::mark_stored(session, uid).await?;
    }
    Ok(stored)
}
