//! The consolidated report an aggregator sends up: its subtree's indicator totals, violation
//! counts, timeliness figures and the list of sources it was computed from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{no_duplicates, IndicatorEntry, Section};
use crate::{BoundedVec, Digest, FieldError, FieldErrors, ReportId, UnitId, ViolationKind};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ViolationCount {
    pub kind: ViolationKind,
    pub count: u64,
}

/// A report the consolidation drew on, by id and digest, so anyone can re-derive the totals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SourceRef {
    pub report_id: ReportId,
    pub unit: UnitId,
    pub digest: Digest,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsolidatedReport {
    /// The subtree consolidated (the aggregator's own unit).
    pub scope: UnitId,
    pub sections: BoundedVec<Section, 16>,
    /// Totals over the subtree.
    pub indicators: BoundedVec<IndicatorEntry, 256>,
    pub violations: BoundedVec<ViolationCount, 64>,
    pub units_expected: u32,
    pub units_reported: u32,
    pub units_on_time: u32,
    /// Units that had not reported when this was produced.
    pub missing: BoundedVec<UnitId, 100_000>,
    pub sources: BoundedVec<SourceRef, 100_000>,
}

impl ConsolidatedReport {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        no_duplicates(
            errs,
            "indicators",
            self.indicators.iter().map(|s| s.code.clone()),
        );
        no_duplicates(
            errs,
            "violations",
            self.violations.iter().map(|v| v.kind.code()),
        );
        if self.units_reported > self.units_expected {
            errs.push(FieldError::new(
                "units_reported",
                "more units reported than were expected",
            ));
        }
        if self.units_on_time > self.units_reported {
            errs.push(FieldError::new(
                "units_on_time",
                "more units on time than reported",
            ));
        }
        if self.units_expected - self.units_reported.min(self.units_expected)
            != self.missing.len() as u32
        {
            errs.push(FieldError::new(
                "missing",
                "must list exactly the units expected but not reported",
            ));
        }
        for (i, s) in self.sources.iter().enumerate() {
            if !self.scope.contains(&s.unit) {
                errs.push(FieldError::new(
                    format!("sources[{i}].unit"),
                    format!("{} is outside the scope {}", s.unit, self.scope),
                ));
            }
        }
    }
}
