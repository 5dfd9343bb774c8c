-- The downlink at an aggregator. `notices`: every notice this aggregator issued or relays
-- down to its subtree, in the order children pull them (`seq` is the cursor). `target` is
-- the one unit addressed (NULL for a scope), so a node's pull reads its own notices by index.
-- `reviews`: every verdict given on a received version (the last one per version is current).
-- Both are append-only.
CREATE TABLE notices (
    seq INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    notice_id TEXT NOT NULL UNIQUE,
    issuer TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT,
    -- The addressee as signed (JSON).
    addressee TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    -- The notice as children receive it (countersigned here when relayed from above).
    envelope TEXT NOT NULL,
    stored_at TIMESTAMP NOT NULL
);
CREATE INDEX notices_by_target ON notices (target, seq);

-- For a one-unit notice, one row per unit that contains its target (the target itself, its
-- parents, up to VN): a child's pull finds what concerns it by equality, on both backends,
-- whatever the collation.
CREATE TABLE notice_targets (
    ancestor TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (ancestor, seq)
);

CREATE TRIGGER notices_no_update BEFORE UPDATE ON notices
BEGIN SELECT RAISE(ABORT, 'notices are append-only'); END;
CREATE TRIGGER notices_no_delete BEFORE DELETE ON notices
BEGIN SELECT RAISE(ABORT, 'notices are append-only'); END;

CREATE TABLE reviews (
    id INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    unit TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('accepted', 'returned')),
    reason TEXT,
    -- Pointers to sections or indicators, one per line.
    pointers TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    notice_id TEXT NOT NULL
);
CREATE INDEX reviews_by_report ON reviews (report_id, digest);

CREATE TRIGGER reviews_no_update BEFORE UPDATE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
CREATE TRIGGER reviews_no_delete BEFORE DELETE ON reviews
BEGIN SELECT RAISE(ABORT, 'reviews are append-only'); END;
