DROP TABLE successions;
DROP TABLE units;
DROP FUNCTION bmnn_units_guard();
