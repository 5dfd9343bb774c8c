//! Drafts: what an officer has typed so far, kept as the raw form fields (JSON object of
//! field name → text) so an incomplete or invalid draft is never lost. Parsing into a typed
//! payload happens on approval.

use crate::db::any::AnyConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::drafts;

#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = drafts)]
pub struct DraftRow {
    pub report_id: String,
    pub kind: String,
    pub period: String,
    pub classification: String,
    pub form_json: String,
    pub supersedes: Option<String>,
    pub created_by: i32,
    pub updated_at: NaiveDateTime,
    /// The request notice this draft answers.
    pub in_reply_to: Option<String>,
}

/// Inserts or replaces the draft with this report id.
pub fn upsert(conn: &mut AnyConn, d: &DraftRow) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(drafts::table)
            .values(d)
            .on_conflict(drafts::report_id)
            .do_update()
            .set(d)
            .execute(conn)?;
        Ok(())
    })
}

pub fn get(conn: &mut AnyConn, report_id: &str) -> QueryResult<Option<DraftRow>> {
    crate::dispatch!(conn, |conn| {
        drafts::table
            .find(report_id)
            .select(DraftRow::as_select())
            .first(conn)
            .optional()
    })
}

pub fn all(conn: &mut AnyConn) -> QueryResult<Vec<DraftRow>> {
    crate::dispatch!(conn, |conn| {
        drafts::table
            .order(drafts::updated_at.desc())
            .select(DraftRow::as_select())
            .load(conn)
    })
}

pub fn delete(conn: &mut AnyConn, report_id: &str) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::delete(drafts::table.find(report_id)).execute(conn)?;
        Ok(())
    })
}
