-- Every ticket adds to the digest's row of its week, region, department and topic, and a row
-- stays locked from its update to the commit (on PostgreSQL): concurrent creations for one
-- department queued on it. Each such row is now split into slots (a ticket's by its number),
-- summed by the report, so that creations rarely share one.
CREATE TABLE report_topic_weeks_slots (
    week TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    topic TEXT NOT NULL,
    tickets BIGINT NOT NULL DEFAULT 0,
    searches BIGINT NOT NULL DEFAULT 0,
    slot BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (week, region, department, topic, slot)
);
INSERT INTO report_topic_weeks_slots (week, region, department, topic, tickets, searches, slot)
SELECT week, region, department, topic, tickets, searches, 0 FROM report_topic_weeks;
DROP TABLE report_topic_weeks;
ALTER TABLE report_topic_weeks_slots RENAME TO report_topic_weeks;
