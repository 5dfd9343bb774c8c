//! The consolidated report an aggregator sends up: the latest version of every annual report
//! received for a period, and of every consolidated report that stands for a subtree (a child
//! aggregator's: the national report is built from the provinces'), rolled up to this
//! aggregator's unit (`reports::consolidate`, with the registry's successions so merged units
//! count under their successors), timeliness judged on the first receipts
//! (`reports::timeliness`), the incident count and the violations by the one rule of
//! `crate::figures` (so the report says what the dashboard says), the expected units taken from
//! the registry (the direct children valid on the period's last day; without a registry, the
//! units that reported), and provenance (every source's id, unit and digest). Figures are read
//! from `report_figures`, never by decoding envelopes.

mod cache;
mod latest;

pub use cache::BuildCache;

pub use latest::{latest_annual, latest_meta, latest_of, latest_versions, Latest, Meta};

use std::collections::BTreeMap;

use anyhow::{anyhow, Context as _};
use chrono::DateTime;
use config::rules::RuleBook;
use schema::*;

use crate::registry;
use crate::store::figures::{self as stored, VersionFigure, INCIDENTS_INDICATOR};
use crate::store::AnyConn;

/// The figures behind a consolidated report, for printing and checking.
#[derive(Debug, Clone)]
pub struct Built {
    pub report: ConsolidatedReport,
    pub timeliness: reports::timeliness::Timeliness,
    pub deadline: chrono::NaiveDate,
    /// What `crate::figures` counted for the period (annual periods only).
    pub tally: reports::figures::YearTally,
    /// The totals of each direct child of the scope (its subtree's reports).
    pub children: BTreeMap<UnitId, reports::consolidate::Totals>,
}

/// The stored figures of the period's annual and consolidated reports, by (report id, digest).
fn figures_by_version(
    conn: &mut AnyConn,
    period: ReportingPeriod,
) -> anyhow::Result<BTreeMap<(String, String), Vec<VersionFigure>>> {
    let kinds = [
        ReportKind::AnnualReport.code(),
        ReportKind::ConsolidatedReport.code(),
    ];
    let items = ["stored", "violation", "incident_listed", "incident_ref"];
    let mut out: BTreeMap<(String, String), Vec<VersionFigure>> = BTreeMap::new();
    for r in stored::of_period(conn, period, &kinds, &items)? {
        out.entry((r.report_id.clone(), r.digest.clone()))
            .or_default()
            .push(r);
    }
    Ok(out)
}

fn source(m: &Meta, figures: &[VersionFigure]) -> anyhow::Result<reports::consolidate::Source> {
    let v = &m.version;
    let mut indicators = Vec::new();
    let mut violations = Vec::new();
    let mut incidents = 0;
    for f in figures {
        match f.item.as_str() {
            "stored" => {
                for (code, v) in stored::indicators_of(&f.code)? {
                    indicators.push((IndicatorCode::parse(&code)?, v));
                }
            }
            "violation" => violations.push((
                ViolationKind::parse(&f.code).map_err(|e| anyhow!("stored violation: {e}"))?,
                u64::try_from(f.value).unwrap_or(0),
            )),
            "incident_listed" => incidents += u64::try_from(f.value).unwrap_or(0),
            "incident_ref" => incidents += 1,
            _ => {}
        }
    }
    Ok(reports::consolidate::Source {
        report_id: ReportId::parse(&v.report_id).map_err(|e| anyhow!("stored report id: {e}"))?,
        unit: UnitId::parse(&v.unit).map_err(|e| anyhow!("stored unit: {e}"))?,
        digest: Digest::parse(&v.digest).map_err(|e| anyhow!("stored digest: {e}"))?,
        indicators,
        violations,
        incidents,
    })
}

fn source_ref(m: &Meta) -> anyhow::Result<SourceRef> {
    let v = &m.version;
    Ok(SourceRef {
        report_id: ReportId::parse(&v.report_id).map_err(|e| anyhow!("stored report id: {e}"))?,
        unit: UnitId::parse(&v.unit).map_err(|e| anyhow!("stored unit: {e}"))?,
        digest: Digest::parse(&v.digest).map_err(|e| anyhow!("stored digest: {e}"))?,
    })
}

