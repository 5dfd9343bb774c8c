//! The consolidated report an aggregator sends up: the latest version of every annual report
//! received for a period, and of every child aggregator's consolidated report (which then
//! stands for its subtree: the national report is built from the provinces'), rolled up to this aggregator's unit (`reports::consolidate`, with the
//! registry's successions so merged units count under their successors), timeliness judged on
//! the first receipts (`reports::timeliness`), violations from the incident reports, inspection
//! results and children's consolidated reports, the expected units taken from the registry (the
//! direct children valid on the period's last day; without a registry, the units that
//! reported), and provenance (every source's id, unit and digest). Sections a–d carry a
//! generated summary for now; compiling the children's narratives belongs to the reports issue.

use crate::store::AnyConn;
use std::collections::BTreeMap;

use anyhow::{anyhow, Context as _};
use chrono::DateTime;
use config::rules::RuleBook;
use diesel::prelude::*;
use schema::*;

use crate::registry;
use crate::store::received::{self, ReceivedRow};
use crate::store::schema::{received as rtable, successions};

/// What consolidation reads of a stored annual report. Stored envelopes were verified and
/// validated when they arrived, so only the figures are read back, without the narratives.
#[derive(serde::Deserialize)]
struct Stored<'a> {
    #[serde(borrow)]
    body: StoredBody<'a>,
}

#[derive(serde::Deserialize)]
struct StoredBody<'a> {
    report_id: &'a str,
    unit: &'a str,
    payload: StoredPayload<'a>,
}

#[derive(serde::Deserialize)]
struct StoredPayload<'a> {
    kind: &'a str,
    #[serde(borrow)]
    content: StoredFigures<'a>,
}

#[derive(serde::Deserialize)]
struct StoredFigures<'a> {
    #[serde(borrow, default)]
    indicators: Vec<StoredIndicator<'a>>,
    #[serde(default)]
    incidents: Vec<serde::de::IgnoredAny>,
    /// A consolidated report's counts, or an incident report's kinds.
    #[serde(borrow, default)]
    violations: Vec<StoredViolation<'a>>,
    /// An inspection result's findings.
    #[serde(borrow, default)]
    findings: Vec<StoredFinding<'a>>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StoredViolation<'a> {
    Count { kind: &'a str, count: u64 },
    Kind(&'a str),
}

#[derive(serde::Deserialize)]
struct StoredFinding<'a> {
    kind: &'a str,
    occurrences: u32,
}

impl StoredFigures<'_> {
    /// Violations by kind: counted, listed (one each) or found (by occurrences).
    fn violations(&self) -> anyhow::Result<Vec<(ViolationKind, u64)>> {
        let kind = |code: &str| {
            ViolationKind::ALL
                .iter()
                .copied()
                .find(|k| k.code() == code)
                .ok_or_else(|| anyhow!("stored violation kind `{code}` is unknown"))
        };
        let mut out = Vec::new();
        for v in &self.violations {
            out.push(match v {
                StoredViolation::Count { kind: k, count } => (kind(k)?, *count),
                StoredViolation::Kind(k) => (kind(k)?, 1),
            });
        }
        for f in &self.findings {
            out.push((kind(f.kind)?, u64::from(f.occurrences.max(1))));
        }
        Ok(out)
    }
}

#[derive(serde::Deserialize)]
struct StoredIndicator<'a> {
    code: &'a str,
    value: i64,
}

/// The figures behind a consolidated report, for printing and checking.
#[derive(Debug)]
pub struct Built {
    pub report: ConsolidatedReport,
    pub timeliness: reports::timeliness::Timeliness,
    pub deadline: chrono::NaiveDate,
}

fn successor_map(conn: &mut AnyConn) -> QueryResult<BTreeMap<UnitId, UnitId>> {
    node::dispatch!(conn, |conn| {
        let rows: Vec<(String, String, String)> = successions::table
            .select((
                successions::predecessor,
                successions::successor,
                successions::note,
            ))
            .load(conn)?;
        let mut map = BTreeMap::new();
        for (p, s, note) in rows {
            // A split counts under its default part only, so nothing is counted twice.
            if note == "split-part" || p == s {
                continue;
            }
            if let (Ok(p), Ok(s)) = (UnitId::parse(&p), UnitId::parse(&s)) {
                map.entry(p).or_insert(s);
            }
        }
        Ok(map)
    })
}

/// The latest version of one unit's annual report, and when its first version arrived (the
/// receipt that decides timeliness).
#[derive(Debug, Clone)]
pub struct Latest {
    pub row: ReceivedRow,
    /// `received_at` of the report id's first version (RFC 3339).
    pub first_received_at: String,
}

/// The latest version of each annual report of `period`, one per unit (the most recently
/// received when a unit filed several report ids), in one query.
pub fn latest_annual(conn: &mut AnyConn, period: ReportingPeriod) -> QueryResult<Vec<Latest>> {
    latest_of(conn, ReportKind::AnnualReport, period)
}

/// The same for any kind.
pub fn latest_of(
    conn: &mut AnyConn,
    kind: ReportKind,
    period: ReportingPeriod,
) -> QueryResult<Vec<Latest>> {
    let mut by_unit: BTreeMap<String, Latest> = BTreeMap::new();
    for l in latest_versions(conn, kind, period)? {
        let keep = by_unit
            .get(&l.row.unit)
            .is_none_or(|old| old.row.received_at < l.row.received_at);
        if keep {
            by_unit.insert(l.row.unit.clone(), l);
        }
    }
    Ok(by_unit.into_values().collect())
}

