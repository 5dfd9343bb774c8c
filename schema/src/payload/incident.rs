//! The incident report (báo cáo đột xuất): sent immediately after a leak or loss of state
//! secrets is discovered.

use chrono::{DateTime, FixedOffset};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{BoundedVec, Classification, FieldError, FieldErrors, Line, Text, ViolationKind};

/// The form of what carried the secret (hình thức chứa bí mật nhà nước).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CarrierForm {
    /// Tài liệu (document)
    Document,
    /// Vật (object)
    Object,
    /// Địa điểm (place)
    Place,
    /// Lời nói (speech)
    Speech,
    /// Hoạt động (activity)
    Activity,
    /// Dạng điện tử (electronic)
    Electronic,
}

impl CarrierForm {
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Document => "Tài liệu",
            Self::Object => "Vật",
            Self::Place => "Địa điểm",
            Self::Speech => "Lời nói",
            Self::Activity => "Hoạt động",
            Self::Electronic => "Dạng điện tử",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IncidentStatus {
    /// Mới phát hiện
    Discovered,
    /// Đang xác minh, điều tra
    UnderInvestigation,
    /// Đã khắc phục hậu quả
    Remediated,
    /// Đã kết thúc xử lý
    Closed,
}

impl IncidentStatus {
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Discovered => "Mới phát hiện",
            Self::UnderInvestigation => "Đang xác minh, điều tra",
            Self::Remediated => "Đã khắc phục hậu quả",
            Self::Closed => "Đã kết thúc xử lý",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentReport {
    /// When the leak or loss was discovered (RFC 3339 with offset, normally +07:00).
    pub discovered_at: DateTime<FixedOffset>,
    /// The highest classification of what was exposed.
    pub exposed_classification: Classification,
    pub carrier: CarrierForm,
    /// How it left or was lost (e.g. "mạng xã hội Zalo", "thất lạc khi vận chuyển").
    pub channel: Line<300>,
    pub description: Text<20_000>,
    pub cause: Text<5_000>,
    pub consequences: Text<5_000>,
    pub measures_taken: Text<5_000>,
    pub status: IncidentStatus,
    /// Violation kinds involved, from the taxonomy in force on `discovered_at`.
    pub violations: BoundedVec<ViolationKind, 32>,
}

impl IncidentReport {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        if self.exposed_classification == Classification::KhongMat {
            errs.push(FieldError::new(
                "exposed_classification",
                "an incident report concerns state secrets: choose mat, toi_mat or tuyet_mat",
            ));
        }
        let on = self.discovered_at.date_naive();
        for (i, v) in self.violations.iter().enumerate() {
            if !v.applies_on(on) {
                errs.push(FieldError::new(
                    format!("violations[{i}]"),
                    format!(
                        "`{}` is a violation only from {}",
                        v.code(),
                        v.applies_from()
                    ),
                ));
            }
        }
        super::no_duplicates(errs, "violations", self.violations.iter().map(|v| v.code()));
    }
}
