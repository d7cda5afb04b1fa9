-- The operators report (issue 19) reads these roll-ups, never the calls: one row per China-time
-- day (YYYY-MM-DD), operator account and region. A call adds to the row of its own day with
-- region '' (calls carry no region) when it is recorded, and its rating when it comes; a
-- complaint of cause C (attitude) adds to the row of the day its ticket was taken, under the
-- account that took it and the ticket's region, when the cause becomes C, and takes it away
-- when the cause changes again. Each in the transaction of the change (app::reports_operators).
CREATE TABLE report_operator_days (
    day TEXT NOT NULL,
    operator TEXT NOT NULL,
    region TEXT NOT NULL,
    calls BIGINT NOT NULL DEFAULT 0,
    answered BIGINT NOT NULL DEFAULT 0,
    transferred BIGINT NOT NULL DEFAULT 0,
    number_reported BIGINT NOT NULL DEFAULT 0,
    ticket_created BIGINT NOT NULL DEFAULT 0,
    talk_seconds BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    basically_satisfied BIGINT NOT NULL DEFAULT 0,
    dissatisfied BIGINT NOT NULL DEFAULT 0,
    complaints_attitude BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, operator, region)
);
