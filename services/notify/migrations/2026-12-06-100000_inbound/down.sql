DROP TABLE inbound_messages;
DROP TABLE imap_mailboxes;
