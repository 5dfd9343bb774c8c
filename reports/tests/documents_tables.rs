//! Tables as data exports: CSV that Excel opens as UTF-8 and any CSV reader reads back
//! exactly, XLSX with one sheet per table under a name Excel accepts.

use std::collections::BTreeSet;
use std::io::Read as _;

use proptest::prelude::*;
use reports::table::{sheet_name, to_xlsx, Cell, Table};

fn sample() -> Table {
    let mut t = Table::new(
        "Bảng 1. Tình hình nộp báo cáo",
        &["STT", "Đơn vị", "Tỷ lệ", "Ghi chú"],
    );
    t.rows.push(vec![
        Cell::Int(1),
        Cell::text("Sở Nội vụ, tỉnh Đồng Nai"),
        Cell::Percent(0.875),
        Cell::text("Nộp \"trễ\"\n2 ngày"),
    ]);
    t.rows.push(vec![Cell::Int(2), Cell::text("Sở Y tế")]);
    t.totals = Some(vec![
        Cell::Empty,
        Cell::text("Tổng cộng"),
        Cell::Decimal(1234.5, 1),
    ]);
    t
}

fn read_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 BOM first");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[3..])
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn csv_has_a_bom_machine_numbers_and_padded_rows() {
    let rows = read_csv(&sample().to_csv().unwrap());
    assert_eq!(rows[0], ["STT", "Đơn vị", "Tỷ lệ", "Ghi chú"]);
    assert_eq!(
        rows[1],
        [
            "1",
            "Sở Nội vụ, tỉnh Đồng Nai",
            "87.5",
            "Nộp \"trễ\"\n2 ngày"
        ]
    );
    assert_eq!(rows[2], ["2", "Sở Y tế", "", ""]);
    assert_eq!(rows[3], ["", "Tổng cộng", "1234.5", ""]);
}

#[test]
fn documents_show_numbers_the_vietnamese_way() {
    assert_eq!(Cell::Int(1234567).display_vi(), "1.234.567");
    assert_eq!(Cell::Int(-1234).display_vi(), "-1.234");
    assert_eq!(Cell::Int(999).display_vi(), "999");
    assert_eq!(Cell::Decimal(1234.5, 1).display_vi(), "1.234,5");
    assert_eq!(Cell::Percent(0.875).display_vi(), "87,5%");
    assert_eq!(Cell::Decimal(-0.04, 1).display_vi(), "0,0");
}

#[test]
fn sheet_names_follow_excels_rules() {
    let mut taken = BTreeSet::new();
    let a = sheet_name(
        "Bảng 3. Số liệu theo chỉ tiêu của từng đơn vị (phần 1/3)",
        0,
        &mut taken,
    );
    let b = sheet_name(
        "Bảng 3. Số liệu theo chỉ tiêu của từng đơn vị (phần 2/3)",
        1,
        &mut taken,
    );
    assert!(
        a.chars().count() <= 31 && b.chars().count() <= 31,
        "{a} / {b}"
    );
    assert_ne!(a.to_lowercase(), b.to_lowercase());
    assert_eq!(sheet_name("[]:*?/\\", 4, &mut taken), "Bảng 5");
    assert_eq!(sheet_name("'History'", 6, &mut taken), "Bảng 7");
    assert_eq!(sheet_name("'Quý 1'", 7, &mut taken), "Quý 1");
}

proptest! {
    #[test]
    fn sheet_names_are_always_legal_and_unique(titles in prop::collection::vec("[ -~ạ-ỹĐđ\\[\\]:*?/\\\\']{0,60}", 1..12)) {
        let mut taken = BTreeSet::new();
        let mut seen = BTreeSet::new();
        for (i, t) in titles.iter().enumerate() {
            let n = sheet_name(t, i, &mut taken);
            prop_assert!(!n.is_empty() && n.chars().count() <= 31, "{:?}", n);
            prop_assert!(!n.contains(['[', ']', ':', '*', '?', '/', '\\']), "{:?}", n);
            prop_assert!(!n.starts_with('\'') && !n.ends_with('\''), "{:?}", n);
            prop_assert!(seen.insert(n.to_lowercase()), "duplicate {:?}", n);
        }
    }

    /// Any Vietnamese text with separators, quotes and line breaks reads back exactly.
    #[test]
    fn csv_round_trips_vietnamese_text(
        cells in prop::collection::vec(
            prop::collection::vec("[a-zA-Z0-9àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵĐƯƠ ,;\"'\\r\\n\\t]{0,30}", 3),
            0..8,
        )
    ) {
        let mut t = Table::new("Bảng", &["Cột A", "Cột, B", "Cột \"C\""]);
        t.rows = cells.iter().map(|r| r.iter().map(|s| Cell::Text(s.clone())).collect()).collect();
        let back = read_csv(&t.to_csv().unwrap());
        prop_assert_eq!(&back[0], &vec!["Cột A".to_string(), "Cột, B".into(), "Cột \"C\"".into()]);
        prop_assert_eq!(back.len(), cells.len() + 1);
        for (got, want) in back[1..].iter().zip(&cells) {
            prop_assert_eq!(got, want);
        }
    }
}

#[test]
fn xlsx_has_one_sheet_per_table_with_legal_names() {
    let mut second = sample();
    second.title = "Bảng 1. Tình hình nộp báo cáo".into();
    let bytes = to_xlsx(&[sample(), second, Table::new("a/b:c", &["x"])]).unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut wb = String::new();
    zip.by_name("xl/workbook.xml")
        .unwrap()
        .read_to_string(&mut wb)
        .unwrap();
    let names: Vec<&str> = wb
        .split("<sheet name=\"")
        .skip(1)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(names.len(), 3, "{wb}");
    assert_ne!(names[0], names[1]);
    assert_eq!(names[2], "a b c");
    assert!(names.iter().all(|n| n.chars().count() <= 31));
    let mut shared = String::new();
    zip.by_name("xl/sharedStrings.xml")
        .unwrap()
        .read_to_string(&mut shared)
        .unwrap();
    assert!(shared.contains("Sở Nội vụ, tỉnh Đồng Nai") && shared.contains("Tổng cộng"));
}

/// Found by the property above: an apostrophe behind a replaced character.
#[test]
fn apostrophes_behind_replaced_characters_are_trimmed_too() {
    let mut taken = BTreeSet::new();
    let n = sheet_name("'*'!", 0, &mut taken);
    assert!(!n.starts_with('\'') && !n.ends_with('\''), "{n:?}");
    assert_eq!(n, "!");
}
