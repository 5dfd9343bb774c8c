DROP TABLE reviews;
DROP TABLE notice_targets;
DROP TABLE notices;
