DROP INDEX received_supersedes;
DROP TABLE report_figures;
