-- Every seed synonym term offered to this database, kept after an editor deletes or changes
-- the row, so that a later seed adds only the rows it has not offered before.
CREATE TABLE search_seed_terms (
    term TEXT PRIMARY KEY NOT NULL,
    offered_at BIGINT NOT NULL
);
