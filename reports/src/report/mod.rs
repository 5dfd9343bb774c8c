//! The annual report of a province to the Ministry of Public Security, or of the Ministry to
//! the Prime Minister, as a [`Document`]: an opening paragraph citing the legal basis and the
//! data period, then the four required parts of Decree 26/2020 art. 8 — (a) analysis of the
//! situation, (b) results, (c) leak/loss incidents, (d) forecast and proposals — each opening
//! with the scope's own text and compiling the children's narratives, with the tables of
//! [`tables`] and five charts (violations by year, incidents over time, on-time rate per child,
//! child × violation-kind heatmap, top units by risk) where there is data for them.

mod groups;
mod input;
pub mod sample;
mod tables;

use chrono::Datelike;
use schema::Classification;

pub use groups::{BODY_ROWS, NAMED};
pub use input::{ChildSummary, History, IndicatorLabel, Narratives, ReportInput, ReportLevel};
pub use tables::{annex_tables, report_tables};

use crate::charts::{self, Heatmap};
use crate::document::{Block, Document, DocumentError, Figure};
use crate::table::{Cell, Table};

/// Headings of the four required parts (Decree 26/2020 art. 8), by section code.
const PARTS: [(&str, &str); 4] = [
    ("a", "I. PHÂN TÍCH, ĐÁNH GIÁ TÌNH HÌNH"),
    (
        "b",
        "II. KẾT QUẢ THỰC HIỆN; ƯU ĐIỂM, HẠN CHẾ, KHÓ KHĂN, VƯỚNG MẮC, NGUYÊN NHÂN VÀ BÀI HỌC KINH NGHIỆM",
    ),
    (
        "c",
        "III. TÌNH HÌNH, SỐ LIỆU CÁC VỤ LỘ, MẤT BÍ MẬT NHÀ NƯỚC; NGUYÊN NHÂN, VIỆC XỬ LÝ, KHẮC PHỤC HẬU QUẢ",
    ),
    (
        "d",
        "IV. DỰ BÁO TÌNH HÌNH; PHƯƠNG HƯỚNG, NHIỆM VỤ TRỌNG TÂM; ĐỀ XUẤT, KIẾN NGHỊ",
    ),
];

/// Numbers tables and figures as they are added.
struct Body {
    blocks: Vec<Block>,
    tables: usize,
    figures: usize,
}

impl Body {
    fn heading(&mut self, level: u8, text: impl Into<String>) {
        self.blocks.push(Block::Heading {
            level,
            text: text.into(),
        });
    }

    fn text(&mut self, text: impl Into<String>) {
        self.blocks.push(Block::Paragraph(text.into()));
    }

    fn table(&mut self, mut t: Table) {
        self.tables += 1;
        t.title = format!("Bảng {}. {}", self.tables, t.title);
        self.blocks.push(Block::Table(t));
    }

    fn figure(&mut self, caption: &str, png: Result<Vec<u8>, String>) -> Result<(), DocumentError> {
        self.figures += 1;
        let png = png.map_err(DocumentError::Chart)?;
        self.blocks.push(Block::Figure(Figure {
            png,
            caption: format!("Biểu đồ {}. {caption}", self.figures),
        }));
        Ok(())
    }
}

