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

/// A province's report over its units: annual reports, one unit missing, no per-child unit
/// counts (so no on-time chart), labelled indicators and an unlabelled one.
#[test]
fn provincial_report_from_annual_reports_marks_the_missing_unit() {
    use std::collections::BTreeMap;

    use reports::report::{ChildSummary, ReportLevel};
    use reports::timeliness::Status;
    use schema::{
        AnnualReport, BoundedVec, IndicatorCode, IndicatorEntry, IndicatorValue, Line, Section,
        Text, UnitId,
    };

    let code = |c: &str| IndicatorCode::parse(c).unwrap();
    let annual = |training: i64, text: &str| AnnualReport {
        sections: BoundedVec::parse(vec![Section {
            code: code("b"),
            text: Text::parse(text).unwrap(),
        }])
        .unwrap(),
        indicators: BoundedVec::parse(vec![
            IndicatorEntry {
                code: code("so_buoi_tap_huan"),
                value: IndicatorValue::parse(training).unwrap(),
            },
            IndicatorEntry {
                code: code("chi_tieu_rieng"),
                value: IndicatorValue::parse(1).unwrap(),
            },
        ])
        .unwrap(),
        incidents: BoundedVec::empty(),
        drafter: Line::parse("Nguyễn Văn An").unwrap(),
    };
    let unit = |s: &str| UnitId::parse(s).unwrap();
    let mut input = sample::national(2026);
    input.level = ReportLevel::Provincial;
    input.consolidated.scope = unit("75");
    input.consolidated.indicators = BoundedVec::empty();
    input.consolidated.violations = BoundedVec::empty();
    input.history = Default::default();
    input.children = vec![
        ChildSummary::from_annual(
            unit("75/so-noi-vu"),
            "Sở Nội vụ",
            Status::OnTime,
            &annual(3, "Đã tập huấn 3 buổi."),
        )
        .violations(BTreeMap::from([(
            schema::ViolationKind::NetworkedMachine,
            2,
        )])),
        ChildSummary::from_annual(
            unit("75/so-y-te"),
            "Sở Y tế",
            Status::Late { working_days: 2 },
            &annual(4, ""),
        ),
        ChildSummary::missing(unit("75/so-tai-chinh"), "Sở Tài chính"),
    ];
    let d = build_report(&input).unwrap();
    let tables: Vec<&Table> = d
        .body
        .iter()
        .filter_map(|b| {
            if let Block::Table(t) = b {
                Some(t)
            } else {
                None
            }
        })
        .collect();
    let status = tables[0];
    assert_eq!(status.width(), 3, "no unit counts for units");
    assert_eq!(status.rows[1][2], Cell::text("Trễ 2 ngày làm việc"));
    assert_eq!(status.rows[2][2], Cell::text("Chưa nộp"));
    // Totals fall back to the children's sum; the unlabelled indicator is listed by code.
    let totals = tables[1];
    let training = totals
        .rows
        .iter()
        .find(|r| {
            r[1] == Cell::text("Số buổi tập huấn, tuyên truyền, phổ biến về bảo vệ bí mật nhà nước")
        })
        .unwrap();
    assert_eq!(training[3], Cell::Int(7));
    assert!(totals
        .rows
        .iter()
        .any(|r| r[1] == Cell::text("chi_tieu_rieng")));
    // Only the unit that wrote part b is compiled under it, and the missing one has blanks.
    let labelled: Vec<&str> = d
        .body
        .iter()
        .filter_map(|b| {
            if let Block::Labelled { label, .. } = b {
                Some(label.as_str())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(labelled, ["Sở Nội vụ"]);
    let first_part = tables
        .iter()
        .find(|t| t.title.contains("từng đơn vị"))
        .unwrap();
    assert!(first_part.rows[2][2..].iter().all(|c| *c == Cell::Empty));
    // Violations come from the children when the consolidated report has none: one chart
    // (the heatmap); no on-time, risk or history charts without their data.
    let figures: Vec<&str> = d
        .body
        .iter()
        .filter_map(|b| {
            if let Block::Figure(f) = b {
                Some(f.caption.as_str())
            } else {
                None
            }
        })
        .collect();
    assert_eq!(figures, ["Biểu đồ 1. Vi phạm theo đơn vị và loại vi phạm"]);
    assert!(d.to_docx().is_ok() && d.to_html().is_ok());
}

/// The committee's choice: the children's own text in an annex after the four parts, or not
/// at all; never under the parts then.
#[test]
fn childrens_narratives_go_in_an_annex_only_when_chosen() {
    use reports::report::Narratives;
    let labelled = |d: &reports::document::Document| -> Vec<usize> {
        d.body
            .iter()
            .enumerate()
            .filter(|(_, b)| matches!(b, Block::Labelled { .. }))
            .map(|(i, _)| i)
            .collect()
    };
    let mut input = sample::national(2026);
    let in_body = build_report(&input).unwrap();
    assert!(!labelled(&in_body).is_empty(), "the compiled report of old");

    input.narratives = Narratives::Omitted;
    let omitted = build_report(&input).unwrap();
    assert!(labelled(&omitted).is_empty());

    input.narratives = Narratives::Annex;
    let annexed = build_report(&input).unwrap();
    let annex = annexed
        .body
        .iter()
        .position(|b| matches!(b, Block::Heading { level: 1, text } if text.starts_with("PHỤ LỤC")))
        .expect("an annex heading");
    let at = labelled(&annexed);
    assert_eq!(at.len(), labelled(&in_body).len(), "the same texts");
    assert!(at.iter().all(|i| *i > annex), "all of them in the annex");
}
