-- PostgreSQL twin of migrations/sqlite/2026-12-06-000009_requests (see the comments there).
-- New tables only: a running older version never reads them.
CREATE TABLE requests (
    notice_id TEXT PRIMARY KEY NOT NULL,
    issuer TEXT NOT NULL,
    title TEXT NOT NULL,
    answer_kind TEXT NOT NULL,
    period TEXT NOT NULL,
    due TEXT NOT NULL,
    addressee TEXT NOT NULL,
    payload TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    stored_at TIMESTAMP NOT NULL
);

CREATE TABLE request_answers (
    request_id TEXT NOT NULL,
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    unit TEXT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (request_id, report_id, digest)
);
CREATE INDEX request_answers_by_unit ON request_answers (request_id, unit);

CREATE TABLE attachments (
    sha256 TEXT PRIMARY KEY NOT NULL,
    media_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BYTEA NOT NULL,
    stored_at TIMESTAMP NOT NULL
);

CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('requests are append-only');
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('requests are append-only');
CREATE TRIGGER request_answers_no_update BEFORE UPDATE ON request_answers
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('request answers are append-only');
CREATE TRIGGER request_answers_no_delete BEFORE DELETE ON request_answers
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('request answers are append-only');
CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('attachments are append-only');
