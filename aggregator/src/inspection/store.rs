//! Model code of the inspection record: `inspections` with their `inspection_findings`, the
//! remediation follow-up (overdue findings, the remediation date), the violations found per
//! year for the trend charts, and `key_units` (the list of key and confidential bodies). Like
//! the rest of the store, functions take a connection and leave the transaction to the caller.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use reports::charts::ViolationSeries;
use schema::{Severity, UnitId, ViolationKind};

use crate::store::schema::{inspection_findings as findings, inspections, key_units};
use crate::store::AnyConn;

/// One inspection of one unit.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = inspections)]
pub struct InspectionRow {
    /// A lowercase UUID, also the report id of the result sent up.
    pub id: String,
    pub unit: String,
    pub decision_ref: String,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub team: Option<String>,
    pub conclusion: String,
    pub classification: String,
    pub recorded_by: String,
    pub recorded_at: NaiveDateTime,
    pub sent_digest: Option<String>,
    pub sent_at: Option<NaiveDateTime>,
}

/// One finding of an inspection.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = findings)]
pub struct FindingRow {
    pub inspection_id: String,
    /// 1-based position in the inspection's list.
    pub seq: i32,
    pub kind: String,
    pub severity: String,
    pub description: String,
    pub occurrences: i32,
    pub remediation_deadline: Option<NaiveDate>,
    pub remediated_on: Option<NaiveDate>,
}

impl FindingRow {
    /// The kind, or `None` if the stored code is unknown (a hand-edited database).
    pub fn violation(&self) -> Option<ViolationKind> {
        ViolationKind::parse(&self.kind).ok()
    }

    pub fn severity(&self) -> Option<Severity> {
        severity_parse(&self.severity)
    }
}

/// `minor`, `major`, `serious` (as on the wire).
pub fn severity_code(s: Severity) -> &'static str {
    match s {
        Severity::Minor => "minor",
        Severity::Major => "major",
        Severity::Serious => "serious",
    }
}

pub fn severity_parse(raw: &str) -> Option<Severity> {
    [Severity::Minor, Severity::Major, Severity::Serious]
        .into_iter()
        .find(|s| severity_code(*s) == raw)
}

/// Stores an inspection and its findings.
pub fn insert(conn: &mut AnyConn, row: &InspectionRow, list: &[FindingRow]) -> QueryResult<()> {
    node::dispatch!(conn, |c| {
        diesel::insert_into(inspections::table)
            .values(row)
            .execute(c)?;
        diesel::insert_into(findings::table)
            .values(list)
            .execute(c)?;
        Ok(())
    })
}

/// One inspection with its findings (in order).
pub fn get(conn: &mut AnyConn, id: &str) -> QueryResult<Option<(InspectionRow, Vec<FindingRow>)>> {
    node::dispatch!(conn, |c| {
        let Some(row) = inspections::table
            .find(id)
            .select(InspectionRow::as_select())
            .first(c)
            .optional()?
        else {
            return Ok(None);
        };
        let list = findings::table
            .filter(findings::inspection_id.eq(id))
            .order(findings::seq)
            .select(FindingRow::as_select())
            .load(c)?;
        Ok(Some((row, list)))
    })
}

/// The inspection of `unit` under decision `decision_ref`, if recorded.
pub fn by_decision(
    conn: &mut AnyConn,
    unit: &str,
    decision_ref: &str,
) -> QueryResult<Option<InspectionRow>> {
    node::dispatch!(conn, |c| {
        inspections::table
            .filter(inspections::unit.eq(unit))
            .filter(inspections::decision_ref.eq(decision_ref))
            .select(InspectionRow::as_select())
            .first(c)
            .optional()
    })
}

/// Every inspection, latest end first (ties by id).
pub fn all(conn: &mut AnyConn) -> QueryResult<Vec<InspectionRow>> {
    node::dispatch!(conn, |c| {
        inspections::table
            .order((inspections::ended_on.desc(), inspections::id))
            .select(InspectionRow::as_select())
            .load(c)
    })
}

