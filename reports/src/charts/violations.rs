//! Violations found per year: one stacked bar per year, one colour per kind, Vietnamese
//! legend. At most [`KINDS_SHOWN`] kinds have their own colour (the most frequent over the
//! span); the others are stacked as one "Các hành vi khác" layer, so the legend never covers
//! the bars.

use std::collections::BTreeMap;

use plotters::prelude::*;
use schema::ViolationKind;

use super::{colour, err, nfc as unicode_nfc, px, scale, FONT};

/// Violations found per year, one stacked bar per year, one colour per kind, Vietnamese
/// legend. `series[year][kind] = count`.
pub type ViolationSeries = BTreeMap<i32, BTreeMap<ViolationKind, u64>>;

/// Kinds drawn with their own colour and legend line.
pub const KINDS_SHOWN: usize = 6;

/// The layers to stack, bottom first: the most frequent kinds, then the rest as one.
fn layers(series: &ViolationSeries) -> Vec<(String, BTreeMap<i32, u64>)> {
    let mut totals: BTreeMap<ViolationKind, u64> = BTreeMap::new();
    for m in series.values() {
        for (k, n) in m {
            *totals.entry(*k).or_default() += n;
        }
    }
    let mut kinds: Vec<(ViolationKind, u64)> = totals.into_iter().collect();
    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let rest: Vec<ViolationKind> = kinds.iter().skip(KINDS_SHOWN + 1).map(|k| k.0).collect();
    let shown = if rest.is_empty() {
        kinds.len()
    } else {
        KINDS_SHOWN
    };
    let mut out: Vec<(String, BTreeMap<i32, u64>)> = kinds[..shown]
        .iter()
        .map(|(k, _)| {
            let by_year = series
                .iter()
                .filter_map(|(y, m)| m.get(k).map(|n| (*y, *n)))
                .collect();
            (k.label_vi().to_string(), by_year)
        })
        .collect();
    if !rest.is_empty() {
        let by_year = series
            .iter()
            .map(|(y, m)| (*y, rest.iter().filter_map(|k| m.get(k)).sum()))
            .collect();
        out.push((
            format!("Các hành vi khác ({} loại)", kinds.len() - shown),
            by_year,
        ));
    }
    out
}

fn draw<DB: DrawingBackend>(
    root: DrawingArea<DB, plotters::coord::Shift>,
    title: &str,
    series: &ViolationSeries,
) -> Result<(), String>
where
    DB::ErrorType: 'static,
{
    let s = scale(root.dim_in_pixel().0);
    root.fill(&WHITE).map_err(err)?;
    let kinds = layers(series);
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
        .caption(title, (FONT, px(28.0, s)))
        .margin(px(20.0, s))
        .x_label_area_size(px(40.0, s))
        .y_label_area_size(px(60.0, s))
        .build_cartesian_2d(
            (first - 1) as f64 + 0.5..(last + 1) as f64 - 0.5,
            // Headroom for the legend, one line per kind.
            0f64..(max as f64 * (1.1 + 0.075 * kinds.len() as f64)),
        )
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_labels((last - first + 1) as usize)
        .x_label_formatter(&|x| format!("{:.0}", x))
        .y_labels(super::count_labels(
            max as f64 * (1.1 + 0.075 * kinds.len() as f64),
        ))
        .y_label_formatter(&super::count_label)
        .y_desc("Số vụ vi phạm")
        .label_style((FONT, px(16.0, s)))
        .axis_desc_style((FONT, px(18.0, s)))
        .disable_x_mesh()
        .draw()
        .map_err(err)?;
    for (ki, (label, counts)) in kinds.iter().enumerate() {
        let c = colour(ki);
        let r = px(6.0, s) as i32;
        let bars = series.keys().filter_map(|year| {
            let below: u64 = kinds[..ki].iter().filter_map(|(_, m)| m.get(year)).sum();
            let n = *counts.get(year)?;
            let x = *year as f64;
            Some(Rectangle::new(
                [(x - 0.35, below as f64), (x + 0.35, (below + n) as f64)],
                c.filled(),
            ))
        });
        chart
            .draw_series(bars)
            .map_err(err)?
            .label(unicode_nfc(label))
            .legend(move |(x, y)| Rectangle::new([(x, y - r), (x + 2 * r, y + r)], c.filled()));
    }
    chart
        .configure_series_labels()
        .label_font((FONT, px(14.0, s)))
        .background_style(WHITE.mix(0.9))
        .border_style(BLACK)
        .position(SeriesLabelPosition::UpperLeft)
        .draw()
        .map_err(err)?;
    root.present().map_err(err)
}

/// The chart as a PNG of `width` × `height` pixels.
pub fn violations_by_year_png(
    title: &str,
    series: &ViolationSeries,
    width: u32,
    height: u32,
) -> Result<Vec<u8>, String> {
    super::png(width, height, |root| draw(root, title, series))
}

/// The chart as SVG text (for the web; the viewer's fonts render the labels).
pub fn violations_by_year_svg(
    title: &str,
    series: &ViolationSeries,
    width: u32,
    height: u32,
) -> Result<String, String> {
    super::svg(width, height, |root| draw(root, title, series))
}
