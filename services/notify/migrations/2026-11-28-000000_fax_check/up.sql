-- Reading a fax job's state back from the provider (HylaFAX) after it accepted the job.
-- provider_status: what the provider last said (`queued`, `delivered`, `failed`, `lost`);
-- next_check_at: when a checker should ask again (NULL: nothing to check); while a checker
-- holds the row, locked_by is its token and next_check_at the end of its lease.
ALTER TABLE notifications ADD COLUMN provider_status TEXT;
ALTER TABLE notifications ADD COLUMN delivered_at BIGINT;
ALTER TABLE notifications ADD COLUMN checked_at BIGINT;
ALTER TABLE notifications ADD COLUMN next_check_at BIGINT;
CREATE INDEX notifications_check ON notifications (next_check_at) WHERE next_check_at IS NOT NULL;
