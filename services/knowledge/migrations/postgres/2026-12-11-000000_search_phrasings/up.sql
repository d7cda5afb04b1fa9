-- How callers voice a question of the knowledge base (its label, scj-5: the same question in
-- every region), added by editors beside the built-in table: the search's topic classifier
-- learns from them.
CREATE TABLE search_phrasings (
    id BIGSERIAL PRIMARY KEY,
    label TEXT NOT NULL,
    phrasing TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT,
    UNIQUE (label, phrasing)
);
