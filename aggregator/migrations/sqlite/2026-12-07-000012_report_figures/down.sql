DROP INDEX received_by_kind;
DROP INDEX report_figures_by_item;
DROP INDEX received_amending;
DROP TABLE report_figures;
