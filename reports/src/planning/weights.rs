//! The weights of the risk score: one named, non-negative number per factor, plus a multiplier
//! per finding severity and per violation kind. Built from the `[inspection.weights]` map of
//! the aggregator's settings ([`RiskWeights::from_map`]); a name not listed in
//! [`RiskWeights::names`] is an error that lists the valid ones. Defaults are documented in
//! `docs/planning.md` and returned by [`RiskWeights::default`].

use std::collections::BTreeMap;

use schema::{Severity, ViolationKind};

/// Why a weight map was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightsError {
    #[error("unknown risk weight `{name}`; valid names are: {}", valid.join(", "))]
    Unknown { name: String, valid: Vec<String> },
    #[error("risk weight `{name}` = {value} is not a weight; use a finite number >= 0")]
    Invalid { name: String, value: f64 },
}

/// Prefix of the per-violation-kind multipliers: `kind_leak_or_loss`, …
pub const KIND_PREFIX: &str = "kind_";

/// Every weight of the risk model (see `docs/planning.md` for what each one multiplies).
#[derive(Debug, Clone, PartialEq)]
pub struct RiskWeights {
    /// Points per severity-weighted finding in the look-back window.
    pub violations: f64,
    /// Multiplier of a minor finding (thiếu sót, nhắc nhở).
    pub severity_minor: f64,
    /// Multiplier of a major finding (vi phạm, phải khắc phục).
    pub severity_major: f64,
    /// Multiplier of a serious finding (vi phạm nghiêm trọng).
    pub severity_serious: f64,
    /// Multiplier per violation kind (default 1, graver kinds more).
    pub kinds: BTreeMap<ViolationKind, f64>,
    /// Points per leak or loss incident reported in the look-back window.
    pub incidents: f64,
    /// Points per report handed in late.
    pub late_reports: f64,
    /// Points per report never handed in.
    pub missing_reports: f64,
    /// Points per compliance gap (an unstamped computer counts once each, at most 5).
    pub compliance_gaps: f64,
    /// Points for being on the list of key and confidential bodies (trọng yếu, cơ mật).
    pub key_designation: f64,
    /// Points per classification level held (Mật 1, Tối mật 2, Tuyệt mật 3).
    pub classification_level: f64,
    /// Points per year since the last inspection (at most 5 years; never inspected counts 5).
    pub years_since_inspection: f64,
}

/// The default multiplier of a violation kind: graver acts weigh more.
fn default_kind_weight(kind: ViolationKind) -> f64 {
    use ViolationKind as K;
    match kind {
        K::LeakOrLoss | K::SaleOrSeizure => 3.0,
        K::PostingOrSpreading | K::NetworkedMachine | K::UnlawfulTransmission => 2.0,
        K::Misuse | K::AiMisuse | K::UnauthorisedRemoval | K::DeviceRepurposedUnwiped => 1.5,
        _ => 1.0,
    }
}

impl Default for RiskWeights {
    fn default() -> Self {
        Self {
            violations: 3.0,
            severity_minor: 0.5,
            severity_major: 1.0,
            severity_serious: 2.0,
            kinds: ViolationKind::ALL
                .iter()
                .map(|k| (*k, default_kind_weight(*k)))
                .collect(),
            incidents: 5.0,
            late_reports: 1.5,
            missing_reports: 3.0,
            compliance_gaps: 1.0,
            key_designation: 4.0,
            classification_level: 1.0,
            years_since_inspection: 2.0,
        }
    }
}

const SCALAR_NAMES: [&str; 11] = [
    "violations",
    "severity_minor",
    "severity_major",
    "severity_serious",
    "incidents",
    "late_reports",
    "missing_reports",
    "compliance_gaps",
    "key_designation",
    "classification_level",
    "years_since_inspection",
];

impl RiskWeights {
    /// Every valid weight name: the scalar weights, then `kind_<violation code>` for each kind.
    pub fn names() -> Vec<String> {
        SCALAR_NAMES
            .iter()
            .map(|s| (*s).to_string())
            .chain(
                ViolationKind::ALL
                    .iter()
                    .map(|k| format!("{KIND_PREFIX}{}", k.code())),
            )
            .collect()
    }

    /// The defaults overridden by `map` (the `[inspection.weights]` settings section).
    pub fn from_map(map: &BTreeMap<String, f64>) -> Result<Self, WeightsError> {
        let mut w = Self::default();
        for (name, value) in map {
            if !value.is_finite() || *value < 0.0 {
                return Err(WeightsError::Invalid {
                    name: name.clone(),
                    value: *value,
                });
            }
            let slot = match w.slot(name) {
                Some(slot) => slot,
                None => {
                    return Err(WeightsError::Unknown {
                        name: name.clone(),
                        valid: Self::names(),
                    })
                }
            };
            *slot = *value;
        }
        Ok(w)
    }

    /// The named weights, in [`RiskWeights::names`] order (for documentation and UIs).
    pub fn to_map(&self) -> BTreeMap<String, f64> {
        let mut me = self.clone();
        Self::names()
            .into_iter()
            .filter_map(|n| me.slot(&n).map(|v| (n, *v)))
            .collect()
    }

    fn slot(&mut self, name: &str) -> Option<&mut f64> {
        if let Some(code) = name.strip_prefix(KIND_PREFIX) {
            let kind = ViolationKind::parse(code).ok()?;
            return self.kinds.get_mut(&kind);
        }
        Some(match name {
            "violations" => &mut self.violations,
            "severity_minor" => &mut self.severity_minor,
            "severity_major" => &mut self.severity_major,
            "severity_serious" => &mut self.severity_serious,
            "incidents" => &mut self.incidents,
            "late_reports" => &mut self.late_reports,
            "missing_reports" => &mut self.missing_reports,
            "compliance_gaps" => &mut self.compliance_gaps,
            "key_designation" => &mut self.key_designation,
            "classification_level" => &mut self.classification_level,
            "years_since_inspection" => &mut self.years_since_inspection,
            _ => return None,
        })
    }

    /// The multiplier of a finding's severity.
    pub fn severity(&self, s: Severity) -> f64 {
        match s {
            Severity::Minor => self.severity_minor,
            Severity::Major => self.severity_major,
            Severity::Serious => self.severity_serious,
        }
    }

    /// The multiplier of a violation kind (1 if absent).
    pub fn kind(&self, k: ViolationKind) -> f64 {
        self.kinds.get(&k).copied().unwrap_or(1.0)
    }
}
