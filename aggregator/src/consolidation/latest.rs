//! The latest version of each stored report of a kind and period (one per report id, or one
//! per unit), with the receipt time of its first version; and the registry's successions as
//! a map from a unit to the one it went into.

use std::collections::BTreeMap;

use chrono::DateTime;
use diesel::prelude::*;
use schema::{ReportKind, ReportingPeriod, UnitId};

use crate::store::received::{self, ReceivedRow};
use crate::store::schema::{received as rtable, successions};
use crate::store::AnyConn;

pub(super) fn successor_map(conn: &mut AnyConn) -> QueryResult<BTreeMap<UnitId, UnitId>> {
    node::dispatch!(conn, |conn| {
        let rows: Vec<(String, String, String)> = successions::table
            .select((
                successions::predecessor,
                successions::successor,
                successions::note,
            ))
            .load(conn)?;
        let mut map = BTreeMap::new();
        for (p, s, note) in rows {
            // A split counts under its default part only, so nothing is counted twice.
            if note == "split-part" || p == s {
                continue;
            }
            if let (Ok(p), Ok(s)) = (UnitId::parse(&p), UnitId::parse(&s)) {
                map.entry(p).or_insert(s);
            }
        }
        Ok(map)
    })
}

/// The latest version of one unit's annual report, and when its first version arrived (the
/// receipt that decides timeliness).
#[derive(Debug, Clone)]
pub struct Latest {
    pub row: ReceivedRow,
    /// `received_at` of the report id's first version (RFC 3339).
    pub first_received_at: String,
}

/// The latest version of each annual report of `period`, one per unit (the most recently
/// received when a unit filed several report ids), in one query.
pub fn latest_annual(conn: &mut AnyConn, period: ReportingPeriod) -> QueryResult<Vec<Latest>> {
    latest_of(conn, ReportKind::AnnualReport, period)
}

/// The same for any kind.
pub fn latest_of(
    conn: &mut AnyConn,
    kind: ReportKind,
    period: ReportingPeriod,
) -> QueryResult<Vec<Latest>> {
    let mut by_unit: BTreeMap<String, Latest> = BTreeMap::new();
    for l in latest_versions(conn, kind, period)? {
        let keep = by_unit
            .get(&l.row.unit)
            .is_none_or(|old| old.row.received_at < l.row.received_at);
        if keep {
            by_unit.insert(l.row.unit.clone(), l);
        }
    }
    Ok(by_unit.into_values().collect())
}

/// The latest version of every report of `kind` and `period` (one per report id).
pub fn latest_versions(
    conn: &mut AnyConn,
    kind: ReportKind,
    period: ReportingPeriod,
) -> QueryResult<Vec<Latest>> {
    let rows: Vec<ReceivedRow> = node::dispatch!(conn, |conn| rtable::table
        .filter(rtable::kind.eq(kind.code()))
        .filter(rtable::period.eq(period.to_string()))
        .select(ReceivedRow::as_select())
        .load(conn))?;
    let mut by_id: BTreeMap<String, Vec<ReceivedRow>> = BTreeMap::new();
    for r in rows {
        by_id.entry(r.report_id.clone()).or_default().push(r);
    }
    let mut out = Vec::with_capacity(by_id.len());
    for versions in by_id.values() {
        let Some((l, first)) = latest_and_first(versions, |v| &v.received_at) else {
            continue;
        };
        out.push(Latest {
            row: l.clone(),
            first_received_at: first,
        });
    }
    Ok(out)
}

/// A report's latest version and the receipt time of its first.
fn latest_and_first<V: received::Version>(
    versions: &[V],
    at: impl Fn(&V) -> &String,
) -> Option<(&V, String)> {
    let l = received::latest(versions)?;
    let first = versions
        .iter()
        .min_by_key(|v| DateTime::parse_from_rfc3339(at(v)).ok())
        .map_or_else(|| at(l).clone(), |v| at(v).clone());
    Some((l, first))
}

/// What consolidation needs of a report's latest version: not the envelope.
#[derive(Debug, Clone)]
pub struct Meta {
    pub version: received::StoredVersion,
    /// `received_at` of the report id's first version (RFC 3339).
    pub first_received_at: String,
}

/// The latest version of every report of `kind` and `period`, without the envelopes; with
/// `per_unit`, only the most recently received report of each unit.
pub fn latest_meta(
    conn: &mut AnyConn,
    kind: ReportKind,
    period: ReportingPeriod,
    per_unit: bool,
) -> QueryResult<Vec<Meta>> {
    let rows: Vec<received::StoredVersion> = node::dispatch!(conn, |conn| rtable::table
        .filter(rtable::kind.eq(kind.code()))
        .filter(rtable::period.eq(period.to_string()))
        .select(received::StoredVersion::as_select())
        .load(conn))?;
    let mut by_id: BTreeMap<String, Vec<received::StoredVersion>> = BTreeMap::new();
    for r in rows {
        by_id.entry(r.report_id.clone()).or_default().push(r);
    }
    let mut out: BTreeMap<String, Meta> = BTreeMap::new();
    for versions in by_id.values() {
        let Some((l, first)) = latest_and_first(versions, |v| &v.received_at) else {
            continue;
        };
        let key = if per_unit {
            l.unit.clone()
        } else {
            l.report_id.clone()
        };
        let keep = out
            .get(&key)
            .is_none_or(|old| old.version.received_at < l.received_at);
        if keep {
            out.insert(
                key,
                Meta {
                    version: l.clone(),
                    first_received_at: first,
                },
            );
        }
    }
    Ok(out.into_values().collect())
}
