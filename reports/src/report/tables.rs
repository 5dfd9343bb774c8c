//! The report's tables, built from a [`ReportInput`]: reporting status per child, indicator
//! totals, indicators per child (split into parts of a few columns so they fit A4 portrait),
//! violations by kind, and the incident list. The same tables go into the document and into
//! the XLSX/CSV exports.

use std::collections::BTreeMap;

use schema::{Classification, IndicatorCode, ViolationKind};

use super::input::{IndicatorLabel, ReportInput};
use crate::table::{Cell, Table};

/// Indicator columns per part of the per-child table.
const PER_PART: usize = 5;

fn int(n: i64) -> Cell {
    Cell::Int(n)
}

/// The indicators to show: the labelled ones in their order, then any other code found.
pub(crate) fn indicator_list(input: &ReportInput) -> Vec<IndicatorLabel> {
    let mut out = input.indicators.clone();
    let mut extra: Vec<IndicatorCode> = input
        .consolidated
        .indicators
        .iter()
        .map(|i| i.code.clone())
        .chain(
            input
                .children
                .iter()
                .flat_map(|c| c.indicators.keys().cloned()),
        )
        .filter(|c| !input.indicators.iter().any(|l| &l.code == c))
        .collect();
    extra.sort();
    extra.dedup();
    out.extend(extra.into_iter().map(|code| IndicatorLabel {
        label: code.to_string(),
        unit: String::new(),
        code,
    }));
    out
}

/// The scope's totals: the consolidated report's, or the children's sum where it has none.
pub(crate) fn total(input: &ReportInput, code: &IndicatorCode) -> i64 {
    input
        .consolidated
        .indicators
        .iter()
        .find(|i| &i.code == code)
        .map(|i| i.value.get())
        .unwrap_or_else(|| {
            input
                .children
                .iter()
                .filter_map(|c| c.indicators.get(code))
                .sum()
        })
}

/// Violations by kind: the consolidated report's counts, or the children's sum if it has none.
pub(crate) fn violation_totals(input: &ReportInput) -> BTreeMap<ViolationKind, u64> {
    let mut out: BTreeMap<ViolationKind, u64> = input
        .consolidated
        .violations
        .iter()
        .map(|v| (v.kind, v.count))
        .collect();
    if out.is_empty() {
        for c in &input.children {
            for (k, n) in &c.violations {
                *out.entry(*k).or_insert(0) += n;
            }
        }
    }
    out.retain(|_, n| *n > 0);
    out
}

pub(crate) fn status_table(input: &ReportInput) -> Table {
    let with_units = input.children.iter().any(|c| c.units.is_some());
    let child = input.level.child_header_vi();
    let mut t = if with_units {
        Table::new(
            "Tình hình nộp báo cáo",
            &[
                "STT",
                child,
                "Tình trạng",
                "Số đơn vị phải báo cáo",
                "Đã báo cáo",
                "Đúng hạn",
                "Tỷ lệ đúng hạn",
            ],
        )
    } else {
        Table::new("Tình hình nộp báo cáo", &["STT", child, "Tình trạng"])
    };
    let mut sums = (0u32, 0u32, 0u32);
    for (i, c) in input.children.iter().enumerate() {
        let mut row = vec![
            int(i as i64 + 1),
            Cell::text(&c.name),
            Cell::text(c.status.label_vi()),
        ];
        if with_units {
            match c.units {
                Some((e, r, o)) => {
                    sums = (sums.0 + e, sums.1 + r, sums.2 + o);
                    row.extend([int(e.into()), int(r.into()), int(o.into())]);
                    row.push(c.on_time_rate().map_or(Cell::Empty, Cell::Percent));
                }
                None => row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]),
            }
        }
        t.rows.push(row);
    }
    if with_units {
        let rate = (sums.0 > 0).then(|| sums.2 as f64 / sums.0 as f64);
        t.totals = Some(vec![
            Cell::Empty,
            Cell::text("Tổng cộng"),
            Cell::Empty,
            int(sums.0.into()),
            int(sums.1.into()),
            int(sums.2.into()),
            rate.map_or(Cell::Empty, Cell::Percent),
        ]);
    }
    t
}

pub(crate) fn indicator_totals(input: &ReportInput) -> Table {
    let mut t = Table::new(
        "Tổng hợp số liệu theo chỉ tiêu",
        &["STT", "Chỉ tiêu", "Đơn vị tính", "Tổng số"],
    );
    for (i, l) in indicator_list(input).iter().enumerate() {
        t.rows.push(vec![
            int(i as i64 + 1),
            Cell::text(&l.label),
            Cell::text(&l.unit),
            int(total(input, &l.code)),
        ]);
    }
    t
}

