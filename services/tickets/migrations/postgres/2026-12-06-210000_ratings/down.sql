DROP INDEX calls_call_ref;
ALTER TABLE calls DROP COLUMN rated_at;
ALTER TABLE calls DROP COLUMN call_ref;
