//! What the store knows about each unit of a scope, as the risk model's input
//! (`reports::planning::UnitRecord`), and the scores: findings of past inspections (this
//! aggregator's `inspections`), the leak or loss incidents it reported (`received` rows of
//! kind `incident_report`, dated by discovery), its annual reports on time, late or missing
//! (judged like `crate::consolidation`, on the first receipt, for the periods this aggregator
//! has received annual reports for, so years before the system was in use count nothing), the
//! gaps of its latest compliance status, the key-unit list, the highest classification of
//! what it sent in the look-back window, and its last inspection. A unit's record includes
//! its predecessors' (the registry's successions), so history follows it across mergers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Months, NaiveDate};
use config::rules::RuleBook;
use config::settings::TIMEZONE;
use config::units::{compare_vi, LatLon};
use diesel::prelude::*;
use reports::planning::{
    ComplianceGap, Designation, PastFinding, RiskModel, RiskScore, UnitRecord,
};
use reports::timeliness::{judge, Status};
use schema::{Classification, Envelope, Payload, ReportKind, ReportingPeriod, UnitId};

use super::store;
use crate::store::schema::{received, successions, units as utable};
use crate::store::units::UnitRow;
use crate::store::AnyConn;

/// A unit's last inspection: when it ended and its team (a planner team id), if known.
pub type LastSeen = (NaiveDate, Option<String>);

/// A unit of the scope with its score.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitScore {
    pub unit: UnitId,
    pub name: String,
    /// Vietnamese kind (`Xã`, `Phường`, `Sở`…) and tier code (`commune`, `agency`…).
    pub kind: String,
    pub tier: String,
    /// Its centroid, or its nearest ancestor's when it has none (agencies).
    pub location: Option<LatLon>,
    pub officer_email: Option<String>,
    pub head_email: Option<String>,
    pub score: RiskScore,
    /// The last inspection: its end and its team (a planner team id), if any.
    pub last_inspection: Option<LastSeen>,
}

/// The registry rows valid on `on` of the units below `scope` (not `scope` itself), in id
/// order, with each one's location (its own centroid or its nearest ancestor's).
pub fn scope_units(
    conn: &mut AnyConn,
    scope: &UnitId,
    on: NaiveDate,
) -> QueryResult<Vec<(UnitRow, Option<LatLon>)>> {
    let rows: Vec<UnitRow> = node::dispatch!(conn, |c| {
        utable::table
            .filter(utable::valid_from.le(on))
            .filter(utable::valid_to.is_null().or(utable::valid_to.ge(on)))
            .order(utable::id)
            .select(UnitRow::as_select())
            .load(c)
    })?;
    let by_id: BTreeMap<&str, &UnitRow> = rows.iter().map(|r| (r.id.as_str(), r)).collect();
    let parent_of = |id: &str| -> Option<String> {
        match by_id.get(id) {
            Some(r) => Some(r.parent.clone()),
            None => UnitId::parse(id).ok()?.parent().map(|p| p.to_string()),
        }
    };
    let mut out = Vec::new();
    for r in &rows {
        if r.id == scope.as_str() {
            continue;
        }
        let (mut cur, mut under, mut location) = (r.id.clone(), false, None);
        for _ in 0..16 {
            if location.is_none() {
                location = by_id.get(cur.as_str()).and_then(|u| {
                    Some(LatLon {
                        lat: u.lat?,
                        lon: u.lon?,
                    })
                });
            }
            if cur == scope.as_str() {
                under = true;
                break;
            }
            match parent_of(&cur) {
                Some(p) => cur = p,
                None => break,
            }
        }
        if under {
            out.push(((*r).clone(), location));
        }
    }
    Ok(out)
}

/// Predecessors of each successor (renames and moves, which link a unit to itself, left out).
fn predecessors(conn: &mut AnyConn) -> QueryResult<BTreeMap<String, Vec<String>>> {
    let pairs: Vec<(String, String)> = node::dispatch!(conn, |c| {
        successions::table
            .select((successions::predecessor, successions::successor))
            .load(c)
    })?;
    let mut map: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (p, s) in pairs.into_iter().filter(|(p, s)| p != s) {
        map.entry(s).or_default().push(p);
    }
    Ok(map)
}

fn lineage(id: &str, preds: &BTreeMap<String, Vec<String>>) -> BTreeSet<String> {
    let mut seen = BTreeSet::from([id.to_string()]);
    let mut queue = vec![id.to_string()];
    while let Some(cur) = queue.pop() {
        for p in preds.get(&cur).into_iter().flatten() {
            if seen.insert(p.clone()) {
                queue.push(p.clone());
            }
        }
    }
    seen
}

