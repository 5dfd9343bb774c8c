DROP TRIGGER units_bump ON units;
DROP FUNCTION bmnn_registry_bump();
DROP TABLE registry_version;
