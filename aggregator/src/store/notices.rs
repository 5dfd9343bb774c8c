//! Notices kept for the subtree, in the order children pull them, and the reviews given here.
//! A notice is stored once per id (a relayed notice pulled twice from the parent is one row).
//! On PostgreSQL an insert first locks the table, so sequence numbers are given in commit
//! order and a child's cursor never passes a notice that commits later.

use diesel::prelude::*;

use super::schema::{notice_targets, notices, reviews};
use crate::store::AnyConn;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = notices)]
pub struct NoticeRow {
    pub seq: i64,
    pub notice_id: String,
    pub issuer: String,
    pub kind: String,
    pub target: Option<String>,
    pub addressee: String,
    pub issued_at: String,
    pub envelope: String,
    pub stored_at: chrono::NaiveDateTime,
}

impl NoticeRow {
    pub fn notice(&self) -> Option<schema::Notice> {
        schema::decode(self.envelope.as_bytes()).ok()
    }
}

#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = notices)]
struct NewNotice {
    notice_id: String,
    issuer: String,
    kind: String,
    target: Option<String>,
    addressee: String,
    issued_at: String,
    envelope: String,
    stored_at: chrono::NaiveDateTime,
}

/// Stores `n` unless its id is stored; true when new. Call inside a write transaction.
pub fn insert_new(conn: &mut AnyConn, n: &schema::Notice) -> QueryResult<bool> {
    let row = NewNotice {
        notice_id: n.body.notice_id.to_string(),
        issuer: n.body.issuer.to_string(),
        kind: n.body.kind.to_string(),
        target: n.body.addressee.single().map(ToString::to_string),
        addressee: String::from_utf8(schema::encode(&n.body.addressee)).unwrap_or_default(),
        issued_at: n.body.issued_at.to_rfc3339(),
        envelope: String::from_utf8(schema::encode(n)).unwrap_or_default(),
        stored_at: node::db::now(),
    };
    let added = node::dispatch!(&mut *conn, |c| {
        diesel::insert_into(notices::table)
            .values(&row)
            .on_conflict(notices::notice_id)
            .do_nothing()
            .execute(c)
    })?;
    if added == 0 {
        return Ok(false);
    }
    // Requests are tracked here whether issued here or relayed from above.
    super::requests::record(conn, n)?;
    if let Some(target) = n.body.addressee.single() {
        let seq = get(conn, &row.notice_id)?.map_or(0, |r| r.seq);
        let mut rows = Vec::new();
        let mut cur = Some(target.clone());
        while let Some(u) = cur {
            rows.push((
                notice_targets::ancestor.eq(u.to_string()),
                notice_targets::seq.eq(seq),
            ));
            cur = u.parent();
        }
        node::dispatch!(conn, |c| diesel::insert_into(notice_targets::table)
            .values(&rows)
            .execute(c))?;
    }
    Ok(true)
}

/// Locks the notices table for the rest of the transaction (PostgreSQL; SQLite's write
/// transaction already excludes other writers).
pub fn lock(conn: &mut AnyConn) -> QueryResult<()> {
    if let AnyConn::Pg(c) = conn {
        diesel::sql_query("LOCK TABLE notices IN EXCLUSIVE MODE").execute(c)?;
    }
    Ok(())
}

pub fn get(conn: &mut AnyConn, notice_id: &str) -> QueryResult<Option<NoticeRow>> {
    node::dispatch!(conn, |c| notices::table
        .filter(notices::notice_id.eq(notice_id))
        .select(NoticeRow::as_select())
        .first(c)
        .optional())
}

/// The highest sequence number given out (0 when there is none).
pub fn last_seq(conn: &mut AnyConn) -> QueryResult<i64> {
    node::dispatch!(conn, |c| notices::table
        .select(diesel::dsl::max(notices::seq))
        .first::<Option<i64>>(c))
    .map(Option::unwrap_or_default)
}

/// Candidates for `peer` after `after`, at most `limit` in sequence order: notices addressed
/// to `peer` or one unit under it (by `notice_targets`, an equality on the index), and every
/// scoped notice (few; the caller filters them by addressee).
pub fn after_for(
    conn: &mut AnyConn,
    peer: &str,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<NoticeRow>> {
    let seqs: Vec<i64> = node::dispatch!(&mut *conn, |c| notice_targets::table
        .filter(notice_targets::ancestor.eq(peer))
        .filter(notice_targets::seq.gt(after))
        .order(notice_targets::seq)
        .limit(limit)
        .select(notice_targets::seq)
        .load(c))?;
    let mut rows: Vec<NoticeRow> = node::dispatch!(&mut *conn, |c| notices::table
        .filter(notices::seq.eq_any(&seqs))
        .select(NoticeRow::as_select())
        .load(c))?;
    rows.extend(node::dispatch!(conn, |c| notices::table
        .filter(notices::target.is_null())
        .filter(notices::seq.gt(after))
        .order(notices::seq)
        .limit(limit)
        .select(NoticeRow::as_select())
        .load(c))?);
    rows.sort_by_key(|r| r.seq);
    rows.truncate(limit as usize);
    Ok(rows)
}

/// Whether a stored notice is for `unit` or a unit under it.
pub fn concerns(row: &NoticeRow, unit: &schema::UnitId) -> bool {
    match &row.target {
        Some(t) => schema::UnitId::parse(t).is_ok_and(|t| unit.contains(&t)),
        None => schema::decode::<schema::Addressee>(row.addressee.as_bytes())
            .is_ok_and(|a| a.reaches_under(unit)),
    }
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    node::dispatch!(conn, |c| notices::table.count().get_result(c))
}

/// One verdict given here on one received version.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = reviews)]
pub struct ReviewRow {
    #[diesel(skip_insertion)]
    pub id: i64,
    pub report_id: String,
    pub digest: String,
    pub unit: String,
    pub verdict: String,
    pub reason: Option<String>,
    pub pointers: String,
    pub reviewer: String,
    pub decided_at: chrono::NaiveDateTime,
    pub notice_id: String,
}

pub fn insert_review(conn: &mut AnyConn, row: &ReviewRow) -> QueryResult<()> {
    node::dispatch!(conn, |c| diesel::insert_into(reviews::table)
        .values(row)
        .execute(c))?;
    Ok(())
}

/// The verdicts on the given reports, in the order they were given.
pub fn reviews_of(conn: &mut AnyConn, report_ids: &[&str]) -> QueryResult<Vec<ReviewRow>> {
    let mut out = Vec::new();
    for chunk in report_ids.chunks(500) {
        out.extend(node::dispatch!(&mut *conn, |c| reviews::table
            .filter(reviews::report_id.eq_any(chunk))
            .order(reviews::id)
            .select(ReviewRow::as_select())
            .load(c))?);
    }
    Ok(out)
}
