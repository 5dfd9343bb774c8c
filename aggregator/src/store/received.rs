//! Received envelopes: every version of every report that arrived from the subtree, with the
//! receipt signed for it. Never updated or deleted (SQLite triggers refuse it); an amendment is
//! a new row with the same report id, another digest and `supersedes` naming the one it amends.

use diesel::prelude::*;

use super::schema::received;

#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = received)]
pub struct ReceivedRow {
    pub report_id: String,
    pub digest: String,
    pub unit: String,
    pub kind: String,
    pub period: String,
    pub classification: String,
    pub supersedes: Option<String>,
    pub peer: String,
    pub envelope: String,
    /// RFC 3339 in +07:00, to the second, exactly as in the receipt.
    pub received_at: String,
    pub receipt: String,
}

/// Stores a new version; fails on an existing (report id, digest).
pub fn insert(conn: &mut SqliteConnection, row: &ReceivedRow) -> QueryResult<()> {
    diesel::insert_into(received::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

pub fn get(
    conn: &mut SqliteConnection,
    report_id: &str,
    digest: &str,
) -> QueryResult<Option<ReceivedRow>> {
    received::table
        .find((report_id, digest))
        .select(ReceivedRow::as_select())
        .first(conn)
        .optional()
}

/// Every stored version of one report, oldest first.
pub fn versions(conn: &mut SqliteConnection, report_id: &str) -> QueryResult<Vec<ReceivedRow>> {
    received::table
        .filter(received::report_id.eq(report_id))
        .order((received::received_at, received::digest))
        .select(ReceivedRow::as_select())
        .load(conn)
}

/// The version of a report that no other stored version amends: the one an amendment must
/// name in `supersedes`. Amendments only ever extend the latest version, so the versions form
/// one chain and this is unique; `None` when nothing is stored.
pub fn latest(versions: &[ReceivedRow]) -> Option<&ReceivedRow> {
    versions.iter().find(|v| {
        !versions
            .iter()
            .any(|w| w.supersedes.as_deref() == Some(v.digest.as_str()))
    })
}

/// How many reports of one kind one unit sent.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct Count {
    pub kind: String,
    pub unit: String,
    /// Distinct report ids.
    pub reports: i64,
    /// Stored versions (a report and its amendments).
    pub versions: i64,
}

/// Reports and versions stored, by kind and unit (sorted by kind, then unit).
pub fn counts_by_kind_and_unit(conn: &mut SqliteConnection) -> QueryResult<Vec<Count>> {
    received::table
        .group_by((received::kind, received::unit))
        .select((
            received::kind,
            received::unit,
            diesel::dsl::count(received::report_id).aggregate_distinct(),
            diesel::dsl::count_star(),
        ))
        .order((received::kind, received::unit))
        .load(conn)
}

pub fn count(conn: &mut SqliteConnection) -> QueryResult<i64> {
    received::table.count().get_result(conn)
}
