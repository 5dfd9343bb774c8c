-- The aggregator's store of received envelopes: one row per version (report id + digest) of
-- each report that arrived from the subtree, with the receipt that was signed for it.
-- Rows are evidence of what was received and when: never updated, never deleted.
CREATE TABLE received (
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    classification TEXT NOT NULL,
    -- The digest of the version this one amends, if any.
    supersedes TEXT,
    -- The unit of the TLS peer that delivered it: the reporting unit or a relaying aggregator.
    peer TEXT NOT NULL,
    -- The envelope, canonical JSON (RFC 8785), as verified.
    envelope TEXT NOT NULL,
    -- RFC 3339 in +07:00, to the second, exactly as in the receipt.
    received_at TEXT NOT NULL,
    -- The signed receipt answered when it was first stored.
    receipt TEXT NOT NULL,
    PRIMARY KEY (report_id, digest)
);
CREATE INDEX received_by_unit ON received (unit, kind, period);

CREATE TRIGGER received_no_update BEFORE UPDATE ON received
BEGIN SELECT RAISE(ABORT, 'received envelopes are append-only'); END;
CREATE TRIGGER received_no_delete BEFORE DELETE ON received
BEGIN SELECT RAISE(ABORT, 'received envelopes are append-only'); END;
