-- The aggregator's unit registry: every unit of its subtree, one row per period of validity
-- (a rename or a move ends one row and starts another with the same id), and the successions
-- (merge, split, rename, move, the 2025 reform) that let history follow a unit across changes.
-- History is never rewritten: rows are never deleted, a row's identity, name, kind, tier,
-- parent and start never change; only an open row may be closed (valid_to set once), and
-- contacts (officer_email, head_email) may be corrected.
CREATE TABLE units (
    -- The UnitId (docs/protocol.md §Unit ids).
    id TEXT NOT NULL,
    -- Official name, NFC, e.g. 'Phường Trấn Biên'.
    name TEXT NOT NULL,
    -- Vietnamese kind: Tỉnh, Thành phố, Phường, Xã, Đặc khu, Huyện, Sở, ...
    kind TEXT NOT NULL,
    -- schema::Tier in snake_case: province, district, commune, agency, ...
    tier TEXT NOT NULL,
    -- The unit above during this row's validity (VN for provinces).
    parent TEXT NOT NULL,
    -- Who to write to: the unit's BMNN officer and its head; unknown for imported areas.
    officer_email TEXT,
    head_email TEXT,
    -- Centroid, WGS 84 degrees (approximate).
    lat DOUBLE,
    lon DOUBLE,
    -- First and last day (inclusive) this row holds; valid_to NULL while it still holds.
    valid_from DATE NOT NULL,
    valid_to DATE,
    PRIMARY KEY (id, valid_from),
    CHECK (valid_to IS NULL OR valid_to >= valid_from)
);
CREATE INDEX units_by_parent ON units (parent, valid_from);

CREATE TRIGGER units_no_delete BEFORE DELETE ON units
BEGIN SELECT RAISE(ABORT, 'unit history is never deleted'); END;
CREATE TRIGGER units_no_rewrite BEFORE UPDATE OF id, name, kind, tier, parent, valid_from ON units
BEGIN SELECT RAISE(ABORT, 'unit history is never rewritten: end the row and start a new one'); END;
CREATE TRIGGER units_closed_once BEFORE UPDATE OF valid_to ON units
WHEN OLD.valid_to IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'a unit row that has ended cannot be reopened or re-ended'); END;

-- How units follow one another: predecessor's history continues in successor from `effective`.
CREATE TABLE successions (
    predecessor TEXT NOT NULL,
    successor TEXT NOT NULL,
    -- The successor's first day.
    effective DATE NOT NULL,
    relation TEXT NOT NULL
        CHECK (relation IN ('merge', 'split', 'rename', 'move', 'reform-2025')),
    -- Free text: for reform-2025 the mapping's relation (whole, split-default, split-part).
    note TEXT NOT NULL,
    PRIMARY KEY (predecessor, successor, effective)
);
CREATE INDEX successions_by_successor ON successions (successor);

CREATE TRIGGER successions_no_update BEFORE UPDATE ON successions
BEGIN SELECT RAISE(ABORT, 'successions are append-only'); END;
CREATE TRIGGER successions_no_delete BEFORE DELETE ON successions
BEGIN SELECT RAISE(ABORT, 'successions are append-only'); END;
