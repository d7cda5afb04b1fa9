-- Issue 18: the alerts job finds tickets waiting for dispatch or for their department's reply
-- by state and deadline.
CREATE INDEX tickets_status_due ON tickets(status, due_at);
