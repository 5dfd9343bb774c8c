-- The chain's head for an audit append (node::db::audit): lock `audit_log` against other
-- writers until the transaction ends, then read the last hash with a fresh snapshot (a
-- VOLATILE function takes one per statement), in one round trip instead of two. Only adds a
-- function: a process of the previous version keeps locking with LOCK TABLE, which conflicts
-- with this lock in the same way, so the two never fork the chain.
CREATE FUNCTION audit_head() RETURNS TEXT LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE;
    RETURN (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1);
END;
$$;
