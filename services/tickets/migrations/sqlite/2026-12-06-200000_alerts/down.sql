DROP INDEX tickets_status_due;
