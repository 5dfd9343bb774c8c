//! DOCX rendering with docx-rs. Decree 30/2020 layout: A4 portrait; margins top and bottom
//! 20 mm, left 30 mm, right 15 mm; Times New Roman; body 14 pt, justified, first-line indent.
//! The header is a borderless two-column table: issuing body and number (with the
//! classification stamp beneath) on the left, national name, motto and date on the right.
//! Page numbers sit centred at the top from page 2. Tables have single borders, charts are
//! embedded PNGs 16 cm wide (tables: `docx_table`).

use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header, LineSpacing, LineSpacingType, PageMargin,
    PageNum, Paragraph, ParagraphBorder, ParagraphBorderPosition, Pic, Run, RunFonts, Table,
    TableCell, TableLayoutType, TableRow, TextBorder, VAlignType, WidthType,
};

use super::docx_table::table;
use super::{nfc, paragraphs, Block, Document, DocumentError, Figure, MOTTO, NATIONAL_NAME};

const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point.
const PAGE_W: u32 = 11906;
const PAGE_H: u32 = 16838;
/// 1 mm in twips.
const MM: f64 = 56.693;
const TOP_MM: f64 = 20.0;
const BOTTOM_MM: f64 = 20.0;
const LEFT_MM: f64 = 30.0;
const RIGHT_MM: f64 = 15.0;
/// The text width between the margins, in twips.
pub(super) const TEXT_W: usize = PAGE_W as usize - ((LEFT_MM + RIGHT_MM) * MM) as usize;
/// The header's left column; the right one (the rest, about 106 mm) holds the national name
/// in 12 pt bold on one line.
const HEADER_LEFT: usize = 3355;
const SIGN_LEFT: usize = 4400;
/// Figures are at most 16 cm wide and 21 cm tall (EMU: 360000 per cm).
const FIG_MAX_W: u64 = 16 * 360_000;
const FIG_MAX_H: u64 = 21 * 360_000;

fn mm(v: f64) -> i32 {
    (v * MM).round() as i32
}

/// A run in Times New Roman at `pt` points.
pub(super) fn run(text: &str, pt: usize) -> Run {
    Run::new().add_text(nfc(text)).size(pt * 2).fonts(fonts())
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .cs(FONT)
        .east_asia(FONT)
}

pub(super) fn tight() -> LineSpacing {
    LineSpacing::new().before(0).after(0)
}

pub(super) fn centred(r: Run) -> Paragraph {
    Paragraph::new()
        .add_run(r)
        .align(AlignmentType::Center)
        .line_spacing(tight())
}

/// A short horizontal rule of `width` twips, centred in a space `space` twips wide.
fn rule(space: usize, width: usize) -> Paragraph {
    let side = (space.saturating_sub(width) / 2) as i32;
    let mut p = Paragraph::new()
        .indent(Some(side), None, Some(side), None)
        .line_spacing(
            tight()
                .before(30)
                .line(60)
                .line_rule(LineSpacingType::Exact),
        )
        .size(2);
    p.property = p.property.set_border(
        ParagraphBorder::new(ParagraphBorderPosition::Top)
            .val(BorderType::Single)
            .size(6)
            .space(0),
    );
    p
}

pub(super) fn cell(width: usize) -> TableCell {
    TableCell::new()
        .width(width, WidthType::Dxa)
        .vertical_align(VAlignType::Top)
}

fn header(doc: &Document) -> Table {
    let right = TEXT_W - HEADER_LEFT;
    let mut left = cell(HEADER_LEFT);
    if let Some(parent) = &doc.issuer.parent {
        left = left.add_paragraph(centred(run(&parent.to_uppercase(), 13)));
    }
    let left = left
        .add_paragraph(centred(run(&doc.issuer.name.to_uppercase(), 13).bold()))
        .add_paragraph(rule(HEADER_LEFT, 1200));
    let national = cell(right)
        .add_paragraph(centred(run(NATIONAL_NAME, 12).bold()))
        .add_paragraph(centred(run(MOTTO, 14).bold()))
        .add_paragraph(rule(right, 3700));
    let mut number = cell(HEADER_LEFT)
        .add_paragraph(centred(run(&doc.number_line(), 13)).line_spacing(tight().before(120)));
    let stamp = doc.classification.label_vi();
    if !stamp.is_empty() {
        number = number.add_paragraph(
            centred(
                run(stamp, 14)
                    .bold()
                    .text_border(TextBorder::new().border_type(BorderType::Single).size(12)),
            )
            .line_spacing(tight().before(160)),
        );
    }
    let date = cell(right).add_paragraph(
        centred(run(&doc.date_line(), 14).italic()).line_spacing(tight().before(120)),
    );
    Table::without_borders(vec![
        TableRow::new(vec![left, national]),
        TableRow::new(vec![number, date]),
    ])
    .set_grid(vec![HEADER_LEFT, right])
    .width(TEXT_W, WidthType::Dxa)
    .layout(TableLayoutType::Fixed)
}

fn title(doc: &Document) -> Vec<Paragraph> {
    let mut out = vec![centred(run(&doc.kind.to_uppercase(), 14).bold())
        .line_spacing(tight().before(360))
        .keep_next(true)];
    if let Some(s) = &doc.summary {
        out.push(centred(run(s, 14).bold()).keep_next(true));
    }
    out.push(rule(TEXT_W, 2000));
    out.push(Paragraph::new().line_spacing(tight().after(120)));
    out
}

fn body_paragraph() -> Paragraph {
    Paragraph::new()
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(docx_rs::SpecialIndentType::FirstLine(mm(12.7))),
            None,
            None,
        )
        .line_spacing(
            LineSpacing::new()
                .before(0)
                .after(120)
                .line(276)
                .line_rule(LineSpacingType::Auto),
        )
}

