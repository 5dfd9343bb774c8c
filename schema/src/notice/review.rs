//! The `review` notice: an aggregator's verdict on one version of a report it received,
//! `accepted`, or `returned` with a mandatory reason and optional pointers to the sections or
//! indicators to fix.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{
    BoundedVec, Digest, FieldError, FieldErrors, Line, ReportId, ReportKind, ReportingPeriod, Text,
    UnitId,
};

/// Longest reason, in characters.
pub const MAX_REASON: usize = 4_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Taken as the unit's report.
    Accepted,
    /// Sent back to the unit to complete or correct; an amendment is expected.
    Returned,
}

impl Verdict {
    pub fn code(self) -> &'static str {
        match self {
            Self::Accepted => "accepted",
            Self::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "accepted" => Some(Self::Accepted),
            "returned" => Some(Self::Returned),
            _ => None,
        }
    }

    /// Vietnamese label for UI and mail.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Accepted => "Đã tiếp nhận",
            Self::Returned => "Đã trả lại",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Review {
    pub report_id: ReportId,
    /// The version judged.
    pub digest: Digest,
    /// The reporting unit (the notice's addressee).
    pub unit: UnitId,
    pub report_kind: ReportKind,
    pub period: ReportingPeriod,
    pub verdict: Verdict,
    /// Why it was returned (mandatory then); a remark otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text<MAX_REASON>>,
    /// Sections or indicators to look at, e.g. `section:c`, `indicator:so_vu_lo_lot`.
    #[serde(default, skip_serializing_if = "BoundedVec::is_empty")]
    pub pointers: BoundedVec<Line<128>, 32>,
}

impl Review {
    /// Rules every review obeys; paths start at `body.payload`.
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        let blank = self.reason.as_ref().is_none_or(|r| r.is_empty());
        if self.verdict == Verdict::Returned && blank {
            errs.push(FieldError::new(
                "body.payload.reason",
                "a returned report needs a reason",
            ));
        }
        if self.pointers.iter().any(|p| p.is_empty()) {
            errs.push(FieldError::new(
                "body.payload.pointers",
                "a pointer is empty",
            ));
        }
        errs.into_result()
    }
}
