-- Twin of migrations/postgres/2026-12-07-000014_audit_head, which adds a PostgreSQL function
-- (the audit log's head, locked and read in one round trip). SQLite's write transaction
-- already excludes other writers: nothing to do here; kept so both backends count the same
-- migrations.
SELECT 1;
