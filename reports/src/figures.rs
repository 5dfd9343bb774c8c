//! One source of figures: how incidents and violations under an area add up for each reporting
//! year, whether they arrived directly or inside a child aggregator's consolidated report. The
//! dashboard, the rates and the consolidated report all count through [`tally`], so the same
//! filter gives the same number everywhere.
//!
//! The rules:
//! - A consolidated report from a unit inside the area (not the area's own aggregator) stands
//!   for that unit's whole subtree for its year ("covers" it); the outermost such reports win.
//!   Reports from inside a covered subtree (relayed incident reports, annual reports) are then
//!   not counted again.
//! - Outside covered subtrees: every incident report is one incident (in the reporting year of
//!   its discovery); an annual report adds the incidents it lists that name no incident report
//!   received here, and at least the count it declares (`so_vu_lo_mat`) less those it names that
//!   were received; violations are the incident reports' kinds (one each), the inspection
//!   results' findings (by occurrences) and this aggregator's own inspections.
//! - A covered subtree adds its consolidated report's incident count and violation counts.
//! - A tier filter counts direct reports only (a consolidated report is not split by tier); a
//!   violation-kind filter counts incidents from incident reports only (only they name kinds).

use std::collections::{BTreeMap, BTreeSet};

use schema::{ReportKind, Tier, UnitId, ViolationKind};

/// The figures of one report (its latest version), as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportFigures {
    pub report_id: String,
    pub unit: UnitId,
    pub kind: ReportKind,
    /// The reporting year it counts for.
    pub year: i32,
    /// An incident report: 1; a consolidated report: its incident count.
    pub incidents: u64,
    /// An annual report: incidents listed without an incident report id.
    pub listed: u64,
    /// An annual report: the incident reports its incidents name.
    pub refs: BTreeSet<String>,
    /// An annual report: the incident count it declares.
    pub declared: u64,
    pub violations: BTreeMap<ViolationKind, u64>,
    /// A consolidated report: (expected, reported, on time) units under it.
    pub units: Option<(u32, u32, u32)>,
}

impl ReportFigures {
    /// A report with no figures yet.
    pub fn new(report_id: String, unit: UnitId, kind: ReportKind, year: i32) -> ReportFigures {
        ReportFigures {
            report_id,
            unit,
            kind,
            year,
            incidents: 0,
            listed: 0,
            refs: BTreeSet::new(),
            declared: 0,
            violations: BTreeMap::new(),
            units: None,
        }
    }
}

/// What to count.
#[derive(Debug, Clone)]
pub struct Filter {
    /// The area: every unit under it (the nation: everything).
    pub area: UnitId,
    /// The aggregator counting (its own consolidated report never covers anything).
    pub own: UnitId,
    pub only: Option<ViolationKind>,
    pub tier: Option<Tier>,
}

/// The figures of one reporting year under the area.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearTally {
    pub incidents: u64,
    pub violations: BTreeMap<ViolationKind, u64>,
    /// Violations by the area's direct child they sit under (the unit itself when it is not
    /// under the area's children, e.g. the area's own reports).
    pub by_child: BTreeMap<(UnitId, ViolationKind), u64>,
    /// Incidents by direct child.
    pub incidents_by_child: BTreeMap<UnitId, u64>,
    /// Units whose consolidated report covers their subtree, with their (expected, reported,
    /// on time) units.
    pub covered: BTreeMap<UnitId, (u32, u32, u32)>,
}

/// The direct child of `area` that `unit` sits under (itself if directly under, `unit` when
/// it is the area or outside it).
pub fn child_of(area: &UnitId, unit: &UnitId) -> UnitId {
    let mut cur = unit.clone();
    while let Some(p) = cur.parent() {
        if &p == area {
            return cur;
        }
        cur = p;
    }
    unit.clone()
}

fn in_area(area: &UnitId, unit: &UnitId) -> bool {
    area == &UnitId::national() || area.contains(unit)
}

/// The outermost units inside the area with a consolidated report for the year.
fn covering(reports: &[&ReportFigures], f: &Filter) -> BTreeMap<UnitId, (u32, u32, u32)> {
    let candidates: BTreeMap<UnitId, (u32, u32, u32)> = reports
        .iter()
        .filter(|r| r.kind == ReportKind::ConsolidatedReport && r.unit != f.own)
        .map(|r| (r.unit.clone(), r.units.unwrap_or_default()))
        .collect();
    candidates
        .iter()
        .filter(|(u, _)| !candidates.keys().any(|o| o != *u && o.contains(u)))
        .map(|(u, n)| (u.clone(), *n))
        .collect()
}

