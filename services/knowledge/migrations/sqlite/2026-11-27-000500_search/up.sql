-- Everyday words callers use and the knowledge base's word for them (editable data).
CREATE TABLE search_synonyms (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    term TEXT NOT NULL UNIQUE,
    replacement TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT
);

-- Queries with no confident hit (normalised text), for the replenishment loop.
CREATE TABLE search_unanswered (
    query TEXT PRIMARY KEY NOT NULL,
    region TEXT,
    times BIGINT NOT NULL,
    first_asked_at TIMESTAMP NOT NULL,
    last_asked_at TIMESTAMP NOT NULL,
    answered_at TIMESTAMP
);
CREATE INDEX search_unanswered_open ON search_unanswered (answered_at, times);

-- One-time seeds already applied (so an editor's deletions are not undone at restart).
CREATE TABLE search_seeds (
    name TEXT PRIMARY KEY NOT NULL,
    seeded_at TIMESTAMP NOT NULL
);
