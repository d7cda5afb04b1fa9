DROP INDEX notifications_check;
ALTER TABLE notifications DROP COLUMN next_check_at;
ALTER TABLE notifications DROP COLUMN checked_at;
ALTER TABLE notifications DROP COLUMN delivered_at;
ALTER TABLE notifications DROP COLUMN provider_status;
