ALTER TABLE reminders_sent DROP COLUMN mail_id;
DROP INDEX mail_queue_due;
DROP TABLE mail_queue;
