-- Issue 16. A result the tickets service refuses for good: kept, with its reason, never posted
-- again.
ALTER TABLE outbox ADD COLUMN dead_at BIGINT;

-- Every token carries its account's token version; a change of role, department, password or
-- state, and signing out, move it on, and the services refuse the older tokens.
ALTER TABLE accounts ADD COLUMN token_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN token_changed_at BIGINT NOT NULL DEFAULT 0;
CREATE INDEX accounts_token_changed ON accounts(token_changed_at);

-- Failed sign-ins by throttling key (account and address, address, account), shared by
-- replicas; rows older than the longest window are pruned.
CREATE TABLE login_failures (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    key TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);
CREATE INDEX login_failures_at ON login_failures(at);