/// Every finding, by inspection and position.
pub fn all_findings(conn: &mut AnyConn) -> QueryResult<Vec<FindingRow>> {
    node::dispatch!(conn, |c| {
        findings::table
            .order((findings::inspection_id, findings::seq))
            .select(FindingRow::as_select())
            .load(c)
    })
}

/// The latest `limit` inspections, optionally of one unit.
pub fn recent(
    conn: &mut AnyConn,
    unit: Option<&str>,
    limit: i64,
) -> QueryResult<Vec<InspectionRow>> {
    node::dispatch!(conn, |c| {
        let mut q = inspections::table.into_boxed();
        if let Some(u) = unit {
            q = q.filter(inspections::unit.eq(u.to_string()));
        }
        q.order((inspections::ended_on.desc(), inspections::id))
            .limit(limit)
            .select(InspectionRow::as_select())
            .load(c)
    })
}

/// Records that the signed result with `digest` was queued for the parent; 0 when it already
/// was.
pub fn mark_sent(
    conn: &mut AnyConn,
    id: &str,
    digest: &str,
    at: NaiveDateTime,
) -> QueryResult<usize> {
    node::dispatch!(conn, |c| {
        diesel::update(
            inspections::table
                .find(id)
                .filter(inspections::sent_digest.is_null()),
        )
        .set((
            inspections::sent_digest.eq(digest),
            inspections::sent_at.eq(at),
        ))
        .execute(c)
    })
}

/// Records finding `seq` of inspection `id` as remediated on `on`; 0 when there is no such
/// open finding.
pub fn mark_remediated(
    conn: &mut AnyConn,
    id: &str,
    seq: i32,
    on: NaiveDate,
) -> QueryResult<usize> {
    node::dispatch!(conn, |c| {
        diesel::update(
            findings::table
                .find((id, seq))
                .filter(findings::remediated_on.is_null()),
        )
        .set(findings::remediated_on.eq(on))
        .execute(c)
    })
}

/// A finding whose remediation deadline has passed without a remediation recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    pub inspection_id: String,
    pub unit: String,
    pub decision_ref: String,
    pub ended_on: NaiveDate,
    pub finding: FindingRow,
    /// Calendar days since the deadline (at least 1).
    pub days_overdue: i64,
}

