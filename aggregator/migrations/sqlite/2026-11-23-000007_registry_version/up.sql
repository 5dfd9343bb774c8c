-- A counter of changes to the unit registry, kept by triggers whichever process makes them (the
-- CLI's registry commands run beside a serving aggregator). The ingest caches its registry
-- answers under the version it read and drops them when the version moves. Rows of `units` are
-- never deleted, so version 0 means the registry has never held a unit.
CREATE TABLE registry_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO registry_version (id, version) VALUES (1, (SELECT COUNT(*) FROM units));

CREATE TRIGGER units_bump_on_insert AFTER INSERT ON units
BEGIN UPDATE registry_version SET version = version + 1 WHERE id = 1; END;
CREATE TRIGGER units_bump_on_update AFTER UPDATE ON units
BEGIN UPDATE registry_version SET version = version + 1 WHERE id = 1; END;
