-- PostgreSQL twin of migrations/sqlite/2026-11-23-000003_registry (see the comments there):
-- units with validity periods, and successions. History is never rewritten.
CREATE TABLE units (
    id TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    tier TEXT NOT NULL,
    parent TEXT NOT NULL,
    officer_email TEXT,
    head_email TEXT,
    lat DOUBLE PRECISION,
    lon DOUBLE PRECISION,
    valid_from DATE NOT NULL,
    valid_to DATE,
    PRIMARY KEY (id, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX units_by_parent ON units (parent, valid_from);

CREATE FUNCTION bmnn_units_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.name IS DISTINCT FROM OLD.name
        OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.tier IS DISTINCT FROM OLD.tier
        OR NEW.parent IS DISTINCT FROM OLD.parent OR NEW.valid_from IS DISTINCT FROM OLD.valid_from THEN
        RAISE EXCEPTION 'unit history is never rewritten: end the row and start a new one';
    END IF;
    IF OLD.valid_to IS NOT NULL AND NEW.valid_to IS DISTINCT FROM OLD.valid_to THEN
        RAISE EXCEPTION 'a unit row that has ended cannot be reopened or re-ended';
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER units_no_delete BEFORE DELETE ON units
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('unit history is never deleted');
CREATE TRIGGER units_guard BEFORE UPDATE ON units
FOR EACH ROW EXECUTE FUNCTION bmnn_units_guard();

CREATE TABLE successions (
    predecessor TEXT NOT NULL,
    successor TEXT NOT NULL,
    effective DATE NOT NULL,
    relation TEXT NOT NULL
        CHECK (relation IN ('merge', 'split', 'rename', 'move', 'reform-2025')),
    note TEXT NOT NULL,
    PRIMARY KEY (predecessor, successor, effective)
);
CREATE INDEX successions_by_successor ON successions (successor);

CREATE TRIGGER successions_no_update BEFORE UPDATE ON successions
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('successions are append-only');
CREATE TRIGGER successions_no_delete BEFORE DELETE ON successions
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('successions are append-only');
