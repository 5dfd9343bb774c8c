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

mod more {
    use reports::charts::{
        heatmap_png, heatmap_svg, incidents_over_time_png, incidents_over_time_svg,
        on_time_rate_png, on_time_rate_svg, top_risk_png, top_risk_svg, Heatmap, TimeSeries, PRINT,
    };

    fn decode(png: &[u8]) -> image::RgbImage {
        image::load_from_memory(png).unwrap().to_rgb8()
    }

    fn count(img: &image::RgbImage, rgb: [u8; 3]) -> usize {
        img.pixels().filter(|p| p.0 == rgb).count()
    }

    fn incidents() -> TimeSeries {
        TimeSeries {
            labels: ["2022", "2023", "2024", "2025", "2026"]
                .map(String::from)
                .to_vec(),
            lines: vec![
                (
                    "Số vụ lộ, mất bí mật nhà nước".into(),
                    vec![12, 9, 15, 7, 4],
                ),
                ("Số vụ vi phạm quy định".into(), vec![30, 28, 41, 25, 22]),
            ],
        }
    }

    fn rates() -> Vec<(String, f64)> {
        vec![
            ("Tỉnh Đồng Nai".into(), 0.95),
            ("Thành phố Hồ Chí Minh".into(), 0.6),
            ("Tỉnh Điện Biên".into(), 0.2),
        ]
    }

    #[test]
    fn print_size_pngs_decode_at_1600_by_900() {
        let (w, h) = PRINT;
        let risk = vec![("Sở Nội vụ".into(), 88.0), ("Sở Y tế".into(), 41.5)];
        let map = Heatmap {
            rows: vec!["Tỉnh Đồng Nai".into(), "Tỉnh Lâm Đồng".into()],
            columns: vec![
                "Soạn thảo trên máy tính nối mạng".into(),
                "Sao, chụp trái phép".into(),
            ],
            values: vec![vec![3, 0], vec![1, 7]],
        };
        for png in [
            incidents_over_time_png("Vụ lộ, mất theo năm", &incidents(), w, h).unwrap(),
            on_time_rate_png("Tỷ lệ đúng hạn", &rates(), w, h).unwrap(),
            top_risk_png("Rủi ro cao nhất", &risk, 10, w, h).unwrap(),
            heatmap_png("Vi phạm theo tỉnh", &map, w, h).unwrap(),
        ] {
            let img = decode(&png);
            assert_eq!(img.dimensions(), (w, h));
            let ink = img.pixels().filter(|p| p.0 != [255, 255, 255]).count();
            assert!(ink > 30_000, "only {ink} non-white pixels");
        }
    }

    #[test]
    fn on_time_bars_are_long_in_proportion_and_coloured_by_band() {
        let img = decode(&on_time_rate_png("Tỷ lệ đúng hạn", &rates(), 1600, 900).unwrap());
        let green = count(&img, [44, 140, 44]);
        let amber = count(&img, [230, 150, 20]);
        let red = count(&img, [190, 30, 30]);
        assert!(green > 0 && amber > 0 && red > 0, "{green} {amber} {red}");
        // Same bar height, lengths 95 % : 60 % : 20 %.
        let ratio = green as f64 / red as f64;
        assert!(
            (ratio - 0.95 / 0.2).abs() < 0.5,
            "green/red area ratio {ratio}"
        );
        let ratio = amber as f64 / red as f64;
        assert!(
            (ratio - 0.6 / 0.2).abs() < 0.4,
            "amber/red area ratio {ratio}"
        );
    }

    #[test]
    fn top_risk_keeps_the_n_highest() {
        let scores: Vec<(String, f64)> = (0..30)
            .map(|i| (format!("Đơn vị số {i}"), i as f64))
            .collect();
        let svg = top_risk_svg("Rủi ro", &scores, 5, 1600, 900).unwrap();
        for kept in 25..30 {
            assert!(
                svg.contains(&format!("Đơn vị số {kept}\n")),
                "{kept} missing"
            );
        }
        assert!(!svg.contains("Đơn vị số 24\n"), "only the top 5 belong");
        // Highest first: 29 is drawn above 25.
        assert!(svg.find("Đơn vị số 29\n").unwrap() < svg.find("Đơn vị số 25\n").unwrap());
    }

    #[test]
    fn svgs_carry_the_vietnamese_labels_in_nfc() {
        let nfd = "Tỉnh Đồng Nai".chars().collect::<String>();
        let decomposed: String =
            unicode_normalization::UnicodeNormalization::nfd(nfd.as_str()).collect();
        let map = Heatmap {
            rows: vec![decomposed.clone()],
            columns: vec!["Truyền đưa bí mật nhà nước qua Internet".into()],
            values: vec![vec![4]],
        };
        let svg = heatmap_svg("Vi phạm theo tỉnh", &map, 1600, 900).unwrap();
        assert!(svg.contains("Tỉnh Đồng Nai"), "row label not NFC");
        assert!(!svg.contains(&decomposed));
        assert!(
            svg.contains("1. Truyền đưa bí mật nhà nước qua Internet"),
            "key missing"
        );
        let svg = incidents_over_time_svg("Vụ lộ, mất theo năm", &incidents(), 1600, 900).unwrap();
        assert!(svg.contains("Số vụ lộ, mất bí mật nhà nước") && svg.contains("2026"));
        let svg = on_time_rate_svg("Tỷ lệ đúng hạn", &rates(), 1600, 900).unwrap();
        assert!(svg.contains("Thành phố Hồ Chí Minh") && svg.contains("60,0%"));
    }

