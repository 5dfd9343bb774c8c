DROP TABLE certificates;
DROP TABLE enrolment_codes;
