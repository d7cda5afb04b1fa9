-- The knowledge base directory, its change sequence, accounts and the outbox to tickets.
-- JSON-shaped fields (aliases, phones, service_locations, hours, keywords) are TEXT holding JSON.
-- Times are UTC.

CREATE TABLE regions (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    level TEXT NOT NULL,
    parent TEXT,
    area_code TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent);

CREATE TABLE departments (
    code TEXT PRIMARY KEY NOT NULL,
    region TEXT NOT NULL REFERENCES regions(code),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    phones TEXT NOT NULL DEFAULT '[]',
    fax TEXT,
    address TEXT,
    directions TEXT,
    service_locations TEXT NOT NULL DEFAULT '[]',
    hours TEXT,
    status TEXT NOT NULL DEFAULT 'active',
    successor TEXT,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE INDEX departments_region ON departments(region);

CREATE TABLE liaisons (
    code TEXT PRIMARY KEY NOT NULL,
    department TEXT NOT NULL REFERENCES departments(code),
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    mobile TEXT NOT NULL,
    email TEXT NOT NULL,
    fax TEXT NOT NULL
);
CREATE INDEX liaisons_department ON liaisons(department);

CREATE TABLE faqs (
    code TEXT PRIMARY KEY NOT NULL,
    department TEXT NOT NULL REFERENCES departments(code),
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    authorized BOOLEAN NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'draft',
    keywords TEXT NOT NULL DEFAULT '[]',
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_by TEXT NOT NULL DEFAULT 'import'
);
CREATE INDEX faqs_department ON faqs(department);

-- Every edit of an FAQ entry, with who and when (revision 1 is its creation).
CREATE TABLE faq_revisions (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    faq_code TEXT NOT NULL REFERENCES faqs(code),
    revision INTEGER NOT NULL,
    department TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    authorized BOOLEAN NOT NULL,
    status TEXT NOT NULL,
    keywords TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL,
    note TEXT,
    UNIQUE (faq_code, revision)
);

CREATE TABLE scripts (
    key TEXT PRIMARY KEY NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);

CREATE TABLE change_requests (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    idempotency_key TEXT UNIQUE,
    ticket_id TEXT,
    region TEXT,
    department_code TEXT,
    new_department TEXT,
    question TEXT,
    answer TEXT,
    note TEXT NOT NULL,
    submitted_by TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    entry_code TEXT,
    reason TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    decided_by TEXT,
    decided_at TIMESTAMP
);
CREATE INDEX change_requests_status ON change_requests(status, id);

CREATE TABLE accounts (
    username TEXT PRIMARY KEY NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL,
    department TEXT,
    disabled BOOLEAN NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Messages to other services, written in the same transaction as the change they report and
-- relayed with retries until accepted.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    target TEXT NOT NULL,
    path TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    body TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX outbox_pending ON outbox(sent_at, next_attempt_at);

-- The change sequence: every directory write appends here in the same transaction, so each
-- replica's search index can catch up from the last `seq` it has seen.
CREATE TABLE kb_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    entity TEXT NOT NULL,
    code TEXT NOT NULL,
    changed_at TIMESTAMP NOT NULL
);
