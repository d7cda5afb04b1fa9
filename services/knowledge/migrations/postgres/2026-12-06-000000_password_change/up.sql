-- Issue 16. An account whose password someone else chose (bulk import, an admin's reset) must
-- choose its own at the next sign-in before it can do anything else.
ALTER TABLE accounts ADD COLUMN password_change BOOLEAN NOT NULL DEFAULT FALSE;
