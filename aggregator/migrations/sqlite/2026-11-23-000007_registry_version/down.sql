DROP TRIGGER units_bump_on_update;
DROP TRIGGER units_bump_on_insert;
DROP TABLE registry_version;
