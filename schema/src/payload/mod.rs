//! Report payloads: one struct per report kind, all parsed at the boundary (bounded,
//! NFC-normalised, enum-coded). Which sections and indicators a form must have is rule-pack
//! data; `validate` here checks what holds for every pack (dates, cross-field rules).

mod acknowledgment;
mod annual;
mod consolidated;
mod document;
mod incident;
mod inspection;
mod plan;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use acknowledgment::{Acknowledgment, MAX_PARTICIPANTS};
pub use annual::{AnnualReport, IncidentSummary, IndicatorEntry, Section};
pub use consolidated::{ConsolidatedReport, SourceRef, ViolationCount};
pub use document::DocumentAnswer;
pub use incident::{CarrierForm, IncidentReport, IncidentStatus};
pub use inspection::{Finding, InspectionResult, Severity};
pub use plan::{ComplianceItem, ComplianceStatus, ComplianceValue, ImplementationPlan, PlanTask};

use crate::{FieldError, FieldErrors};

/// The kinds of report the contract carries.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ReportKind {
    AnnualReport,
    IncidentReport,
    ComplianceStatus,
    ImplementationPlan,
    InspectionResult,
    ConsolidatedReport,
    /// A document sent as attached files, in answer to a request.
    Document,
    /// Receipt (and dissemination) of a directive.
    Acknowledgment,
}

impl ReportKind {
    pub const ALL: [ReportKind; 8] = [
        Self::AnnualReport,
        Self::IncidentReport,
        Self::ComplianceStatus,
        Self::ImplementationPlan,
        Self::InspectionResult,
        Self::ConsolidatedReport,
        Self::Document,
        Self::Acknowledgment,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::AnnualReport => "annual_report",
            Self::IncidentReport => "incident_report",
            Self::ComplianceStatus => "compliance_status",
            Self::ImplementationPlan => "implementation_plan",
            Self::InspectionResult => "inspection_result",
            Self::ConsolidatedReport => "consolidated_report",
            Self::Document => "document",
            Self::Acknowledgment => "acknowledgment",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        Self::ALL
            .into_iter()
            .find(|k| k.code() == raw)
            .ok_or_else(|| FieldError::new("", format!("unknown report kind `{raw}`")))
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::AnnualReport => "Báo cáo sơ kết hằng năm",
            Self::IncidentReport => "Báo cáo đột xuất (lộ, mất bí mật nhà nước)",
            Self::ComplianceStatus => "Tình hình thực hiện các quy định",
            Self::ImplementationPlan => "Kế hoạch triển khai",
            Self::InspectionResult => "Kết quả kiểm tra",
            Self::ConsolidatedReport => "Báo cáo tổng hợp",
            Self::Document => "Tài liệu gửi theo yêu cầu",
            Self::Acknowledgment => "Xác nhận nhận, quán triệt văn bản chỉ đạo",
        }
    }
}

/// A payload, tagged with its kind: `{"kind": "annual_report", "content": {...}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", content = "content", rename_all = "snake_case")]
pub enum Payload {
    AnnualReport(AnnualReport),
    IncidentReport(IncidentReport),
    ComplianceStatus(ComplianceStatus),
    ImplementationPlan(ImplementationPlan),
    InspectionResult(InspectionResult),
    ConsolidatedReport(ConsolidatedReport),
    Document(DocumentAnswer),
    Acknowledgment(Acknowledgment),
}

impl Payload {
    pub fn kind(&self) -> ReportKind {
        match self {
            Self::AnnualReport(_) => ReportKind::AnnualReport,
            Self::IncidentReport(_) => ReportKind::IncidentReport,
            Self::ComplianceStatus(_) => ReportKind::ComplianceStatus,
            Self::ImplementationPlan(_) => ReportKind::ImplementationPlan,
            Self::InspectionResult(_) => ReportKind::InspectionResult,
            Self::ConsolidatedReport(_) => ReportKind::ConsolidatedReport,
            Self::Document(_) => ReportKind::Document,
            Self::Acknowledgment(_) => ReportKind::Acknowledgment,
        }
    }

    /// Cross-field rules that hold under every rule pack; paths are under `content`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        match self {
            Self::AnnualReport(r) => r.validate(&mut errs),
            Self::IncidentReport(r) => r.validate(&mut errs),
            Self::ComplianceStatus(r) => r.validate(&mut errs),
            Self::ImplementationPlan(r) => r.validate(&mut errs),
            Self::InspectionResult(r) => r.validate(&mut errs),
            Self::ConsolidatedReport(r) => r.validate(&mut errs),
            Self::Document(r) => r.validate(&mut errs),
            Self::Acknowledgment(r) => r.validate(&mut errs),
        }
        errs.into_result()
    }
}

/// Pushes an error for each duplicate key in `keys`, at `path[i]`.
pub(crate) fn no_duplicates<K: PartialEq + std::fmt::Display>(
    errs: &mut FieldErrors,
    path: &str,
    keys: impl IntoIterator<Item = K>,
) {
    let mut seen: Vec<K> = Vec::new();
    for (i, k) in keys.into_iter().enumerate() {
        if seen.contains(&k) {
            errs.push(FieldError::new(
                format!("{path}[{i}]"),
                format!("`{k}` appears more than once"),
            ));
        } else {
            seen.push(k);
        }
    }
}
