DROP TABLE inspection_notices;
DROP TABLE inspection_visits;
DROP TABLE inspection_plans;
DROP TABLE key_units;
DROP TABLE inspection_findings;
DROP TABLE inspections;
