//! Received envelopes: every version of every report that arrived from the subtree, with the
//! receipt signed for it. Never updated or deleted (SQLite triggers refuse it); an amendment is
//! a new row with the same report id, another digest and `supersedes` naming the one it amends.

use crate::store::AnyConn;
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

node::unnest_insert!(ReceivedUnnest<'a>, "received", {
    report_id: diesel::sql_types::Text => &'a str,
    digest: diesel::sql_types::Text => &'a str,
    unit: diesel::sql_types::Text => &'a str,
    kind: diesel::sql_types::Text => &'a str,
    period: diesel::sql_types::Text => &'a str,
    classification: diesel::sql_types::Text => &'a str,
    supersedes: diesel::sql_types::Nullable<diesel::sql_types::Text> => Option<&'a str>,
    peer: diesel::sql_types::Text => &'a str,
    envelope: diesel::sql_types::Text => &'a str,
    received_at: diesel::sql_types::Text => &'a str,
    receipt: diesel::sql_types::Text => &'a str,
});

/// On PostgreSQL: `rows` and their `figures` (`figures::extract_all`) as one cached statement.
pub fn insert_pg<'a>(
    rows: &'a [ReceivedRow],
    figures: &'a [super::figures::FigureRow],
) -> node::db::unnest::Both<ReceivedUnnest<'a>, super::figures::FiguresUnnest<'a>> {
    node::db::unnest::Both(unnest(rows), super::figures::unnest(figures))
}

/// `rows` as one cached statement on PostgreSQL (`node::db::unnest`).
fn unnest(rows: &[ReceivedRow]) -> ReceivedUnnest<'_> {
    let mut u = ReceivedUnnest::default();
    for r in rows {
        u.report_id.push(&r.report_id);
        u.digest.push(&r.digest);
        u.unit.push(&r.unit);
        u.kind.push(&r.kind);
        u.period.push(&r.period);
        u.classification.push(&r.classification);
        u.supersedes.push(r.supersedes.as_deref());
        u.peer.push(&r.peer);
        u.envelope.push(&r.envelope);
        u.received_at.push(&r.received_at);
        u.receipt.push(&r.receipt);
    }
    u
}

/// Stores a new version; fails on an existing (report id, digest).
pub fn insert(conn: &mut AnyConn, row: &ReceivedRow) -> QueryResult<()> {
    node::dispatch!(conn, |conn| {
        diesel::insert_into(received::table)
            .values(row)
            .execute(conn)?;
        Ok::<_, diesel::result::Error>(())
    })?;
    super::figures::insert_for(conn, std::slice::from_ref(row))
        .map(|_| ())
        .map_err(|e| diesel::result::Error::SerializationError(e.into()))
}

/// Stores many new versions, one statement per 200 rows, with their figures
/// (`store::figures`); fails on any existing one.
pub fn insert_many(conn: &mut AnyConn, rows: &[ReceivedRow]) -> QueryResult<usize> {
    let bad = |e: anyhow::Error| diesel::result::Error::SerializationError(e.into());
    let c = match conn {
        AnyConn::Pg(c) => {
            // The versions and their figures in one statement: one round trip.
            let figures = super::figures::extract_all(rows).map_err(bad)?;
            insert_pg(rows, &figures).execute(c)?;
            return Ok(rows.len());
        }
        AnyConn::Sqlite(c) => c,
    };
    let mut n = 0;
    for chunk in rows.chunks(200) {
        n += diesel::insert_into(received::table)
            .values(chunk)
            .execute(c)?;
    }
    super::figures::insert_for(conn, rows).map_err(bad)?;
    Ok(n)
}

pub fn get(conn: &mut AnyConn, report_id: &str, digest: &str) -> QueryResult<Option<ReceivedRow>> {
    node::dispatch!(conn, |conn| {
        received::table
            .find((report_id, digest))
            .select(ReceivedRow::as_select())
            .first(conn)
            .optional()
    })
}

/// Every stored version of one report, oldest first.
pub fn versions(conn: &mut AnyConn, report_id: &str) -> QueryResult<Vec<ReceivedRow>> {
    node::dispatch!(conn, |conn| {
        received::table
            .filter(received::report_id.eq(report_id))
            .order((received::received_at, received::digest))
            .select(ReceivedRow::as_select())
            .load(conn)
    })
}

