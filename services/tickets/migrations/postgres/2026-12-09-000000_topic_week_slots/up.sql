-- Every ticket adds to the digest's row of its week, region, department and topic, and a row
-- stays locked from its update to the commit: concurrent creations for one department queued
-- on it. Each such row is now split into slots (a ticket's by its number), summed by the
-- report, so that creations rarely share one.
ALTER TABLE report_topic_weeks ADD COLUMN slot BIGINT NOT NULL DEFAULT 0;
ALTER TABLE report_topic_weeks DROP CONSTRAINT report_topic_weeks_pkey;
ALTER TABLE report_topic_weeks ADD PRIMARY KEY (week, region, department, topic, slot);
