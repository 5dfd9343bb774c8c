-- The consolidated report as a decision: per period, the committee's text of sections a–d
-- (JSON object code → text), whether the children's narratives go in an annex, and where it
-- stands: `draft` (being edited), `approved` (the head approved this text), `sent` (signed
-- and queued for the parent; `report_id`/`digest` name the version sent). Editing an
-- approved text makes it a draft again. New table only: older versions never read it.
CREATE TABLE consolidated_drafts (
    period TEXT PRIMARY KEY NOT NULL,
    sections TEXT NOT NULL,
    annex BOOLEAN NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('draft', 'approved', 'sent')),
    edited_by TEXT NOT NULL,
    edited_at TIMESTAMP NOT NULL,
    approved_by TEXT,
    approved_at TIMESTAMP,
    report_id TEXT,
    digest TEXT
);
