-- PostgreSQL twin of migrations/sqlite/2026-11-23-000004_reminders (identical DDL).
-- Reminders already sent: one row per unit, report kind, period and stage, so a reminder is
-- never sent twice however often the schedule runs.
CREATE TABLE reminders_sent (
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    stage TEXT NOT NULL,
    recipient TEXT NOT NULL,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (unit, kind, period, stage)
);
