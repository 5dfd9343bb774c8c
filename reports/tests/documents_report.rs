//! The national report built from the sample input: the four required parts in order, the
//! tables and charts, totals that agree with the consolidated figures, and what a Tuyệt mật
//! document may not carry.

use reports::document::Block;
use reports::report::{build_report, report_tables, sample};
use reports::table::{Cell, Table};
use schema::Classification;

#[test]
fn national_report_has_the_four_parts_tables_and_charts() {
    let input = sample::national(2026);
    let d = build_report(&input).unwrap();
    d.validate().unwrap();
    assert_eq!(
        d.summary.as_deref(),
        Some("Kết quả công tác bảo vệ bí mật nhà nước năm 2026")
    );
    let headings: Vec<&str> = d
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Heading { level: 1, text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(headings.len(), 4);
    for (h, p) in headings.iter().zip(["I. ", "II. ", "III. ", "IV. "]) {
        assert!(h.starts_with(p), "{h}");
    }
    let figures = d
        .body
        .iter()
        .filter(|b| matches!(b, Block::Figure(_)))
        .count();
    assert_eq!(
        figures, 5,
        "violations by year, top risk, on-time rate, heatmap, incidents"
    );
    // Every province's narrative is compiled under part a.
    let labelled = d
        .body
        .iter()
        .filter(|b| matches!(b, Block::Labelled { .. }))
        .count();
    assert_eq!(labelled, 34 * 4);
    let tables: Vec<&Table> = d
        .body
        .iter()
        .filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
        .collect();
    assert!(tables.iter().all(|t| t.title.starts_with("Bảng ")));
    let status = tables[0];
    assert_eq!(status.rows.len(), 34);
    let sum: i64 = input
        .children
        .iter()
        .map(|c| c.units.unwrap().2 as i64)
        .sum();
    assert_eq!(status.totals.as_ref().unwrap()[5], Cell::Int(sum));
    assert_eq!(sum, input.consolidated.units_on_time as i64);
    // The opening paragraph cites the law and the data period.
    let Block::Paragraph(opening) = &d.body[0] else {
        panic!("opening paragraph first")
    };
    assert!(
        opening.contains("117/2025/QH15")
            && opening.contains("15/12/2025")
            && opening.contains("14/12/2026")
    );
}

#[test]
fn incident_table_never_prints_a_tuyet_mat_summary() {
    let input = sample::national(2026);
    let t = report_tables(&input).pop().unwrap();
    assert!(t.title.contains("lộ, mất"));
    let n: usize = input.children.iter().map(|c| c.incidents.len()).sum();
    assert_eq!(t.rows.len(), n);
    let mut secret = 0;
    for r in &t.rows {
        if r[3] == Cell::text("TUYỆT MẬT") {
            secret += 1;
            assert_eq!(r[5], Cell::text("(Tuyệt mật: không ghi trích yếu)"));
        }
    }
    assert!(secret > 0, "the sample has Tuyệt mật incidents");
}

#[test]
fn a_tuyet_mat_report_has_no_summary_line() {
    let mut input = sample::national(2026);
    input.classification = Classification::TuyetMat;
    let d = build_report(&input).unwrap();
    assert_eq!(d.summary, None);
    assert!(d.to_docx().is_ok());
}

#[test]
fn per_child_indicator_tables_fit_a4_and_total_to_the_consolidated_figures() {
    let input = sample::national(2026);
    let tables = report_tables(&input);
    let parts: Vec<&Table> = tables
        .iter()
        .filter(|t| t.title.contains("từng đơn vị"))
        .collect();
    assert_eq!(parts.len(), 3, "14 indicators in parts of 5");
    for t in &parts {
        assert!(t.width() <= 7, "{} columns on A4 portrait", t.width());
        let totals = t.totals.as_ref().unwrap();
        for c in 2..t.width() {
            let col: i64 = t
                .rows
                .iter()
                .map(|r| match r[c] {
                    Cell::Int(n) => n,
                    _ => 0,
                })
                .sum();
            assert_eq!(totals[c], Cell::Int(col), "{} column {c}", t.title);
        }
    }
}
