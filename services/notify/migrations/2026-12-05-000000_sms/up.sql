-- Text messages (channel `sms`): how many messages the text is sent as (70 characters in
-- one, 67 per part of a longer one). NULL for e-mail and fax.
ALTER TABLE notifications ADD COLUMN segments INTEGER;
