//! Incidents over time: one line per series (e.g. leak/loss incidents, violations found) over
//! shared period labels ("2022" … "2026", or "T1" … "T12"), with a marker and the value at
//! every point.

use plotters::prelude::*;

use super::{colour, err, nfc, px, scale, FONT};

/// Named series of counts over the same periods.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TimeSeries {
    /// The periods, left to right, e.g. `["2022", "2023", …]`.
    pub labels: Vec<String>,
    /// `(name, values)`: one value per label (missing values count as 0).
    pub lines: Vec<(String, Vec<u64>)>,
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    data: &TimeSeries,
    y_desc: &str,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let s = scale(root.dim_in_pixel().0);
    root.fill(&WHITE).map_err(err)?;
    let n = data.labels.len();
    if n == 0 || data.lines.is_empty() {
        return super::empty(&root, title, s);
    }
    let max = data
        .lines
        .iter()
        .flat_map(|(_, v)| v.iter().copied())
        .max()
        .unwrap_or(0)
        .max(1);
    let labels: Vec<String> = data.labels.iter().map(|l| nfc(l)).collect();
    let mut chart = ChartBuilder::on(&root)
        .caption(nfc(title), (FONT, px(28.0, s)))
        .margin(px(20.0, s))
        .x_label_area_size(px(40.0, s))
        .y_label_area_size(px(60.0, s))
        .build_cartesian_2d(-0.5f64..(n as f64 - 0.5), 0f64..(max as f64 * 1.2))
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels(n)
        .x_label_formatter(&|x| {
            let i = x.round();
            if (x - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .y_labels(super::count_labels(max as f64 * 1.2))
        .y_label_formatter(&super::count_label)
        .y_desc(nfc(y_desc))
        .label_style((FONT, px(16.0, s)))
        .axis_desc_style((FONT, px(18.0, s)))
        .disable_x_mesh()
        .draw()
        .map_err(err)?;
    let stroke = px(3.0, s);
    let dot = px(5.0, s);
    for (li, (name, values)) in data.lines.iter().enumerate() {
        let c = colour(li);
        let points: Vec<(f64, f64)> = (0..n)
            .map(|i| (i as f64, *values.get(i).unwrap_or(&0) as f64))
            .collect();
        chart
            .draw_series(LineSeries::new(points.clone(), c.stroke_width(stroke)))
            .map_err(err)?
            .label(nfc(name))
            .legend(move |(x, y)| {
                PathElement::new(
                    vec![(x, y), (x + 2 * dot as i32, y)],
                    c.stroke_width(stroke),
                )
            });
        chart
            .draw_series(points.iter().map(|p| Circle::new(*p, dot, c.filled())))
            .map_err(err)?;
        let font = (FONT, px(14.0, s)).into_font().color(&c);
        chart
            .draw_series(points.iter().map(|(x, y)| {
                Text::new(
                    format!("{y:.0}"),
                    (*x, *y + max as f64 * 0.04),
                    font.clone(),
                )
            }))
            .map_err(err)?;
    }
    chart
        .configure_series_labels()
        .label_font((FONT, px(14.0, s)))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// Incidents (or any counts) over time as a PNG of `width` × `height` pixels.
pub fn incidents_over_time_png(
    title: &str,
    data: &TimeSeries,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    super::png(width, height, |root| draw(root, title, data, "Số vụ"))
}

/// The same chart as SVG text.
pub fn incidents_over_time_svg(
    title: &str,
    data: &TimeSeries,
    width: u32,
    height: u32,
) -> Result<String, String> {
    super::svg(width, height, |root| draw(root, title, data, "Số vụ"))
}
