-- PostgreSQL twin of migrations/sqlite/2026-12-07-000013_job_runs.
-- Scheduled work run once across the processes that share this database: one row per job and
-- slot (e.g. `daily` / `2026-12-07`), claimed by one process (`owner`) until `lease_until`
-- (UTC), marked `done_at` when finished. A claim is one atomic statement (an insert that does
-- nothing on conflict, or an update of an unfinished row whose lease ran out), so two
-- processes never both win, and a process that died holding a lease loses it when the lease
-- runs out. New table only: older versions never read it.
CREATE TABLE job_runs (
    job TEXT NOT NULL,
    slot TEXT NOT NULL,
    owner TEXT NOT NULL,
    lease_until TIMESTAMP NOT NULL,
    done_at TIMESTAMP,
    PRIMARY KEY (job, slot)
);
