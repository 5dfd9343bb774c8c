//! Checking a whole typed payload against the pack in force: the bridge from `schema::Payload`
//! to the per-part checks of `validate` (sections, indicators, checklist items) plus the
//! violation kinds the pack lists. Used by the aggregator at ingest; the node's forms run the
//! same per-part checks field by field for their inline messages.

use schema::{FieldError, FieldErrors, IndicatorCode, Payload, ViolationKind};

use super::RulePack;

impl RulePack {
    /// Every rule of this pack that `payload` must meet; paths are under the payload's content.
    pub fn validate_payload(&self, payload: &Payload) -> Result<(), FieldErrors> {
        let kind = payload.kind();
        let mut errs = FieldErrors::default();
        let mut take = |r: Result<(), FieldErrors>| {
            if let Err(e) = r {
                e.iter().for_each(|x| errs.push(x.clone()));
            }
        };
        let indicators = |list: &[schema::IndicatorEntry]| -> Vec<(IndicatorCode, i64)> {
            list.iter()
                .map(|e| (e.code.clone(), e.value.get()))
                .collect()
        };
        match payload {
            Payload::AnnualReport(r) => {
                let s: Vec<(&str, &str)> = r
                    .sections
                    .iter()
                    .map(|s| (s.code.as_str(), s.text.as_str()))
                    .collect();
                take(self.validate_sections(kind, &s));
                take(self.validate_indicators(kind, &indicators(r.indicators.as_slice())));
            }
            Payload::ConsolidatedReport(r) => {
                let s: Vec<(&str, &str)> = r
                    .sections
                    .iter()
                    .map(|s| (s.code.as_str(), s.text.as_str()))
                    .collect();
                take(self.validate_sections(kind, &s));
                take(self.validate_indicators(kind, &indicators(r.indicators.as_slice())));
                take(self.kinds_in_force(r.violations.iter().map(|v| v.kind), "violations"));
            }
            Payload::IncidentReport(r) => {
                let s: Vec<(&str, &str)> = [
                    ("description", r.description.as_str()),
                    ("cause", r.cause.as_str()),
                    ("consequences", r.consequences.as_str()),
                    ("measures_taken", r.measures_taken.as_str()),
                ]
                .into_iter()
                .filter(|(_, t)| !t.is_empty())
                .collect();
                take(self.validate_sections(kind, &s));
                take(self.kinds_in_force(r.violations.iter().copied(), "violations"));
            }
            Payload::ComplianceStatus(r) => {
                let answers: Vec<_> = r
                    .items
                    .iter()
                    .map(|i| (i.code.clone(), i.value.clone()))
                    .collect();
                take(self.validate_items(kind, &answers));
            }
            Payload::ImplementationPlan(r) => {
                let s: Vec<(&str, &str)> = Some(("purpose", r.purpose.as_str()))
                    .into_iter()
                    .filter(|(_, t)| !t.is_empty())
                    .collect();
                take(self.validate_sections(kind, &s));
            }
            Payload::InspectionResult(r) => {
                take(self.kinds_in_force(r.findings.iter().map(|f| f.kind), "findings"));
            }
            // Answers to requests and directives: the pack has no form for them.
            Payload::Document(_) | Payload::Acknowledgment(_) => {}
        }
        errs.into_result()
    }

    fn kinds_in_force(
        &self,
        kinds: impl Iterator<Item = ViolationKind>,
        path: &str,
    ) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        for (i, k) in kinds.enumerate() {
            if !self.violation_kinds().any(|v| v == k) {
                errs.push(FieldError::new(
                    format!("{path}[{i}]"),
                    format!(
                        "`{}` is not a violation kind of rule pack {} ({})",
                        k.code(),
                        self.id,
                        self.validity()
                    ),
                ));
            }
        }
        errs.into_result()
    }
}