/// Counts `reports` (already limited to latest versions) under the filter, per year.
pub fn tally(reports: &[ReportFigures], f: &Filter) -> BTreeMap<i32, YearTally> {
    let mut by_year: BTreeMap<i32, Vec<&ReportFigures>> = BTreeMap::new();
    for r in reports.iter().filter(|r| in_area(&f.area, &r.unit)) {
        by_year.entry(r.year).or_default().push(r);
    }
    let received: BTreeSet<&str> = reports
        .iter()
        .filter(|r| r.kind == ReportKind::IncidentReport)
        .map(|r| r.report_id.as_str())
        .collect();
    by_year
        .into_iter()
        .map(|(year, rs)| (year, tally_year(&rs, f, &received)))
        .collect()
}

fn tally_year(rs: &[&ReportFigures], f: &Filter, received: &BTreeSet<&str>) -> YearTally {
    let mut t = YearTally::default();
    let covered = match f.tier {
        None => covering(rs, f),
        Some(_) => BTreeMap::new(),
    };
    let covered_by = |u: &UnitId| covered.keys().any(|c| c.contains(u));
    let add = |t: &mut YearTally, unit: &UnitId, incidents: u64, v: &BTreeMap<_, u64>| {
        let child = child_of(&f.area, unit);
        t.incidents += incidents;
        *t.incidents_by_child.entry(child.clone()).or_default() += incidents;
        for (k, n) in v.iter().filter(|(k, _)| f.only.is_none_or(|o| o == **k)) {
            *t.violations.entry(*k).or_default() += n;
            *t.by_child.entry((child.clone(), *k)).or_default() += n;
        }
    };
    for r in rs {
        if f.tier.is_some_and(|tier| r.unit.tier() != tier) {
            continue;
        }
        let incidents = match r.kind {
            ReportKind::ConsolidatedReport if covered.contains_key(&r.unit) && f.only.is_none() => {
                r.incidents
            }
            ReportKind::ConsolidatedReport if covered.contains_key(&r.unit) => 0,
            ReportKind::ConsolidatedReport => continue,
            _ if covered_by(&r.unit) => continue,
            ReportKind::IncidentReport => {
                let named = f.only.is_none_or(|o| r.violations.contains_key(&o));
                u64::from(named)
            }
            ReportKind::AnnualReport if f.only.is_none() => {
                let named_here = r.refs.iter().filter(|x| received.contains(x.as_str()));
                let named_here = named_here.count() as u64;
                let known = r.listed + r.refs.len() as u64 - named_here;
                known.max(r.declared.saturating_sub(named_here))
            }
            _ => 0,
        };
        add(&mut t, &r.unit, incidents, &r.violations);
    }
    t.covered = covered;
    t
}

/// Replaces, in a rates table of the annual report, the rows of covered children by what their
/// consolidated reports say of their units (a tier above has no receipts of those units'
/// reports, only their aggregator's count), and adds the total up again.
pub fn apply_consolidated(
    table: &mut crate::rates::RateTable,
    covered: &BTreeMap<UnitId, (u32, u32, u32)>,
) {
    let mut changed = false;
    for row in &mut table.rows {
        let Some(&(e, r, t)) = covered.get(&row.unit) else {
            continue;
        };
        let (e, r, t) = (u64::from(e), u64::from(r.min(e)), u64::from(t.min(r)));
        row.expected = e;
        row.received = r;
        row.on_time = t;
        row.late = r - t;
        row.missing = e - r;
        row.not_yet_due = 0;
        row.exempt = 0;
        changed = true;
    }
    if changed {
        let total = &mut table.total;
        total.expected = table.rows.iter().map(|r| r.expected).sum();
        total.received = table.rows.iter().map(|r| r.received).sum();
        total.on_time = table.rows.iter().map(|r| r.on_time).sum();
        total.late = table.rows.iter().map(|r| r.late).sum();
        total.missing = table.rows.iter().map(|r| r.missing).sum();
        total.not_yet_due = table.rows.iter().map(|r| r.not_yet_due).sum();
        total.exempt = table.rows.iter().map(|r| r.exempt).sum();
    }
}

#[cfg(test)]
#[path = "figures_tests.rs"]
mod tests;
