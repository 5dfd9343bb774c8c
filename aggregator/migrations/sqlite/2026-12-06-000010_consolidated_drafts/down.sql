DROP TABLE consolidated_drafts;
