//! The figures of an area, read from `report_figures` (`store::figures`) and counted by the one
//! rule in `reports::figures`: the dashboard, the rates and the consolidated report call
//! [`area`] and [`on_time`], so the same filter gives the same number on every page. This
//! aggregator's own inspections add their findings (they are not reports it received).

use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use anyhow::anyhow;
use reports::figures::{Filter, ReportFigures, YearTally};
use schema::{ReportKind, ReportingPeriod, UnitId, ViolationKind};

use crate::store::figures::{self as stored, FigureRow};
use crate::store::AnyConn;

/// What the count reads (not `stored`, one per version, nor `indicator`).
const ITEMS: [&str; 7] = [
    "incident",
    "violation",
    "incident_listed",
    "incident_ref",
    "incident_declared",
    "units_expected",
    "units_reported",
];

fn kind(code: &str) -> anyhow::Result<ReportKind> {
    ReportKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == code)
        .ok_or_else(|| anyhow!("stored report kind `{code}` is unknown"))
}

fn violation(code: &str) -> anyhow::Result<ViolationKind> {
    ViolationKind::ALL
        .iter()
        .copied()
        .find(|k| k.code() == code)
        .ok_or_else(|| anyhow!("stored violation kind `{code}` is unknown"))
}

/// Groups stored figure rows into one [`ReportFigures`] per report (latest version).
pub fn group(rows: Vec<FigureRow>) -> anyhow::Result<Vec<ReportFigures>> {
    let mut by_report: BTreeMap<String, ReportFigures> = BTreeMap::new();
    let mut on_time: BTreeMap<String, u32> = BTreeMap::new();
    for r in rows {
        let k = kind(&r.kind)?;
        let f = match by_report.entry(r.report_id.clone()) {
            std::collections::btree_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::btree_map::Entry::Vacant(e) => e.insert(ReportFigures::new(
                r.report_id.clone(),
                UnitId::parse(&r.unit).map_err(|e| anyhow!("stored unit: {e}"))?,
                k,
                r.year,
            )),
        };
        let v = u64::try_from(r.value).unwrap_or(0);
        match r.item.as_str() {
            "incident" => f.incidents += v,
            "violation" => *f.violations.entry(violation(&r.code)?).or_default() += v,
            "incident_listed" => f.listed += v,
            "incident_ref" => {
                f.refs.insert(r.code);
            }
            "incident_declared" => f.declared += v,
            "units_expected" => f.units.get_or_insert_default().0 = v as u32,
            "units_reported" => f.units.get_or_insert_default().1 = v as u32,
            "units_on_time" => {
                on_time.insert(r.report_id, v as u32);
            }
            _ => {}
        }
    }
    for (id, n) in on_time {
        if let Some(f) = by_report.get_mut(&id) {
            f.units.get_or_insert_default().2 = n;
        }
    }
    Ok(by_report.into_values().collect())
}

/// The stored reports' figures for `years` (latest versions).
pub fn reports(
    conn: &mut AnyConn,
    years: RangeInclusive<i32>,
) -> anyhow::Result<Vec<ReportFigures>> {
    let mut items = ITEMS.to_vec();
    items.push("units_on_time");
    group(stored::load(conn, years, &[], &items)?)
}

/// Counts the area's figures per year, this aggregator's own inspections included.
pub fn area(
    conn: &mut AnyConn,
    filter: &Filter,
    years: RangeInclusive<i32>,
) -> anyhow::Result<BTreeMap<i32, YearTally>> {
    let reports = reports(conn, years.clone())?;
    let mut out = reports::figures::tally(&reports, filter);
    if filter.tier.is_none() {
        for (year, found) in crate::inspection::findings_by_reporting_year(conn, &filter.area)? {
            if !years.contains(&year) {
                continue;
            }
            let t = out.entry(year).or_default();
            for ((unit, k), n) in found
                .into_iter()
                .filter(|((_, k), _)| filter.only.is_none_or(|o| o == *k))
            {
                *t.violations.entry(k).or_default() += n;
                let child = reports::figures::child_of(&filter.area, &unit);
                *t.by_child.entry((child, k)).or_default() += n;
            }
        }
    }
    Ok(out)
}

/// The reporting year an event on `day` counts for.
pub fn reporting_year(day: chrono::NaiveDate) -> i32 {
    ReportingPeriod::annual_containing(day).end_year()
}
