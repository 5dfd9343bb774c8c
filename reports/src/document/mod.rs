//! Official documents (văn bản hành chính) laid out per Decree 30/2020/NĐ-CP, appendix I: the
//! model (`Document`: issuing body, number and symbol, place and date, type and summary,
//! classification stamp, body blocks, signature and recipients), its checks, and the
//! Vietnamese formatting of its header lines. Rendering lives in `docx` (Word, A4, Times New
//! Roman) and `html` (self-contained, printable). All text is normalised to NFC when rendered.

mod deflate;
mod docx;
mod docx_table;
mod html;

use chrono::{Datelike, NaiveDate};
use schema::Classification;
use unicode_normalization::UnicodeNormalization as _;

use crate::table::Table;

/// "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
pub const NATIONAL_NAME: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
/// "Độc lập - Tự do - Hạnh phúc"
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// The body that issues the document (tên cơ quan, tổ chức ban hành văn bản).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuingBody {
    /// The directly superior body, if any, e.g. "UBND TỈNH ĐỒNG NAI" (printed upright).
    pub parent: Option<String>,
    /// The issuing body, e.g. "BAN CHỈ ĐẠO CÔNG TÁC BẢO VỆ BÍ MẬT NHÀ NƯỚC" (printed bold).
    pub name: String,
}

/// The signature block (thẩm quyền, chức vụ, họ tên người ký).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signature {
    /// The capacity line, e.g. "TM. ỦY BAN NHÂN DÂN" or "KT. TRƯỞNG BAN"; `None` when the
    /// head signs in their own name.
    pub authority: Option<String>,
    /// The signer's title, e.g. "CHỦ TỊCH" or "PHÓ TRƯỞNG BAN".
    pub title: String,
    /// The signer's full name.
    pub signer: String,
}

/// The recipients block ("Nơi nhận:"). For a classified document it also states the number of
/// copies and the drafter (Decree 26/2020 art. 2; leaving them out is a finding of its own).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Recipients {
    /// One line each, e.g. "Bộ Công an (A03)".
    pub to: Vec<String>,
    /// Who keeps the archive copies, e.g. "VT, PA03" (printed "Lưu: VT, PA03.").
    pub archive: String,
    /// Number of copies issued (số lượng bản).
    pub copies: Option<u32>,
    /// The drafter (người soạn thảo), e.g. "Nguyễn Văn An".
    pub drafter: Option<String>,
    /// Copy permission for classified documents, e.g. "Không được sao, chụp".
    pub copy_scope: Option<String>,
}

/// A figure: a PNG (a chart, usually) with its caption.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    pub png: Vec<u8>,
    pub caption: String,
}

/// One block of the document body.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    /// A heading: level 1 ("I. ...", bold caps), 2 ("1. ...", bold), 3 (bold italic).
    Heading {
        level: u8,
        text: String,
    },
    /// Body text; each line of `text` becomes its own paragraph.
    Paragraph(String),
    /// Body text with a bold lead-in, e.g. a unit's name before its narrative.
    Labelled {
        label: String,
        text: String,
    },
    /// A table with borders, its title above it.
    Table(Table),
    Figure(Figure),
    PageBreak,
}

/// An official document, ready to render.
#[derive(Debug, Clone, PartialEq)]
pub struct Document {
    pub issuer: IssuingBody,
    /// The registered number; `None` leaves a blank to be filled in at registration.
    pub number: Option<u32>,
    /// The symbol after the number, e.g. "BC-BCĐ".
    pub symbol: String,
    /// Place name in the date line, e.g. "Đồng Nai".
    pub place: String,
    pub date: NaiveDate,
    /// Document type, e.g. "BÁO CÁO".
    pub kind: String,
    /// Summary (trích yếu), e.g. "Kết quả công tác bảo vệ bí mật nhà nước năm 2026". Must be
    /// `None` for a Tuyệt mật document.
    pub summary: Option<String>,
    /// The classification stamp under the number and symbol; none for `KhongMat`.
    pub classification: Classification,
    pub body: Vec<Block>,
    pub signature: Signature,
    pub recipients: Recipients,
}

