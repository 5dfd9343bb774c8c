//! The children of the consolidated report, as the document shows them: one summary per
//! direct child of the scope (expected or reporting), with its subtree's indicator totals
//! (`consolidation::Built::children`), its violations and, for a child whose consolidated
//! report covers it, its units' counts — all from the same figures as the dashboard. Envelopes
//! are decoded only where text is needed: the incidents annual reports list, and the
//! narratives when the annex is asked for. And the ten-year history behind the trend charts.

use std::collections::BTreeMap;

use reports::charts::TimeSeries;
use reports::report::{ChildSummary, History, Narratives};
use reports::timeliness::Status;
use schema::{Payload, ReportKind, ReportingPeriod, UnitId};

use crate::consolidation::{self, Built};
use crate::store::{figures as stored, received, AnyConn};

/// One summary per direct child, sorted by Vietnamese name.
pub fn summaries(
    c: &mut AnyConn,
    built: &Built,
    period: ReportingPeriod,
    names: &BTreeMap<String, String>,
    narratives: Narratives,
) -> anyhow::Result<Vec<ChildSummary>> {
    let mut units: Vec<UnitId> = built.timeliness.by_unit.keys().cloned().collect();
    units.extend(
        built
            .children
            .keys()
            .filter(|u| !built.timeliness.by_unit.contains_key(*u))
            .cloned(),
    );
    let mut violations: BTreeMap<&UnitId, BTreeMap<_, u64>> = BTreeMap::new();
    for ((child, k), n) in &built.tally.by_child {
        *violations.entry(child).or_default().entry(*k).or_default() += n;
    }
    let code = schema::IndicatorCode::parse(crate::store::figures::INCIDENTS_INDICATOR)?;
    let mut out: Vec<ChildSummary> = units
        .iter()
        .map(|u| {
            let name = names
                .get(u.as_str())
                .cloned()
                .unwrap_or_else(|| u.to_string());
            let mut s = ChildSummary::missing(u.clone(), name.clone());
            s.status = built
                .timeliness
                .by_unit
                .get(u)
                .copied()
                .unwrap_or(Status::OnTime);
            if s.status != Status::Missing {
                if let Some(t) = built.children.get(u) {
                    s.indicators = t.indicators.clone();
                }
            }
            // The incidents by the one rule, as in the scope's total.
            let incidents = built.tally.incidents_by_child.get(u).copied().unwrap_or(0);
            if incidents > 0 || s.indicators.contains_key(&code) {
                s.indicators.insert(code.clone(), incidents as i64);
            }
            s.violations = violations.get(u).cloned().unwrap_or_default();
            s.units = built.tally.covered.get(u).copied();
            s.group = Some(super::names::group_label(u, &name));
            s
        })
        .collect();
    attach_incidents(c, period, &mut out)?;
    if narratives != Narratives::Omitted {
        attach_sections(c, period, &mut out)?;
    }
    out.sort_by(|a, b| config::units::compare_vi(&a.name, &b.name));
    Ok(out)
}

/// The child of `scope` (the parent of the children) that `unit` sits under.
fn index_of(children: &[ChildSummary], unit: &UnitId) -> Option<usize> {
    children.iter().position(|ch| ch.unit.contains(unit))
}

/// The incidents listed in annual reports (only those reports are decoded).
fn attach_incidents(
    c: &mut AnyConn,
    period: ReportingPeriod,
    children: &mut [ChildSummary],
) -> anyhow::Result<()> {
    let y = period.end_year();
    let rows = stored::load(
        c,
        y..=y,
        &[ReportKind::AnnualReport.code()],
        &["incident_listed", "incident_ref"],
    )?;
    let mut ids: Vec<String> = rows
        .into_iter()
        .filter(|r| r.period == period.to_string())
        .map(|r| r.report_id)
        .collect();
    ids.dedup();
    for id in ids {
        let versions = received::versions(c, &id)?;
        let Some(row) = received::latest(&versions) else {
            continue;
        };
        let env: schema::Envelope = schema::decode(row.envelope.as_bytes())
            .map_err(|e| anyhow::anyhow!("stored report {id}: {e}"))?;
        if let (Payload::AnnualReport(r), Some(i)) =
            (&env.body.payload, index_of(children, &env.body.unit))
        {
            children[i].incidents.extend(r.incidents.iter().cloned());
        }
    }
    Ok(())
}

/// The children's own text: their annual reports', or their consolidated reports'.
fn attach_sections(
    c: &mut AnyConn,
    period: ReportingPeriod,
    children: &mut [ChildSummary],
) -> anyhow::Result<()> {
    for kind in [ReportKind::AnnualReport, ReportKind::ConsolidatedReport] {
        for consolidation::Latest { row, .. } in consolidation::latest_of(c, kind, period)? {
            let env: schema::Envelope = schema::decode(row.envelope.as_bytes())
                .map_err(|e| anyhow::anyhow!("stored report {}: {e}", row.report_id))?;
            let Some(i) = children.iter().position(|ch| ch.unit == env.body.unit) else {
                continue;
            };
            match &env.body.payload {
                Payload::AnnualReport(r) => {
                    children[i].sections = r.sections.iter().cloned().collect()
                }
                Payload::ConsolidatedReport(r) => {
                    children[i].sections = r.sections.iter().cloned().collect()
                }
                _ => {}
            }
        }
    }
    Ok(())
}

/// Ten years of incidents and violations under the scope, by the one rule.
pub fn history(c: &mut AnyConn, scope: &UnitId, year: i32) -> anyhow::Result<History> {
    let filter = reports::figures::Filter {
        area: scope.clone(),
        own: scope.clone(),
        only: None,
        tier: None,
    };
    let years = (year - 9)..=year;
    let t = crate::figures::area(c, &filter, years.clone())?;
    let first = t.keys().next().copied().unwrap_or(year).max(year - 9);
    let incidents = TimeSeries {
        labels: (first..=year).map(|y| y.to_string()).collect(),
        lines: vec![(
            "Số vụ lộ, mất bí mật nhà nước".into(),
            (first..=year)
                .map(|y| t.get(&y).map_or(0, |x| x.incidents))
                .collect(),
        )],
    };
    Ok(History {
        // Every year of the span, none found being a fact too.
        violations_by_year: (first..=year)
            .map(|y| {
                (
                    y,
                    t.get(&y).map(|x| x.violations.clone()).unwrap_or_default(),
                )
            })
            .collect(),
        incidents,
    })
}