/// What the consolidated report is made of: the sources rolled up (annual reports outside
/// covered subtrees, the covering consolidated reports), the other reports named as
/// provenance (incident reports, inspection results), the tally, and the first receipts.
struct Inputs {
    sources: Vec<reports::consolidate::Source>,
    extra: Vec<SourceRef>,
    tally: reports::figures::YearTally,
    first_receipts: BTreeMap<UnitId, DateTime<chrono::FixedOffset>>,
}

fn inputs(conn: &mut AnyConn, scope: &UnitId, period: ReportingPeriod) -> anyhow::Result<Inputs> {
    let annual = matches!(period, ReportingPeriod::Annual(_));
    let year = period.end_year();
    let tally = if annual {
        let f = reports::figures::Filter {
            area: scope.clone(),
            own: scope.clone(),
            only: None,
            tier: None,
        };
        crate::figures::area(conn, &f, year..=year)?
            .remove(&year)
            .unwrap_or_default()
    } else {
        Default::default()
    };
    // A consolidated report stands for its whole subtree: the reports under it (relayed here
    // by a `[relay] forward` policy) are then not added again.
    let mut rows: Vec<Meta> = latest_meta(conn, ReportKind::ConsolidatedReport, period, true)?
        .into_iter()
        .filter(|m| {
            UnitId::parse(&m.version.unit).is_ok_and(|u| match annual {
                true => tally.covered.contains_key(&u),
                false => u.parent().as_ref() == Some(scope),
            })
        })
        .collect();
    let covered: Vec<UnitId> = rows
        .iter()
        .filter_map(|m| UnitId::parse(&m.version.unit).ok())
        .collect();
    let outside = |m: &Meta| {
        UnitId::parse(&m.version.unit).is_ok_and(|u| !covered.iter().any(|c| c.contains(&u)))
    };
    rows.extend(
        latest_meta(conn, ReportKind::AnnualReport, period, true)?
            .into_iter()
            .filter(|m| outside(m)),
    );
    let mut extra = Vec::new();
    for kind in [ReportKind::IncidentReport, ReportKind::InspectionResult] {
        for m in latest_meta(conn, kind, period, false)?
            .iter()
            .filter(|m| outside(m))
        {
            extra.push(source_ref(m)?);
        }
    }
    let successors = latest::successor_map(conn)?;
    let figures = figures_by_version(conn, period)?;
    let (mut sources, mut first_receipts) = (Vec::new(), BTreeMap::new());
    for m in &rows {
        let key = (m.version.report_id.clone(), m.version.digest.clone());
        let s = source(m, figures.get(&key).map_or(&[][..], Vec::as_slice))?;
        let first = DateTime::parse_from_rfc3339(&m.first_received_at).map_err(|e| {
            anyhow!(
                "report {}: unreadable received_at: {e}",
                m.version.report_id
            )
        })?;
        let unit = reports::consolidate::current_unit(&s.unit, &successors)?;
        first_receipts
            .entry(unit)
            .and_modify(|t: &mut DateTime<_>| *t = (*t).min(first))
            .or_insert(first);
        sources.push(s);
    }
    Ok(Inputs {
        sources,
        extra,
        tally,
        first_receipts,
    })
}

