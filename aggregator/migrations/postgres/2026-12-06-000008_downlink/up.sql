-- PostgreSQL twin of migrations/sqlite/2026-12-06-000008_downlink (see the comments there).
-- New tables only: a running older version never reads them, so this migration does not
-- break it. Inserts into `notices` lock the table (see store::notices), so `seq` order is
-- commit order and a child's cursor never skips a notice committed late.
CREATE TABLE notices (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    notice_id TEXT NOT NULL UNIQUE,
    issuer TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT,
    addressee TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    envelope TEXT NOT NULL,
    stored_at TIMESTAMP NOT NULL
);
CREATE INDEX notices_by_target ON notices (target, seq);

-- For a one-unit notice, one row per unit that contains its target (the target itself, its
-- parents, up to VN): a child's pull finds what concerns it by equality, on both backends,
-- whatever the collation.
CREATE TABLE notice_targets (
    ancestor TEXT NOT NULL,
    seq BIGINT NOT NULL,
    PRIMARY KEY (ancestor, seq)
);

CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('notices are append-only');
CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('notices are append-only');

CREATE TABLE reviews (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    unit TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'returned')),
    reason TEXT,
    pointers TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    notice_id TEXT NOT NULL
);
CREATE INDEX reviews_by_report ON reviews (report_id, digest);

CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('reviews are append-only');
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('reviews are append-only');
