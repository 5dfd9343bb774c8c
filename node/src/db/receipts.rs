//! Receipts the upstream tiers signed for our submissions: the unit's proof it reported.

use crate::db::any::AnyConn;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::receipts;

#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = receipts)]
pub struct ReceiptRow {
    pub report_id: String,
    pub digest: String,
    pub receiver: String,
    pub received_at: String,
    pub outcome: String,
    pub receipt: String,
    pub stored_at: NaiveDateTime,
}

impl ReceiptRow {
    /// The row for a verified receipt, stored at `now`.
    pub fn of(r: &schema::Receipt, now: NaiveDateTime) -> ReceiptRow {
        let outcome = match r.body.outcome {
            schema::ReceiptOutcome::Accepted => "accepted",
            schema::ReceiptOutcome::Duplicate => "duplicate",
            schema::ReceiptOutcome::Amended => "amended",
        };
        ReceiptRow {
            report_id: r.body.report_id.to_string(),
            digest: r.body.digest.to_string(),
            receiver: r.body.receiver.to_string(),
            received_at: r.body.received_at.to_rfc3339(),
            outcome: outcome.to_string(),
            receipt: String::from_utf8(schema::encode(r)).expect("canonical JSON is UTF-8"),
            stored_at: now,
        }
    }
}

/// Stores a receipt; storing the same receipt twice is a no-op.
pub fn insert(conn: &mut AnyConn, r: &ReceiptRow) -> QueryResult<()> {
    crate::dispatch!(conn, |conn| {
        diesel::insert_into(receipts::table)
            .values(r)
            .on_conflict_do_nothing()
            .execute(conn)?;
        Ok(())
    })
}

pub fn for_report(conn: &mut AnyConn, report_id: &str) -> QueryResult<Vec<ReceiptRow>> {
    crate::dispatch!(conn, |conn| {
        receipts::table
            .filter(receipts::report_id.eq(report_id))
            .order(receipts::stored_at)
            .select(ReceiptRow::as_select())
            .load(conn)
    })
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    crate::dispatch!(conn, |conn| { receipts::table.count().get_result(conn) })
}
