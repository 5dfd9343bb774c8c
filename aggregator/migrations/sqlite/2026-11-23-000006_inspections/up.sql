-- Inspections (kiểm tra việc chấp hành) and their planning.
--
-- `inspections` and `inspection_findings` are the record of what inspectors found: they feed
-- the risk scores, the trend charts and the remediation follow-up, and an inspection can be
-- sent up as an `inspection_result` report (its id is the report id). They are never deleted;
-- an inspection's identity, unit, dates and decision never change; only the sending marks
-- (sent_digest, sent_at) and a finding's remediation date (remediated_on) are set later.
CREATE TABLE inspections (
    -- A lowercase UUID: the report id of the inspection result when it is sent up.
    id TEXT PRIMARY KEY NOT NULL,
    -- The inspected unit (UnitId).
    unit TEXT NOT NULL,
    -- The inspection decision, number and symbol (số, ký hiệu), NFC.
    decision_ref TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE NOT NULL,
    -- The inspection team (planner team id), when it was one of the planned teams.
    team TEXT,
    -- The conclusion (kết luận kiểm tra), NFC.
    conclusion TEXT NOT NULL,
    -- schema::Classification code of the result (khong_mat, mat, toi_mat, tuyet_mat).
    classification TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL,
    -- Digest of the signed inspection result queued for the parent, and when.
    sent_digest TEXT,
    sent_at TIMESTAMP,
    CHECK (ended_on >= started_on)
);
CREATE INDEX inspections_by_unit ON inspections (unit, ended_on);
CREATE UNIQUE INDEX inspections_one_per_decision ON inspections (unit, decision_ref);

CREATE TRIGGER inspections_no_delete BEFORE DELETE ON inspections
BEGIN SELECT RAISE(ABORT, 'inspections are never deleted'); END;
CREATE TRIGGER inspections_no_rewrite
BEFORE UPDATE OF id, unit, decision_ref, started_on, ended_on, team, conclusion, classification,
    recorded_by, recorded_at ON inspections
BEGIN SELECT RAISE(ABORT, 'an inspection record is never rewritten'); END;

CREATE TABLE inspection_findings (
    inspection_id TEXT NOT NULL REFERENCES inspections (id),
    -- 1-based position in the inspection's list.
    seq INTEGER NOT NULL,
    -- schema::ViolationKind code.
    kind TEXT NOT NULL,
    severity TEXT NOT NULL CHECK (severity IN ('minor', 'major', 'serious')),
    description TEXT NOT NULL,
    occurrences INTEGER NOT NULL CHECK (occurrences > 0),
    remediation_deadline DATE,
    -- The day the unit reported the finding remediated (khắc phục); NULL while open.
    remediated_on DATE,
    PRIMARY KEY (inspection_id, seq)
);
CREATE INDEX findings_by_deadline ON inspection_findings (remediation_deadline);

CREATE TRIGGER inspection_findings_no_delete BEFORE DELETE ON inspection_findings
BEGIN SELECT RAISE(ABORT, 'findings are never deleted'); END;
CREATE TRIGGER inspection_findings_no_rewrite
BEFORE UPDATE OF inspection_id, seq, kind, severity, description, occurrences,
    remediation_deadline ON inspection_findings
BEGIN SELECT RAISE(ABORT, 'a finding is never rewritten; only its remediation is recorded'); END;

-- Units on the list of key and confidential bodies (cơ quan, đơn vị trọng yếu, cơ mật).
CREATE TABLE key_units (
    unit TEXT PRIMARY KEY NOT NULL,
    note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TIMESTAMP NOT NULL
);

-- Inspection plans as issued by `bmnn-aggregator plan`: one row per campaign id. A plan may
-- be issued again (replaced with its visits and notices) until one of its notices is sent.
CREATE TABLE inspection_plans (
    id TEXT PRIMARY KEY NOT NULL,
    -- The aggregator's unit.
    scope TEXT NOT NULL,
    -- The campaign's name, NFC.
    campaign TEXT NOT NULL,
    plan_date DATE NOT NULL,
    period_start DATE NOT NULL,
    period_end DATE NOT NULL,
    -- The seed of the random picks (u64, decimal).
    seed TEXT NOT NULL,
    -- exact or heuristic.
    method TEXT NOT NULL,
    covered_risk DOUBLE NOT NULL,
    upper_bound DOUBLE NOT NULL,
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
    -- Minutes after the start of the working day when the team arrives, and minutes on site.
    start_minute INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    risk DOUBLE NOT NULL,
    -- mandatory, random or risk.
    selection TEXT NOT NULL,
    PRIMARY KEY (plan_id, unit)
);

-- The notice to each inspected unit, due `lead_working_days` working days before the visit;
-- the mailer sends those due (inspection::notices_due) and marks them (mark_notice_sent).
CREATE TABLE inspection_notices (
    plan_id TEXT NOT NULL REFERENCES inspection_plans (id),
    unit TEXT NOT NULL,
    due_on DATE NOT NULL,
    visit_date DATE NOT NULL,
    -- The unit's officer (or head) address from the registry; NULL when it has none.
    recipient TEXT,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at TIMESTAMP,
    PRIMARY KEY (plan_id, unit),
    CHECK (due_on <= visit_date)
);
CREATE INDEX inspection_notices_due ON inspection_notices (due_on);
