-- PostgreSQL twin of migrations/sqlite/2026-11-23-000001_received (see the comments there).
-- The aggregator's store of received envelopes: one row per version of each report, never
-- updated, never deleted.
CREATE TABLE received (
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    classification TEXT NOT NULL,
    supersedes TEXT,
    peer TEXT NOT NULL,
    envelope TEXT NOT NULL,
    received_at TEXT NOT NULL,
    receipt TEXT NOT NULL,
    PRIMARY KEY (report_id, digest)
);
CREATE INDEX received_by_unit ON received (unit, kind, period);

CREATE FUNCTION bmnn_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;

CREATE TRIGGER received_no_update BEFORE UPDATE ON received
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('received envelopes are append-only');
CREATE TRIGGER received_no_delete BEFORE DELETE ON received
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('received envelopes are append-only');
