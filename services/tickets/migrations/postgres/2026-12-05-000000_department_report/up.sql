-- The department performance report (issue 19) reads these roll-ups, never the tickets: one row
-- per China-time day (YYYY-MM-DD), department and ticket region, each count added to in the
-- transaction of the event it counts (app::actions::persist, app::intake). The figures are
-- defined in domain::reports and the README's glossary.
CREATE TABLE report_department_days (
    day TEXT NOT NULL,
    department TEXT NOT NULL,
    region TEXT NOT NULL,
    received BIGINT NOT NULL DEFAULT 0,
    accepted BIGINT NOT NULL DEFAULT 0,
    accepted_on_time BIGINT NOT NULL DEFAULT 0,
    returned BIGINT NOT NULL DEFAULT 0,
    replied BIGINT NOT NULL DEFAULT 0,
    replied_on_time BIGINT NOT NULL DEFAULT 0,
    extended BIGINT NOT NULL DEFAULT 0,
    supervised BIGINT NOT NULL DEFAULT 0,
    callbacks BIGINT NOT NULL DEFAULT 0,
    satisfied BIGINT NOT NULL DEFAULT 0,
    basically_satisfied BIGINT NOT NULL DEFAULT 0,
    dissatisfied BIGINT NOT NULL DEFAULT 0,
    complaints_policy BIGINT NOT NULL DEFAULT 0,
    complaints_handling BIGINT NOT NULL DEFAULT 0,
    complaints_attitude BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, department, region)
);

-- "Overdue now" is read from the tickets: only open tickets have a running deadline, so this
-- partial index holds the open ones and the report reads the overdue part of it per department.
CREATE INDEX tickets_overdue ON tickets (next_due_at, department, region)
    WHERE next_due_at IS NOT NULL;
