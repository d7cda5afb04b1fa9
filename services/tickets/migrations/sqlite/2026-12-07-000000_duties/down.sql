ALTER TABLE calls DROP COLUMN via;
ALTER TABLE calls DROP COLUMN number_given;
ALTER TABLE calls DROP COLUMN transfer_connected;
ALTER TABLE calls DROP COLUMN entry_authorized;
ALTER TABLE calls DROP COLUMN entry_code;
DROP TABLE noinfo_routes;
DROP TABLE ticket_cohandlers;
ALTER TABLE tickets DROP COLUMN attitude_of;
ALTER TABLE tickets DROP COLUMN escalation;
