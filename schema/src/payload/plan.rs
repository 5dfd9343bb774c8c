//! The compliance status (the unit's checklist of DOMAIN §6, items defined by the rule pack)
//! and the implementation plan (kế hoạch triển khai, due 15 Feb).

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::no_duplicates;
use crate::{BoundedVec, FieldError, FieldErrors, IndicatorCode, IndicatorValue, Line, Text};

/// The answer to one checklist item; the rule pack says which shape each item takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum ComplianceValue {
    /// Có / Không.
    YesNo(bool),
    /// The date it was done (e.g. internal rules issued on).
    Date(NaiveDate),
    /// A count (e.g. registered secure USB drives).
    Count(IndicatorValue),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceItem {
    /// Checklist item code from the rule pack (e.g. `noi_quy_ban_hanh`).
    pub code: IndicatorCode,
    pub value: ComplianceValue,
    /// The deciding document (số, ký hiệu), if any, e.g. "Quyết định số 12/QĐ-UBND".
    pub document_ref: Option<Line<200>>,
    pub note: Option<Line<1_000>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ComplianceStatus {
    /// The date the status describes.
    pub as_of: NaiveDate,
    pub items: BoundedVec<ComplianceItem, 128>,
}

impl ComplianceStatus {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        no_duplicates(errs, "items", self.items.iter().map(|i| i.code.clone()));
        for (i, item) in self.items.iter().enumerate() {
            if let ComplianceValue::Date(d) = item.value {
                if d > self.as_of {
                    errs.push(FieldError::new(
                        format!("items[{i}].value"),
                        format!("date {d} is after the status date {}", self.as_of),
                    ));
                }
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanTask {
    pub title: Line<500>,
    pub detail: Text<5_000>,
    /// Who leads it (department or position).
    pub lead: Line<300>,
    pub due: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImplementationPlan {
    /// Purpose and requirements (mục đích, yêu cầu).
    pub purpose: Text<10_000>,
    pub tasks: BoundedVec<PlanTask, 300>,
    /// Planned self-inspections (tự kiểm tra).
    pub self_inspections: BoundedVec<NaiveDate, 52>,
}

impl ImplementationPlan {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        if self.tasks.is_empty() {
            errs.push(FieldError::new("tasks", "a plan needs at least one task"));
        }
    }
}
