//! Charts for reports and dashboards, drawn with plotters: PNG (for DOCX and printing) and SVG
//! (for the web). The Vietnamese labels need a font that covers them: DejaVu Sans (Bitstream
//! Vera licence, `fonts/DejaVu-LICENSE`) is embedded, so nothing depends on the machine's fonts.
//! Text is normalised to NFC first: decomposed Vietnamese puts accents on the wrong letters.
//!
//! Every chart scales its text and margins with the image width (`scale = width / 800`), so a
//! 1600 × 900 PNG printed 16 cm wide on A4 has text as legible as an 800 × 450 one on screen.
//! Charts: violations by kind per year (stacked bars), incidents over time (lines), on-time
//! rate per province (bars, 0–100 %), province × violation-kind heatmap, top-N units by risk
//! (horizontal bars). Bar charts and heatmaps show at most [`MAX_BARS`] rows (`cap`).

mod bars;
mod cap;
mod heatmap;
mod lines;
mod violations;

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;

pub use bars::{on_time_rate_png, on_time_rate_svg, top_risk_png, top_risk_svg};
pub use cap::{heatmap_capped, lowest_with_rest, MAX_BARS};
pub use heatmap::{heatmap_height, heatmap_png, heatmap_svg, Heatmap};
pub use lines::{incidents_over_time_png, incidents_over_time_svg, TimeSeries};
pub use violations::{
    violations_by_year_png, violations_by_year_svg, ViolationSeries, KINDS_SHOWN,
};

pub(crate) const FONT: &str = "dejavu";
static REGISTER: Once = Once::new();

/// Size for charts printed in a document: 1600 × 900 px, drawn at twice the 800 px scale.
pub const PRINT: (u32, u32) = (1600, 900);

pub(crate) fn font() {
    REGISTER.call_once(|| {
        let bytes: &'static [u8] = include_bytes!("../../fonts/DejaVuSans.ttf");
        if plotters::style::register_font(FONT, FontStyle::Normal, bytes).is_err() {
            panic!("the embedded font is not a valid TrueType font");
        }
    });
}

/// A colour per series, stable across charts.
pub(crate) fn colour(i: usize) -> RGBColor {
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

pub(crate) fn nfc(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization as _;
    s.nfc().collect()
}

/// Text and margin scale for a chart `width` pixels wide.
pub(crate) fn scale(width: u32) -> f64 {
    (width as f64 / 800.0).max(0.5)
}

/// `base` pixels at scale 1, scaled.
pub(crate) fn px(base: f64, s: f64) -> u32 {
    (base * s).round() as u32
}

/// How many labels a count axis from 0 to `top` gets: never more than one per whole number,
/// so the ticks plotters picks are whole numbers (with 10 labels on 0..2.4 it picked 0.2
/// steps, printed "0 0 1 1 2 2").
pub(crate) fn count_labels(top: f64) -> usize {
    (top.floor() as usize + 1).clamp(2, 10)
}

/// A count axis label: the whole number, nothing for a fractional tick.
pub(crate) fn count_label(y: &f64) -> String {
    if (y - y.round()).abs() < 1e-9 {
        format!("{:.0}", y)
    } else {
        String::new()
    }
}

pub(crate) fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Draws with `draw` into a `width` × `height` PNG.
pub(crate) fn png<F>(width: u32, height: u32, draw: F) -> Result<Vec<u8>, String>
where
    F: FnOnce(DrawingArea<BitMapBackend<'_>, Shift>) -> Result<(), String>,
{
    if width == 0 || height == 0 {
        return Err(format!("a chart cannot be {width} × {height} pixels"));
    }
    font();
    let mut rgb = vec![0u8; (width * height * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, (width, height)).into_drawing_area();
        draw(root)?;
    }
    let img = image::RgbImage::from_raw(width, height, rgb).ok_or("buffer size mismatch")?;
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .map_err(err)?;
    Ok(out.into_inner())
}

/// Draws with `draw` into SVG text (the viewer's fonts render the labels).
pub(crate) fn svg<F>(width: u32, height: u32, draw: F) -> Result<String, String>
where
    F: FnOnce(DrawingArea<SVGBackend<'_>, Shift>) -> Result<(), String>,
{
    if width == 0 || height == 0 {
        return Err(format!("a chart cannot be {width} × {height} pixels"));
    }
    font();
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw(root)?;
    }
    Ok(out)
}

/// A "no data" notice for a chart with nothing to show.
pub(crate) fn empty<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    title: &str,
    s: f64,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let (w, h) = root.dim_in_pixel();
    root.draw(&Text::new(
        nfc(title),
        (px(20.0, s) as i32, px(20.0, s) as i32),
        (FONT, px(24.0, s) as f64).into_font(),
    ))
    .map_err(err)?;
    root.draw(&Text::new(
        "Không có số liệu".to_string(),
        (w as i32 / 2 - px(80.0, s) as i32, h as i32 / 2),
        (FONT, px(20.0, s) as f64)
            .into_font()
            .color(&RGBColor(90, 90, 90)),
    ))
    .map_err(err)?;
    root.present().map_err(err)
}
