-- A result the tickets service refuses for good (issue 16): kept, with its reason, and never
-- posted again.
ALTER TABLE outbox ADD COLUMN dead_at BIGINT;
