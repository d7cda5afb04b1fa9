DROP TABLE login_failures;
DROP INDEX accounts_token_changed;
ALTER TABLE accounts DROP COLUMN token_changed_at;
ALTER TABLE accounts DROP COLUMN token_version;
ALTER TABLE outbox DROP COLUMN dead_at;
