//! Consolidation along the unit tree: indicator totals, violation counts and incident counts
//! rolled up from the reports of a period to every unit above them, up to the consolidating
//! unit. Restructured units count under their successors (a legacy commune's report counts for
//! the 2025 commune it went into), so series stay continuous across the 2025 reform.
//!
//! Invariants (property-tested): a unit's total is its own reports plus its children's totals;
//! every source report is counted once, at its unit and at each ancestor up to the scope;
//! mapping units to successors never changes the scope's total. Provenance: every total lists
//! the sources it came from, and `sources_digest` (SHA-256 over the canonical, sorted list of
//! report id, unit and digest) lets the next tier check that a consolidated report covers
//! exactly the submissions it names.

use std::collections::{BTreeMap, BTreeSet};

use schema::{Digest, IndicatorCode, ReportId, UnitId, ViolationKind};
use serde::Serialize;

/// One report's figures, as stored by the aggregator (the latest version of each report).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub report_id: ReportId,
    /// The unit that filed it (possibly a predecessor of today's unit).
    pub unit: UnitId,
    pub digest: Digest,
    pub indicators: Vec<(IndicatorCode, i64)>,
    pub violations: Vec<(ViolationKind, u64)>,
    pub incidents: u64,
}

/// Where a source came from: enough for anyone to fetch and re-add it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Provenance {
    pub report_id: ReportId,
    pub unit: UnitId,
    pub digest: Digest,
}

/// The totals of one unit's subtree.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    pub indicators: BTreeMap<IndicatorCode, i64>,
    pub violations: BTreeMap<ViolationKind, u64>,
    pub incidents: u64,
    pub sources: BTreeSet<Provenance>,
}

impl Totals {
    fn add(&mut self, s: &Source) -> Result<(), ConsolidationError> {
        for (code, v) in &s.indicators {
            let t = self.indicators.entry(code.clone()).or_insert(0);
            *t = t
                .checked_add(*v)
                .ok_or_else(|| ConsolidationError::Overflow(code.to_string()))?;
        }
        for (kind, n) in &s.violations {
            *self.violations.entry(*kind).or_insert(0) += n;
        }
        self.incidents += s.incidents;
        self.sources.insert(Provenance {
            report_id: s.report_id.clone(),
            unit: s.unit.clone(),
            digest: s.digest.clone(),
        });
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConsolidationError {
    #[error("unit {unit} filed more than one report ({first} and {second}); pass only the latest version of each")]
    TwiceFromOneUnit {
        unit: UnitId,
        first: ReportId,
        second: ReportId,
    },
    #[error("the successor map loops at {0}")]
    SuccessorLoop(UnitId),
    #[error("indicator {0} overflows when summed")]
    Overflow(String),
}

/// The result: totals for the scope and for every unit below it that has reports under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consolidation {
    pub scope: UnitId,
    pub totals: BTreeMap<UnitId, Totals>,
    /// Sources that are not under the scope (even after mapping to successors): not counted.
    pub outside: Vec<Provenance>,
}

impl Consolidation {
    /// The scope's own totals (empty when nothing was reported).
    pub fn scope_totals(&self) -> Totals {
        self.totals.get(&self.scope).cloned().unwrap_or_default()
    }

    /// SHA-256 over the canonical sorted provenance of everything counted at the scope.
    pub fn sources_digest(&self) -> Digest {
        sources_digest(&self.scope_totals().sources)
    }
}

/// The digest a consolidated report carries over its sources.
pub fn sources_digest(sources: &BTreeSet<Provenance>) -> Digest {
    Digest::of(&schema::encode(&sources.iter().collect::<Vec<_>>()))
}

/// Today's unit for `unit`: follows `successors` until a unit that has none.
pub fn current_unit(
    unit: &UnitId,
    successors: &BTreeMap<UnitId, UnitId>,
) -> Result<UnitId, ConsolidationError> {
    let mut cur = unit.clone();
    let mut seen = BTreeSet::new();
    while let Some(next) = successors.get(&cur) {
        if !seen.insert(cur.clone()) {
            return Err(ConsolidationError::SuccessorLoop(cur));
        }
        cur = next.clone();
    }
    Ok(cur)
}

/// Rolls `sources` up to `scope`. `successors` maps a unit that no longer exists to the unit
/// that took it over (a merge or the 2025 reform; for a split, the default successor).
pub fn consolidate(
    scope: &UnitId,
    sources: &[Source],
    successors: &BTreeMap<UnitId, UnitId>,
) -> Result<Consolidation, ConsolidationError> {
    let mut by_unit: BTreeMap<&UnitId, &ReportId> = BTreeMap::new();
    for s in sources {
        if let Some(first) = by_unit.insert(&s.unit, &s.report_id) {
            return Err(ConsolidationError::TwiceFromOneUnit {
                unit: s.unit.clone(),
                first: first.clone(),
                second: s.report_id.clone(),
            });
        }
    }
    let mut totals: BTreeMap<UnitId, Totals> = BTreeMap::new();
    let mut outside = Vec::new();
    for s in sources {
        let unit = current_unit(&s.unit, successors)?;
        if !scope.contains(&unit) {
            outside.push(Provenance {
                report_id: s.report_id.clone(),
                unit: s.unit.clone(),
                digest: s.digest.clone(),
            });
            continue;
        }
        let mut cur = Some(unit);
        while let Some(u) = cur {
            totals.entry(u.clone()).or_default().add(s)?;
            cur = if &u == scope { None } else { u.parent() };
        }
    }
    Ok(Consolidation {
        scope: scope.clone(),
        totals,
        outside,
    })
}
