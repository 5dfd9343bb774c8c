//! Reporting-rate tables on a two-province fixture: drill-down rows sum to the area totals at
//! every level, rows sort in Vietnamese order, CSV export with a BOM and Vietnamese headers.

use reports::rates::{
    Breakdown, RateQuery, RateRow, RatesError, StatusMatrix, StatusRow, TableRow, UnitTree,
};
use schema::ReportKind;

mod rates_support;
use rates_support::*;
use unicode_normalization::is_nfc;

fn province_fixture() -> UnitTree {
    let mut units = vec![
        old("VN", "Toàn quốc"),
        old("75", "Tỉnh Đồng Nai"),
        old("79", "Thành phố Hồ Chí Minh"),
        old("75/so-noi-vu", "Sở Nội vụ"),
        old("TW/bo-ngoai-giao", "Bộ Ngoại giao"),
    ];
    for (c, name) in [
        ("75.26001", "Xã Ân Phú"),
        ("75.26002", "Xã An Bình"),
        ("75.26003", "Phường Bến Nghé"),
        ("79.26734", "Phường Sài Gòn"),
        ("79.26735", "Phường Bàn Cờ"),
    ] {
        units.push(old(c, name));
        units.push(old(&format!("{c}/cong-an"), &format!("Công an {name}")));
    }
    UnitTree::new(units, &[]).unwrap()
}

fn province_matrix(tree: &UnitTree) -> StatusMatrix<'_> {
    let receipts = [
        receipt("75.26001", ANNUAL, Y2026, "2026-12-01T09:00:00+07:00"),
        receipt("75.26001", ANNUAL, Y2026, "2026-12-02T09:00:00+07:00"),
        receipt(
            "75.26002/cong-an",
            ANNUAL,
            Y2026,
            "2026-12-14T09:00:00+07:00",
        ),
        receipt("75/so-noi-vu", ANNUAL, Y2026, "2026-12-10T09:00:00+07:00"),
        receipt("79.26734", ANNUAL, Y2026, "2026-11-30T09:00:00+07:00"),
        receipt(
            "TW/bo-ngoai-giao",
            ANNUAL,
            Y2026,
            "2026-12-19T09:00:00+07:00",
        ),
    ];
    StatusMatrix::compute(tree, &annual_dues(), &receipts, rules(), at(AFTER)).unwrap()
}

#[test]
fn drill_down_rows_sum_to_the_area_totals() {
    let tree = province_fixture();
    let m = province_matrix(&tree);
    let nation = m.summary(&query("VN", Breakdown::Children)).unwrap();
    assert_eq!(counts(&nation.total), (12, 5, 4));
    assert_eq!(nation.rows_sum(), nation.total);
    for area in ["VN", "75", "79", "TW", "75.26001"] {
        for b in [
            Breakdown::Children,
            Breakdown::Units,
            Breakdown::Tier(schema::Tier::Commune),
            Breakdown::Tier(schema::Tier::Province),
        ] {
            let t = m.summary(&query(area, b)).unwrap();
            assert_eq!(t.rows_sum(), t.total, "{area} {b:?}");
            // Each child row equals that child's own total.
            if b == Breakdown::Children {
                for r in t.rows.iter().filter(|r| r.unit != t.total.unit) {
                    let own = m.summary(&query(r.unit.as_str(), b)).unwrap().total;
                    assert_eq!(counts(r), counts(&own), "{}", r.unit);
                }
            }
        }
    }
    let dn = m.summary(&query("75", Breakdown::Children)).unwrap();
    assert_eq!(counts(&dn.total), (7, 3, 2));
    assert_eq!(dn.total.received_rate(), Some(42.8));
    // Children of Đồng Nai, in Vietnamese order: An < Ân < Bến, then Sở.
    let names: Vec<&str> = dn.rows.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        names,
        ["Phường Bến Nghé", "Sở Nội vụ", "Xã An Bình", "Xã Ân Phú"]
    );
    let by_tier = m
        .summary(&query("75", Breakdown::Tier(schema::Tier::Commune)))
        .unwrap();
    assert_eq!(
        by_tier.rows.last().unwrap().name,
        "Đơn vị khác thuộc Tỉnh Đồng Nai"
    );
    assert!(matches!(
        m.summary(&query("80", Breakdown::Units)),
        Err(RatesError::UnknownArea(_))
    ));
}

#[test]
fn rates_export_as_csv_with_a_bom_and_vietnamese_headers() {
    let tree = province_fixture();
    let m = province_matrix(&tree);
    let t = m.summary(&query("75", Breakdown::Children)).unwrap();
    let bytes = t.to_csv().unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let text = String::from_utf8(bytes).unwrap();
    assert!(is_nfc(&text));
    let mut lines = text.trim_start_matches('\u{feff}').lines();
    assert_eq!(
        lines.next().unwrap(),
        "Mã đơn vị,Đơn vị,Phải nộp,Đã nộp,Đúng hạn,Trễ hạn,Chưa nộp,Chưa đến hạn,Miễn,\
         Tỉ lệ nộp (%),Tỉ lệ đúng hạn (%)"
    );
    assert_eq!(
        lines.last().unwrap(),
        "75,Tổng cộng: Tỉnh Đồng Nai,7,3,2,1,4,0,0,42.8,28.5"
    );
    assert_eq!(
        t.rows_with_total()[0].cells().len(),
        RateRow::headers().len()
    );
    let rows = m.status_rows(&query("75", Breakdown::Units)).unwrap();
    assert_eq!(rows.len(), 7);
    let csv = String::from_utf8(reports::rates::to_csv(&rows).unwrap()).unwrap();
    assert!(csv.contains("Hạn nộp,Thời điểm tiếp nhận,Tình trạng"));
    assert!(csv.contains("10/12/2026,14/12/2026 09:00:00,Trễ hạn 2 ngày làm việc"));
    assert_eq!(StatusRow::headers().len(), rows[0].cells().len());
    // Nothing expected: the rate cells are empty, not 0 or NaN.
    let none = RateQuery {
        kind: Some(ReportKind::ImplementationPlan),
        ..query("VN", Breakdown::Units)
    };
    let empty = m.summary(&none).unwrap();
    assert!(empty.rows.is_empty());
    assert_eq!(empty.total.cells()[9..], [String::new(), String::new()]);
}
