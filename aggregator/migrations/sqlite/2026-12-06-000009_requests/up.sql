-- Requests and attachments. New tables only, so a running older version is not broken.
-- `requests`: every request (yêu cầu báo cáo) this aggregator issued or relays down, as
-- signed, with the fields its tracking filters on. `request_answers`: which received version
-- answers which request (written with the `received` row). `attachments`: the bytes of every
-- file a stored report references, by SHA-256, stored before the report that names them.
-- All three are append-only.
CREATE TABLE requests (
    notice_id TEXT PRIMARY KEY NOT NULL,
    issuer TEXT NOT NULL,
    title TEXT NOT NULL,
    -- The report kind an answer has (`document` for documents).
    answer_kind TEXT NOT NULL,
    period TEXT NOT NULL,
    due TEXT NOT NULL,
    -- The addressee as signed (JSON) and the request payload (JSON).
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
    data BLOB NOT NULL,
    stored_at TIMESTAMP NOT NULL
);

CREATE TRIGGER requests_no_update BEFORE UPDATE ON requests
BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
CREATE TRIGGER requests_no_delete BEFORE DELETE ON requests
BEGIN SELECT RAISE(ABORT, 'requests are append-only'); END;
CREATE TRIGGER request_answers_no_update BEFORE UPDATE ON request_answers
BEGIN SELECT RAISE(ABORT, 'request answers are append-only'); END;
CREATE TRIGGER request_answers_no_delete BEFORE DELETE ON request_answers
BEGIN SELECT RAISE(ABORT, 'request answers are append-only'); END;
CREATE TRIGGER attachments_no_update BEFORE UPDATE ON attachments
BEGIN SELECT RAISE(ABORT, 'attachments are append-only'); END;