/// One table per group of [`PER_PART`] indicators: a row per child, a totals row.
pub(crate) fn indicators_by_child(input: &ReportInput) -> Vec<Table> {
    let list = indicator_list(input);
    let parts: Vec<&[IndicatorLabel]> = list.chunks(PER_PART).collect();
    let n = parts.len();
    parts
        .iter()
        .enumerate()
        .map(|(p, part)| {
            let title = if n > 1 {
                format!("Số liệu theo chỉ tiêu của từng đơn vị (phần {}/{n})", p + 1)
            } else {
                "Số liệu theo chỉ tiêu của từng đơn vị".to_string()
            };
            let heads: Vec<String> = part
                .iter()
                .map(|l| {
                    if l.unit.is_empty() {
                        l.label.clone()
                    } else {
                        format!("{} ({})", l.label, l.unit)
                    }
                })
                .collect();
            let mut headers = vec!["STT", input.level.child_header_vi()];
            headers.extend(heads.iter().map(String::as_str));
            let mut t = Table::new(title, &headers);
            for (i, c) in input.children.iter().enumerate() {
                let mut row = vec![int(i as i64 + 1), Cell::text(&c.name)];
                for l in *part {
                    // A unit that has not reported shows only what is known of it otherwise
                    // (incidents it reported at the time).
                    row.push(match c.indicators.get(&l.code) {
                        None => Cell::Empty,
                        Some(v) => int(*v),
                    });
                }
                t.rows.push(row);
            }
            let mut totals = vec![Cell::Empty, Cell::text("Tổng cộng")];
            totals.extend(part.iter().map(|l| int(total(input, &l.code))));
            t.totals = Some(totals);
            t
        })
        .collect()
}

pub(crate) fn violations_table(input: &ReportInput) -> Table {
    let mut t = Table::new(
        "Vi phạm phát hiện theo loại",
        &["STT", "Loại vi phạm", "Số vi phạm"],
    );
    let totals = violation_totals(input);
    for (i, (k, n)) in totals.iter().enumerate() {
        t.rows.push(vec![
            int(i as i64 + 1),
            Cell::text(k.label_vi()),
            int(*n as i64),
        ]);
    }
    t.totals = Some(vec![
        Cell::Empty,
        Cell::text("Tổng cộng"),
        int(totals.values().sum::<u64>() as i64),
    ]);
    t
}

pub(crate) fn incidents_table(input: &ReportInput) -> Table {
    let mut t = Table::new(
        "Các vụ lộ, mất bí mật nhà nước trong kỳ báo cáo",
        &[
            "STT",
            "Đơn vị",
            "Ngày phát hiện",
            "Độ mật",
            "Hình thức chứa",
            "Tóm tắt",
            "Tình trạng",
            "Xử lý, khắc phục",
        ],
    );
    let mut all: Vec<(&str, &schema::IncidentSummary)> = input
        .children
        .iter()
        .flat_map(|c| c.incidents.iter().map(move |i| (c.name.as_str(), i)))
        .collect();
    all.sort_by_key(|(name, i)| (i.discovered_on, *name));
    for (n, (name, i)) in all.iter().enumerate() {
        let summary = if i.classification == Classification::TuyetMat {
            "(Tuyệt mật: không ghi trích yếu)".to_string()
        } else {
            i.summary.to_string()
        };
        t.rows.push(vec![
            int(n as i64 + 1),
            Cell::text(name),
            Cell::text(i.discovered_on.format("%d/%m/%Y").to_string()),
            Cell::text(i.classification.label_vi()),
            Cell::text(i.carrier.label_vi()),
            Cell::text(summary),
            Cell::text(i.status.label_vi()),
            Cell::text(i.handling.as_str()),
        ]);
    }
    t
}

/// The unit-level tables: status and indicators of every child, every incident (the XLSX
/// annex of a report whose body shows groups).
pub fn annex_tables(input: &ReportInput) -> Vec<Table> {
    let mut out = vec![status_table(input)];
    out.extend(indicators_by_child(input));
    out.push(incidents_table(input));
    out
}

/// All the report's tables (for XLSX and CSV exports): those of the body in its order, then,
/// when the body shows groups, the unit-level annex.
pub fn report_tables(input: &ReportInput) -> Vec<Table> {
    if super::groups::grouped(input) {
        let mut out = vec![
            super::groups::status_by_group(input),
            super::groups::indicators_by_group(input),
            violations_table(input),
        ];
        out.extend(annex_tables(input));
        return out;
    }
    let mut out = vec![status_table(input), indicator_totals(input)];
    out.extend(indicators_by_child(input));
    out.push(violations_table(input));
    out.push(incidents_table(input));
    out
}
