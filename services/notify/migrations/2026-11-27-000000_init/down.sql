DROP TABLE templates;
DROP TABLE notifications;
