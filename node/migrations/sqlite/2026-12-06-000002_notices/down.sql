DROP TABLE submission_forms;
DROP TABLE notice_cursors;
DROP TRIGGER notices_no_delete;
DROP TRIGGER notices_no_update;
DROP TABLE notices;
