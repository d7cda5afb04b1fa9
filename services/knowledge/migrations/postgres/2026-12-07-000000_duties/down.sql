ALTER TABLE faqs DROP COLUMN authorized_at;
ALTER TABLE faqs DROP COLUMN authorized_by;
ALTER TABLE scripts DROP COLUMN note;
ALTER TABLE scripts DROP COLUMN step;
ALTER TABLE scripts DROP COLUMN audience;