/// Findings with a remediation deadline before `today` and no remediation recorded, the
/// oldest deadline first (ties by unit, inspection and position).
pub fn overdue_remediations(conn: &mut AnyConn, today: NaiveDate) -> QueryResult<Vec<Overdue>> {
    let open: Vec<FindingRow> = node::dispatch!(&mut *conn, |c| {
        findings::table
            .filter(findings::remediation_deadline.lt(today))
            .filter(findings::remediated_on.is_null())
            .select(FindingRow::as_select())
            .load(c)
    })?;
    let ids: BTreeSet<String> = open.iter().map(|f| f.inspection_id.clone()).collect();
    let ids: Vec<String> = ids.into_iter().collect();
    let mut heads: BTreeMap<String, InspectionRow> = BTreeMap::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<InspectionRow> = node::dispatch!(&mut *conn, |c| {
            inspections::table
                .filter(inspections::id.eq_any(chunk))
                .select(InspectionRow::as_select())
                .load(c)
        })?;
        heads.extend(rows.into_iter().map(|r| (r.id.clone(), r)));
    }
    let mut out: Vec<Overdue> = open
        .into_iter()
        .filter_map(|f| {
            let head = heads.get(&f.inspection_id)?;
            let deadline = f.remediation_deadline?;
            Some(Overdue {
                inspection_id: head.id.clone(),
                unit: head.unit.clone(),
                decision_ref: head.decision_ref.clone(),
                ended_on: head.ended_on,
                days_overdue: (today - deadline).num_days(),
                finding: f,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (
            a.finding.remediation_deadline,
            &a.unit,
            &a.inspection_id,
            a.finding.seq,
        )
            .cmp(&(
                b.finding.remediation_deadline,
                &b.unit,
                &b.inspection_id,
                b.finding.seq,
            ))
    });
    Ok(out)
}

/// Findings of inspections of `scope` and the units below it, by the year the inspection
/// ended and violation kind (one per finding), for `reports::charts::violations_by_year_*`.
/// Legacy units (ids `PP.DDD.CCCCC`) sit under their province, so years before the 2025
/// reform count in the same scope.
pub fn violations_by_year(conn: &mut AnyConn, scope: &UnitId) -> QueryResult<ViolationSeries> {
    use chrono::Datelike as _;
    let heads: BTreeMap<String, InspectionRow> = all(conn)?
        .into_iter()
        .filter(|r| UnitId::parse(&r.unit).is_ok_and(|u| scope.contains(&u)))
        .map(|r| (r.id.clone(), r))
        .collect();
    let mut series = ViolationSeries::new();
    for f in all_findings(conn)? {
        let (Some(head), Some(kind)) = (heads.get(&f.inspection_id), f.violation()) else {
            continue;
        };
        *series
            .entry(head.ended_on.year())
            .or_default()
            .entry(kind)
            .or_default() += 1;
    }
    Ok(series)
}

/// Findings by (inspected unit, violation kind).
pub type FindingCounts = BTreeMap<(UnitId, ViolationKind), u64>;

/// This aggregator's own inspections' findings under `scope`, by the reporting year of the day
/// the inspection ended and by (inspected unit, violation kind), one per finding (the figures
/// the dashboard and the consolidated report add to what they received: `crate::figures`).
pub fn findings_by_reporting_year(
    conn: &mut AnyConn,
    scope: &UnitId,
) -> QueryResult<BTreeMap<i32, FindingCounts>> {
    let heads: BTreeMap<String, (UnitId, chrono::NaiveDate)> = all(conn)?
        .into_iter()
        .filter_map(|r| {
            let u = UnitId::parse(&r.unit).ok()?;
            let inside = scope == &UnitId::national() || scope.contains(&u);
            inside.then(|| (r.id.clone(), (u, r.ended_on)))
        })
        .collect();
    let mut out: BTreeMap<i32, FindingCounts> = BTreeMap::new();
    for f in all_findings(conn)? {
        let (Some((unit, ended)), Some(kind)) = (heads.get(&f.inspection_id), f.violation()) else {
            continue;
        };
        *out.entry(crate::figures::reporting_year(*ended))
            .or_default()
            .entry((unit.clone(), kind))
            .or_default() += 1;
    }
    Ok(out)
}

/// The units on the list of key and confidential bodies.
pub fn key_units(conn: &mut AnyConn) -> QueryResult<BTreeSet<String>> {
    node::dispatch!(conn, |c| {
        let rows: Vec<String> = key_units::table.select(key_units::unit).load(c)?;
        Ok(rows.into_iter().collect())
    })
}

/// Puts `unit` on the list (or updates its note); returns true when it was not on it.
pub fn set_key_unit(conn: &mut AnyConn, unit: &str, note: &str, actor: &str) -> QueryResult<bool> {
    let now = node::db::now();
    node::dispatch!(conn, |c| {
        let existed = diesel::update(key_units::table.find(unit))
            .set(key_units::note.eq(note))
            .execute(c)?;
        if existed == 0 {
            diesel::insert_into(key_units::table)
                .values((
                    key_units::unit.eq(unit),
                    key_units::note.eq(note),
                    key_units::recorded_by.eq(actor),
                    key_units::recorded_at.eq(now),
                ))
                .execute(c)?;
        }
        Ok(existed == 0)
    })
}

/// Takes `unit` off the list; returns true when it was on it.
pub fn clear_key_unit(conn: &mut AnyConn, unit: &str) -> QueryResult<bool> {
    node::dispatch!(conn, |c| {
        Ok(diesel::delete(key_units::table.find(unit)).execute(c)? > 0)
    })
}