fn dmy(d: chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

fn opening(input: &ReportInput) -> String {
    let basis = if input.legal_basis.is_empty() {
        "chế độ báo cáo công tác bảo vệ bí mật nhà nước".to_string()
    } else {
        input.legal_basis.join("; ")
    };
    format!(
        "Thực hiện {basis}, {} báo cáo kết quả công tác bảo vệ bí mật nhà nước năm {} \
         (số liệu tính từ ngày {} đến ngày {}) như sau:",
        input.issuer_in_text.trim(),
        input.period.1.year(),
        dmy(input.period.0),
        dmy(input.period.1)
    )
}

/// The scope's own text for a part, then each child's, labelled with its name.
fn narrative(body: &mut Body, input: &ReportInput, code: &str) {
    let own = input
        .consolidated
        .sections
        .iter()
        .find(|s| s.code.as_str() == code)
        .map(|s| s.text.as_str())
        .unwrap_or("");
    if !own.trim().is_empty() {
        body.text(own);
    }
    if input.narratives == Narratives::InBody {
        children_text(body, input, code);
    }
}

/// The children's own text for a part, each labelled with its name.
fn children_text(body: &mut Body, input: &ReportInput, code: &str) {
    let from_children: Vec<_> = input
        .children
        .iter()
        .filter_map(|c| c.section(code).map(|t| (c.name.clone(), t.to_string())))
        .collect();
    if !from_children.is_empty() {
        body.text(format!(
            "Tổng hợp từ báo cáo của các {}:",
            input.level.children_vi()
        ));
        for (label, text) in from_children {
            body.blocks.push(Block::Labelled { label, text });
        }
    }
}

fn reporting(body: &mut Body, input: &ReportInput) -> Result<(), DocumentError> {
    let c = &input.consolidated;
    let rate = if c.units_expected > 0 {
        Cell::Percent(c.units_on_time as f64 / c.units_expected as f64).display_vi()
    } else {
        "—".into()
    };
    body.heading(2, "1. Việc thực hiện chế độ báo cáo");
    body.text(format!(
        "Có {}/{} {} đã gửi báo cáo, trong đó {} báo cáo đúng hạn (tỷ lệ đúng hạn {rate}); {} \
         chưa gửi báo cáo.",
        c.units_reported,
        c.units_expected,
        input.level.children_vi(),
        c.units_on_time,
        c.missing.len()
    ));
    let rates: Vec<(String, f64)> = if groups::grouped(input) {
        body.table(groups::status_by_group(input));
        if let Some(t) = groups::missing_text(input) {
            body.text(t);
        }
        groups::rates_by_group(input)
    } else {
        body.table(tables::status_table(input));
        input
            .children
            .iter()
            .filter_map(|ch| ch.on_time_rate().map(|r| (ch.name.clone(), r)))
            .collect()
    };
    if !rates.is_empty() {
        let h = (200 + 46 * rates.len().min(charts::MAX_BARS) as u32).max(charts::PRINT.1);
        body.figure(
            "Tỷ lệ đơn vị nộp báo cáo đúng hạn",
            charts::on_time_rate_png("Tỷ lệ nộp báo cáo đúng hạn", &rates, charts::PRINT.0, h),
        )?;
    }
    Ok(())
}

fn results(body: &mut Body, input: &ReportInput) -> Result<(), DocumentError> {
    reporting(body, input)?;
    body.heading(2, "2. Kết quả thực hiện theo các chỉ tiêu");
    if groups::grouped(input) {
        body.table(groups::indicators_by_group(input));
    } else {
        body.table(tables::indicator_totals(input));
        for t in tables::indicators_by_child(input) {
            body.table(t);
        }
    }
    body.heading(2, "3. Vi phạm phát hiện qua thanh tra, kiểm tra");
    let totals = tables::violation_totals(input);
    if totals.is_empty() {
        body.text("Trong kỳ báo cáo, chưa ghi nhận vi phạm qua thanh tra, kiểm tra.");
        return Ok(());
    }
    body.table(tables::violations_table(input));
    let kinds: Vec<_> = totals.keys().copied().collect();
    let rows: Vec<(String, std::collections::BTreeMap<_, u64>)> = if groups::grouped(input) {
        groups::violations_by_group(input)
    } else {
        input
            .children
            .iter()
            .filter(|c| c.violations.values().any(|n| *n > 0))
            .map(|c| (c.name.clone(), c.violations.clone()))
            .collect()
    };
    if !rows.is_empty() {
        let map = Heatmap {
            rows: rows.iter().map(|(n, _)| n.clone()).collect(),
            columns: kinds.iter().map(|k| k.label_vi().to_string()).collect(),
            values: rows
                .iter()
                .map(|(_, v)| kinds.iter().map(|k| *v.get(k).unwrap_or(&0)).collect())
                .collect(),
        };
        let h = charts::heatmap_height(charts::PRINT.0, map.rows.len(), map.columns.len())
            .max(charts::PRINT.1);
        body.figure(
            "Vi phạm theo đơn vị và loại vi phạm",
            charts::heatmap_png(
                "Vi phạm theo đơn vị và loại vi phạm",
                &map,
                charts::PRINT.0,
                h,
            ),
        )?;
    }
    Ok(())
}

fn incidents(body: &mut Body, input: &ReportInput) -> Result<(), DocumentError> {
    let mut t = tables::incidents_table(input);
    let known = tables::total(
        input,
        &schema::IndicatorCode::parse("so_vu_lo_mat").expect("code"),
    );
    let n = (t.rows.len() as i64).max(known);
    if n == 0 {
        body.text("Trong kỳ báo cáo, không phát hiện vụ lộ, mất bí mật nhà nước.");
    } else if t.rows.len() > NAMED {
        body.text(format!(
            "Trong kỳ báo cáo, phát hiện {n} vụ lộ, mất bí mật nhà nước; bảng dưới liệt kê {NAMED} \
             vụ gần nhất, danh sách đầy đủ tại Phụ lục số liệu chi tiết."
        ));
        let keep = t.rows.len() - NAMED;
        t.rows.drain(..keep);
        body.table(t);
    } else if t.rows.is_empty() {
        body.text(format!(
            "Trong kỳ báo cáo, phát hiện {n} vụ lộ, mất bí mật nhà nước."
        ));
    } else {
        body.text(format!(
            "Trong kỳ báo cáo, phát hiện {n} vụ lộ, mất bí mật nhà nước (chi tiết tại bảng dưới)."
        ));
        body.table(t);
    }
    let series = &input.history.incidents;
    if !series.labels.is_empty() && !series.lines.is_empty() {
        let (w, h) = charts::PRINT;
        body.figure(
            "Số vụ lộ, mất bí mật nhà nước qua các năm",
            charts::incidents_over_time_png("Số vụ lộ, mất bí mật nhà nước", series, w, h),
        )?;
    }
    Ok(())
}

fn analysis_charts(body: &mut Body, input: &ReportInput) -> Result<(), DocumentError> {
    let (w, h) = charts::PRINT;
    if input
        .history
        .violations_by_year
        .values()
        .any(|m| !m.is_empty())
    {
        body.figure(
            "Vi phạm phát hiện qua các năm, theo loại",
            charts::violations_by_year_png(
                "Vi phạm phát hiện qua các năm",
                &input.history.violations_by_year,
                w,
                h,
            ),
        )?;
    }
    let risks: Vec<(String, f64)> = input
        .children
        .iter()
        .filter_map(|c| c.risk.map(|r| (c.name.clone(), r)))
        .collect();
    if !risks.is_empty() && input.top_risk > 0 {
        let n = input.top_risk.min(risks.len());
        let h = (200 + 60 * n as u32).max(h);
        body.figure(
            &format!("{n} {} có điểm rủi ro cao nhất", input.level.children_vi()),
            charts::top_risk_png("Đơn vị có điểm rủi ro cao nhất", &risks, n, w, h),
        )?;
    }
    Ok(())
}

/// Builds the report document. Fails only if a chart cannot be drawn; check the result with
/// [`Document::validate`] (done again when rendering).
pub fn build_report(input: &ReportInput) -> Result<Document, DocumentError> {
    let mut body = Body {
        blocks: Vec::new(),
        tables: 0,
        figures: 0,
    };
    body.text(opening(input));
    for (code, title) in PARTS {
        body.heading(1, title);
        match code {
            "a" => {
                narrative(&mut body, input, code);
                analysis_charts(&mut body, input)?;
            }
            "b" => {
                narrative(&mut body, input, code);
                results(&mut body, input)?;
            }
            "c" => {
                incidents(&mut body, input)?;
                narrative(&mut body, input, code);
            }
            _ => narrative(&mut body, input, code),
        }
    }
    if groups::grouped(input) {
        body.text(format!(
            "Số liệu chi tiết của từng đơn vị ({} {}) tại Phụ lục số liệu chi tiết (tệp XLSX \
             gửi kèm).",
            input.children.len(),
            input.level.children_vi()
        ));
    }
    if input.narratives == Narratives::Annex {
        body.heading(
            1,
            format!(
                "PHỤ LỤC: TRÍCH BÁO CÁO CỦA CÁC {}",
                input.level.children_vi().to_uppercase()
            ),
        );
        for (code, title) in PARTS {
            body.heading(2, title);
            children_text(&mut body, input, code);
        }
    }
    let year = input.period.1.year();
    Ok(Document {
        issuer: input.issuer.clone(),
        number: input.number,
        symbol: input.symbol.clone(),
        place: input.place.clone(),
        date: input.date,
        kind: "BÁO CÁO".into(),
        summary: (input.classification != Classification::TuyetMat)
            .then(|| format!("Kết quả công tác bảo vệ bí mật nhà nước năm {year}")),
        classification: input.classification,
        body: body.blocks,
        signature: input.signature.clone(),
        recipients: input.recipients.clone(),
    })
}
