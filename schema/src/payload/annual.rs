//! The annual report (báo cáo sơ kết hằng năm): sections a–d of Decree 26/2020 art. 8 as
//! Vietnamese text, indicator values defined by the rule pack, and incident summaries.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{no_duplicates, CarrierForm, IncidentStatus};
use crate::{
    BoundedVec, Classification, FieldErrors, IndicatorCode, IndicatorValue, Line, ReportId, Text,
};

/// One text section of a report, e.g. `a` (analysis and assessment of the situation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Section {
    /// Section code from the rule pack's form (`a`, `b`, `c`, `d`).
    pub code: IndicatorCode,
    /// The section's text, Vietnamese, NFC.
    pub text: Text<50_000>,
}

/// One indicator's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IndicatorEntry {
    pub code: IndicatorCode,
    pub value: IndicatorValue,
}

/// A leak or loss incident as summarised in the annual report (section c).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentSummary {
    /// The incident report sent at the time, if there was one.
    pub incident_report_id: Option<ReportId>,
    pub discovered_on: NaiveDate,
    pub classification: Classification,
    pub carrier: CarrierForm,
    /// What happened, briefly. Must be empty for a Tuyệt mật item (no summary allowed).
    pub summary: Text<2_000>,
    pub status: IncidentStatus,
    /// How it was handled and remediated.
    pub handling: Text<2_000>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnualReport {
    /// Sections a–d (the rule pack says which are required and how long each may be).
    pub sections: BoundedVec<Section, 16>,
    /// Indicator values (the rule pack defines codes, labels, units and bounds).
    pub indicators: BoundedVec<IndicatorEntry, 256>,
    /// Leak/loss incidents in the period.
    pub incidents: BoundedVec<IncidentSummary, 1_000>,
    /// Who drafted the report (name and position), for the document's recipients block.
    pub drafter: Line<200>,
}

impl AnnualReport {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        no_duplicates(
            errs,
            "sections",
            self.sections.iter().map(|s| s.code.clone()),
        );
        no_duplicates(
            errs,
            "indicators",
            self.indicators.iter().map(|s| s.code.clone()),
        );
        for (i, inc) in self.incidents.iter().enumerate() {
            inc.validate(errs, &format!("incidents[{i}]"));
        }
    }
}

impl IncidentSummary {
    pub(crate) fn validate(&self, errs: &mut FieldErrors, path: &str) {
        if !self.classification.allows_summary() && !self.summary.is_empty() {
            errs.push(crate::FieldError::new(
                format!("{path}.summary"),
                "no summary (trích yếu) may be written for a Tuyệt mật item; leave it empty",
            ));
        }
    }
}
