-- The downlink at the node (see migrations/sqlite): verified notices, append-only; the pull
-- cursor per link; the form fields each approved version was made from.
CREATE TABLE notices (
    seq SERIAL PRIMARY KEY,
    notice_id TEXT NOT NULL UNIQUE,
    digest TEXT NOT NULL,
    issuer TEXT NOT NULL,
    kind TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    report_id TEXT,
    report_digest TEXT,
    verdict TEXT,
    envelope TEXT NOT NULL,
    source TEXT NOT NULL,
    received_at TIMESTAMP NOT NULL
);
CREATE INDEX notices_by_report ON notices (report_id, report_digest);
CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices
FOR EACH ROW EXECUTE FUNCTION node_refuse('notices are append-only');
CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices
FOR EACH ROW EXECUTE FUNCTION node_refuse('notices are append-only');

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
