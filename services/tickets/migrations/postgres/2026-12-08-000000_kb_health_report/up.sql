-- The knowledge base health report (issue 19) reads these, never the tickets.
-- One row per China-time day (YYYY-MM-DD), region and department: a no-info ticket adds to the
-- row of the day it was taken, its region and the department it was dispatched to, in the
-- transaction that takes it; the knowledge service's search counts (region '' when a search
-- was not narrowed to one, department '' always) add to theirs when they arrive.
CREATE TABLE report_kb_days (
    day TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    searches BIGINT NOT NULL DEFAULT 0,
    unconfident BIGINT NOT NULL DEFAULT 0,
    no_info BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, region, department)
);
-- One row per no-info ticket answered by an applied knowledge change: the time it took, under
-- the day the change was applied (a median is not a sum: the report reads the range's rows,
-- as many as the entries applied in it, not the tickets). Written in the transaction of the
-- `knowledge_applied` event; a later application replaces it.
CREATE TABLE report_kb_answers (
    ticket_id TEXT PRIMARY KEY NOT NULL,
    day TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT NOT NULL,
    seconds BIGINT NOT NULL
);
CREATE INDEX report_kb_answers_day ON report_kb_answers (day, region);
-- The idempotency keys of the search counts added: a message sent again adds nothing.
CREATE TABLE report_search_keys (
    key TEXT PRIMARY KEY NOT NULL,
    received_at BIGINT NOT NULL
);
