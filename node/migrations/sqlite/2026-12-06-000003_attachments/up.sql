-- Requests and attachments at the node. A draft may answer a request from above
-- (`in_reply_to`, the request notice's id) and carry files: `draft_attachments` lists them in
-- the officer's order, `attachments` holds each file's bytes once, by SHA-256, from the moment
-- it is uploaded (the signed submission names the same digests; the pusher sends the bytes
-- before the envelope).
ALTER TABLE drafts ADD COLUMN in_reply_to TEXT;

CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    stored_at TIMESTAMP NOT NULL
);

CREATE TABLE draft_attachments (
    report_id TEXT NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (report_id, position)
);
