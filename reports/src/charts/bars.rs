//! Horizontal bar charts with one named bar per row, laid out by hand so long Vietnamese names
//! fit on the left: the on-time reporting rate per province (0–100 %, coloured by band) and
//! the top N units by risk score (sorted, highest first).

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{err, nfc, px, scale, FONT};

const GREEN: RGBColor = RGBColor(44, 140, 44);
const AMBER: RGBColor = RGBColor(230, 150, 20);
const RED: RGBColor = RGBColor(190, 30, 30);
const GRID: RGBColor = RGBColor(200, 200, 200);

struct Spec<'a> {
    title: &'a str,
    rows: Vec<(String, f64)>,
    /// The axis maximum.
    max: f64,
    ticks: Vec<f64>,
    tick_label: &'a dyn Fn(f64) -> String,
    value_label: &'a dyn Fn(f64) -> String,
    colour: &'a dyn Fn(f64) -> RGBColor,
    axis: &'a str,
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    spec: &Spec,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let (w, h) = root.dim_in_pixel();
    let s = scale(w);
    root.fill(&WHITE).map_err(err)?;
    if spec.rows.is_empty() {
        return super::empty(&root, spec.title, s);
    }
    let n = spec.rows.len();
    let margin = px(20.0, s) as i32;
    let title_font = (FONT, px(28.0, s)).into_font();
    let title = nfc(spec.title);
    let (tw, th) = root
        .estimate_text_size(&title, &TextStyle::from(title_font.clone()))
        .map_err(err)?;
    root.draw(&Text::new(
        title,
        ((w as i32 - tw as i32) / 2, margin),
        title_font,
    ))
    .map_err(err)?;
    let top = margin + th as i32 + px(16.0, s) as i32;
    let bottom = h as i32 - margin - 2 * px(24.0, s) as i32;
    let row_h = (bottom - top) as f64 / n as f64;
    let label_px = (row_h * 0.6).clamp(8.0, 16.0 * s);
    let label_font = (FONT, label_px).into_font();
    let mut label_w = 0;
    for (name, _) in &spec.rows {
        label_w = label_w.max(
            root.estimate_text_size(&nfc(name), &TextStyle::from(label_font.clone()))
                .map_err(err)?
                .0,
        );
    }
    let left = margin + (label_w as i32).min(w as i32 * 2 / 5) + px(10.0, s) as i32;
    let right = w as i32 - margin - px(70.0, s) as i32;
    let x_of = |v: f64| left + ((v / spec.max).clamp(0.0, 1.0) * (right - left) as f64) as i32;
    let small = (FONT, px(14.0, s)).into_font();
    for t in &spec.ticks {
        let x = x_of(*t);
        root.draw(&PathElement::new(vec![(x, top), (x, bottom)], GRID))
            .map_err(err)?;
        root.draw(&Text::new(
            (spec.tick_label)(*t),
            (x, bottom + px(6.0, s) as i32),
            TextStyle::from(small.clone()).pos(Pos::new(HPos::Center, VPos::Top)),
        ))
        .map_err(err)?;
    }
    root.draw(&Text::new(
        nfc(spec.axis),
        ((left + right) / 2, h as i32 - margin),
        TextStyle::from((FONT, px(18.0, s)).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom)),
    ))
    .map_err(err)?;
    for (i, (name, v)) in spec.rows.iter().enumerate() {
        let y0 = top + (i as f64 * row_h) as i32;
        let mid = y0 + (row_h / 2.0) as i32;
        let pad = (row_h * 0.15) as i32;
        root.draw(&Text::new(
            nfc(name),
            (left - px(8.0, s) as i32, mid),
            TextStyle::from(label_font.clone()).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
        let x1 = x_of(*v).max(left + 1);
        root.draw(&Rectangle::new(
            [(left, y0 + pad), (x1, y0 + row_h as i32 - pad)],
            (spec.colour)(*v).filled(),
        ))
        .map_err(err)?;
        root.draw(&Text::new(
            (spec.value_label)(*v),
            (x1 + px(6.0, s) as i32, mid),
            TextStyle::from(label_font.clone()).pos(Pos::new(HPos::Left, VPos::Center)),
        ))
        .map_err(err)?;
    }
    root.draw(&PathElement::new(vec![(left, top), (left, bottom)], BLACK))
        .map_err(err)?;
    root.present().map_err(err)
}

fn percent_vi(v: f64) -> String {
    crate::table::Cell::Percent(v).display_vi()
}

fn rate_colour(v: f64) -> RGBColor {
    if v >= 0.9 {
        GREEN
    } else if v >= 0.5 {
        AMBER
    } else {
        RED
    }
}

fn rate_spec<'a>(title: &'a str, rates: &[(String, f64)]) -> Spec<'a> {
    Spec {
        title,
        rows: super::lowest_with_rest(rates)
            .into_iter()
            .map(|(n, r)| (n, r.clamp(0.0, 1.0)))
            .collect(),
        max: 1.0,
        ticks: vec![0.0, 0.25, 0.5, 0.75, 1.0],
        tick_label: &|t| format!("{:.0}%", t * 100.0),
        value_label: &percent_vi,
        colour: &rate_colour,
        axis: "Tỷ lệ đơn vị nộp báo cáo đúng hạn",
    }
}

