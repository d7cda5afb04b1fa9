-- Times become milliseconds since the Unix epoch (UTC), as in the tickets and notify
-- databases: one portable integer type on both backends. Existing rows are converted.

ALTER TABLE departments ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE departments ALTER COLUMN updated_at TYPE BIGINT
    USING round(extract(epoch FROM updated_at) * 1000)::BIGINT;
ALTER TABLE faqs ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE faqs ALTER COLUMN updated_at TYPE BIGINT
    USING round(extract(epoch FROM updated_at) * 1000)::BIGINT;
ALTER TABLE faq_revisions ALTER COLUMN changed_at TYPE BIGINT
    USING round(extract(epoch FROM changed_at) * 1000)::BIGINT;
ALTER TABLE scripts ALTER COLUMN updated_at DROP DEFAULT;
ALTER TABLE scripts ALTER COLUMN updated_at TYPE BIGINT
    USING round(extract(epoch FROM updated_at) * 1000)::BIGINT;
ALTER TABLE change_requests ALTER COLUMN created_at TYPE BIGINT
    USING round(extract(epoch FROM created_at) * 1000)::BIGINT;
ALTER TABLE change_requests ALTER COLUMN decided_at TYPE BIGINT
    USING round(extract(epoch FROM decided_at) * 1000)::BIGINT;
ALTER TABLE accounts ALTER COLUMN created_at TYPE BIGINT
    USING round(extract(epoch FROM created_at) * 1000)::BIGINT;
ALTER TABLE accounts ALTER COLUMN updated_at TYPE BIGINT
    USING round(extract(epoch FROM updated_at) * 1000)::BIGINT;
ALTER TABLE outbox ALTER COLUMN next_attempt_at TYPE BIGINT
    USING round(extract(epoch FROM next_attempt_at) * 1000)::BIGINT;
ALTER TABLE outbox ALTER COLUMN created_at TYPE BIGINT
    USING round(extract(epoch FROM created_at) * 1000)::BIGINT;
ALTER TABLE outbox ALTER COLUMN sent_at TYPE BIGINT
    USING round(extract(epoch FROM sent_at) * 1000)::BIGINT;
ALTER TABLE kb_changes ALTER COLUMN changed_at TYPE BIGINT
    USING round(extract(epoch FROM changed_at) * 1000)::BIGINT;
ALTER TABLE search_synonyms ALTER COLUMN created_at TYPE BIGINT
    USING round(extract(epoch FROM created_at) * 1000)::BIGINT;
ALTER TABLE search_unanswered ALTER COLUMN first_asked_at TYPE BIGINT
    USING round(extract(epoch FROM first_asked_at) * 1000)::BIGINT;
ALTER TABLE search_unanswered ALTER COLUMN last_asked_at TYPE BIGINT
    USING round(extract(epoch FROM last_asked_at) * 1000)::BIGINT;
ALTER TABLE search_unanswered ALTER COLUMN answered_at TYPE BIGINT
    USING round(extract(epoch FROM answered_at) * 1000)::BIGINT;
ALTER TABLE search_seeds ALTER COLUMN seeded_at TYPE BIGINT
    USING round(extract(epoch FROM seeded_at) * 1000)::BIGINT;
