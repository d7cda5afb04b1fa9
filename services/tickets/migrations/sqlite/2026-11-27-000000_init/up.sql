-- Times are milliseconds since the Unix epoch (UTC): the same type and ordering on both backends.
CREATE TABLE calls (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operator TEXT NOT NULL,
    caller_phone TEXT NOT NULL,
    classification TEXT NOT NULL,
    outcome TEXT NOT NULL,
    department TEXT,
    duration_seconds INTEGER NOT NULL,
    satisfaction TEXT,
    ticket_id TEXT,
    note TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX calls_created_at ON calls (created_at);
CREATE INDEX calls_operator ON calls (operator, created_at);

CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    ticket_type TEXT NOT NULL,
    status TEXT NOT NULL,
    urgent BOOLEAN NOT NULL,
    cause TEXT,
    summary TEXT NOT NULL,
    details TEXT NOT NULL,
    region TEXT NOT NULL,
    department TEXT,
    query TEXT,
    caller_name TEXT,
    caller_phone TEXT NOT NULL,
    caller_email TEXT,
    call_id BIGINT,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    accept_due_at BIGINT,
    due_at BIGINT NOT NULL,
    next_due_at BIGINT,
    escalated_due_at BIGINT,
    closed_at BIGINT,
    answered_at BIGINT,
    reply TEXT,
    returned_from TEXT,
    extension_until BIGINT,
    extension_reason TEXT,
    satisfaction TEXT,
    entry_code TEXT,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tickets_status ON tickets (status);
CREATE INDEX tickets_department ON tickets (department, created_at);
CREATE INDEX tickets_created_by ON tickets (created_by, created_at);
CREATE INDEX tickets_caller_phone ON tickets (caller_phone);
CREATE INDEX tickets_next_due_at ON tickets (next_due_at);
CREATE INDEX tickets_type_region ON tickets (ticket_type, region);

CREATE TABLE ticket_counters (
    day TEXT PRIMARY KEY,
    last BIGINT NOT NULL
);

CREATE TABLE ticket_idempotency (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    from_status TEXT,
    to_status TEXT,
    data TEXT NOT NULL DEFAULT '{}',
    dedup_key TEXT UNIQUE
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);
CREATE INDEX ticket_events_action ON ticket_events (action, at);

CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    recipients TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    lease_until BIGINT,
    last_error TEXT,
    created_at BIGINT NOT NULL,
    done_at BIGINT
);
CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

CREATE TABLE calendar_years (
    year INTEGER PRIMARY KEY,
    data TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL
);
