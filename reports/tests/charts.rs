//! Charts render with the embedded font: the PNG decodes at the size asked for and is not
//! blank; the SVG carries the Vietnamese legend in NFC.

use std::collections::BTreeMap;

use reports::charts::{violations_by_year_png, violations_by_year_svg, ViolationSeries};
use schema::ViolationKind;

fn series() -> ViolationSeries {
    let mut s = BTreeMap::new();
    for (year, a, b) in [(2023, 12, 3), (2024, 9, 5), (2025, 7, 2), (2026, 4, 6)] {
        s.insert(
            year,
            BTreeMap::from([
                (ViolationKind::NetworkedMachine, a),
                (ViolationKind::UnlawfulTransmission, b),
            ]),
        );
    }
    s
}

#[test]
fn png_decodes_at_the_requested_size_and_has_drawing() {
    let png =
        violations_by_year_png("Vi phạm theo năm — tỉnh Đồng Nai", &series(), 1200, 700).unwrap();
    let img = image::load_from_memory(&png).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), (1200, 700));
    let coloured = img.pixels().filter(|p| p.0 != [255, 255, 255]).count();
    assert!(
        coloured > 20_000,
        "only {coloured} non-white pixels: nothing drawn?"
    );
    // The first kind's colour (dark red) fills its bars.
    assert!(img.pixels().any(|p| p.0 == [122, 16, 16]));
}

#[test]
fn svg_has_the_vietnamese_legend_in_nfc() {
    let svg = violations_by_year_svg("Vi phạm theo năm", &series(), 900, 500).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80]);
    assert!(
        svg.contains(ViolationKind::NetworkedMachine.label_vi()),
        "legend missing"
    );
    assert!(svg.contains("Số vụ vi phạm"));
}

/// `BMNN_CHART_OUT=/tmp/x.png cargo test -p reports --test charts write_sample` writes a sample
/// to look at.
#[test]
fn write_sample() {
    if let Some(path) = std::env::var_os("BMNN_CHART_OUT") {
        std::fs::write(
            path,
            violations_by_year_png("Vi phạm theo năm — tỉnh Đồng Nai", &series(), 1200, 700)
                .unwrap(),
        )
        .unwrap();
    }
}
