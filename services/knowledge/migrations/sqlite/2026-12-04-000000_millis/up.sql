-- Times become milliseconds since the Unix epoch (UTC), as in the tickets and notify
-- databases: one portable integer type on both backends. Existing rows are converted.
-- SQLite cannot change a column's type in place: each column is copied into a new one,
-- which then takes the old one's name (the indexes on them are made again after).
DROP INDEX outbox_pending;
DROP INDEX search_unanswered_open;

ALTER TABLE departments ADD COLUMN updated_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE departments SET updated_at_new = CAST(ROUND((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE departments DROP COLUMN updated_at;
ALTER TABLE departments RENAME COLUMN updated_at_new TO updated_at;

ALTER TABLE faqs ADD COLUMN updated_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE faqs SET updated_at_new = CAST(ROUND((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE faqs DROP COLUMN updated_at;
ALTER TABLE faqs RENAME COLUMN updated_at_new TO updated_at;

ALTER TABLE faq_revisions ADD COLUMN changed_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE faq_revisions SET changed_at_new = CAST(ROUND((julianday(changed_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE faq_revisions DROP COLUMN changed_at;
ALTER TABLE faq_revisions RENAME COLUMN changed_at_new TO changed_at;

ALTER TABLE scripts ADD COLUMN updated_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE scripts SET updated_at_new = CAST(ROUND((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE scripts DROP COLUMN updated_at;
ALTER TABLE scripts RENAME COLUMN updated_at_new TO updated_at;

ALTER TABLE change_requests ADD COLUMN created_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE change_requests SET created_at_new = CAST(ROUND((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE change_requests DROP COLUMN created_at;
ALTER TABLE change_requests RENAME COLUMN created_at_new TO created_at;

ALTER TABLE change_requests ADD COLUMN decided_at_new BIGINT;
UPDATE change_requests SET decided_at_new = CAST(ROUND((julianday(decided_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE change_requests DROP COLUMN decided_at;
ALTER TABLE change_requests RENAME COLUMN decided_at_new TO decided_at;

ALTER TABLE accounts ADD COLUMN created_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE accounts SET created_at_new = CAST(ROUND((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE accounts DROP COLUMN created_at;
ALTER TABLE accounts RENAME COLUMN created_at_new TO created_at;

ALTER TABLE accounts ADD COLUMN updated_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE accounts SET updated_at_new = CAST(ROUND((julianday(updated_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE accounts DROP COLUMN updated_at;
ALTER TABLE accounts RENAME COLUMN updated_at_new TO updated_at;

ALTER TABLE outbox ADD COLUMN next_attempt_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE outbox SET next_attempt_at_new = CAST(ROUND((julianday(next_attempt_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE outbox DROP COLUMN next_attempt_at;
ALTER TABLE outbox RENAME COLUMN next_attempt_at_new TO next_attempt_at;

ALTER TABLE outbox ADD COLUMN created_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE outbox SET created_at_new = CAST(ROUND((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE outbox DROP COLUMN created_at;
ALTER TABLE outbox RENAME COLUMN created_at_new TO created_at;

ALTER TABLE outbox ADD COLUMN sent_at_new BIGINT;
UPDATE outbox SET sent_at_new = CAST(ROUND((julianday(sent_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE outbox DROP COLUMN sent_at;
ALTER TABLE outbox RENAME COLUMN sent_at_new TO sent_at;

ALTER TABLE kb_changes ADD COLUMN changed_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE kb_changes SET changed_at_new = CAST(ROUND((julianday(changed_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE kb_changes DROP COLUMN changed_at;
ALTER TABLE kb_changes RENAME COLUMN changed_at_new TO changed_at;

ALTER TABLE search_synonyms ADD COLUMN created_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE search_synonyms SET created_at_new = CAST(ROUND((julianday(created_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE search_synonyms DROP COLUMN created_at;
ALTER TABLE search_synonyms RENAME COLUMN created_at_new TO created_at;

ALTER TABLE search_unanswered ADD COLUMN first_asked_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE search_unanswered SET first_asked_at_new = CAST(ROUND((julianday(first_asked_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE search_unanswered DROP COLUMN first_asked_at;
ALTER TABLE search_unanswered RENAME COLUMN first_asked_at_new TO first_asked_at;

ALTER TABLE search_unanswered ADD COLUMN last_asked_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE search_unanswered SET last_asked_at_new = CAST(ROUND((julianday(last_asked_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE search_unanswered DROP COLUMN last_asked_at;
ALTER TABLE search_unanswered RENAME COLUMN last_asked_at_new TO last_asked_at;

ALTER TABLE search_unanswered ADD COLUMN answered_at_new BIGINT;
UPDATE search_unanswered SET answered_at_new = CAST(ROUND((julianday(answered_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE search_unanswered DROP COLUMN answered_at;
ALTER TABLE search_unanswered RENAME COLUMN answered_at_new TO answered_at;

ALTER TABLE search_seeds ADD COLUMN seeded_at_new BIGINT NOT NULL DEFAULT 0;
UPDATE search_seeds SET seeded_at_new = CAST(ROUND((julianday(seeded_at) - 2440587.5) * 86400000) AS INTEGER);
ALTER TABLE search_seeds DROP COLUMN seeded_at;
ALTER TABLE search_seeds RENAME COLUMN seeded_at_new TO seeded_at;

CREATE INDEX outbox_pending ON outbox(sent_at, next_attempt_at);
CREATE INDEX search_unanswered_open ON search_unanswered (answered_at, times);
