//! Tables of figures, shared by documents (DOCX, HTML) and data exports: `Table { title,
//! headers, rows, totals }` of text and number cells, written as CSV (UTF-8 with a byte-order
//! mark, so Excel opens Vietnamese correctly) and as XLSX (one sheet per table, sheet names
//! made legal for Excel). Numbers are shown the Vietnamese way in documents (`1.234`, `12,5%`)
//! and written in machine form in CSV (`1234`, `12.5`) so any tool reads them back; XLSX stores
//! real numbers with a number format, which Excel displays in the reader's locale.

use std::collections::BTreeSet;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook};
use unicode_normalization::UnicodeNormalization as _;

/// One cell of a table.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A count.
    Int(i64),
    /// A decimal number, shown with this many decimals.
    Decimal(f64, u8),
    /// A ratio in 0..=1, shown as a percentage with one decimal (`0.875` → `87,5%`).
    Percent(f64),
    Empty,
}

impl Cell {
    pub fn text(s: impl AsRef<str>) -> Cell {
        Cell::Text(s.as_ref().nfc().collect())
    }

    /// Whether the cell is a number (right-aligned in documents).
    pub fn is_number(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Decimal(..) | Cell::Percent(_))
    }

    /// The cell as shown in a Vietnamese document: `.` groups thousands, `,` marks decimals.
    pub fn display_vi(&self) -> String {
        match self {
            Cell::Text(s) => s.nfc().collect(),
            Cell::Int(n) => group_vi(&n.unsigned_abs().to_string(), *n < 0),
            Cell::Decimal(x, d) => decimal_vi(*x, *d),
            Cell::Percent(r) => format!("{}%", decimal_vi(r * 100.0, 1)),
            Cell::Empty => String::new(),
        }
    }

    /// The cell in machine form for CSV: plain digits, `.` for decimals, percentages as
    /// numbers of percent.
    pub fn machine(&self) -> String {
        match self {
            Cell::Text(s) => s.nfc().collect(),
            Cell::Int(n) => n.to_string(),
            Cell::Decimal(x, d) => format!("{:.*}", *d as usize, x),
            Cell::Percent(r) => format!("{:.1}", r * 100.0),
            Cell::Empty => String::new(),
        }
    }
}

fn group_vi(digits: &str, negative: bool) -> String {
    let mut rev = Vec::new();
    for (i, c) in digits.chars().rev().enumerate() {
        if i > 0 && i % 3 == 0 {
            rev.push('.');
        }
        rev.push(c);
    }
    let out: String = rev.into_iter().rev().collect();
    if negative {
        format!("-{out}")
    } else {
        out
    }
}

fn decimal_vi(x: f64, decimals: u8) -> String {
    let s = format!("{:.*}", decimals as usize, x.abs());
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let negative = x < 0.0 && s.bytes().any(|b| matches!(b, b'1'..=b'9'));
    let int = group_vi(int, negative);
    if frac.is_empty() {
        int
    } else {
        format!("{int},{frac}")
    }
}

/// A titled table. Rows shorter than the headers are padded with empty cells when written.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// Caption in documents; sheet name in XLSX (sanitised).
    pub title: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// A totals row ("Tổng cộng"), shown in bold after the rows.
    pub totals: Option<Vec<Cell>>,
}

#[derive(Debug, thiserror::Error)]
pub enum TableError {
    #[error("writing CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("writing XLSX: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}

impl Table {
    pub fn new(title: impl AsRef<str>, headers: &[&str]) -> Table {
        Table {
            title: title.as_ref().nfc().collect(),
            headers: headers.iter().map(|h| h.nfc().collect()).collect(),
            rows: Vec::new(),
            totals: None,
        }
    }

    /// The number of columns: the widest of the headers and the rows.
    pub fn width(&self) -> usize {
        self.rows
            .iter()
            .chain(self.totals.iter())
            .map(Vec::len)
            .chain([self.headers.len()])
            .max()
            .unwrap_or(0)
    }

    /// Data rows then the totals row, each padded to `width()`.
    pub fn body_rows(&self) -> Vec<Vec<Cell>> {
        let w = self.width();
        self.rows
            .iter()
            .chain(self.totals.iter())
            .map(|r| {
                let mut r = r.clone();
                r.resize(w, Cell::Empty);
                r
            })
            .collect()
    }

