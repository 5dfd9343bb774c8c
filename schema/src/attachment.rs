//! Attachments: files a report or an answer carries (a scanned signed paper report, internal
//! rules as PDF or DOCX, a spreadsheet, a photo). The signed body holds only an
//! [`AttachmentRef`] (name, type, size, SHA-256); the bytes travel beside the envelope and are
//! checked against it at every tier. The type is sniffed from the content, never taken from the
//! name or a client's header, and every refusal names the file and says what to do, in
//! Vietnamese, for the officer who chose it.

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;

use crate::{Digest, FieldError};

/// Most attachments one report carries (the wire bound; settings may lower it).
pub const MAX_ATTACHMENTS: usize = 20;
/// Longest file name, in characters.
pub const MAX_FILE_NAME: usize = 200;

/// The file types a report may carry, recognised from their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub enum MediaType {
    #[serde(rename = "application/pdf")]
    Pdf,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    Docx,
    #[serde(rename = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")]
    Xlsx,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/jpeg")]
    Jpeg,
}

impl MediaType {
    /// The MIME type, as sent in `Content-Type` on download.
    pub fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
        }
    }

    pub fn parse(mime: &str) -> Option<Self> {
        [Self::Pdf, Self::Docx, Self::Xlsx, Self::Png, Self::Jpeg]
            .into_iter()
            .find(|m| m.mime() == mime)
    }

    /// Short Vietnamese label ("PDF", "Word", …).
    pub fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Docx => "Word (DOCX)",
            Self::Xlsx => "Excel (XLSX)",
            Self::Png => "Ảnh PNG",
            Self::Jpeg => "Ảnh JPEG",
        }
    }

    /// The type of `bytes` from their content: PDF, PNG and JPEG by signature; DOCX and XLSX
    /// as ZIP archives whose first entry names are those of Office Open XML.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"%PDF-") {
            return Some(Self::Pdf);
        }
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            return Some(Self::Png);
        }
        if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            return Some(Self::Jpeg);
        }
        if !bytes.starts_with(b"PK\x03\x04") {
            return None;
        }
        // The central directory lists every entry's name at the end of the archive.
        let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
        if has(b"word/document.xml") {
            Some(Self::Docx)
        } else if has(b"xl/workbook.xml") {
            Some(Self::Xlsx)
        } else {
            None
        }
    }
}

/// A file name as the officer gave it: NFC, no path parts, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "String", into = "String")]
pub struct FileName(String);

impl FileName {
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let name: String = raw.trim().nfc().collect();
        let bad = |why: &str| Err(FieldError::new("", format!("tên tệp «{name}» {why}")));
        if name.is_empty() {
            return Err(FieldError::new("", "tệp không có tên"));
        }
        if name.chars().count() > MAX_FILE_NAME {
            return bad(&format!("dài quá {MAX_FILE_NAME} ký tự"));
        }
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            return bad("không được chứa đường dẫn (/, \\); chỉ ghi tên tệp");
        }
        if name.chars().any(char::is_control) || name.starts_with('.') {
            return bad("có ký tự không hợp lệ");
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for FileName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for FileName {
    type Error = FieldError;
    fn try_from(s: String) -> Result<Self, FieldError> {
        let n = Self::parse(&s)?;
        if n.0 != s {
            return Err(FieldError::new("", "a file name must be trimmed NFC"));
        }
        Ok(n)
    }
}

impl From<FileName> for String {
    fn from(n: FileName) -> String {
        n.0
    }
}

/// What the signed body says about one attached file.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    pub name: FileName,
    pub media_type: MediaType,
    /// Bytes.
    pub size: u64,
    pub sha256: Digest,
}

/// How much a report may carry (from settings; the wire bounds are the ceiling).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttachmentLimits {
    pub max_file_bytes: u64,
    pub max_total_bytes: u64,
    pub max_files: usize,
}

impl Default for AttachmentLimits {
    fn default() -> Self {
        Self {
            max_file_bytes: 20 * 1024 * 1024,
            max_total_bytes: 50 * 1024 * 1024,
            max_files: 10,
        }
    }
}

impl AttachmentRef {
    /// Checks one file as chosen by the officer and describes it; the error is Vietnamese and
    /// names the file.
    pub fn describe(name: &str, bytes: &[u8], limits: &AttachmentLimits) -> Result<Self, String> {
        let name = FileName::parse(name).map_err(|e| e.reason().to_string())?;
        if bytes.is_empty() {
            return Err(format!("tệp «{name}» rỗng (0 byte): chọn lại tệp"));
        }
        if bytes.len() as u64 > limits.max_file_bytes {
            return Err(format!(
                "tệp «{name}» nặng {}, quá giới hạn {} mỗi tệp",
                human_size(bytes.len() as u64),
                human_size(limits.max_file_bytes)
            ));
        }
        let media_type = MediaType::sniff(bytes).ok_or_else(|| {
            format!("tệp «{name}» không phải PDF, Word (DOCX), Excel (XLSX), PNG hoặc JPEG")
        })?;
        Ok(Self {
            name,
            media_type,
            size: bytes.len() as u64,
            sha256: Digest::of(bytes),
        })
    }

    /// The bytes are this attachment's: right size and digest.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        bytes.len() as u64 == self.size && Digest::of(bytes) == self.sha256
    }
}

/// Rules for a report's whole set of attachments: count, total size, no file twice.
pub fn check_set(refs: &[AttachmentRef], limits: &AttachmentLimits) -> Result<(), String> {
    if refs.len() > limits.max_files {
        return Err(format!(
            "tối đa {} tệp đính kèm mỗi báo cáo (đã chọn {})",
            limits.max_files,
            refs.len()
        ));
    }
    let total: u64 = refs.iter().map(|r| r.size).sum();
    if total > limits.max_total_bytes {
        return Err(format!(
            "tổng dung lượng tệp đính kèm {} vượt giới hạn {} mỗi báo cáo",
            human_size(total),
            human_size(limits.max_total_bytes)
        ));
    }
    for (i, r) in refs.iter().enumerate() {
        if refs[..i].iter().any(|o| o.sha256 == r.sha256) {
            return Err(format!("tệp «{}» được đính kèm hai lần", r.name));
        }
    }
    Ok(())
}

/// "1,5 MB", "320 KB", "12 byte" (Vietnamese decimal comma).
pub fn human_size(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB {
        format!("{:.1} MB", bytes as f64 / MB as f64).replace('.', ",")
    } else if bytes >= 1024 {
        format!("{} KB", bytes.div_ceil(1024))
    } else {
        format!("{bytes} byte")
    }
}
