DROP TABLE calendar_years;
DROP TABLE outbox;
DROP TABLE ticket_events;
DROP TABLE ticket_idempotency;
DROP TABLE ticket_counters;
DROP TABLE tickets;
DROP TABLE calls;
