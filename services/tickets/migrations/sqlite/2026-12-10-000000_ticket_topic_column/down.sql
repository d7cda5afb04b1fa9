CREATE TABLE ticket_topics (
    ticket_id TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_topics_latest ON ticket_topics (topic, created_at);
INSERT INTO ticket_topics (ticket_id, topic, region, department, created_at)
SELECT id, topic, region, COALESCE(department, ''), created_at FROM tickets WHERE topic IS NOT NULL;
DROP INDEX tickets_topic_latest;
ALTER TABLE tickets DROP COLUMN topic;