    /// CSV: a UTF-8 byte-order mark, the header row, the rows, then the totals row. Fields
    /// with commas, quotes or newlines are quoted (RFC 4180).
    pub fn to_csv(&self) -> Result<Vec<u8>, TableError> {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(vec![0xEF, 0xBB, 0xBF]);
        let mut headers: Vec<String> = self.headers.iter().map(|h| h.nfc().collect()).collect();
        headers.resize(self.width(), String::new());
        w.write_record(&headers)?;
        for row in self.body_rows() {
            w.write_record(row.iter().map(Cell::machine))?;
        }
        w.into_inner()
            .map_err(|e| TableError::Csv(csv::Error::from(e.into_error())))
    }
}

/// Excel's rules for a sheet name: 1–31 characters, none of `[]:*?/\`, not starting or
/// ending with an apostrophe, not "History". Unique among `taken` (case-insensitive), which
/// it is added to.
pub fn sheet_name(title: &str, index: usize, taken: &mut BTreeSet<String>) -> String {
    let cleaned: String = title
        .nfc()
        .map(|c| match c {
            '[' | ']' | ':' | '*' | '?' | '/' | '\\' => ' ',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect();
    let cleaned = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    // Excel refuses an apostrophe at either end; spaces may sit between them ("' '!").
    let edge = |c: char| c == '\'' || c.is_whitespace();
    let cleaned = cleaned.trim_matches(edge).to_string();
    let mut base: String = cleaned.chars().take(31).collect();
    base = base.trim_end_matches(edge).to_string();
    if base.is_empty() || base.eq_ignore_ascii_case("history") {
        base = format!("Bảng {}", index + 1);
    }
    let mut name = base.clone();
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        let keep = 31 - suffix.chars().count();
        let stem: String = base.chars().take(keep).collect();
        name = format!("{}{suffix}", stem.trim_end());
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

/// An XLSX workbook with one sheet per table: the title in the first row, headers in the
/// third (bold, frozen), the rows below, the totals row in bold.
pub fn to_xlsx(tables: &[Table]) -> Result<Vec<u8>, TableError> {
    let mut wb = Workbook::new();
    let title_fmt = Format::new().set_bold().set_font_size(13);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#E7E6E6");
    let text = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
    let int = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0");
    let pct = Format::new()
        .set_border(FormatBorder::Thin)
        .set_num_format("0.0%");
    let mut taken = BTreeSet::new();
    for (i, t) in tables.iter().enumerate() {
        let ws = wb.add_worksheet();
        ws.set_name(sheet_name(&t.title, i, &mut taken))?;
        ws.write_string_with_format(0, 0, t.title.nfc().collect::<String>(), &title_fmt)?;
        for (c, h) in t.headers.iter().enumerate() {
            ws.write_string_with_format(2, c as u16, h.nfc().collect::<String>(), &head)?;
        }
        let rows = t.body_rows();
        let last = rows.len().saturating_sub(1);
        for (r, row) in rows.iter().enumerate() {
            let bold = t.totals.is_some() && r == last;
            let pick = |f: &Format| {
                if bold {
                    f.clone().set_bold()
                } else {
                    f.clone()
                }
            };
            let rr = 3 + r as u32;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string_with_format(
                        rr,
                        c,
                        s.nfc().collect::<String>(),
                        &pick(&text),
                    )?,
                    Cell::Int(n) => ws.write_number_with_format(rr, c, *n as f64, &pick(&int))?,
                    Cell::Decimal(x, d) => {
                        let f = if *d == 0 {
                            "#,##0".to_string()
                        } else {
                            format!("#,##0.{}", "0".repeat(*d as usize))
                        };
                        ws.write_number_with_format(rr, c, *x, &pick(&text).set_num_format(f))?
                    }
                    Cell::Percent(x) => ws.write_number_with_format(rr, c, *x, &pick(&pct))?,
                    Cell::Empty => ws.write_blank(rr, c, &pick(&text))?,
                };
            }
        }
        ws.set_freeze_panes(3, 0)?;
        ws.autofit();
    }
    Ok(wb.save_to_buffer()?)
}
