-- Issue 17, the service guide's duties.
-- 投诉升级: an operator or liaison asks for a supervisor; the ticket is on the supervisors'
-- queue until one supervises it.
-- (JSON: {"reason", "requested_at"}; the tickets table stays within 32 columns.)
ALTER TABLE tickets ADD COLUMN escalation TEXT;
-- A cause-C (attitude) complaint names whose attitude it was: `operator:<account>` or
-- `liaison:<department>`.
ALTER TABLE tickets ADD COLUMN attitude_of TEXT;
-- (重复件 merged into an earlier ticket are told by the events of both: `merged`, `merged_in`.)

-- 主办 / 协办: departments that handle a ticket beside the lead one, and their parts.
CREATE TABLE ticket_cohandlers (
    ticket_id TEXT NOT NULL REFERENCES tickets (id),
    department TEXT NOT NULL,
    added_at BIGINT NOT NULL,
    added_by TEXT NOT NULL,
    reply TEXT,
    replied_at BIGINT,
    replied_by TEXT,
    PRIMARY KEY (ticket_id, department)
);
CREATE INDEX ticket_cohandlers_department ON ticket_cohandlers (department);

-- Where a no-info ticket goes: the region's government office unless a rule of the region
-- (or a region above it) names a department for the topic's words.
CREATE TABLE noinfo_routes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region TEXT NOT NULL,
    words TEXT NOT NULL,
    department TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- What came of a call, in detail: the knowledge entry given and whether it was authorised,
-- whether a transfer connected, the number given (报号), and how a liaison's call came in.
ALTER TABLE calls ADD COLUMN entry_code TEXT;
ALTER TABLE calls ADD COLUMN entry_authorized BOOLEAN;
ALTER TABLE calls ADD COLUMN transfer_connected BOOLEAN;
ALTER TABLE calls ADD COLUMN number_given TEXT;
ALTER TABLE calls ADD COLUMN via TEXT NOT NULL DEFAULT 'hotline';