/// Builds the consolidated report of `scope` for `period` from what this aggregator stored.
pub fn build(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    period: ReportingPeriod,
) -> anyhow::Result<Built> {
    // Reports count for the direct child of the scope they sit under.
    let child_of = |u: &UnitId| -> Option<UnitId> {
        let mut cur = u.clone();
        while let Some(p) = cur.parent() {
            if &p == scope {
                return Some(cur);
            }
            cur = p;
        }
        None
    };
    let Inputs {
        sources,
        extra: extra_sources,
        tally,
        first_receipts,
    } = inputs(conn, scope, period)?;
    let successors = latest::successor_map(conn)?;
    let c = reports::consolidate::consolidate(scope, &sources, &successors)?;
    let pack = rules
        .pack_for(period.end())
        .context("no rule pack for the period")?;
    let deadline = pack
        .deadline(ReportKind::AnnualReport, scope.tier(), period.end_year())
        .or_else(|_| pack.deadline(ReportKind::AnnualReport, Tier::Province, period.end_year()))?;
    let children: Vec<UnitId> = registry::children(conn, scope, period.end())?
        .iter()
        .filter_map(|u| UnitId::parse(&u.id).ok())
        .collect();
    let mut firsts_by_child: BTreeMap<UnitId, DateTime<chrono::FixedOffset>> = BTreeMap::new();
    for (u, t) in &first_receipts {
        if let Some(ch) = child_of(u) {
            firsts_by_child
                .entry(ch)
                .and_modify(|x| *x = (*x).min(*t))
                .or_insert(*t);
        }
    }
    let expected: Vec<UnitId> = if children.is_empty() {
        firsts_by_child.keys().cloned().collect()
    } else {
        children
    };
    let timeliness = reports::timeliness::assess(rules, deadline, &expected, &firsts_by_child);
    let mut totals = c.scope_totals();
    // Every indicator of the pack's consolidated form, 0 where no report counted any: a total
    // over no reports is 0, and the parent's pack requires the line.
    if let Some(form) = pack.form(ReportKind::ConsolidatedReport) {
        for spec in &form.indicators {
            totals.indicators.entry(spec.code.clone()).or_insert(0);
        }
    }
    // The incidents and violations are the one count of `crate::figures` (annual periods): an
    // incident reported at once and listed in the annual report is one incident.
    let annual = matches!(period, ReportingPeriod::Annual(_));
    if annual {
        if let Some(n) = totals
            .indicators
            .get_mut(&IndicatorCode::parse(INCIDENTS_INDICATOR)?)
        {
            *n = i64::try_from(tally.incidents).unwrap_or(i64::MAX);
        }
        totals.violations = tally.violations.clone();
    }
    let missing: Vec<UnitId> = timeliness
        .by_unit
        .iter()
        .filter(|(_, s)| **s == reports::timeliness::Status::Missing)
        .map(|(u, _)| u.clone())
        .collect();
    let summary = format!(
        "Tổng hợp từ {} báo cáo của các đơn vị trực thuộc; {}/{} đơn vị đã nộp, {} đúng hạn ({}).",
        totals.sources.len(),
        expected.len() - missing.len(),
        expected.len(),
        timeliness.on_time(),
        deadline.format("%d/%m/%Y")
    );
    let section = |code: &str| Section {
        code: IndicatorCode::parse(code).expect("section codes"),
        text: Text::parse(&summary).expect("short text"),
    };
    let report = ConsolidatedReport {
        scope: scope.clone(),
        sections: BoundedVec::parse(["a", "b", "c", "d"].iter().map(|c| section(c)).collect())?,
        indicators: BoundedVec::parse(
            totals
                .indicators
                .iter()
                .map(|(code, v)| {
                    Ok(IndicatorEntry {
                        code: code.clone(),
                        value: IndicatorValue::parse(*v)?,
                    })
                })
                .collect::<Result<Vec<_>, FieldError>>()?,
        )?,
        violations: BoundedVec::parse(
            totals
                .violations
                .iter()
                .filter(|(_, n)| **n > 0)
                .map(|(kind, count)| ViolationCount {
                    kind: *kind,
                    count: *count,
                })
                .collect(),
        )?,
        units_expected: expected.len() as u32,
        units_reported: (expected.len() - missing.len()) as u32,
        units_on_time: timeliness.on_time() as u32,
        missing: BoundedVec::parse(missing)?,
        sources: BoundedVec::parse(
            totals
                .sources
                .iter()
                .map(|p| SourceRef {
                    report_id: p.report_id.clone(),
                    unit: p.unit.clone(),
                    digest: p.digest.clone(),
                })
                .chain(extra_sources)
                .collect(),
        )?,
    };
    Ok(Built {
        report,
        timeliness,
        deadline,
        tally,
        children: c
            .totals
            .iter()
            .filter(|(u, _)| u.parent().as_ref() == Some(scope))
            .map(|(u, t)| (u.clone(), t.clone()))
            .collect(),
    })
}
