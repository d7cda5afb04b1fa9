-- Generates :n tickets over 2026 with three events each (created, dispatch, reply), 2 × :n
-- calls taken by 200 operators, three searches per call sent by knowledge, and the roll-ups
-- of the department, operators and knowledge base health reports and the 社情民意 digest
-- (report_department_days, report_operator_days, report_kb_days, report_kb_answers,
-- report_topic_weeks, the tickets' topic) summed from them, in the tickets schema the service
-- migrated. psql -v n=1000000 -f generate.sql
-- Regions: 16 prefectures of Yunnan with 8 counties each; each ticket goes to one of 30
-- departments of its prefecture. 2% of the tickets are still open (half of them overdue).
\set ON_ERROR_STOP on
SET synchronous_commit = off;

CREATE TEMP TABLE prefectures (p int PRIMARY KEY);
INSERT INTO prefectures VALUES (5301),(5303),(5304),(5305),(5306),(5307),(5308),(5309),
    (5323),(5325),(5326),(5328),(5329),(5331),(5333),(5334);
CREATE TEMP TABLE regions AS
    SELECT row_number() OVER () - 1 AS k, p, (p * 100 + c)::text AS code
    FROM prefectures, generate_series(1, 8) c;

-- 2026-01-01 00:00 China time, in epoch ms.
\set year_start 1767196800000
\set year_ms 31536000000

INSERT INTO tickets (id, ticket_type, status, urgent, cause, summary, details, region,
    department, caller_phone, created_by, created_at, updated_at, accept_due_at, due_at,
    next_due_at, closed_at, reply, satisfaction, version, attitude_of, topic)
SELECT 'B' || lpad(i::text, 9, '0'),
    t.kind,
    CASE WHEN i % 50 = 0 THEN 'accepted' ELSE 'closed' END,
    false,
    CASE WHEN t.kind = 'complaint' THEN (ARRAY['policy','handling','attitude'])[1 + i % 3] END,
    '生成的工单', '', r.code,
    (r.p * 100)::text || '-d' || lpad((i % 30)::text, 2, '0'),
    '13800000000', 'op' || lpad((i % 200)::text, 3, '0'), c.at, c.at, c.at + 86400000, c.at + 13 * 86400000,
    CASE WHEN i % 50 = 0 THEN
        CASE WHEN i % 100 = 0 THEN :year_start::bigint + :year_ms::bigint + 86400000::bigint * 30
             ELSE c.at + 13 * 86400000 END END,
    CASE WHEN i % 50 <> 0 THEN c.at + 5 * 86400000 END,
    CASE WHEN i % 50 <> 0 THEN '已办理' END,
    CASE WHEN i % 50 <> 0 THEN (ARRAY['satisfied','basically_satisfied','dissatisfied'])[1 + i % 3] END,
    3,
    -- A cause-C complaint names whose attitude it was: an operator, mostly not the taker.
    CASE WHEN t.kind = 'complaint' AND i % 3 = 2 THEN
        'operator:op' || lpad((i * 7 % 200)::text, 3, '0') END,
    -- The digest's topic: the department's kind, but one in ten unfiled.
    CASE WHEN i % 10 = 3 THEN '' ELSE 'd' || lpad((i % 30)::text, 2, '0') END
FROM generate_series(1, :n) i
CROSS JOIN LATERAL (SELECT (ARRAY['complaint','consultation','suggestion','no_info'])[1 + i % 4] AS kind) t
CROSS JOIN LATERAL (SELECT :year_start::bigint + (i::bigint * 7919 % :n) * (:year_ms::bigint / :n) AS at) c
JOIN regions r ON r.k = i % 128;

INSERT INTO ticket_events (ticket_id, at, actor, role, action, from_status, to_status, data)
SELECT id, created_at, 'bench', 'operator', 'created', NULL, 'new', '{}' FROM tickets
UNION ALL
SELECT id, created_at + 3600000, 'bench', 'supervisor', 'dispatch', 'new', 'dispatched',
    '{"department":"' || department || '"}' FROM tickets
UNION ALL
SELECT id, closed_at, 'bench', 'liaison', 'reply', 'accepted', 'replied', '{}' FROM tickets
    WHERE closed_at IS NOT NULL;

-- The roll-ups as the lifecycle would have added them: one dispatch, one accept, one reply
-- (on time: all but every 7th) and one callback per closed ticket.
INSERT INTO report_department_days
SELECT to_char(to_timestamp((created_at + 8 * 3600000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    department, region,
    count(*), count(*), count(*) FILTER (WHERE id NOT LIKE '%0'), 0,
    count(closed_at), count(closed_at) FILTER (WHERE right(id, 1) <> '7'), 0, 0,
    count(satisfaction),
    count(*) FILTER (WHERE satisfaction = 'satisfied'),
    count(*) FILTER (WHERE satisfaction = 'basically_satisfied'),
    count(*) FILTER (WHERE satisfaction = 'dissatisfied'),
    count(*) FILTER (WHERE cause = 'policy'),
    count(*) FILTER (WHERE cause = 'handling'),
    count(*) FILTER (WHERE cause = 'attitude')
FROM tickets GROUP BY 1, 2, 3;

-- Calls: two per ticket, over the year, by 200 operator accounts; two in three rated.
INSERT INTO calls (operator, caller_phone, classification, outcome, duration_seconds,
    satisfaction, created_at, entry_code, entry_authorized)
SELECT 'op' || lpad((i % 200)::text, 3, '0'), '13800000000',
    (ARRAY['basic_query','consultation','complaint','suggestion'])[1 + i % 4],
    (ARRAY['answered','answered','transferred','number_reported','ticket_created'])[1 + i % 5],
    30 + (i % 600)::int,
    CASE WHEN i % 3 <> 0 THEN
        (ARRAY['satisfied','satisfied','basically_satisfied','dissatisfied'])[1 + (i / 3) % 4] END,
    :year_start::bigint + (i::bigint * 7919 % (2 * :n)) * (:year_ms::bigint / (2 * :n)),
    -- The answered ones read an entry, authorised in two of three.
    CASE WHEN i % 5 IN (0, 1) THEN 'faq-' || (i % 5000) END,
    CASE WHEN i % 5 IN (0, 1) THEN i % 3 <> 0 END
FROM generate_series(1, 2 * :n) i;

-- The operators report's roll-ups as the calls and the complaints' causes would have added
-- them: calls under region '', C complaints under their ticket's day, the operator their
-- attitude_of names, and the ticket's region.
INSERT INTO report_operator_days (day, operator, region, calls, answered, transferred,
    number_reported, ticket_created, talk_seconds, satisfied, basically_satisfied,
    dissatisfied, complaints_attitude, answered_authorized)
SELECT to_char(to_timestamp((created_at + 8 * 3600000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    operator, '', count(*),
    count(*) FILTER (WHERE outcome = 'answered'),
    count(*) FILTER (WHERE outcome = 'transferred'),
    count(*) FILTER (WHERE outcome = 'number_reported'),
    count(*) FILTER (WHERE outcome = 'ticket_created'),
    sum(duration_seconds),
    count(*) FILTER (WHERE satisfaction = 'satisfied'),
    count(*) FILTER (WHERE satisfaction = 'basically_satisfied'),
    count(*) FILTER (WHERE satisfaction = 'dissatisfied'),
    0,
    count(*) FILTER (WHERE outcome = 'answered' AND entry_authorized)
FROM calls GROUP BY 1, 2
UNION ALL
SELECT to_char(to_timestamp((created_at + 8 * 3600000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    substr(attitude_of, 10), region, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(*), 0
FROM tickets WHERE cause = 'attitude' AND attitude_of LIKE 'operator:%' GROUP BY 1, 2, 3;

-- The health report's roll-ups: the no-info tickets by day, region and department; knowledge's
-- search counts by day and region (three searches per call, one in twenty not confident);
-- and the answer time of each closed no-info ticket, under the day its entry was applied.
INSERT INTO report_kb_days (day, region, department, searches, unconfident, no_info)
SELECT to_char(to_timestamp((created_at + 8 * 3600000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    region, department, 0, 0, count(*)
FROM tickets WHERE ticket_type = 'no_info' GROUP BY 1, 2, 3
UNION ALL
SELECT to_char(to_timestamp((:year_start::bigint + d::bigint * 86400000 + 8 * 3600000) / 1000.0)
        AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    r.code, '', 6 * :n / 365 / 128, 6 * :n / 365 / 128 / 20, 0
FROM generate_series(0, 364) d, regions r;
INSERT INTO report_kb_answers (ticket_id, day, region, department, seconds)
SELECT id,
    to_char(to_timestamp((closed_at + 8 * 3600000) / 1000.0) AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
    region, department, (closed_at - created_at) / 1000 - (hashtext(id) & 65535)
FROM tickets WHERE ticket_type = 'no_info' AND closed_at IS NOT NULL;

-- The 社情民意 digest: thirty topics (the generated departments' kinds, d00…d29); each
-- ticket filed under its department's kind, but one in ten unfiled (its `topic`, set above);
-- and knowledge's searches by topic, per week, region and topic (as many as above, spread over
-- the topics).
INSERT INTO topic_names (topic, name)
SELECT 'd' || lpad(k::text, 2, '0'), '话题' || k FROM generate_series(0, 29) k;
INSERT INTO report_topic_weeks (week, region, department, topic, tickets, searches)
SELECT to_char(date_trunc('week', to_timestamp((created_at + 8 * 3600000) / 1000.0)
        AT TIME ZONE 'UTC'), 'YYYY-MM-DD'),
    region, COALESCE(department, ''), topic, count(*), 0
FROM tickets GROUP BY 1, 2, 3, 4
UNION ALL
SELECT to_char(date_trunc('week', to_timestamp((:year_start::bigint + w::bigint * 7 * 86400000
        + 8 * 3600000) / 1000.0) AT TIME ZONE 'UTC'), 'YYYY-MM-DD'),
    r.code, '', 'd' || lpad(t::text, 2, '0'), 0, greatest(1, 42 * :n / 365 / 128 / 30)
FROM generate_series(0, 52) w, regions r, generate_series(0, 29) t;

ANALYZE;
SELECT (SELECT count(*) FROM tickets) AS tickets,
       (SELECT count(*) FROM calls) AS calls,
       (SELECT count(*) FROM report_operator_days) AS operator_rollup_rows,
       (SELECT count(*) FROM report_kb_days) AS kb_rollup_rows,
       (SELECT count(*) FROM report_kb_answers) AS kb_answer_rows,
       (SELECT count(*) FROM report_topic_weeks) AS topic_rollup_rows,
       (SELECT count(*) FROM ticket_events) AS events,
       (SELECT count(*) FROM report_department_days) AS rollup_rows;
