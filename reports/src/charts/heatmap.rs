//! A heatmap of counts: rows (provinces or units) × columns (violation kinds). Columns are
//! numbered and their long Vietnamese labels listed in a key under the grid; every non-zero
//! cell shows its count, on a white-to-dark-red scale.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{err, nfc, px, scale, FONT};

/// `values[row][column]`; missing values count as 0.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Heatmap {
    pub rows: Vec<String>,
    pub columns: Vec<String>,
    pub values: Vec<Vec<u64>>,
}

impl Heatmap {
    fn get(&self, r: usize, c: usize) -> u64 {
        self.values
            .get(r)
            .and_then(|row| row.get(c))
            .copied()
            .unwrap_or(0)
    }
}

/// White at 0, dark red at `max`, on a square-root scale so small counts still show.
fn shade(v: u64, max: u64) -> RGBColor {
    if v == 0 {
        return WHITE;
    }
    let t = (v as f64 / max.max(1) as f64).sqrt().clamp(0.15, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round() as u8;
    RGBColor(mix(255.0, 122.0), mix(255.0, 16.0), mix(255.0, 16.0))
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    data: &Heatmap,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let (w, h) = root.dim_in_pixel();
    let s = scale(w);
    root.fill(&WHITE).map_err(err)?;
    let (nr, nc) = (data.rows.len(), data.columns.len());
    if nr == 0 || nc == 0 {
        return super::empty(&root, title, s);
    }
    let margin = px(20.0, s) as i32;
    let title_font = (FONT, px(28.0, s)).into_font();
    let title = nfc(title);
    let (tw, th) = root
        .estimate_text_size(&title, &TextStyle::from(title_font.clone()))
        .map_err(err)?;
    root.draw(&Text::new(
        title,
        ((w as i32 - tw as i32) / 2, margin),
        title_font,
    ))
    .map_err(err)?;
    let key_font = (FONT, px(13.0, s)).into_font();
    let key_line = (px(13.0, s) as f64 * 1.35) as i32;
    let key_h = key_line * nc as i32 + px(10.0, s) as i32;
    let head_h = px(24.0, s) as i32;
    let top = margin + th as i32 + px(12.0, s) as i32 + head_h;
    let bottom = h as i32 - margin - key_h;
    if bottom <= top {
        return Err(format!(
            "a {w} × {h} heatmap is too short for {nr} rows and a key of {nc} lines"
        ));
    }
    let row_h = (bottom - top) as f64 / nr as f64;
    let label_font = (FONT, (row_h * 0.6).clamp(8.0, 16.0 * s)).into_font();
    let mut label_w = 0;
    for r in &data.rows {
        label_w = label_w.max(
            root.estimate_text_size(&nfc(r), &TextStyle::from(label_font.clone()))
                .map_err(err)?
                .0,
        );
    }
    let left = margin + (label_w as i32).min(w as i32 * 2 / 5) + px(10.0, s) as i32;
    let col_w = (w as i32 - margin - left) as f64 / nc as f64;
    let max = (0..nr)
        .flat_map(|r| (0..nc).map(move |c| (r, c)))
        .map(|(r, c)| data.get(r, c))
        .max()
        .unwrap_or(0);
    let head_font = (FONT, px(14.0, s)).into_font();
    for c in 0..nc {
        let x = left + ((c as f64 + 0.5) * col_w) as i32;
        root.draw(&Text::new(
            (c + 1).to_string(),
            (x, top - px(4.0, s) as i32),
            TextStyle::from(head_font.clone()).pos(Pos::new(HPos::Center, VPos::Bottom)),
        ))
        .map_err(err)?;
    }
    let cell_font_px = (row_h * 0.55).min(col_w * 0.45).clamp(7.0, 15.0 * s);
    for r in 0..nr {
        let y0 = top + (r as f64 * row_h) as i32;
        let y1 = top + ((r + 1) as f64 * row_h) as i32;
        root.draw(&Text::new(
            nfc(&data.rows[r]),
            (left - px(8.0, s) as i32, (y0 + y1) / 2),
            TextStyle::from(label_font.clone()).pos(Pos::new(HPos::Right, VPos::Center)),
        ))
        .map_err(err)?;
        for c in 0..nc {
            let x0 = left + (c as f64 * col_w) as i32;
            let x1 = left + ((c + 1) as f64 * col_w) as i32;
            let v = data.get(r, c);
            let fill = shade(v, max);
            root.draw(&Rectangle::new([(x0, y0), (x1, y1)], fill.filled()))
                .map_err(err)?;
            root.draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                RGBColor(190, 190, 190),
            ))
            .map_err(err)?;
            if v > 0 {
                let dark = (v as f64 / max.max(1) as f64).sqrt() > 0.55;
                let ink = if dark { WHITE } else { BLACK };
                root.draw(&Text::new(
                    v.to_string(),
                    ((x0 + x1) / 2, (y0 + y1) / 2),
                    (FONT, cell_font_px)
                        .into_font()
                        .color(&ink)
                        .pos(Pos::new(HPos::Center, VPos::Center)),
                ))
                .map_err(err)?;
            }
        }
    }
    let key_top = bottom + px(10.0, s) as i32;
    for (c, label) in data.columns.iter().enumerate() {
        root.draw(&Text::new(
            format!("{}. {}", c + 1, nfc(label)),
            (margin, key_top + key_line * c as i32),
            key_font.clone(),
        ))
        .map_err(err)?;
    }
    root.present().map_err(err)
}

/// A height at which a heatmap of `rows` rows (at most `MAX_BARS` drawn) and `columns` key
/// lines is legible at `width`: about 30 px a row at scale 1.
pub fn heatmap_height(width: u32, rows: usize, columns: usize) -> u32 {
    let s = scale(width);
    let key = (13.0 * s * 1.35) * columns as f64 + 10.0 * s;
    let fixed = (20.0 * 2.0 + 40.0 + 12.0 + 24.0) * s;
    (fixed + key + 30.0 * s * rows.min(super::MAX_BARS) as f64).ceil() as u32
}

/// The heatmap as a PNG. It must be tall enough for the rows and one key line per column
/// ([`heatmap_height`]).
pub fn heatmap_png(
    title: &str,
    data: &Heatmap,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    let data = super::heatmap_capped(data);
    super::png(width, height, |root| draw(root, title, &data))
}

/// The same heatmap as SVG text.
pub fn heatmap_svg(title: &str, data: &Heatmap, width: u32, height: u32) -> Result<String, String> {
    let data = super::heatmap_capped(data);
    super::svg(width, height, |root| draw(root, title, &data))
}
