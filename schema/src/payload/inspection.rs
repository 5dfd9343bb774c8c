//! The inspection result (kết quả kiểm tra việc chấp hành): findings by violation kind, with
//! severity and remediation deadline.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{BoundedVec, FieldError, FieldErrors, Line, Text, UnitId, ViolationKind};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Thiếu sót nhỏ, nhắc nhở
    Minor,
    /// Vi phạm, phải khắc phục
    Major,
    /// Vi phạm nghiêm trọng, xem xét xử lý
    Serious,
}

impl Severity {
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Minor => "Thiếu sót, nhắc nhở",
            Self::Major => "Vi phạm, phải khắc phục",
            Self::Serious => "Vi phạm nghiêm trọng",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Finding {
    pub kind: ViolationKind,
    pub severity: Severity,
    pub description: Text<5_000>,
    /// How many occurrences were found (e.g. documents without a classification proposal).
    pub occurrences: u32,
    /// When it must be remediated; required for major and serious findings.
    pub remediation_deadline: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InspectionResult {
    pub inspected_unit: UnitId,
    /// The inspection decision (số, ký hiệu).
    pub decision_ref: Line<200>,
    pub started_on: NaiveDate,
    pub ended_on: NaiveDate,
    pub findings: BoundedVec<Finding, 500>,
    pub conclusion: Text<20_000>,
}

impl InspectionResult {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        if self.ended_on < self.started_on {
            errs.push(FieldError::new(
                "ended_on",
                format!(
                    "ends {} before it starts {}",
                    self.ended_on, self.started_on
                ),
            ));
        }
        for (i, f) in self.findings.iter().enumerate() {
            let p = format!("findings[{i}]");
            if !f.kind.applies_on(self.ended_on) {
                errs.push(FieldError::new(
                    format!("{p}.kind"),
                    format!(
                        "`{}` is a violation only from {}",
                        f.kind.code(),
                        f.kind.applies_from()
                    ),
                ));
            }
            if f.occurrences == 0 {
                errs.push(FieldError::new(
                    format!("{p}.occurrences"),
                    "a finding has at least one occurrence",
                ));
            }
            match f.remediation_deadline {
                None if f.severity != Severity::Minor => errs.push(FieldError::new(
                    format!("{p}.remediation_deadline"),
                    "major and serious findings need a remediation deadline",
                )),
                Some(d) if d < self.ended_on => errs.push(FieldError::new(
                    format!("{p}.remediation_deadline"),
                    format!(
                        "deadline {d} is before the inspection ended ({})",
                        self.ended_on
                    ),
                )),
                _ => {}
            }
        }
    }
}
