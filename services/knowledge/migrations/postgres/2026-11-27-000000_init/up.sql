CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    aliases TEXT NOT NULL DEFAULT '[]',
    level TEXT NOT NULL,
    parent TEXT REFERENCES regions(code),
    area_code TEXT NOT NULL
);
