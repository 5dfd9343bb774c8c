//! DOCX tables: single 0.5 pt borders, a shaded bold header row that repeats nothing but
//! never splits, numbers right-aligned in the Vietnamese format, a bold totals row, and column
//! widths fitted to the content within the text width.

use docx_rs::{
    AlignmentType, BorderType, Paragraph, Shading, ShdType, Table, TableBorders, TableLayoutType,
    TableRow, VAlignType, WidthType,
};

use super::docx::{cell, centred, run, tight, TEXT_W};
use crate::table::{Cell, Table as DataTable};

/// Twips per character of 12 pt Times New Roman (a generous average), and a cell's margins.
const CHAR_W: usize = 115;
const CELL_PAD: usize = 250;

/// The longest word of `s` in average-character widths (capitals count 1.4).
fn longest_word(s: &str) -> usize {
    s.split_whitespace()
        .map(|w| {
            let tenths: usize = w
                .chars()
                .map(|c| if c.is_uppercase() { 14 } else { 10 })
                .sum();
            tenths.div_ceil(10)
        })
        .max()
        .unwrap_or(0)
}

/// Column widths summing to the text width: every column gets at least its longest word
/// (header included) or its longest number; what is left goes to the columns with longer
/// text, in proportion to how much more they would need.
fn column_widths(t: &DataTable) -> Vec<usize> {
    let rows = t.body_rows();
    let w = t.width().max(1);
    let mut floor = vec![0usize; w];
    let mut want = vec![0usize; w];
    for c in 0..w {
        for r in &rows {
            let s = r[c].display_vi();
            let chars = s.chars().count();
            let word = longest_word(&s);
            floor[c] = floor[c].max(if r[c].is_number() { chars } else { word });
            want[c] = want[c].max(chars.min(80));
        }
        if let Some(h) = t.headers.get(c) {
            // Bold capitals are wider than body text.
            floor[c] = floor[c].max((longest_word(h) * 6).div_ceil(5));
            want[c] = want[c].max(h.chars().count().min(30));
        }
    }
    let mut widths: Vec<usize> = floor
        .iter()
        .map(|f| (*f).max(2) * CHAR_W + CELL_PAD)
        .collect();
    let used: usize = widths.iter().sum();
    if used >= TEXT_W {
        // Too many columns: scale everything down.
        return widths.iter().map(|x| x * TEXT_W / used).collect();
    }
    let extra: Vec<usize> = (0..w)
        .map(|c| (want[c] * CHAR_W + CELL_PAD).saturating_sub(widths[c]))
        .collect();
    let total_extra: usize = extra.iter().sum();
    let room = TEXT_W - used;
    for c in 0..w {
        widths[c] += (room * extra[c])
            .checked_div(total_extra)
            .unwrap_or(room / w);
    }
    let sum: usize = widths.iter().sum();
    if let Some(last) = widths.last_mut() {
        *last += TEXT_W.saturating_sub(sum);
    }
    widths
}

/// Single 0.5 pt borders all round and inside.
fn borders() -> TableBorders {
    use docx_rs::{TableBorder, TableBorderPosition as P};
    [P::Top, P::Left, P::Bottom, P::Right, P::InsideH, P::InsideV]
        .into_iter()
        .fold(TableBorders::new(), |b, p| {
            b.set(TableBorder::new(p).border_type(BorderType::Single).size(4))
        })
}

pub(super) fn table(t: &DataTable) -> Vec<docx_rs::DocumentChild> {
    let widths = column_widths(t);
    let para = |text: String, align: AlignmentType, bold: bool| {
        let r = run(&text, 12);
        let r = if bold { r.bold() } else { r };
        Paragraph::new()
            .add_run(r)
            .align(align)
            .line_spacing(tight().before(20).after(20))
    };
    let mut header_cells = Vec::new();
    for (c, w) in widths.iter().enumerate() {
        let h = t.headers.get(c).cloned().unwrap_or_default();
        header_cells.push(
            cell(*w)
                .vertical_align(VAlignType::Center)
                .shading(Shading::new().shd_type(ShdType::Clear).fill("E7E6E6"))
                .add_paragraph(para(h, AlignmentType::Center, true)),
        );
    }
    let mut rows = vec![TableRow::new(header_cells).cant_split()];
    let body = t.body_rows();
    let n = body.len();
    for (i, r) in body.into_iter().enumerate() {
        let bold = t.totals.is_some() && i + 1 == n;
        let cells = r
            .iter()
            .zip(&widths)
            .map(|(c, w)| {
                let align = if c.is_number() {
                    AlignmentType::Right
                } else if matches!(c, Cell::Empty) {
                    AlignmentType::Center
                } else {
                    AlignmentType::Left
                };
                cell(*w).add_paragraph(para(c.display_vi(), align, bold))
            })
            .collect();
        rows.push(TableRow::new(cells).cant_split());
    }
    let caption = centred(run(&t.title, 13).bold())
        .line_spacing(tight().before(120).after(60))
        .keep_next(true);
    vec![
        docx_rs::DocumentChild::Paragraph(Box::new(caption)),
        docx_rs::DocumentChild::Table(Box::new(
            Table::new(rows)
                .set_borders(borders())
                .set_grid(widths)
                .width(TEXT_W, WidthType::Dxa)
                .layout(TableLayoutType::Fixed),
        )),
        docx_rs::DocumentChild::Paragraph(Box::new(Paragraph::new().line_spacing(tight()))),
    ]
}
