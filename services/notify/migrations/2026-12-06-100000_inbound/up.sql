-- Issue 18: e-mail fetched from the centre's mailboxes over IMAP.
-- One row per mailbox (its URL without the password, and the folder): the UIDVALIDITY seen
-- and the highest UID stored, so a restart or another replica starts after it.
CREATE TABLE imap_mailboxes (
    mailbox TEXT PRIMARY KEY NOT NULL,
    uid_validity BIGINT NOT NULL,
    last_uid BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One row per received message. `message_key` (its Message-ID, or mailbox, UIDVALIDITY and
-- UID when it has none) is unique: a message fetched twice (two replicas, a restart before
-- the high-water mark moved) is stored once. Status: `new` (to be matched), `matched`,
-- `unmatched` (the centre's queue), `attached` and `dismissed` (decided by a supervisor),
-- `dead` (refused: too large, malformed; `reason` says why).
CREATE TABLE inbound_messages (
    id TEXT PRIMARY KEY NOT NULL,
    message_key TEXT NOT NULL UNIQUE,
    mailbox TEXT NOT NULL,
    uid BIGINT NOT NULL,
    message_id TEXT,
    in_reply_to TEXT,
    refs TEXT NOT NULL,
    sender TEXT NOT NULL,
    sender_name TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    attachments TEXT NOT NULL,
    size BIGINT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    ticket_id TEXT,
    recorded_as TEXT,
    attempts INTEGER NOT NULL,
    next_attempt_at BIGINT NOT NULL,
    decided_by TEXT,
    received_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX inbound_messages_status ON inbound_messages(status, next_attempt_at);
