-- Times are Unix epoch milliseconds (BIGINT) so the claim query is the same arithmetic on
-- both backends.
CREATE TABLE notifications (
    id TEXT PRIMARY KEY NOT NULL,
    idempotency_key TEXT UNIQUE,
    request TEXT NOT NULL,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    template TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    data TEXT NOT NULL,
    attachments TEXT NOT NULL,
    ticket_id TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    last_error TEXT,
    provider_id TEXT,
    next_attempt_at BIGINT NOT NULL,
    locked_until BIGINT,
    locked_by TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    sent_at BIGINT,
    reported_at BIGINT,
    report_attempts INTEGER NOT NULL DEFAULT 0,
    report_next_at BIGINT NOT NULL DEFAULT 0,
    report_error TEXT
);
CREATE INDEX notifications_due ON notifications (status, next_attempt_at);
CREATE INDEX notifications_unreported ON notifications (reported_at, report_next_at);
CREATE INDEX notifications_ticket ON notifications (ticket_id);

CREATE TABLE templates (
    name TEXT PRIMARY KEY NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT
);
