-- The operators report (issue 19) also counts the answers read from authorised entries, and
-- counts a cause-C complaint against the operator its `attitude_of` names (issue 17), no longer
-- against the account that took the ticket. Both recounted here from the calls and tickets as
-- they stand, on the China-time day (UTC+8) of the call or of the ticket's creation.
ALTER TABLE report_operator_days ADD COLUMN answered_authorized BIGINT NOT NULL DEFAULT 0;

INSERT INTO report_operator_days (day, operator, region, answered_authorized)
SELECT to_char(to_timestamp(created_at / 1000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), operator, '', COUNT(*)
FROM calls WHERE outcome = 'answered' AND entry_authorized = TRUE
GROUP BY 1, 2
ON CONFLICT (day, operator, region) DO UPDATE SET answered_authorized = excluded.answered_authorized;

UPDATE report_operator_days SET complaints_attitude = 0;

INSERT INTO report_operator_days (day, operator, region, complaints_attitude)
SELECT to_char(to_timestamp(created_at / 1000 + 28800) AT TIME ZONE 'UTC', 'YYYY-MM-DD'), SUBSTR(attitude_of, 10), region, COUNT(*)
FROM tickets WHERE cause = 'attitude' AND attitude_of LIKE 'operator:%'
GROUP BY 1, 2, 3
ON CONFLICT (day, operator, region) DO UPDATE SET complaints_attitude = excluded.complaints_attitude;
