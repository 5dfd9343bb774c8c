-- PostgreSQL twin of migrations/sqlite/2026-12-07-000012_report_figures.
-- The figures of each stored version, extracted once when it is stored so that pages and the
-- consolidated report add numbers in SQL instead of decoding envelopes per request. Derived
-- from `received` (rebuildable from it; versions stored before this table are filled in at
-- start): one row per (version, item, code). `year` is the reporting year the figure counts
-- for (an incident's by its discovery, an inspection's by its last day, a periodic report's by
-- its period). `item`: `stored` (one per version: "this version was extracted"; code = its
-- indicators as one JSON object, value = how many), `incident`, `violation` (code = kind),
-- `incident_listed`
-- (an annual report's incidents that name no incident report), `incident_ref` (code = the
-- incident report an annual report's incident names), `units_expected`, `units_reported`,
-- `units_on_time` (a consolidated report's). New table only: older versions never read it.
CREATE TABLE report_figures (
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    year INTEGER NOT NULL,
    item TEXT NOT NULL,
    code TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (report_id, digest, item, code)
);
CREATE INDEX report_figures_by_item ON report_figures (item, year, kind);
-- What pages ask of `received` without a unit: the versions a later one amends (few), and
-- every report of a kind and period with what judging timeliness needs. The second covers
-- those columns so SQLite never reads an envelope to answer (`received_at` comes after the
-- envelope in the row, so a table scan reads every envelope's overflow pages).
CREATE INDEX received_amending ON received (supersedes) WHERE supersedes IS NOT NULL;
CREATE INDEX received_by_kind ON received
    (kind, period, unit, report_id, digest, received_at, supersedes, classification);
