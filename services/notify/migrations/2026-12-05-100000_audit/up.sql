-- Issue 16: events for the audit log (a supervisor retried a dead notification), written in
-- the transaction of what they record and posted to the knowledge service, which keeps the log;
-- the key makes a resend count once there.
CREATE TABLE audit_outbox (
    key TEXT PRIMARY KEY NOT NULL,
    payload TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    sent_at BIGINT
);
CREATE INDEX audit_outbox_unsent ON audit_outbox(created_at) WHERE sent_at IS NULL;
