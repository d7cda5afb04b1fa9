-- The 社情民意 digest (issue 19) reads these, never the tickets.
-- The knowledge base's FAQ topics (a kind of department) and the words that name them, as the
-- knowledge service last sent them (each message replaces both tables).
CREATE TABLE topic_names (
    topic TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL
);
CREATE TABLE topic_words (
    word TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL
);
-- One row per week (its Monday, China time, YYYY-MM-DD), region, department and topic ('' when
-- a ticket's summary names none): a ticket adds to the row of the week it was taken, in the
-- transaction that takes it; the knowledge service's searches by topic (department '') add to
-- theirs when they arrive.
CREATE TABLE report_topic_weeks (
    week TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    topic TEXT NOT NULL,
    tickets BIGINT NOT NULL DEFAULT 0,
    searches BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (week, region, department, topic)
);
-- The topic each ticket was filed under when taken: the digest's example tickets, the latest
-- of a topic first.
CREATE TABLE ticket_topics (
    ticket_id TEXT PRIMARY KEY NOT NULL,
    topic TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_topics_latest ON ticket_topics (topic, created_at);
