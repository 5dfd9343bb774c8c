//! The `document` payload: a unit sends a document it was asked for (internal rules, an
//! assignment decision, …) as attached files, with its number and symbol and a summary. The
//! files themselves are the submission's attachments; this payload says what they are.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{DocumentType, FieldError, FieldErrors, Line, Text};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentAnswer {
    pub document: DocumentType,
    /// The document's title, e.g. "Nội quy bảo vệ bí mật nhà nước của UBND xã Long Phước".
    pub title: Line<300>,
    /// Number and symbol (số, ký hiệu), e.g. "15/QĐ-UBND", when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<Line<100>>,
    /// The day it was signed or issued.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issued_on: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Text<4_000>>,
}

impl DocumentAnswer {
    pub(crate) fn validate(&self, errs: &mut FieldErrors) {
        if self.title.is_empty() {
            errs.push(FieldError::new("title", "a document needs a title"));
        }
    }
}
