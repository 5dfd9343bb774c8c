//! The body of a report with many children, as PA03 writes it: figures by group of units
//! (communes, wards, departments…: [`ChildSummary::group`]) instead of a row per unit, the
//! units that have not reported named (the first [`NAMED`], the rest counted), and the
//! unit-level tables left to the XLSX annex ([`super::tables::annex_tables`]). A report with at
//! most [`BODY_ROWS`] children keeps its per-child tables in the body.

use std::collections::BTreeMap;

use super::input::{ChildSummary, ReportInput};
use super::tables::{indicator_list, total};
use crate::table::{Cell, Table};
use crate::timeliness::Status;

/// Children above which the body shows groups, not units.
pub const BODY_ROWS: usize = 40;
/// How many missing units the body names.
pub const NAMED: usize = 40;

/// Whether the body shows groups.
pub(crate) fn grouped(input: &ReportInput) -> bool {
    input.children.len() > BODY_ROWS
}

fn group_of(c: &ChildSummary) -> &str {
    c.group.as_deref().unwrap_or("Đơn vị khác")
}

/// The groups in order of first appearance in the (name-sorted) children, largest first.
fn groups(input: &ReportInput) -> Vec<(String, Vec<&ChildSummary>)> {
    let mut by: BTreeMap<&str, Vec<&ChildSummary>> = BTreeMap::new();
    for c in &input.children {
        by.entry(group_of(c)).or_default().push(c);
    }
    let mut out: Vec<(String, Vec<&ChildSummary>)> =
        by.into_iter().map(|(g, cs)| (g.to_string(), cs)).collect();
    out.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    out
}

fn int(n: u64) -> Cell {
    Cell::Int(n as i64)
}

/// Expected, reported, on time, late, missing and the on-time rate per group.
pub(crate) fn status_by_group(input: &ReportInput) -> Table {
    let mut t = Table::new(
        "Tình hình nộp báo cáo theo nhóm đơn vị",
        &[
            "STT",
            "Nhóm đơn vị",
            "Phải báo cáo",
            "Đã báo cáo",
            "Đúng hạn",
            "Trễ hạn",
            "Chưa báo cáo",
            "Tỷ lệ đúng hạn",
        ],
    );
    let mut sums = [0u64; 5];
    for (i, (g, cs)) in groups(input).iter().enumerate() {
        let count = |f: fn(&Status) -> bool| cs.iter().filter(|c| f(&c.status)).count() as u64;
        let on = count(|s| *s == Status::OnTime);
        let late = count(|s| matches!(s, Status::Late { .. }));
        let missing = count(|s| *s == Status::Missing);
        let row = [cs.len() as u64, on + late, on, late, missing];
        for (s, v) in sums.iter_mut().zip(row) {
            *s += v;
        }
        let mut cells = vec![Cell::Int(i as i64 + 1), Cell::text(g)];
        cells.extend(row.iter().map(|v| int(*v)));
        cells.push(Cell::Percent(on as f64 / cs.len().max(1) as f64));
        t.rows.push(cells);
    }
    let mut totals = vec![Cell::Empty, Cell::text("Tổng cộng")];
    totals.extend(sums.iter().map(|v| int(*v)));
    totals.push(if sums[0] > 0 {
        Cell::Percent(sums[2] as f64 / sums[0] as f64)
    } else {
        Cell::Empty
    });
    t.totals = Some(totals);
    t
}

/// Each indicator's total per group (a column per group, at most six; the rest in one).
pub(crate) fn indicators_by_group(input: &ReportInput) -> Table {
    let mut gs = groups(input);
    if gs.len() > 6 {
        let rest: Vec<&ChildSummary> = gs.drain(5..).flat_map(|(_, cs)| cs).collect();
        gs.push(("Nhóm khác".to_string(), rest));
    }
    let mut headers = vec!["STT".to_string(), "Chỉ tiêu".into(), "Đơn vị tính".into()];
    headers.extend(gs.iter().map(|(g, _)| g.clone()));
    headers.push("Tổng số".into());
    let refs: Vec<&str> = headers.iter().map(String::as_str).collect();
    let mut t = Table::new("Số liệu theo chỉ tiêu và nhóm đơn vị", &refs);
    for (i, l) in indicator_list(input).iter().enumerate() {
        let mut row = vec![
            Cell::Int(i as i64 + 1),
            Cell::text(&l.label),
            Cell::text(&l.unit),
        ];
        for (_, cs) in &gs {
            row.push(Cell::Int(
                cs.iter().filter_map(|c| c.indicators.get(&l.code)).sum(),
            ));
        }
        row.push(Cell::Int(total(input, &l.code)));
        t.rows.push(row);
    }
    t
}

/// "N units have not reported: A, B, … and M others (annex)", or nothing.
pub(crate) fn missing_text(input: &ReportInput) -> Option<String> {
    let missing: Vec<&str> = input
        .children
        .iter()
        .filter(|c| c.status == Status::Missing)
        .map(|c| c.name.as_str())
        .collect();
    if missing.is_empty() {
        return None;
    }
    let named = missing[..missing.len().min(NAMED)].join(", ");
    let rest = missing.len().saturating_sub(NAMED);
    Some(if rest == 0 {
        format!("Các đơn vị chưa gửi báo cáo: {named}.")
    } else {
        format!(
            "Các đơn vị chưa gửi báo cáo ({} đơn vị): {named} và {rest} đơn vị khác (danh sách \
             đầy đủ tại Phụ lục số liệu chi tiết).",
            missing.len()
        )
    })
}

/// On-time rate per group, for the chart.
pub(crate) fn rates_by_group(input: &ReportInput) -> Vec<(String, f64)> {
    groups(input)
        .into_iter()
        .map(|(g, cs)| {
            let on = cs.iter().filter(|c| c.status == Status::OnTime).count();
            (g, on as f64 / cs.len().max(1) as f64)
        })
        .collect()
}

/// Violations per group and kind, for the heatmap.
pub(crate) fn violations_by_group(
    input: &ReportInput,
) -> Vec<(String, BTreeMap<schema::ViolationKind, u64>)> {
    groups(input)
        .into_iter()
        .map(|(g, cs)| {
            let mut m = BTreeMap::new();
            for c in cs {
                for (k, n) in &c.violations {
                    *m.entry(*k).or_insert(0) += n;
                }
            }
            (g, m)
        })
        .filter(|(_, m)| m.values().any(|n| *n > 0))
        .collect()
}
