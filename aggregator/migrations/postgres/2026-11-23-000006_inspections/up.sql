-- PostgreSQL twin of migrations/sqlite/2026-11-23-000006_inspections (see the comments there):
-- inspections and findings (never deleted, never rewritten but for the sending marks and the
-- remediation date), key units, and the plans with their visits and notices.
CREATE TABLE inspections (
    id TEXT PRIMARY KEY NOT NULL,
    unit TEXT NOT NULL,
    decision_ref TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE NOT NULL,
    team TEXT,
    conclusion TEXT NOT NULL,
    classification TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    sent_digest TEXT,
    sent_at TIMESTAMP,
    CHECK (ended_on >= started_on)
);
CREATE INDEX inspections_by_unit ON inspections (unit, ended_on);
CREATE UNIQUE INDEX inspections_one_per_decision ON inspections (unit, decision_ref);

CREATE FUNCTION bmnn_inspections_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.unit IS DISTINCT FROM OLD.unit
        OR NEW.decision_ref IS DISTINCT FROM OLD.decision_ref
        OR NEW.started_on IS DISTINCT FROM OLD.started_on
        OR NEW.ended_on IS DISTINCT FROM OLD.ended_on OR NEW.team IS DISTINCT FROM OLD.team
        OR NEW.conclusion IS DISTINCT FROM OLD.conclusion
        OR NEW.classification IS DISTINCT FROM OLD.classification
        OR NEW.recorded_by IS DISTINCT FROM OLD.recorded_by
        OR NEW.recorded_at IS DISTINCT FROM OLD.recorded_at THEN
        RAISE EXCEPTION 'an inspection record is never rewritten';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('inspections are never deleted');
CREATE TRIGGER inspections_no_rewrite BEFORE UPDATE ON inspections
FOR EACH ROW EXECUTE FUNCTION bmnn_inspections_guard();

CREATE TABLE inspection_findings (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'serious')),
    description TEXT NOT NULL,
    occurrences INTEGER NOT NULL CHECK (occurrences > 0),
    remediation_deadline DATE,
    remediated_on DATE,
    PRIMARY KEY (inspection_id, seq)
);
CREATE INDEX findings_by_deadline ON inspection_findings (remediation_deadline);

CREATE FUNCTION bmnn_findings_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.inspection_id IS DISTINCT FROM OLD.inspection_id OR NEW.seq IS DISTINCT FROM OLD.seq
        OR NEW.kind IS DISTINCT FROM OLD.kind OR NEW.severity IS DISTINCT FROM OLD.severity
        OR NEW.description IS DISTINCT FROM OLD.description
        OR NEW.occurrences IS DISTINCT FROM OLD.occurrences
        OR NEW.remediation_deadline IS DISTINCT FROM OLD.remediation_deadline THEN
        RAISE EXCEPTION 'a finding is never rewritten; only its remediation is recorded';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER inspection_findings_no_delete BEFORE DELETE ON inspection_findings
FOR EACH ROW EXECUTE FUNCTION bmnn_refuse('findings are never deleted');
CREATE TRIGGER inspection_findings_no_rewrite BEFORE UPDATE ON inspection_findings
FOR EACH ROW EXECUTE FUNCTION bmnn_findings_guard();

CREATE TABLE key_units (
    unit TEXT PRIMARY KEY NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

CREATE TABLE inspection_plans (
    id TEXT PRIMARY KEY NOT NULL,
    scope TEXT NOT NULL,
    campaign TEXT NOT NULL,
    plan_date DATE NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    seed TEXT NOT NULL,
    method TEXT NOT NULL,
    covered_risk DOUBLE PRECISION NOT NULL,
    upper_bound DOUBLE PRECISION NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    CHECK (period_end >= period_start)
);

CREATE TABLE inspection_visits (
    plan_id TEXT NOT NULL REFERENCES inspection_plans (id),
    unit TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    team TEXT NOT NULL,
    team_name TEXT NOT NULL,
    visit_date DATE NOT NULL,
    start_minute INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    risk DOUBLE PRECISION NOT NULL,
    selection TEXT NOT NULL,
    PRIMARY KEY (plan_id, unit)
);

CREATE TABLE inspection_notices (
    plan_id TEXT NOT NULL REFERENCES inspection_plans (id),
    unit TEXT NOT NULL,
    due_on DATE NOT NULL,
    visit_date DATE NOT NULL,
    recipient TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TIMESTAMP,
    PRIMARY KEY (plan_id, unit),
    CHECK (due_on <= visit_date)
);
CREATE INDEX inspection_notices_due ON inspection_notices (due_on);