    /// The numbers an SVG writes as text (tick labels, point labels), in order.
    fn numbers(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| t.split_once('>').and_then(|(_, r)| r.split_once("</text>")))
            .map(|(text, _)| text.trim().to_string())
            .filter(|t| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit() || c == '.'))
            .collect()
    }

    #[test]
    fn count_axes_have_whole_ticks_each_once() {
        // Two incidents in one year: the demo's national dashboard printed "0 0 1 1 2 2".
        let one = TimeSeries {
            labels: vec!["2026".into()],
            lines: vec![("Số vụ lộ, mất bí mật nhà nước".into(), vec![2])],
        };
        let svg = incidents_over_time_svg("Vụ lộ, mất", &one, 1200, 700).unwrap();
        let n = numbers(&svg);
        assert!(n.iter().all(|t| !t.contains('.')), "{n:?}");
        assert_eq!(n.iter().filter(|t| *t == "0").count(), 1, "{n:?}");
        assert_eq!(n.iter().filter(|t| *t == "1").count(), 1, "{n:?}");
        let mut few = std::collections::BTreeMap::new();
        few.insert(
            2026,
            std::collections::BTreeMap::from([(schema::ViolationKind::NetworkedMachine, 1)]),
        );
        let svg = reports::charts::violations_by_year_svg("Vi phạm", &few, 1200, 700).unwrap();
        let n = numbers(&svg);
        assert!(n.iter().all(|t| !t.contains('.')), "{n:?}");
        assert_eq!(n.iter().filter(|t| *t == "0").count(), 1, "{n:?}");
        // Large counts keep about ten ticks.
        let svg = incidents_over_time_svg("Vụ lộ, mất", &incidents(), 1200, 700).unwrap();
        let ticks = numbers(&svg).len();
        assert!(ticks >= 8, "{ticks}");
    }

    #[test]
    fn empty_data_draws_a_notice_and_zero_size_is_an_error() {
        let svg = on_time_rate_svg("Tỷ lệ đúng hạn", &[], 800, 450).unwrap();
        assert!(svg.contains("Không có số liệu"));
        let svg = incidents_over_time_svg("Vụ", &TimeSeries::default(), 800, 450).unwrap();
        assert!(svg.contains("Không có số liệu"));
        assert!(on_time_rate_png("x", &rates(), 0, 450).is_err());
    }

    #[test]
    fn a_heatmap_too_short_for_its_key_says_so() {
        let map = Heatmap {
            rows: (0..40).map(|i| format!("Tỉnh {i}")).collect(),
            columns: (0..21).map(|i| format!("Loại {i}")).collect(),
            values: vec![],
        };
        let e = heatmap_png("Vi phạm", &map, 800, 300).unwrap_err();
        assert!(e.contains("too short"), "{e}");
    }

    #[test]
    fn a_heatmap_at_its_legible_height_draws_any_rows_and_every_kind() {
        // The nation's dashboard: 34 provinces and TW, every one of the 21 kinds.
        for (rows, cols, w) in [(35, 21, 1200), (1, 21, 1200), (200, 5, 1600), (3, 1, 800)] {
            let map = Heatmap {
                rows: (0..rows).map(|i| format!("Tỉnh {i}")).collect(),
                columns: (0..cols).map(|i| format!("Loại {i}")).collect(),
                values: (0..rows)
                    .map(|r| (0..cols).map(|c| (r * c) as u64 % 7).collect())
                    .collect(),
            };
            let h = reports::charts::heatmap_height(w, rows, cols);
            heatmap_png("Vi phạm", &map, w, h)
                .unwrap_or_else(|e| panic!("{rows} × {cols} at {w} × {h}: {e}"));
        }
    }

    #[test]
    fn a_year_with_every_kind_stacks_the_least_frequent_as_one_layer() {
        use schema::ViolationKind;
        let all: reports::charts::ViolationSeries = (2017..=2026)
            .map(|y| {
                let m = ViolationKind::ALL
                    .iter()
                    .enumerate()
                    .map(|(i, k)| (*k, 1 + i as u64))
                    .collect();
                (y, m)
            })
            .collect();
        let svg = reports::charts::violations_by_year_svg("Vi phạm", &all, 1200, 700).unwrap();
        let n = ViolationKind::ALL.len();
        let shown = reports::charts::KINDS_SHOWN;
        assert!(
            svg.contains(&format!("Các hành vi khác ({} loại)", n - shown)),
            "{svg}"
        );
        // The most frequent (the last, counted 21 a year) has its own line; the least not.
        assert!(svg.contains(ViolationKind::ALL[n - 1].label_vi()));
        assert!(!svg.contains(ViolationKind::ALL[0].label_vi()));
    }
}
