ALTER TABLE notifications DROP COLUMN segments;
