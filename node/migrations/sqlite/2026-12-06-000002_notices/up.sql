-- The downlink at the node: notices from the parent (pulled over the link or imported from a
-- receipt bundle), verified before they are stored, never updated or deleted; the cursor
-- per link; and the form fields each approved version was made from, so a returned report
-- can be amended from what was sent.
CREATE TABLE notices (
    -- Arrival order (the parent's order within a page): the last review of a version is its
    -- current verdict.
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    notice_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    issuer TEXT NOT NULL,
    kind TEXT NOT NULL,
    -- RFC 3339, as signed.
    issued_at TEXT NOT NULL,
    -- For reviews: the version judged and the verdict.
    report_id TEXT,
    report_digest TEXT,
    verdict TEXT,
    -- The notice, canonical JSON, with every signature it arrived with.
    envelope TEXT NOT NULL,
    -- The link it came over, or `bundle`.
    source TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX notices_by_report ON notices (report_id, report_digest);

CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices
BEGIN SELECT RAISE(ABORT, 'notices are append-only'); END;
CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices
BEGIN SELECT RAISE(ABORT, 'notices are append-only'); END;

-- Where the next pull starts, per link: the parent's sequence number of the last notice seen.
CREATE TABLE notice_cursors (
    link TEXT PRIMARY KEY NOT NULL,
    after BIGINT NOT NULL,
    pulled_at TIMESTAMP NOT NULL
);

CREATE TABLE submission_forms (
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    form_json TEXT NOT NULL,
    PRIMARY KEY (report_id, digest)
);
