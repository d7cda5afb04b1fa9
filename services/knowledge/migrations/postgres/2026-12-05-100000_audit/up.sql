-- Issue 16: the audit log. Who did what, when, from where: sign-ins, account changes,
-- knowledge changes applied or rejected, full caller-number reads, exports, notification
-- retries, from this service and (through their outboxes) the other two. Rows are only ever
-- added; nothing in the API changes or removes one, and only rows older than the retention
-- (at least 180 days) are pruned.
CREATE TABLE audit_log (
    id BIGSERIAL PRIMARY KEY,
    at BIGINT NOT NULL,
    service TEXT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    address TEXT NOT NULL,
    details TEXT NOT NULL,
    source_key TEXT UNIQUE
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_actor ON audit_log(actor, at);
