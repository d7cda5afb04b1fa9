-- Issue 17: the phone system's own reference of a call, by which it posts the caller's rating
-- after the tone, and when the rating came.
ALTER TABLE calls ADD COLUMN call_ref TEXT;
ALTER TABLE calls ADD COLUMN rated_at BIGINT;
CREATE UNIQUE INDEX calls_call_ref ON calls(call_ref);
