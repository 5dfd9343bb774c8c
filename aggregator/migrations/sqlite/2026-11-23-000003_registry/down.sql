DROP TABLE successions;
DROP TABLE units;
