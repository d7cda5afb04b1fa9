DROP TABLE ticket_topics;
DROP TABLE report_topic_weeks;
DROP TABLE topic_words;
DROP TABLE topic_names;
