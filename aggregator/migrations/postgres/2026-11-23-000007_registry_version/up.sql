-- A counter of changes to the unit registry, kept by triggers whichever process makes them (the
-- CLI's registry commands run beside a serving aggregator). The ingest caches its registry
-- answers under the version it read and drops them when the version moves. Rows of `units` are
-- never deleted, so version 0 means the registry has never held a unit. Row-level, so a
-- statement that changes nothing does not count.
CREATE TABLE registry_version (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    version BIGINT NOT NULL
);
INSERT INTO registry_version (id, version) VALUES (1, (SELECT COUNT(*) FROM units));

CREATE FUNCTION bmnn_registry_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE registry_version SET version = version + 1 WHERE id = 1;
    RETURN NULL;
END;
$$;
CREATE TRIGGER units_bump AFTER INSERT OR UPDATE ON units
FOR EACH ROW EXECUTE FUNCTION bmnn_registry_bump();
