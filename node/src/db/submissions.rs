//! Signed submissions: every envelope the head approved, as sent (canonical JSON). Never
//! updated; an amendment is a new row with the same report id and another digest.

use crate::db::any::AnyConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::submissions;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = submissions)]
pub struct SubmissionRow {
    pub report_id: String,
    pub digest: String,
    pub kind: String,
    pub period: String,
    pub classification: String,
    pub envelope: String,
    pub approved_by: String,
    pub created_at: NaiveDateTime,
}

pub fn insert(conn: &mut AnyConn, s: &SubmissionRow) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(submissions::table)
            .values(s)
            .execute(conn)?;
        Ok(())
    })
}

pub fn get(
    conn: &mut AnyConn,
    report_id: &str,
    digest: &str,
) -> QueryResult<Option<SubmissionRow>> {
    crate::dispatch!(conn, |conn| {
        submissions::table
            .find((report_id, digest))
            .select(SubmissionRow::as_select())
            .first(conn)
            .optional()
    })
}

/// Every version of one report, newest first.
pub fn versions(conn: &mut AnyConn, report_id: &str) -> QueryResult<Vec<SubmissionRow>> {
    crate::dispatch!(conn, |conn| {
        submissions::table
            .filter(submissions::report_id.eq(report_id))
            .order(submissions::created_at.desc())
            .select(SubmissionRow::as_select())
            .load(conn)
    })
}

/// Newest first, at most `limit`.
pub fn recent(conn: &mut AnyConn, limit: i64) -> QueryResult<Vec<SubmissionRow>> {
    crate::dispatch!(conn, |conn| {
        submissions::table
            .order(submissions::created_at.desc())
            .limit(limit)
            .select(SubmissionRow::as_select())
            .load(conn)
    })
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    crate::dispatch!(conn, |conn| { submissions::table.count().get_result(conn) })
}
