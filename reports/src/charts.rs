//! Charts for reports and dashboards, drawn with plotters: PNG (for DOCX and printing) and SVG
//! (for the web). The Vietnamese labels need a font that covers them: DejaVu Sans (Bitstream
//! Vera licence, `fonts/DejaVu-LICENSE`) is embedded, so nothing depends on the machine's fonts.
//! Text is normalised to NFC first: decomposed Vietnamese puts accents on the wrong letters.
//! Today: violations by kind per year, as stacked bars.

use std::collections::BTreeMap;
use std::sync::Once;

use plotters::prelude::*;
use plotters::style::FontStyle;
use schema::ViolationKind;

const FONT: &str = "dejavu";
static REGISTER: Once = Once::new();

fn font() {
    REGISTER.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../fonts/DejaVuSans.ttf");
        if plotters::style::register_font(FONT, FontStyle::Normal, bytes).is_err() {
            panic!("the embedded font is not a valid TrueType font");
        }
    });
}

/// A colour per violation kind, stable across charts.
fn colour(i: usize) -> RGBColor {
    const PALETTE: [RGBColor; 10] = [
        RGBColor(122, 16, 16),
        RGBColor(31, 119, 180),
        RGBColor(255, 127, 14),
        RGBColor(44, 160, 44),
        RGBColor(148, 103, 189),
        RGBColor(140, 86, 75),
        RGBColor(227, 119, 194),
        RGBColor(127, 127, 127),
        RGBColor(188, 189, 34),
        RGBColor(23, 190, 207),
    ];
    PALETTE[i % PALETTE.len()]
}

/// Violations found per year, one stacked bar per year, one colour per kind, Vietnamese
/// legend. `series[year][kind] = count`.
pub type ViolationSeries = BTreeMap<i32, BTreeMap<ViolationKind, u64>>;

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &ViolationSeries,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    font();
    let err = |e: &dyn std::fmt::Display| e.to_string();
    root.fill(&WHITE).map_err(|e| err(&e))?;
    let kinds: Vec<ViolationKind> = {
        let mut k: Vec<ViolationKind> = series.values().flat_map(|m| m.keys().copied()).collect();
        k.sort();
        k.dedup();
        k
    };
    let (first, last) = match (series.keys().next(), series.keys().last()) {
        (Some(a), Some(b)) => (*a, *b),
        _ => (2025, 2025),
    };
    let max = series
        .values()
        .map(|m| m.values().sum::<u64>())
        .max()
        .unwrap_or(0)
        .max(1);
    let title: String = unicode_nfc(title);
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 28))
        .margin(20)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(
            (first - 1) as f64 + 0.5..(last + 1) as f64 - 0.5,
            0f64..(max as f64 * 1.15),
        )
        .map_err(|e| err(&e))?;
    chart
        .configure_mesh()
        .x_labels((last - first + 1) as usize)
        .x_label_formatter(&|x| format!("{:.0}", x))
        .y_label_formatter(&|y| format!("{:.0}", y))
        .y_desc("Số vụ vi phạm")
        .label_style((FONT, 16))
        .axis_desc_style((FONT, 18))
        .disable_x_mesh()
        .draw()
        .map_err(|e| err(&e))?;
    for (ki, kind) in kinds.iter().enumerate() {
        let c = colour(ki);
        let bars = series.iter().filter_map(|(year, m)| {
            let below: u64 = kinds[..ki].iter().filter_map(|k| m.get(k)).sum();
            let n = *m.get(kind)?;
            let x = *year as f64;
            Some(Rectangle::new(
                [(x - 0.35, below as f64), (x + 0.35, (below + n) as f64)],
                c.filled(),
            ))
        });
        chart
            .draw_series(bars)
            .map_err(|e| err(&e))?
            .label(unicode_nfc(kind.label_vi()))
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 12, y + 6)], c.filled()));
    }
    chart
        .configure_series_labels()
        .label_font((FONT, 14))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(|e| err(&e))?;
    root.present().map_err(|e| err(&e))
}

fn unicode_nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    s.nfc().collect()
}

/// The chart as a PNG of `width` × `height` pixels.
pub fn violations_by_year_png(
    title: &str,
    series: &ViolationSeries,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw(root, title, series)?;
    }
    let img = image::RgbImage::from_raw(width, height, rgb).ok_or("buffer size mismatch")?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(out.into_inner())
}

/// The chart as SVG text (for the web; the viewer's fonts render the labels).
pub fn violations_by_year_svg(
    title: &str,
    series: &ViolationSeries,
    width: u32,
    height: u32,
) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        draw(root, title, series)?;
    }
    Ok(svg)
}