/// The columns of `received` the records need (no envelope).
type Meta = (
    String,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
);

fn local_day(rfc3339: &str) -> Option<NaiveDate> {
    DateTime::parse_from_rfc3339(rfc3339)
        .ok()
        .map(|t| t.with_timezone(&TIMEZONE).date_naive())
}

fn envelope(conn: &mut AnyConn, report_id: &str, digest: &str) -> anyhow::Result<Option<Envelope>> {
    let Some(row) = crate::store::received::get(conn, report_id, digest)? else {
        return Ok(None);
    };
    let env = schema::decode(row.envelope.as_bytes())
        .map_err(|e| anyhow::anyhow!("stored report {report_id}: {e}"))?;
    Ok(Some(env))
}

/// The records of `units` as of `as_of` (events after it are ignored), keyed by unit id, with
/// each unit's last inspection.
pub fn unit_records(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    look_back_years: u32,
    units: &[UnitRow],
    as_of: NaiveDate,
) -> anyhow::Result<BTreeMap<String, (UnitRecord, Option<LastSeen>)>> {
    let preds = predecessors(conn)?;
    let window_from = as_of
        .checked_sub_months(Months::new(12 * look_back_years.max(1)))
        .unwrap_or(NaiveDate::MIN);
    let meta: Vec<Meta> = node::dispatch!(&mut *conn, |c| {
        received::table
            .select((
                received::report_id,
                received::digest,
                received::unit,
                received::kind,
                received::period,
                received::classification,
                received::supersedes,
                received::received_at,
            ))
            .load(c)
    })?;
    let meta: Vec<Meta> = meta
        .into_iter()
        .filter(|m| local_day(&m.7).is_some_and(|d| d <= as_of))
        .collect();
    // The latest version of each report (the one no other stored version amends).
    let superseded: BTreeSet<(&str, &str)> = meta
        .iter()
        .filter_map(|m| Some((m.0.as_str(), m.6.as_deref()?)))
        .collect();
    let latest: Vec<&Meta> = meta
        .iter()
        .filter(|m| !superseded.contains(&(m.0.as_str(), m.1.as_str())))
        .collect();
    let mut incidents: BTreeMap<String, Vec<NaiveDate>> = BTreeMap::new();
    let mut compliance: BTreeMap<String, (String, &Meta)> = BTreeMap::new();
    for m in &latest {
        if m.3 == ReportKind::IncidentReport.code() {
            let day = match envelope(conn, &m.0, &m.1)?.map(|e| e.body.payload) {
                Some(Payload::IncidentReport(i)) => {
                    i.discovered_at.with_timezone(&TIMEZONE).date_naive()
                }
                _ => local_day(&m.7).unwrap_or(as_of),
            };
            incidents.entry(m.2.clone()).or_default().push(day);
        } else if m.3 == ReportKind::ComplianceStatus.code() {
            let newer = compliance
                .get(&m.2)
                .is_none_or(|(at, _)| at.as_str() < m.7.as_str());
            if newer {
                compliance.insert(m.2.clone(), (m.7.clone(), m));
            }
        }
    }
    // First receipt of each unit's annual report of each period, and the periods in use.
    let mut firsts: BTreeMap<(String, String), DateTime<chrono::FixedOffset>> = BTreeMap::new();
    let mut periods: BTreeSet<i32> = BTreeSet::new();
    let mut highest: BTreeMap<String, Classification> = BTreeMap::new();
    for m in &meta {
        if let Some(day) = local_day(&m.7) {
            if let Ok(c) = Classification::parse(&m.5) {
                if day > window_from && highest.get(&m.2).is_none_or(|h| *h < c) {
                    highest.insert(m.2.clone(), c);
                }
            }
        }
        if m.3 != ReportKind::AnnualReport.code() {
            continue;
        }
        let (Ok(ReportingPeriod::Annual(y)), Ok(at)) = (
            ReportingPeriod::parse(&m.4),
            DateTime::parse_from_rfc3339(&m.7),
        ) else {
            continue;
        };
        periods.insert(y);
        let e = firsts.entry((m.2.clone(), m.4.clone())).or_insert(at);
        *e = (*e).min(at);
    }
    let deadlines: Vec<(ReportingPeriod, NaiveDate)> = periods
        .iter()
        .filter_map(|y| {
            let p = ReportingPeriod::Annual(*y);
            let pack = rules.pack_for(p.end()).ok()?;
            let d = pack
                .deadline(ReportKind::AnnualReport, scope.tier(), *y)
                .or_else(|_| pack.deadline(ReportKind::AnnualReport, schema::Tier::Province, *y))
                .ok()?;
            (d < as_of).then_some((p, d))
        })
        .collect();
    let mut heads: BTreeMap<String, Vec<store::InspectionRow>> = BTreeMap::new();
    for h in store::all(conn)?
        .into_iter()
        .filter(|h| h.ended_on <= as_of)
    {
        heads.entry(h.unit.clone()).or_default().push(h);
    }
    let mut by_inspection: BTreeMap<String, Vec<store::FindingRow>> = BTreeMap::new();
    for f in store::all_findings(conn)? {
        by_inspection
            .entry(f.inspection_id.clone())
            .or_default()
            .push(f);
    }
    let key_units = store::key_units(conn)?;
    let mut gaps_cache: BTreeMap<String, Vec<ComplianceGap>> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for u in units {
        let family = lineage(&u.id, &preds);
        let mut rec = UnitRecord::default();
        let mut last: Option<LastSeen> = None;
        for h in family.iter().filter_map(|id| heads.get(id)).flatten() {
            if last.as_ref().is_none_or(|(d, _)| *d < h.ended_on) {
                last = Some((h.ended_on, h.team.clone()));
            }
            for f in by_inspection.get(&h.id).into_iter().flatten() {
                if let (Some(kind), Some(severity)) = (f.violation(), f.severity()) {
                    rec.findings.push(PastFinding {
                        date: h.ended_on,
                        kind,
                        severity,
                    });
                }
            }
        }
        rec.last_inspection = last.as_ref().map(|(d, _)| *d);
        for id in &family {
            rec.incidents
                .extend(incidents.get(id).into_iter().flatten().copied());
            if let Some(c) = highest.get(id) {
                rec.highest_classification = rec.highest_classification.max(Some(*c));
            }
        }
        if let Some((_, m)) = family
            .iter()
            .filter_map(|id| compliance.get(id))
            .max_by(|a, b| a.0.cmp(&b.0))
        {
            if !gaps_cache.contains_key(&m.0) {
                let gaps = match envelope(conn, &m.0, &m.1)?.map(|e| e.body.payload) {
                    Some(Payload::ComplianceStatus(s)) => ComplianceGap::from_status(&s),
                    _ => Vec::new(),
                };
                gaps_cache.insert(m.0.clone(), gaps);
            }
            rec.gaps = gaps_cache[&m.0].clone();
        }
        for (period, deadline) in &deadlines {
            if u.valid_from > period.end() {
                continue;
            }
            let first = family
                .iter()
                .filter_map(|id| firsts.get(&(id.clone(), period.to_string())))
                .min();
            let status = first.map_or(Status::Missing, |at| judge(rules, *deadline, *at));
            rec.reports.push((*deadline, status));
        }
        if key_units.contains(&u.id) {
            rec.designation = Designation::KeyOrConfidential;
        }
        out.insert(u.id.clone(), (rec, last));
    }
    Ok(out)
}

/// Every unit below `scope` valid on `as_of`, scored: highest score first, then by name in
/// Vietnamese order, then by id.
pub fn scores(
    conn: &mut AnyConn,
    rules: &RuleBook,
    model: &RiskModel,
    scope: &UnitId,
    as_of: NaiveDate,
) -> anyhow::Result<Vec<UnitScore>> {
    let units = scope_units(conn, scope, as_of)?;
    let rows: Vec<UnitRow> = units.iter().map(|(r, _)| r.clone()).collect();
    let mut records = unit_records(conn, rules, scope, model.look_back_years, &rows, as_of)?;
    let mut out: Vec<UnitScore> = units
        .into_iter()
        .filter_map(|(row, location)| {
            let (rec, last) = records.remove(&row.id)?;
            Some(UnitScore {
                unit: UnitId::parse(&row.id).ok()?,
                score: model.score(&rec, as_of),
                name: row.name,
                kind: row.kind,
                tier: row.tier,
                location,
                officer_email: row.officer_email,
                head_email: row.head_email,
                last_inspection: last,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.score
            .total
            .total_cmp(&a.score.total)
            .then_with(|| compare_vi(&a.name, &b.name))
            .then_with(|| a.unit.cmp(&b.unit))
    });
    Ok(out)
}
