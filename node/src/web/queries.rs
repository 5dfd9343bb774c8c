//! Queries the UI needs beyond the model modules in `crate::db`: submissions and drafts of one
//! kind and period, the outbox rows and receipts of many reports at once, who first saved a
//! draft (the drafter, from the audit log), a user's display name, and session clean-up (a
//! user's sessions after a password reset, expired ones at login).

use crate::db::any::AnyConn;
use diesel::prelude::*;

use crate::db::drafts::DraftRow;
use crate::db::outbox::OutboxRow;
use crate::db::receipts::ReceiptRow;
use crate::db::schema::{audit_log, drafts, outbox, receipts, submissions, users};
use crate::db::submissions::SubmissionRow;

/// Submissions of `kind` for `period`, newest first.
pub fn submissions_of(
    conn: &mut AnyConn,
    kind: &str,
    period: &str,
) -> QueryResult<Vec<SubmissionRow>> {
    crate::dispatch!(conn, |conn| {
        submissions::table
            .filter(submissions::kind.eq(kind))
            .filter(submissions::period.eq(period))
            .order(submissions::created_at.desc())
            .select(SubmissionRow::as_select())
            .load(conn)
    })
}

/// Drafts of `kind` for `period`, most recently saved first.
pub fn drafts_of(conn: &mut AnyConn, kind: &str, period: &str) -> QueryResult<Vec<DraftRow>> {
    crate::dispatch!(conn, |conn| {
        drafts::table
            .filter(drafts::kind.eq(kind))
            .filter(drafts::period.eq(period))
            .order(drafts::updated_at.desc())
            .select(DraftRow::as_select())
            .load(conn)
    })
}

/// The outbox rows of these reports, oldest first.
pub fn outbox_of(conn: &mut AnyConn, report_ids: &[String]) -> QueryResult<Vec<OutboxRow>> {
    crate::dispatch!(conn, |conn| {
        outbox::table
            .filter(outbox::report_id.eq_any(report_ids))
            .order(outbox::id)
            .select(OutboxRow::as_select())
            .load(conn)
    })
}

/// The receipts of these reports, in the order they were stored.
pub fn receipts_of(conn: &mut AnyConn, report_ids: &[String]) -> QueryResult<Vec<ReceiptRow>> {
    crate::dispatch!(conn, |conn| {
        receipts::table
            .filter(receipts::report_id.eq_any(report_ids))
            .order(receipts::stored_at)
            .select(ReceiptRow::as_select())
            .load(conn)
    })
}

/// Who first did `action` on `subject` (e.g. the first `draft_save` of a report: its drafter).
pub fn first_actor(conn: &mut AnyConn, subject: &str, action: &str) -> QueryResult<Option<String>> {
    crate::dispatch!(conn, |conn| {
        audit_log::table
            .filter(audit_log::subject.eq(subject))
            .filter(audit_log::action.eq(action))
            .order(audit_log::seq)
            .select(audit_log::actor)
            .first(conn)
            .optional()
    })
}

/// The display name of `username`, if the account exists.
pub fn display_name(conn: &mut AnyConn, username: &str) -> QueryResult<Option<String>> {
    crate::dispatch!(conn, |conn| {
        users::table
            .filter(users::username.eq(username))
            .select(users::display_name)
            .first(conn)
            .optional()
    })
}

/// Ends every session of a user (after an admin sets a new password).
pub fn delete_sessions_of(conn: &mut AnyConn, user_id: i32) -> QueryResult<usize> {
    crate::dispatch!(conn, |conn| {
        use crate::db::schema::sessions;
        diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)
    })
}

/// Removes sessions past their expiry (done at each login).
pub fn delete_expired_sessions(
    conn: &mut AnyConn,
    now: chrono::NaiveDateTime,
) -> QueryResult<usize> {
    crate::dispatch!(conn, |conn| {
        use crate::db::schema::sessions;
        diesel::delete(sessions::table.filter(sessions::expires_at.le(now))).execute(conn)
    })
}