/// The latest `limit` stored versions, newest first, optionally of one kind and of one unit
/// and the units below it (`unit` or `unit.…` or `unit/…`; everything for `VN`).
pub fn recent(
    conn: &mut AnyConn,
    kind: Option<&str>,
    unit: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<ReceivedRow>> {
    // Boxed queries are typed by backend: build one per backend.
    node::dispatch!(conn, |c| {
        let mut q = received::table.into_boxed();
        if let Some(k) = kind {
            q = q.filter(received::kind.eq(k.to_string()));
        }
        // Every unit is under the nation, whose id is not a prefix of theirs.
        if let Some(u) = unit.filter(|u| *u != schema::UnitId::national().as_str()) {
            q = q.filter(
                received::unit
                    .eq(u.to_string())
                    .or(received::unit.like(format!("{u}.%")))
                    .or(received::unit.like(format!("{u}/%"))),
            );
        }
        q.order((received::received_at.desc(), received::report_id))
            .limit(limit)
            .select(ReceivedRow::as_select())
            .load(c)
    })
}

/// What the ingest needs of a stored version to judge a new one (not the envelope's text).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = received)]
pub struct StoredVersion {
    pub report_id: String,
    pub digest: String,
    pub unit: String,
    pub supersedes: Option<String>,
    pub received_at: String,
}

/// The stored versions of each of `report_ids` (one query per 500 ids), oldest first.
pub fn versions_of(conn: &mut AnyConn, report_ids: &[&str]) -> QueryResult<Vec<StoredVersion>> {
    let mut out = Vec::new();
    for chunk in report_ids.chunks(500) {
        out.extend(node::dispatch!(&mut *conn, |c| received::table
            .filter(received::report_id.eq_any(chunk))
            .order((received::received_at, received::digest))
            .select(StoredVersion::as_select())
            .load(c))?);
    }
    Ok(out)
}

/// A stored version as far as the amendment chain goes.
pub trait Version {
    fn digest(&self) -> &str;
    fn supersedes(&self) -> Option<&str>;
}

impl Version for ReceivedRow {
    fn digest(&self) -> &str {
        &self.digest
    }
    fn supersedes(&self) -> Option<&str> {
        self.supersedes.as_deref()
    }
}

impl Version for StoredVersion {
    fn digest(&self) -> &str {
        &self.digest
    }
    fn supersedes(&self) -> Option<&str> {
        self.supersedes.as_deref()
    }
}

/// The version of a report that no other stored version amends: the one an amendment must
/// name in `supersedes`. Amendments only ever extend the latest version, so the versions form
/// one chain and this is unique; `None` when nothing is stored.
pub fn latest<V: Version>(versions: &[V]) -> Option<&V> {
    versions
        .iter()
        .find(|v| !versions.iter().any(|w| w.supersedes() == Some(v.digest())))
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
pub fn counts_by_kind_and_unit(conn: &mut AnyConn) -> QueryResult<Vec<Count>> {
    node::dispatch!(conn, |conn| {
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
    })
}

pub fn count(conn: &mut AnyConn) -> QueryResult<i64> {
    node::dispatch!(conn, |conn| { received::table.count().get_result(conn) })
}

#[cfg(test)]
mod tests {
    use diesel::connection::SimpleConnection as _;

    use super::*;

    fn row(digest: &str, supersedes: Option<&str>) -> ReceivedRow {
        ReceivedRow {
            report_id: "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6".into(),
            digest: digest.into(),
            unit: "75.26041".into(),
            kind: "annual_report".into(),
            period: "2026".into(),
            classification: "mat".into(),
            supersedes: supersedes.map(str::to_string),
            peer: "75.26041".into(),
            envelope: r#"{"body":{"payload":{"kind":"annual_report","content":{}}}}"#.into(),
            received_at: "2026-12-05T09:31:02+07:00".into(),
            receipt: "{}".into(),
        }
    }

    #[test]
    fn migrated_table_matches_the_model_and_refuses_changes() {
        let tmp = tempfile::tempdir().unwrap();
        let (_db, pool) = crate::store::testdb::open(tmp.path(), "a").unwrap();
        let mut c = pool.get().unwrap();
        let (a, b) = (row("sha256:a", None), row("sha256:b", Some("sha256:a")));
        insert(&mut c, &a).unwrap();
        insert(&mut c, &b).unwrap();
        assert!(insert(&mut c, &a).is_err(), "same id and digest twice");
        assert_eq!(
            get(&mut c, &a.report_id, "sha256:a").unwrap(),
            Some(a.clone())
        );
        let all = versions(&mut c, &a.report_id).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(latest(&all), Some(&b));
        assert_eq!(count(&mut c).unwrap(), 2);
        let counts = counts_by_kind_and_unit(&mut c).unwrap();
        assert_eq!((counts[0].reports, counts[0].versions), (1, 2));
        assert!(c.batch_execute("UPDATE received SET unit = '79'").is_err());
        assert!(c.batch_execute("DELETE FROM received").is_err());
        assert_eq!(count(&mut c).unwrap(), 2);
    }
}
