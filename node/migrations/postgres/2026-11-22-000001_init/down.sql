DROP TABLE audit_log;
DROP TABLE receipts;
DROP TABLE outbox;
DROP TABLE submissions;
DROP TABLE drafts;
DROP TABLE sessions;
DROP TABLE users;
DROP FUNCTION node_refuse();