fn heading(level: u8, text: &str) -> Paragraph {
    let r = run(text, 14).bold();
    let r = if level >= 3 { r.italic() } else { r };
    body_paragraph()
        .add_run(r)
        .keep_next(true)
        .outline_lvl(level.saturating_sub(1) as usize)
}

/// The PNG's size in pixels, read from its header.
pub(crate) fn png_size(f: &Figure) -> Result<(u32, u32), DocumentError> {
    let err = |reason: String| DocumentError::Image {
        caption: f.caption.clone(),
        reason,
    };
    let reader =
        image::ImageReader::with_format(std::io::Cursor::new(&f.png), image::ImageFormat::Png);
    let (w, h) = reader.into_dimensions().map_err(|e| err(e.to_string()))?;
    if w == 0 || h == 0 {
        return Err(err("zero-sized image".into()));
    }
    Ok((w, h))
}

fn figure(f: &Figure) -> Result<Vec<Paragraph>, DocumentError> {
    let (w, h) = png_size(f)?;
    let mut ew = FIG_MAX_W;
    let mut eh = ew * h as u64 / w as u64;
    if eh > FIG_MAX_H {
        eh = FIG_MAX_H;
        ew = eh * w as u64 / h as u64;
    }
    let pic = Pic::new_with_dimensions(f.png.clone(), w, h).size(ew as u32, eh as u32);
    Ok(vec![
        Paragraph::new()
            .add_run(Run::new().add_image(pic))
            .align(AlignmentType::Center)
            .line_spacing(tight().before(120))
            .keep_next(true),
        centred(run(&f.caption, 13).italic()).line_spacing(tight().after(160)),
    ])
}

fn signature(doc: &Document) -> Table {
    let right = TEXT_W - SIGN_LEFT;
    let mut left = cell(SIGN_LEFT).add_paragraph(
        Paragraph::new()
            .add_run(run("Nơi nhận:", 12).bold().italic())
            .line_spacing(tight()),
    );
    for l in doc.recipient_lines() {
        left = left.add_paragraph(Paragraph::new().add_run(run(&l, 11)).line_spacing(tight()));
    }
    let s = &doc.signature;
    let mut sign = cell(right);
    if let Some(a) = &s.authority {
        sign = sign.add_paragraph(centred(run(&a.to_uppercase(), 14).bold()));
    }
    sign = sign.add_paragraph(centred(run(&s.title.to_uppercase(), 14).bold()));
    for _ in 0..4 {
        sign = sign.add_paragraph(centred(run("", 14)));
    }
    sign = sign.add_paragraph(centred(run(&s.signer, 14).bold()));
    Table::without_borders(vec![TableRow::new(vec![left, sign]).cant_split()])
        .set_grid(vec![SIGN_LEFT, right])
        .width(TEXT_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
}

impl Document {
    /// The document as a DOCX file. Fails if [`Document::validate`] does, or a figure is not a
    /// PNG.
    pub fn to_docx(&self) -> Result<Vec<u8>, DocumentError> {
        self.validate()?;
        let margin = PageMargin {
            top: mm(TOP_MM),
            bottom: mm(BOTTOM_MM),
            left: mm(LEFT_MM),
            right: mm(RIGHT_MM),
            header: mm(10.0),
            footer: mm(10.0),
            gutter: 0,
        };
        let page_no = Header::new().add_paragraph(
            Paragraph::new()
                .add_page_num(PageNum::new())
                .align(AlignmentType::Center)
                .size(28)
                .fonts(fonts()),
        );
        let mut d = Docx::new()
            .page_size(PAGE_W, PAGE_H)
            .page_margin(margin)
            .default_fonts(fonts())
            .default_size(28)
            .header(page_no)
            .first_header(Header::new())
            .title_pg()
            .add_table(header(self));
        for p in title(self) {
            d = d.add_paragraph(p);
        }
        for b in &self.body {
            match b {
                Block::Heading { level, text } => d = d.add_paragraph(heading(*level, text)),
                Block::Paragraph(text) => {
                    for p in paragraphs(text) {
                        d = d.add_paragraph(body_paragraph().add_run(run(&p, 14)));
                    }
                }
                Block::Labelled { label, text } => {
                    let mut first = true;
                    for p in paragraphs(text) {
                        let mut para = body_paragraph();
                        if first {
                            para = para.add_run(run(&format!("{}: ", label.trim()), 14).bold());
                            first = false;
                        }
                        d = d.add_paragraph(para.add_run(run(&p, 14)));
                    }
                }
                Block::Table(t) => {
                    for child in table(t) {
                        d = match child {
                            docx_rs::DocumentChild::Paragraph(p) => d.add_paragraph(*p),
                            docx_rs::DocumentChild::Table(t) => d.add_table(*t),
                            _ => d,
                        };
                    }
                }
                Block::Figure(f) => {
                    for p in figure(f)? {
                        d = d.add_paragraph(p);
                    }
                }
                Block::PageBreak => {
                    d = d.add_paragraph(
                        Paragraph::new().add_run(Run::new().add_break(BreakType::Page)),
                    )
                }
            }
        }
        d = d
            .add_paragraph(Paragraph::new().line_spacing(tight().after(120)))
            .add_table(signature(self));
        let mut out = std::io::Cursor::new(Vec::new());
        d.pack(&mut out)
            .map_err(|e| DocumentError::Docx(e.to_string()))?;
        super::deflate::deflate_zip(&out.into_inner()).map_err(DocumentError::Docx)
    }
}