/// What makes a document unfit to issue, or a failure to render it.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    #[error("the document is not fit to issue: {0}")]
    Invalid(String),
    #[error("figure `{caption}` is not a readable PNG: {reason}")]
    Image { caption: String, reason: String },
    #[error("writing DOCX: {0}")]
    Docx(String),
    #[error("drawing chart: {0}")]
    Chart(String),
}

impl Document {
    /// The checks an issuing clerk would make: the header lines are filled in, a Tuyệt mật
    /// document has no summary, a classified one states copies and drafter.
    pub fn validate(&self) -> Result<(), DocumentError> {
        let mut problems = Vec::new();
        for (what, v) in [
            ("issuing body", &self.issuer.name),
            ("symbol", &self.symbol),
            ("place", &self.place),
            ("document type", &self.kind),
            ("signer's title", &self.signature.title),
            ("signer", &self.signature.signer),
        ] {
            if v.trim().is_empty() {
                problems.push(format!("{what} is empty"));
            }
        }
        if !self.classification.allows_summary() && self.summary.is_some() {
            problems.push("no summary (trích yếu) may be written on a Tuyệt mật document".into());
        }
        if self.classification != Classification::KhongMat {
            if self.recipients.copies.is_none() {
                problems.push("a classified document must state the number of copies".into());
            }
            if self
                .recipients
                .drafter
                .as_deref()
                .is_none_or(|d| d.trim().is_empty())
            {
                problems.push("a classified document must name its drafter".into());
            }
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(DocumentError::Invalid(problems.join("; ")))
        }
    }

    /// "Số: 12/BC-BCĐ", or "Số:      /BC-BCĐ" before registration.
    pub fn number_line(&self) -> String {
        let n = self.number.map_or("      ".to_string(), |n| n.to_string());
        nfc(&format!("Số: {n}/{}", self.symbol.trim()))
    }

    /// "Đồng Nai, ngày 20 tháng 12 năm 2026" (see [`date_line`]).
    pub fn date_line(&self) -> String {
        date_line(&self.place, self.date)
    }

    /// The recipients block's lines after "Nơi nhận:": one "- ...;" per recipient, then the
    /// archive line "- Lưu: VT, PA03 (Nguyễn Văn An, 05 bản)." with drafter and copies.
    pub fn recipient_lines(&self) -> Vec<String> {
        let r = &self.recipients;
        let mut lines: Vec<String> =
            r.to.iter()
                .map(|t| format!("- {};", nfc(t.trim())))
                .collect();
        let mut extra = Vec::new();
        if let Some(d) = &r.drafter {
            extra.push(nfc(d.trim()));
        }
        if let Some(c) = r.copies {
            extra.push(format!("{c:02} bản"));
        }
        let mut archive = format!("- Lưu: {}", nfc(r.archive.trim()));
        if !extra.is_empty() {
            archive.push_str(&format!(" ({})", extra.join(", ")));
        }
        archive.push('.');
        lines.push(archive);
        if let Some(s) = &r.copy_scope {
            lines.push(format!("- {}.", nfc(s.trim().trim_end_matches('.'))));
        }
        lines
    }
}

/// "Đồng Nai, ngày 05 tháng 02 năm 2026": Decree 30 writes days below 10 and the months
/// January and February with a leading zero.
pub fn date_line(place: &str, date: NaiveDate) -> String {
    let month = if date.month() <= 2 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    nfc(&format!(
        "{}, ngày {:02} tháng {} năm {}",
        place.trim(),
        date.day(),
        month,
        date.year()
    ))
}

/// NFC, with control characters other than newline and tab replaced by spaces (they are not
/// allowed in XML and mean nothing on paper).
pub(crate) fn nfc(s: &str) -> String {
    s.nfc()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                ' '
            } else {
                c
            }
        })
        .collect()
}

/// The paragraphs of a multi-line text: split on newlines, trimmed, empty ones dropped.
pub(crate) fn paragraphs(text: &str) -> impl Iterator<Item = String> + '_ {
    text.lines()
        .map(|l| nfc(l.trim()).replace('\t', " "))
        .filter(|l| !l.is_empty())
}
