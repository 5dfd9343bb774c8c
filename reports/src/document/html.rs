//! HTML rendering: one self-contained page (styles inline, figures as `data:` URIs, no
//! scripts, nothing fetched) laid out like the DOCX and printable on A4 with the Decree 30
//! margins. Every piece of text is escaped.

use base64::Engine as _;

use super::docx::png_size;
use super::{nfc, paragraphs, Block, Document, DocumentError, MOTTO, NATIONAL_NAME};
use crate::table::{Cell, Table};

/// Escapes text for HTML element content and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in nfc(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { font-family: "Times New Roman", "Liberation Serif", serif; font-size: 14pt;
  line-height: 1.3; color: #000; background: #fff; max-width: 165mm; margin: 0 auto; }
table.head, table.sign { width: 100%; border-collapse: collapse; }
table.head td, table.sign td { vertical-align: top; text-align: center; padding: 0; }
.head .body-name, .head .nation, .head .motto, .type, .summary, .sign .who { font-weight: bold; }
.head .parent, .head .body-name, .head .nation, .head .number { font-size: 13pt; }
.rule { border-top: 1px solid #000; margin: 2pt auto 0; height: 0; }
.head .date { font-style: italic; padding-top: 6pt; }
.head .number { padding-top: 6pt; }
.stamp { display: inline-block; border: 1.5pt solid #000; padding: 1pt 8pt; margin-top: 8pt;
  font-weight: bold; }
.type { text-align: center; margin: 18pt 0 0; }
.summary { text-align: center; margin: 0; }
p.body { text-align: justify; text-indent: 12.7mm; margin: 0 0 6pt; }
h2, h3, h4 { font-size: 14pt; margin: 6pt 0; text-indent: 12.7mm; }
h4 { font-style: italic; }
figure { margin: 8pt 0; text-align: center; page-break-inside: avoid; }
figure img { max-width: 160mm; height: auto; }
figcaption { font-style: italic; font-size: 13pt; }
table.data { width: 100%; border-collapse: collapse; font-size: 12pt; margin-bottom: 8pt; }
table.data caption { font-weight: bold; font-size: 13pt; padding: 4pt 0; }
table.data th, table.data td { border: 1px solid #000; padding: 2pt 4pt; }
table.data th { background: #e7e6e6; }
table.data td.num { text-align: right; }
table.data tr.totals td { font-weight: bold; }
table.sign td.to { text-align: left; font-size: 11pt; width: 47%; }
table.sign td.to b { font-size: 12pt; font-style: italic; }
.sign .signer { margin-top: 64pt; font-weight: bold; }
.page-break { page-break-after: always; }
"#;

fn table(t: &Table) -> String {
    let mut h = format!(
        "<table class=\"data\"><caption>{}</caption><thead><tr>",
        escape(&t.title)
    );
    for c in 0..t.width() {
        h.push_str(&format!(
            "<th>{}</th>",
            escape(t.headers.get(c).map_or("", String::as_str))
        ));
    }
    h.push_str("</tr></thead><tbody>");
    let rows = t.body_rows();
    let n = rows.len();
    for (i, r) in rows.iter().enumerate() {
        let totals = t.totals.is_some() && i + 1 == n;
        h.push_str(if totals {
            "<tr class=\"totals\">"
        } else {
            "<tr>"
        });
        for c in r {
            let class = if c.is_number() { " class=\"num\"" } else { "" };
            let text = match c {
                Cell::Empty => String::new(),
                c => escape(&c.display_vi()),
            };
            h.push_str(&format!("<td{class}>{text}</td>"));
        }
        h.push_str("</tr>");
    }
    h.push_str("</tbody></table>\n");
    h
}

impl Document {
    /// The document as one self-contained, printable HTML page.
    pub fn to_html(&self) -> Result<String, DocumentError> {
        self.validate()?;
        let mut h =
            String::from("<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">");
        let title = self.summary.as_deref().unwrap_or(&self.kind);
        h.push_str(&format!(
            "<title>{} {}</title><style>{STYLE}</style></head><body>\n",
            escape(&self.kind),
            escape(title)
        ));
        h.push_str("<table class=\"head\"><tr><td style=\"width:42%\">");
        if let Some(p) = &self.issuer.parent {
            h.push_str(&format!(
                "<div class=\"parent\">{}</div>",
                escape(&p.to_uppercase())
            ));
        }
        h.push_str(&format!(
            "<div class=\"body-name\">{}</div><div class=\"rule\" style=\"width:35%\"></div></td>",
            escape(&self.issuer.name.to_uppercase())
        ));
        h.push_str(&format!(
            "<td><div class=\"nation\">{}</div><div class=\"motto\">{}</div>\
             <div class=\"rule\" style=\"width:66%\"></div></td></tr>",
            escape(NATIONAL_NAME),
            escape(MOTTO)
        ));
        h.push_str(&format!(
            "<tr><td><div class=\"number\">{}</div>",
            escape(&self.number_line())
        ));
        let stamp = self.classification.label_vi();
        if !stamp.is_empty() {
            h.push_str(&format!("<div class=\"stamp\">{}</div>", escape(stamp)));
        }
        h.push_str(&format!(
            "</td><td><div class=\"date\">{}</div></td></tr></table>\n",
            escape(&self.date_line())
        ));
        h.push_str(&format!(
            "<p class=\"type\">{}</p>",
            escape(&self.kind.to_uppercase())
        ));
        if let Some(s) = &self.summary {
            h.push_str(&format!("<p class=\"summary\">{}</p>", escape(s)));
        }
        h.push_str("<div class=\"rule\" style=\"width:25%;margin-bottom:12pt\"></div>\n");
        for b in &self.body {
            match b {
                Block::Heading { level, text } => {
                    let l = (*level).clamp(1, 3) + 1;
                    h.push_str(&format!("<h{l}>{}</h{l}>\n", escape(text)));
                }
                Block::Paragraph(text) => {
                    for p in paragraphs(text) {
                        h.push_str(&format!("<p class=\"body\">{}</p>\n", escape(&p)));
                    }
                }
                Block::Labelled { label, text } => {
                    for (i, p) in paragraphs(text).enumerate() {
                        let lead = if i == 0 {
                            format!("<b>{}:</b> ", escape(label.trim()))
                        } else {
                            String::new()
                        };
                        h.push_str(&format!("<p class=\"body\">{lead}{}</p>\n", escape(&p)));
                    }
                }
                Block::Table(t) => h.push_str(&table(t)),
                Block::Figure(f) => {
                    let (w, hgt) = png_size(f)?;
                    let data = base64::engine::general_purpose::STANDARD.encode(&f.png);
                    h.push_str(&format!(
                        "<figure><img src=\"data:image/png;base64,{data}\" width=\"{w}\" \
                         height=\"{hgt}\" alt=\"{c}\"><figcaption>{c}</figcaption></figure>\n",
                        c = escape(&f.caption)
                    ));
                }
                Block::PageBreak => h.push_str("<div class=\"page-break\"></div>\n"),
            }
        }
        h.push_str("<table class=\"sign\"><tr><td class=\"to\"><b>Nơi nhận:</b><br>");
        let lines: Vec<String> = self.recipient_lines().iter().map(|l| escape(l)).collect();
        h.push_str(&lines.join("<br>"));
        h.push_str("</td><td>");
        let s = &self.signature;
        if let Some(a) = &s.authority {
            h.push_str(&format!(
                "<div class=\"who\">{}</div>",
                escape(&a.to_uppercase())
            ));
        }
        h.push_str(&format!(
            "<div class=\"who\">{}</div><div class=\"signer\">{}</div></td></tr></table>\n",
            escape(&s.title.to_uppercase()),
            escape(&s.signer)
        ));
        h.push_str("</body></html>\n");
        Ok(h)
    }
}
