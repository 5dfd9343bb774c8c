DROP TABLE submission_forms;
DROP TABLE notice_cursors;
DROP TABLE notices;
