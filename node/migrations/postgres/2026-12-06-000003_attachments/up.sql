-- Requests and attachments at the node (see migrations/sqlite).
ALTER TABLE drafts ADD COLUMN in_reply_to TEXT;

CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BYTEA NOT NULL,
    stored_at TIMESTAMP NOT NULL
);

CREATE TABLE draft_attachments (
    report_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (report_id, position)
);
