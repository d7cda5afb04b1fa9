-- The complaints stay counted by `attitude_of`: the earlier counting is not restored.
ALTER TABLE report_operator_days DROP COLUMN answered_authorized;
