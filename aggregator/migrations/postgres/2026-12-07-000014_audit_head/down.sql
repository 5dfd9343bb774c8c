DROP FUNCTION audit_head();
