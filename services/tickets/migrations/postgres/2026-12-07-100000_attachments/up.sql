-- Issue 18: a ticket's attachments (scans, the files of received mail, received faxes), kept in
-- the database so every replica serves them. A received fax waits for a supervisor's
-- confirmation (fax_status awaiting → confirmed) as the department's reply.
CREATE TABLE ticket_attachments (
    id BIGSERIAL PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES tickets(id),
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BYTEA NOT NULL,
    source TEXT NOT NULL,
    message_key TEXT,
    fax_number TEXT,
    fax_status TEXT,
    added_by TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments (ticket_id, id);
CREATE INDEX ticket_attachments_fax ON ticket_attachments (fax_status, created_at);
