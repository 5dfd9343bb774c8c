-- The node's store on PostgreSQL (in the schema `bmnn_node`, see node::db::PG_SCHEMA): users
-- and sessions, drafts, signed submissions, the outbox (our queue), receipts, and the
-- append-only, hash-chained audit log. The same tables as migrations/sqlite.
CREATE FUNCTION node_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%', TG_ARGV[0];
END;
$$;

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('officer', 'head', 'admin')),
    password_hash TEXT NOT NULL,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY NOT NULL,
    user_id INTEGER NOT NULL REFERENCES users (id),
    csrf_token TEXT NOT NULL,
    expires_at TIMESTAMP NOT NULL
);

CREATE TABLE drafts (
    report_id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    classification TEXT NOT NULL,
    form_json TEXT NOT NULL,
    supersedes TEXT,
    created_by INTEGER NOT NULL REFERENCES users (id),
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE submissions (
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    classification TEXT NOT NULL,
    envelope TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (report_id, digest)
);

CREATE TABLE outbox (
    id SERIAL PRIMARY KEY,
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    link TEXT NOT NULL,
    priority INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'rejected', 'held')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    last_error TEXT,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (report_id, digest, link)
);
CREATE INDEX outbox_due ON outbox (state, priority, next_attempt_at);

CREATE TABLE receipts (
    report_id TEXT NOT NULL,
    digest TEXT NOT NULL,
    receiver TEXT NOT NULL,
    received_at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    receipt TEXT NOT NULL,
    stored_at TIMESTAMP NOT NULL,
    PRIMARY KEY (report_id, digest, receiver)
);

CREATE TABLE audit_log (
    seq SERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
FOR EACH ROW EXECUTE FUNCTION node_refuse('the audit log is append-only');
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION node_refuse('the audit log is append-only');
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
FOR EACH STATEMENT EXECUTE FUNCTION node_refuse('the audit log is append-only');

-- The chain's head for an append (node::db::audit): lock the table against other writers
-- until the transaction ends, then read the last hash with a fresh snapshot (a VOLATILE
-- function takes one per statement), in one round trip. Tables resolve in the session's
-- search_path, so the same function serves this schema's audit log.
CREATE FUNCTION audit_head() RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE;
    RETURN (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1);
END;
$$;
