DROP TABLE report_operator_days;
