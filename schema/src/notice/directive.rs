//! The `directive` notice (văn bản chỉ đạo): an aggregator sends a document down its subtree
//! (number and symbol, date, summary, the signed file itself) and asks every addressed unit to
//! acknowledge receipt by a date and, when `disseminate` is set, to report that it was made
//! known to its staff (đã quán triệt: date, participants). The acknowledgment is an ordinary
//! signed submission (`Payload::Acknowledgment`) whose `in_reply_to` names the directive, so it
//! is tracked, counted and chased like the answer to a request.
//!
//! The files travel inside the notice (at most [`MAX_DIRECTIVE_FILES_BYTES`] in all, so a
//! notice stays under its 8 MiB bound); each one's type must be what its content is.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::trust::DerBase64;
use crate::{BoundedVec, FieldError, FieldErrors, FileName, Line, MediaType, Text};

/// Most bytes of files one directive carries, decoded.
pub const MAX_DIRECTIVE_FILES_BYTES: usize = 4 * 1024 * 1024;

/// A file carried inside a notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoticeFile {
    pub name: FileName,
    pub media_type: MediaType,
    /// The bytes, standard base64.
    pub data: DerBase64,
}

impl NoticeFile {
    pub fn bytes(&self) -> Vec<u8> {
        self.data.der()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Directive {
    /// Number and symbol (số, ký hiệu), e.g. "120/BCĐ-PA03".
    pub number: Line<100>,
    /// The date the document was signed.
    pub issued_on: NaiveDate,
    /// What it is about (trích yếu).
    pub title: Line<300>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Text<4_000>>,
    /// Units must also report that they made it known to their staff.
    pub disseminate: bool,
    /// The last day to acknowledge (and report dissemination) on time.
    pub due: NaiveDate,
    #[serde(default, skip_serializing_if = "BoundedVec::is_empty")]
    pub files: BoundedVec<NoticeFile, 5>,
}

impl Directive {
    /// Rules every directive obeys; `issued` is the notice's issue date.
    pub fn validate(&self, issued: NaiveDate) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::default();
        if self.number.is_empty() || self.title.is_empty() {
            errs.push(FieldError::new(
                "body.payload",
                "a directive needs its number and its title",
            ));
        }
        if self.due < issued {
            errs.push(FieldError::new(
                "body.payload.due",
                format!("the due date {} is before the notice was issued", self.due),
            ));
        }
        let mut total = 0;
        for (i, f) in self.files.iter().enumerate() {
            let bytes = f.bytes();
            total += bytes.len();
            if MediaType::sniff(&bytes) != Some(f.media_type) {
                errs.push(FieldError::new(
                    format!("body.payload.files[{i}]"),
                    format!(
                        "«{}» is not the {} it claims to be",
                        f.name,
                        f.media_type.mime()
                    ),
                ));
            }
        }
        if total > MAX_DIRECTIVE_FILES_BYTES {
            errs.push(FieldError::new(
                "body.payload.files",
                format!("{total} bytes of files; at most {MAX_DIRECTIVE_FILES_BYTES}"),
            ));
        }
        errs.into_result()
    }

    /// "120/BCĐ-PA03 — Về việc …", as lists show it.
    pub fn heading(&self) -> String {
        format!("{} — {}", self.number, self.title)
    }
}
