//! At most [`MAX_BARS`] bars (or heatmap rows) per chart, whatever the number of units: a
//! province of 95 communes or a nation of thousands of agencies would otherwise draw an
//! unreadable comb. What a committee acts on is kept by name — the lowest on-time rates, the
//! units with the most violations — and the rest is folded into one row that says how many
//! units it holds ("71 đơn vị khác (trung bình)").

use super::Heatmap;

/// Most bars or heatmap rows in one chart, the folded row included.
pub const MAX_BARS: usize = 25;

/// The `MAX_BARS - 1` lowest rates by name, lowest first, and one row with the mean of the
/// rest; `rows` unchanged (in their order) when they fit.
pub fn lowest_with_rest(rows: &[(String, f64)]) -> Vec<(String, f64)> {
    if rows.len() <= MAX_BARS {
        return rows.to_vec();
    }
    let mut sorted = rows.to_vec();
    sorted.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    let rest = sorted.split_off(MAX_BARS - 1);
    let mean = rest.iter().map(|r| r.1).sum::<f64>() / rest.len() as f64;
    sorted.push((format!("{} đơn vị khác (trung bình)", rest.len()), mean));
    sorted
}

/// The `MAX_BARS - 1` rows with the most counted, most first, and one row summing the rest;
/// `h` unchanged when it fits.
pub fn heatmap_capped(h: &Heatmap) -> Heatmap {
    if h.rows.len() <= MAX_BARS {
        return h.clone();
    }
    let total = |i: usize| h.values.get(i).map_or(0, |r| r.iter().sum::<u64>());
    let mut order: Vec<usize> = (0..h.rows.len()).collect();
    order.sort_by(|a, b| {
        total(*b)
            .cmp(&total(*a))
            .then_with(|| h.rows[*a].cmp(&h.rows[*b]))
    });
    let (kept, rest) = order.split_at(MAX_BARS - 1);
    let row = |i: usize| h.values.get(i).cloned().unwrap_or_default();
    let mut folded = vec![0u64; h.columns.len()];
    for i in rest {
        for (c, v) in row(*i).iter().enumerate().take(folded.len()) {
            folded[c] += v;
        }
    }
    let mut out = Heatmap {
        rows: kept.iter().map(|i| h.rows[*i].clone()).collect(),
        columns: h.columns.clone(),
        values: kept.iter().map(|i| row(*i)).collect(),
    };
    out.rows.push(format!("{} đơn vị khác", rest.len()));
    out.values.push(folded);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn rates_are_capped_keeping_the_lowest_and_the_mean_of_the_rest(rates in proptest::collection::vec(0.0f64..=1.0, 0..200)) {
            let rows: Vec<(String, f64)> = rates.iter().enumerate().map(|(i, r)| (format!("Xã {i}"), *r)).collect();
            let out = lowest_with_rest(&rows);
            prop_assert!(out.len() <= MAX_BARS);
            if rows.len() <= MAX_BARS {
                prop_assert_eq!(out, rows);
            } else {
                let mut sorted = rates.clone();
                sorted.sort_by(f64::total_cmp);
                for (kept, want) in out.iter().zip(&sorted[..MAX_BARS - 1]) {
                    prop_assert_eq!(kept.1, *want);
                }
                let rest = &sorted[MAX_BARS - 1..];
                let mean = rest.iter().sum::<f64>() / rest.len() as f64;
                prop_assert!((out[MAX_BARS - 1].1 - mean).abs() < 1e-9);
                let others = format!("{} đơn vị khác (trung bình)", rest.len());
                prop_assert_eq!(&out[MAX_BARS - 1].0, &others);
            }
        }

        #[test]
        fn heatmap_rows_are_capped_and_nothing_counted_is_lost(values in proptest::collection::vec(proptest::collection::vec(0u64..50, 3), 0..120)) {
            let h = Heatmap {
                rows: (0..values.len()).map(|i| format!("Đơn vị {i}")).collect(),
                columns: vec!["a".into(), "b".into(), "c".into()],
                values: values.clone(),
            };
            let out = heatmap_capped(&h);
            prop_assert!(out.rows.len() <= MAX_BARS);
            prop_assert_eq!(out.rows.len(), out.values.len());
            for c in 0..3 {
                let before: u64 = values.iter().map(|r| r[c]).sum();
                let after: u64 = out.values.iter().map(|r| r[c]).sum();
                prop_assert_eq!(before, after);
            }
        }
    }
}
