//! Notices the node received from its parents, the pull cursor per link, and the form fields
//! of each approved version. Notices are stored only after they verified, once per id (a
//! notice pulled twice, or pulled and then imported from a bundle, is one row).

use crate::db::any::AnyConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{notice_cursors, notices, submission_forms};

#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = notices)]
pub struct NoticeRow {
    #[diesel(skip_insertion)]
    pub seq: i32,
    pub notice_id: String,
    pub digest: String,
    pub issuer: String,
    pub kind: String,
    pub issued_at: String,
    pub report_id: Option<String>,
    pub report_digest: Option<String>,
    pub verdict: Option<String>,
    pub envelope: String,
    pub source: String,
    pub received_at: NaiveDateTime,
}

impl NoticeRow {
    /// The row for a verified notice.
    pub fn of(
        n: &schema::Notice,
        v: &schema::VerifiedNotice,
        source: &str,
        now: NaiveDateTime,
    ) -> Self {
        let review = match &v.content {
            schema::NoticeContent::Review(r) => Some(r),
            _ => None,
        };
        Self {
            seq: 0,
            notice_id: n.body.notice_id.to_string(),
            digest: v.digest.to_string(),
            issuer: n.body.issuer.to_string(),
            kind: n.body.kind.to_string(),
            issued_at: n.body.issued_at.to_rfc3339(),
            report_id: review.map(|r| r.report_id.to_string()),
            report_digest: review.map(|r| r.digest.to_string()),
            verdict: review.map(|r| r.verdict.code().to_string()),
            envelope: String::from_utf8(schema::encode(n)).expect("canonical JSON is UTF-8"),
            source: source.to_string(),
            received_at: now,
        }
    }

    /// The notice, decoded (it verified before it was stored).
    pub fn notice(&self) -> Option<schema::Notice> {
        schema::decode(self.envelope.as_bytes()).ok()
    }

    /// For a review: its reason and pointers.
    pub fn review(&self) -> Option<schema::Review> {
        let n = self.notice()?;
        match n.body.content() {
            Ok(schema::NoticeContent::Review(r)) => Some(r),
            _ => None,
        }
    }
}

/// Stores `row` unless a notice with its id is stored; true when it is new.
pub fn insert_new(conn: &mut AnyConn, row: &NoticeRow) -> QueryResult<bool> {
    crate::dispatch!(conn, |conn| {
        let n = diesel::insert_into(notices::table)
            .values(row)
            .on_conflict(notices::notice_id)
            .do_nothing()
            .execute(conn)?;
        Ok(n == 1)
    })
}

pub fn get(conn: &mut AnyConn, id: &str) -> QueryResult<Option<NoticeRow>> {
    crate::dispatch!(conn, |conn| {
        notices::table
            .filter(notices::notice_id.eq(id))
            .select(NoticeRow::as_select())
            .first(conn)
            .optional()
    })
}

/// The latest notices, last arrived first.
pub fn recent(conn: &mut AnyConn, limit: i64) -> QueryResult<Vec<NoticeRow>> {
    crate::dispatch!(conn, |conn| {
        notices::table
            .order(notices::seq.desc())
            .limit(limit)
            .select(NoticeRow::as_select())
            .load(conn)
    })
}

/// The reviews of the given reports in arrival order (the last one per version is current).
pub fn reviews_of(conn: &mut AnyConn, report_ids: &[String]) -> QueryResult<Vec<NoticeRow>> {
    crate::dispatch!(conn, |conn| {
        let mut out = Vec::new();
        for chunk in report_ids.chunks(500) {
            out.extend(
                notices::table
                    .filter(notices::report_id.eq_any(chunk))
                    .filter(notices::kind.eq(schema::NoticeKind::REVIEW))
                    .order(notices::seq)
                    .select(NoticeRow::as_select())
                    .load(conn)?,
            );
        }
        Ok(out)
    })
}

/// The last reviews (current verdicts) whose verdict is `returned`, newest first.
pub fn returned(conn: &mut AnyConn) -> QueryResult<Vec<NoticeRow>> {
    crate::dispatch!(conn, |conn| {
        notices::table
            .filter(notices::verdict.eq(schema::Verdict::Returned.code()))
            .order(notices::seq.desc())
            .select(NoticeRow::as_select())
            .load(conn)
    })
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    crate::dispatch!(conn, |conn| { notices::table.count().get_result(conn) })
}

/// Where the next pull on `link` starts (0 before the first).
pub fn cursor(conn: &mut AnyConn, link: &str) -> QueryResult<i64> {
    crate::dispatch!(conn, |conn| {
        Ok(notice_cursors::table
            .find(link)
            .select(notice_cursors::after)
            .first(conn)
            .optional()?
            .unwrap_or(0))
    })
}

/// Moves the cursor of `link` to `after`.
pub fn set_cursor(
    conn: &mut AnyConn,
    link: &str,
    after: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(notice_cursors::table)
            .values((
                notice_cursors::link.eq(link),
                notice_cursors::after.eq(after),
                notice_cursors::pulled_at.eq(now),
            ))
            .on_conflict(notice_cursors::link)
            .do_update()
            .set((
                notice_cursors::after.eq(after),
                notice_cursors::pulled_at.eq(now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Every link's cursor and when it last moved.
pub fn cursors(conn: &mut AnyConn) -> QueryResult<Vec<(String, i64, NaiveDateTime)>> {
    crate::dispatch!(conn, |conn| {
        notice_cursors::table.order(notice_cursors::link).load(conn)
    })
}

/// Keeps the form fields an approved version was made from.
pub fn save_form(
    conn: &mut AnyConn,
    report_id: &str,
    digest: &str,
    form_json: &str,
) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(submission_forms::table)
            .values((
                submission_forms::report_id.eq(report_id),
                submission_forms::digest.eq(digest),
                submission_forms::form_json.eq(form_json),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        Ok(())
    })
}

/// The form fields of an approved version, if they were kept.
pub fn form_of(conn: &mut AnyConn, report_id: &str, digest: &str) -> QueryResult<Option<String>> {
    crate::dispatch!(conn, |conn| {
        submission_forms::table
            .find((report_id, digest))
            .select(submission_forms::form_json)
            .first(conn)
            .optional()
    })
}
