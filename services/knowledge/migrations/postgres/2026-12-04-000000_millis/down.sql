-- Back to TIMESTAMP columns (UTC), converting the rows.

ALTER TABLE departments ALTER COLUMN updated_at TYPE TIMESTAMP
    USING to_timestamp(updated_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE departments ALTER COLUMN updated_at SET DEFAULT (now() at time zone 'utc');
ALTER TABLE faqs ALTER COLUMN updated_at TYPE TIMESTAMP
    USING to_timestamp(updated_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE faqs ALTER COLUMN updated_at SET DEFAULT (now() at time zone 'utc');
ALTER TABLE faq_revisions ALTER COLUMN changed_at TYPE TIMESTAMP
    USING to_timestamp(changed_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE scripts ALTER COLUMN updated_at TYPE TIMESTAMP
    USING to_timestamp(updated_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE scripts ALTER COLUMN updated_at SET DEFAULT (now() at time zone 'utc');
ALTER TABLE change_requests ALTER COLUMN created_at TYPE TIMESTAMP
    USING to_timestamp(created_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE change_requests ALTER COLUMN decided_at TYPE TIMESTAMP
    USING to_timestamp(decided_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE accounts ALTER COLUMN created_at TYPE TIMESTAMP
    USING to_timestamp(created_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE accounts ALTER COLUMN updated_at TYPE TIMESTAMP
    USING to_timestamp(updated_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE outbox ALTER COLUMN next_attempt_at TYPE TIMESTAMP
    USING to_timestamp(next_attempt_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE outbox ALTER COLUMN created_at TYPE TIMESTAMP
    USING to_timestamp(created_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE outbox ALTER COLUMN sent_at TYPE TIMESTAMP
    USING to_timestamp(sent_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE kb_changes ALTER COLUMN changed_at TYPE TIMESTAMP
    USING to_timestamp(changed_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE search_synonyms ALTER COLUMN created_at TYPE TIMESTAMP
    USING to_timestamp(created_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE search_unanswered ALTER COLUMN first_asked_at TYPE TIMESTAMP
    USING to_timestamp(first_asked_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE search_unanswered ALTER COLUMN last_asked_at TYPE TIMESTAMP
    USING to_timestamp(last_asked_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE search_unanswered ALTER COLUMN answered_at TYPE TIMESTAMP
    USING to_timestamp(answered_at / 1000.0) AT TIME ZONE 'utc';
ALTER TABLE search_seeds ALTER COLUMN seeded_at TYPE TIMESTAMP
    USING to_timestamp(seeded_at / 1000.0) AT TIME ZONE 'utc';
