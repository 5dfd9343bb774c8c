-- Enrolment with one-time codes and the certificates this aggregator's CA signed over EST.
-- A code is stored only as its SHA-256 (`code_hash`); `id` is a short public handle for
-- listing and revoking. A code is used once (`used_at`, `serial`), expires, or is revoked.
-- New tables only: older versions never read them.
CREATE TABLE enrolment_codes (
    id TEXT PRIMARY KEY NOT NULL,
    code_hash TEXT NOT NULL UNIQUE,
    unit_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    serial TEXT,
    revoked_at TIMESTAMP
);
CREATE INDEX enrolment_codes_unit ON enrolment_codes (unit_id);
CREATE TABLE certificates (
    serial TEXT PRIMARY KEY NOT NULL,
    unit_id TEXT NOT NULL,
    via TEXT NOT NULL CHECK (via IN ('enrol', 'renew')),
    not_before TIMESTAMP NOT NULL,
    not_after TIMESTAMP NOT NULL,
    issued_at TIMESTAMP NOT NULL,
    replaces TEXT
);
CREATE INDEX certificates_unit ON certificates (unit_id);
