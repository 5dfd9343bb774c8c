//! The `request` notice (yêu cầu báo cáo): an aggregator orders the units it addresses to send
//! something by a date: a report of a kind the rule pack knows, or a document (internal rules,
//! an assignment decision, …) as attached files. It becomes an obligation on each addressed
//! node; the answer is an ordinary signed submission whose `in_reply_to` names the request.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Classification, FieldError, FieldErrors, Line, ReportKind, ReportingPeriod, Text};

/// Longest instructions, in characters.
pub const MAX_INSTRUCTIONS: usize = 4_000;

/// The documents a request may ask for (answered with the `document` payload and files).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DocumentType {
    /// Nội quy bảo vệ bí mật nhà nước of the unit (Law 29/2018 art. 26; DOMAIN §4).
    InternalRules,
    /// The decision assigning staff to the protection of state secrets.
    AssignmentDecision,
    /// The list of posts that handle state secrets.
    KeyPositionList,
    /// Anything else; the request's title says what.
    Other,
}

impl DocumentType {
    pub const ALL: [DocumentType; 4] = [
        Self::InternalRules,
        Self::AssignmentDecision,
        Self::KeyPositionList,
        Self::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::InternalRules => "internal_rules",
            Self::AssignmentDecision => "assignment_decision",
            Self::KeyPositionList => "key_position_list",
            Self::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.code() == raw)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Self::InternalRules => "Nội quy bảo vệ bí mật nhà nước",
            Self::AssignmentDecision => "Quyết định phân công người làm công tác bảo vệ BMNN",
            Self::KeyPositionList => "Danh mục vị trí công tác liên quan bí mật nhà nước",
            Self::Other => "Tài liệu khác",
        }
    }
}

/// What the addressed units must send.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Asked {
    /// A report of a kind of the rule pack, for the request's period.
    Report { report_kind: ReportKind },
    /// A document, sent as attached files with the `document` payload.
    Document { document: DocumentType },
}

impl Asked {
    /// The report kind an answer has.
    pub fn answer_kind(self) -> ReportKind {
        match self {
            Self::Report { report_kind } => report_kind,
            Self::Document { .. } => ReportKind::Document,
        }
    }

    /// Vietnamese label: the report kind's or the document's.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::Report { report_kind } => report_kind.label_vi(),
            Self::Document { document } => document.label_vi(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Request {
    /// E.g. "Gửi nội quy bảo vệ bí mật nhà nước về Công an tỉnh".
    pub title: Line<300>,
    /// The letter or article that orders it, e.g. "Công văn số 120/BCĐ-PA03 ngày 02/02/2026".
    pub legal_basis: Line<500>,
    pub asked: Asked,
    /// The period the answer belongs to.
    pub period: ReportingPeriod,
    /// The last day an answer is on time (Asia/Ho_Chi_Minh).
    pub due: NaiveDate,
    /// The highest classification an answer may carry.
    pub classification: Classification,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<Text<MAX_INSTRUCTIONS>>,
}

impl Request {
    /// Rules every request obeys; `issued` is the notice's issue date.
    pub fn validate(&self, issued: NaiveDate) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        if self.title.is_empty() {
            errs.push(FieldError::new(
                "body.payload.title",
                "a request needs a title",
            ));
        }
        if self.due < issued {
            errs.push(FieldError::new(
                "body.payload.due",
                format!("the due date {} is before the request was issued", self.due),
            ));
        }
        if self.period.start() > self.due {
            errs.push(FieldError::new(
                "body.payload.period",
                format!(
                    "the period {} starts after the due date {}: no answer could be signed in time",
                    self.period, self.due
                ),
            ));
        }
        if let Asked::Report { report_kind } = self.asked {
            if matches!(
                report_kind,
                ReportKind::ConsolidatedReport | ReportKind::Document
            ) {
                errs.push(FieldError::new(
                    "body.payload.asked.report_kind",
                    format!("`{}` cannot be requested", report_kind.code()),
                ));
            }
        }
        errs.into_result()
    }
}
