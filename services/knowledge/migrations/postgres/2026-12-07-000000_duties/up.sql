-- Issue 17: each script says who uses it and at which step of a call, and may carry a note
-- on how to use it.
ALTER TABLE scripts ADD COLUMN audience TEXT NOT NULL DEFAULT 'operator';
ALTER TABLE scripts ADD COLUMN step TEXT NOT NULL DEFAULT 'answer';
ALTER TABLE scripts ADD COLUMN note TEXT;
-- Who authorised an FAQ answer (授权解答), and when; none while it is not authorised.
ALTER TABLE faqs ADD COLUMN authorized_by TEXT;
ALTER TABLE faqs ADD COLUMN authorized_at BIGINT;