/// On-time reporting rate per province (`(name, rate in 0..=1)`, in the order given): green
/// from 90 %, amber from 50 %, red below. Beyond [`super::MAX_BARS`] rows, the lowest rates by
/// name and one bar for the rest (`super::lowest_with_rest`).
pub fn on_time_rate_png(
    title: &str,
    rates: &[(String, f64)],
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let spec = rate_spec(title, rates);
    super::png(width, height, |root| draw(root, &spec))
}

/// The same chart as SVG text.
pub fn on_time_rate_svg(
    title: &str,
    rates: &[(String, f64)],
    width: u32,
    height: u32,
) -> Result<String, String> {
    let spec = rate_spec(title, rates);
    super::svg(width, height, |root| draw(root, &spec))
}

fn nice_max(v: f64) -> f64 {
    if v <= 0.0 {
        return 1.0;
    }
    let mag = 10f64.powf(v.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * mag)
        .find(|m| *m >= v)
        .unwrap_or(10.0 * mag)
}

fn risk_rows(scores: &[(String, f64)], n: usize) -> Vec<(String, f64)> {
    let mut rows: Vec<(String, f64)> = scores
        .iter()
        .filter(|(_, v)| v.is_finite())
        .cloned()
        .collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    rows.truncate(n);
    rows
}

fn one_decimal(v: f64) -> String {
    crate::table::Cell::Decimal(v, 1).display_vi()
}

fn risk_colour(_: f64) -> RGBColor {
    RGBColor(122, 16, 16)
}

fn risk_chart<T>(
    title: &str,
    scores: &[(String, f64)],
    n: usize,
    out: impl FnOnce(&Spec) -> Result<T, String>,
) -> Result<T, String> {
    let rows = risk_rows(scores, n);
    let max = nice_max(rows.iter().map(|r| r.1).fold(0.0, f64::max));
    let ticks: Vec<f64> = (0..=4).map(|i| max * i as f64 / 4.0).collect();
    let spec = Spec {
        title,
        rows,
        max,
        ticks,
        tick_label: &one_decimal,
        value_label: &one_decimal,
        colour: &risk_colour,
        axis: "Điểm rủi ro",
    };
    out(&spec)
}

/// The `n` highest risk scores (`(unit name, score)`), highest first; ties by name.
pub fn top_risk_png(
    title: &str,
    scores: &[(String, f64)],
    n: usize,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    risk_chart(title, scores, n, |spec| {
        super::png(width, height, |root| draw(root, spec))
    })
}

/// The same chart as SVG text.
pub fn top_risk_svg(
    title: &str,
    scores: &[(String, f64)],
    n: usize,
    width: u32,
    height: u32,
) -> Result<String, String> {
    risk_chart(title, scores, n, |spec| {
        super::svg(width, height, |root| draw(root, spec))
    })
}
