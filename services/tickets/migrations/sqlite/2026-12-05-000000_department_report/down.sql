DROP INDEX tickets_overdue;
DROP TABLE report_department_days;