/// The latest version of every report of `kind` and `period` (one per report id).
pub fn latest_versions(
    conn: &mut AnyConn,
    kind: ReportKind,
    period: ReportingPeriod,
) -> QueryResult<Vec<Latest>> {
    let rows: Vec<ReceivedRow> = node::dispatch!(conn, |conn| rtable::table
        .filter(rtable::kind.eq(kind.code()))
        .filter(rtable::period.eq(period.to_string()))
        .select(ReceivedRow::as_select())
        .load(conn))?;
    let mut by_id: BTreeMap<String, Vec<ReceivedRow>> = BTreeMap::new();
    for r in rows {
        by_id.entry(r.report_id.clone()).or_default().push(r);
    }
    let mut out = Vec::with_capacity(by_id.len());
    for versions in by_id.values() {
        let Some(l) = received::latest(versions) else {
            continue;
        };
        let first = versions
            .iter()
            .min_by_key(|v| DateTime::parse_from_rfc3339(&v.received_at).ok())
            .map_or_else(|| l.received_at.clone(), |v| v.received_at.clone());
        out.push(Latest {
            row: l.clone(),
            first_received_at: first,
        });
    }
    Ok(out)
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
    // A child aggregator's consolidated report stands for its whole subtree: its units'
    // annual reports (relayed here by a `[relay] forward` policy) are then not added again.
    let consolidated: Vec<Latest> = latest_of(conn, ReportKind::ConsolidatedReport, period)?
        .into_iter()
        .filter(|l| UnitId::parse(&l.row.unit).is_ok_and(|u| u.parent().as_ref() == Some(scope)))
        .collect();
    let covered: std::collections::BTreeSet<String> =
        consolidated.iter().map(|l| l.row.unit.clone()).collect();
    let outside_covered = |l: &Latest| {
        UnitId::parse(&l.row.unit)
            .ok()
            .and_then(|u| child_of(&u))
            .is_none_or(|c| !covered.contains(c.as_str()))
    };
    let mut rows = latest_annual(conn, period)?;
    rows.retain(outside_covered);
    rows.extend(consolidated);
    // Incident reports and inspection results add their violations, with provenance; a unit
    // may file many, so they are not consolidation sources (one per unit).
    let mut extra_violations: BTreeMap<ViolationKind, u64> = BTreeMap::new();
    let mut extra_sources = Vec::new();
    for kind in [ReportKind::IncidentReport, ReportKind::InspectionResult] {
        for l in latest_versions(conn, kind, period)?
            .iter()
            .filter(|l| outside_covered(l))
        {
            let stored: Stored = serde_json::from_str(&l.row.envelope)
                .map_err(|e| anyhow!("stored report {}: {e}", l.row.report_id))?;
            for (k, n) in stored.body.payload.content.violations()? {
                *extra_violations.entry(k).or_default() += n;
            }
            extra_sources.push(SourceRef {
                report_id: ReportId::parse(&l.row.report_id)
                    .map_err(|e| anyhow!("stored report id: {e}"))?,
                unit: UnitId::parse(&l.row.unit).map_err(|e| anyhow!("stored unit: {e}"))?,
                digest: Digest::parse(&l.row.digest).map_err(|e| anyhow!("stored digest: {e}"))?,
            });
        }
    }
    let successors = successor_map(conn)?;
    let mut sources = Vec::new();
    let mut first_receipts = BTreeMap::new();
    for Latest {
        row: r,
        first_received_at,
    } in &rows
    {
        let stored: Stored = serde_json::from_str(&r.envelope)
            .map_err(|e| anyhow!("stored report {}: {e}", r.report_id))?;
        let body = stored.body;
        let figures = [ReportKind::AnnualReport, ReportKind::ConsolidatedReport];
        if !figures.iter().any(|k| k.code() == body.payload.kind) {
            continue;
        }
        let unit = UnitId::parse(body.unit).map_err(|e| anyhow!("stored unit: {e}"))?;
        sources.push(reports::consolidate::Source {
            report_id: ReportId::parse(body.report_id)
                .map_err(|e| anyhow!("stored report id: {e}"))?,
            unit: unit.clone(),
            digest: Digest::parse(&r.digest).map_err(|e| anyhow!("stored digest: {e}"))?,
            indicators: body
                .payload
                .content
                .indicators
                .iter()
                .map(|i| Ok((IndicatorCode::parse(i.code)?, i.value)))
                .collect::<Result<_, FieldError>>()?,
            violations: body.payload.content.violations()?,
            incidents: body.payload.content.incidents.len() as u64,
        });
        let first = DateTime::parse_from_rfc3339(first_received_at)
            .map_err(|e| anyhow!("report {}: unreadable received_at: {e}", r.report_id))?;
        let unit = reports::consolidate::current_unit(&unit, &successors)?;
        first_receipts
            .entry(unit)
            .and_modify(|t: &mut DateTime<_>| *t = (*t).min(first))
            .or_insert(first);
    }
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
        violations: BoundedVec::parse({
            let mut all = totals.violations.clone();
            for (k, n) in &extra_violations {
                *all.entry(*k).or_default() += n;
            }
            all.into_iter()
                .map(|(kind, count)| ViolationCount { kind, count })
                .collect()
        })?,
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
    })
}
