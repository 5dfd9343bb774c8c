-- The outgoing mail queue: every reminder digest, overdue notice and escalation is stored
-- here, fully rendered, in the same transaction that records its items in reminders_sent,
-- then sent (or written as .eml) and marked. A failed send stays 'pending' with its next
-- attempt; a restart resumes from this table. status: pending | sent | failed (rejected by
-- the relay for good).
CREATE TABLE mail_queue (
    id TEXT PRIMARY KEY NOT NULL,
    audience TEXT NOT NULL,
    unit TEXT,
    day DATE NOT NULL,
    sender TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt TIMESTAMP NOT NULL,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL,
    sent_at TIMESTAMP
);
CREATE INDEX mail_queue_due ON mail_queue (status, next_attempt);
-- Which queued mail carries each recorded reminder.
ALTER TABLE reminders_sent ADD COLUMN mail_id TEXT;
