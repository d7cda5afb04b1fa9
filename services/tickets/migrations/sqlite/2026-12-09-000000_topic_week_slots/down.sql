CREATE TABLE report_topic_weeks_one (
    week TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    topic TEXT NOT NULL,
    tickets BIGINT NOT NULL DEFAULT 0,
    searches BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (week, region, department, topic)
);
INSERT INTO report_topic_weeks_one
SELECT week, region, department, topic, SUM(tickets), SUM(searches)
FROM report_topic_weeks GROUP BY week, region, department, topic;
DROP TABLE report_topic_weeks;
ALTER TABLE report_topic_weeks_one RENAME TO report_topic_weeks;
