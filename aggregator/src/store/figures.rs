//! The figures of every stored version (`report_figures`, migration 000012), extracted once
//! when the version is stored ([`insert_for`], called by `received::insert_many`) so that the
//! dashboard, the rates and the consolidated report add numbers in SQL instead of decoding
//! envelopes on every request. Derived from `received`: [`backfill`] fills in versions stored
//! before the table existed, at start. What each item means is in the migration's comment;
//! which figures count where is `crate::figures`.

use std::collections::BTreeSet;

use anyhow::anyhow;
use diesel::prelude::*;
use schema::{ReportKind, ReportingPeriod};

use super::received::ReceivedRow;
use super::schema::{received, report_figures};
use crate::store::AnyConn;

/// The indicators a `stored` row carries (code → value), empty when it carries none.
pub fn indicators_of(row_code: &str) -> anyhow::Result<Vec<(String, i64)>> {
    if row_code.is_empty() {
        return Ok(Vec::new());
    }
    let map: std::collections::BTreeMap<String, i64> = serde_json::from_str(row_code)
        .map_err(|e| anyhow!("stored indicators `{row_code}`: {e}"))?;
    Ok(map.into_iter().collect())
}

/// One figure of one stored version.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = report_figures)]
pub struct FigureRow {
    pub report_id: String,
    pub digest: String,
    pub unit: String,
    pub kind: String,
    pub period: String,
    pub year: i32,
    pub item: String,
    pub code: String,
    pub value: i64,
}

/// What is read of a stored envelope: the figures, never the narratives.
#[derive(serde::Deserialize)]
struct Stored<'a> {
    #[serde(borrow)]
    body: Body<'a>,
}

#[derive(serde::Deserialize)]
struct Body<'a> {
    #[serde(borrow)]
    payload: Payload<'a>,
}

#[derive(serde::Deserialize)]
struct Payload<'a> {
    kind: &'a str,
    #[serde(borrow)]
    content: Content<'a>,
}

#[derive(serde::Deserialize)]
struct Content<'a> {
    #[serde(borrow, default)]
    indicators: Vec<Indicator<'a>>,
    #[serde(borrow, default)]
    incidents: Vec<Listed<'a>>,
    #[serde(borrow, default)]
    violations: Vec<Violation<'a>>,
    #[serde(borrow, default)]
    findings: Vec<Finding<'a>>,
    #[serde(default)]
    discovered_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    #[serde(default)]
    ended_on: Option<chrono::NaiveDate>,
    #[serde(default)]
    units_expected: i64,
    #[serde(default)]
    units_reported: i64,
    #[serde(default)]
    units_on_time: i64,
}

#[derive(serde::Deserialize)]
struct Indicator<'a> {
    code: &'a str,
    value: i64,
}

#[derive(serde::Deserialize)]
struct Listed<'a> {
    #[serde(default)]
    incident_report_id: Option<&'a str>,
}

#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Violation<'a> {
    Count { kind: &'a str, count: u64 },
    Kind(&'a str),
}

#[derive(serde::Deserialize)]
struct Finding<'a> {
    kind: &'a str,
    occurrences: u32,
}

/// The indicator a consolidated report carries its incident count in.
pub const INCIDENTS_INDICATOR: &str = "so_vu_lo_mat";

/// The figures of one stored version (nothing for kinds without figures).
pub fn extract(row: &ReceivedRow) -> anyhow::Result<Vec<FigureRow>> {
    let stored: Stored = serde_json::from_str(&row.envelope)
        .map_err(|e| anyhow!("stored report {}: {e}", row.report_id))?;
    let (kind, c) = (stored.body.payload.kind, &stored.body.payload.content);
    let reporting_year = |d: chrono::NaiveDate| ReportingPeriod::annual_containing(d).end_year();
    let year = match kind {
        k if k == ReportKind::IncidentReport.code() => c
            .discovered_at
            .map(|t| reporting_year(t.date_naive()))
            .ok_or_else(|| anyhow!("incident report {} has no discovered_at", row.report_id))?,
        k if k == ReportKind::InspectionResult.code() => c
            .ended_on
            .map(reporting_year)
            .ok_or_else(|| anyhow!("inspection result {} has no ended_on", row.report_id))?,
        _ => ReportingPeriod::parse(&row.period)
            .map(|p| p.end_year())
            .map_err(|e| anyhow!("stored report {}: {e}", row.report_id))?,
    };
    let mut out = Vec::new();
    let mut push = |item: &str, code: &str, value: i64| {
        out.push(FigureRow {
            report_id: row.report_id.clone(),
            digest: row.digest.clone(),
            unit: row.unit.clone(),
            kind: row.kind.clone(),
            period: row.period.clone(),
            year,
            item: item.into(),
            code: code.into(),
            value,
        })
    };
    // The marker row carries the indicators as one JSON object (code → value, first of a
    // duplicated code): one row per version instead of one per indicator.
    let mut indicators = std::collections::BTreeMap::new();
    for i in &c.indicators {
        indicators.entry(i.code).or_insert(i.value);
    }
    let carried = match indicators.is_empty() {
        true => String::new(),
        false => serde_json::to_string(&indicators)?,
    };
    push("stored", &carried, indicators.len() as i64);
    let mut violations: std::collections::BTreeMap<&str, i64> = Default::default();
    for v in &c.violations {
        let (k, n) = match v {
            Violation::Count { kind, count } => (*kind, *count as i64),
            Violation::Kind(kind) => (*kind, 1),
        };
        *violations.entry(k).or_default() += n;
    }
    for f in &c.findings {
        *violations.entry(f.kind).or_default() += i64::from(f.occurrences.max(1));
    }
    for (k, n) in violations {
        push("violation", k, n);
    }
    match kind {
        k if k == ReportKind::IncidentReport.code() => push("incident", "", 1),
        k if k == ReportKind::ConsolidatedReport.code() => {
            let n = c.indicators.iter().find(|i| i.code == INCIDENTS_INDICATOR);
            push("incident", "", n.map_or(0, |i| i.value));
            push("units_expected", "", c.units_expected);
            push("units_reported", "", c.units_reported);
            push("units_on_time", "", c.units_on_time);
        }
        k if k == ReportKind::AnnualReport.code() => {
            let n = c.indicators.iter().find(|i| i.code == INCIDENTS_INDICATOR);
            if let Some(n) = n.filter(|i| i.value > 0) {
                push("incident_declared", "", n.value);
            }
        }
        _ => {}
    }
    let refs: BTreeSet<&str> = c
        .incidents
        .iter()
        .filter_map(|i| i.incident_report_id)
        .collect();
    let unlinked = c
        .incidents
        .iter()
        .filter(|i| i.incident_report_id.is_none())
        .count();
    if unlinked > 0 {
        push("incident_listed", "", unlinked as i64);
    }
    for r in refs {
        push("incident_ref", r, 1);
    }
    Ok(out)
}

/// Stores the figures of `rows` (new versions, inside the caller's transaction).
pub fn insert_for(conn: &mut AnyConn, rows: &[ReceivedRow]) -> anyhow::Result<usize> {
    let figures = extract_all(rows)?;
    let mut n = 0;
    // SQLite binds at most 32,766 parameters per statement: 9 per row.
    for chunk in figures.chunks(3_000) {
        n += match &mut *conn {
            AnyConn::Sqlite(c) => diesel::insert_into(report_figures::table)
                .values(chunk)
                .execute(c)?,
            AnyConn::Pg(c) => unnest(chunk).execute(c)?,
        };
    }
    Ok(n)
}

node::unnest_insert!(FiguresUnnest<'a>, "report_figures", {
    report_id: diesel::sql_types::Text => &'a str,
    digest: diesel::sql_types::Text => &'a str,
    unit: diesel::sql_types::Text => &'a str,
    kind: diesel::sql_types::Text => &'a str,
    period: diesel::sql_types::Text => &'a str,
    year: diesel::sql_types::Integer => i32,
    item: diesel::sql_types::Text => &'a str,
    code: diesel::sql_types::Text => &'a str,
    value: diesel::sql_types::BigInt => i64,
});

/// The figures of every version in `rows`, in order.
pub fn extract_all(rows: &[ReceivedRow]) -> anyhow::Result<Vec<FigureRow>> {
    let mut figures = Vec::new();
    for r in rows {
        figures.extend(extract(r)?);
    }
    Ok(figures)
}

/// `rows` as one cached statement on PostgreSQL (`node::db::unnest`).
pub fn unnest(rows: &[FigureRow]) -> FiguresUnnest<'_> {
    let mut u = FiguresUnnest::default();
    for r in rows {
        u.report_id.push(&r.report_id);
        u.digest.push(&r.digest);
        u.unit.push(&r.unit);
        u.kind.push(&r.kind);
        u.period.push(&r.period);
        u.year.push(r.year);
        u.item.push(&r.item);
        u.code.push(&r.code);
        u.value.push(r.value);
    }
    u
}

/// Extracts the figures of every stored version that has none yet (versions stored before
/// migration 000012), in batches of 2,000 versions; returns how many versions were filled in.
pub fn backfill(conn: &mut AnyConn) -> anyhow::Result<usize> {
    let mut done = 0;
    loop {
        let missing: Vec<ReceivedRow> = node::dispatch!(&mut *conn, |c| received::table
            .filter(diesel::dsl::not(diesel::dsl::exists(
                report_figures::table.filter(
                    report_figures::report_id
                        .eq(received::report_id)
                        .and(report_figures::digest.eq(received::digest))
                        .and(report_figures::item.eq("stored")),
                ),
            )))
            .limit(2_000)
            .select(ReceivedRow::as_select())
            .load(c))?;
        if missing.is_empty() {
            return Ok(done);
        }
        done += missing.len();
        conn.write_transaction(|c| insert_for(c, &missing).map(|_| ()))?;
    }
}

/// Stored versions that a later version amends: (report id, digest). Their figures no longer
/// count (only the latest version of a report does).
pub fn superseded(conn: &mut AnyConn) -> QueryResult<BTreeSet<(String, String)>> {
    let rows: Vec<(String, Option<String>)> = node::dispatch!(conn, |c| received::table
        .filter(received::supersedes.is_not_null())
        .select((received::report_id, received::supersedes))
        .load(c))?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, s)| s.map(|s| (id, s)))
        .collect())
}

/// The figures of `items` for reporting years `years` (and, if given, of report kinds `kinds`),
/// latest versions only.
pub fn load(
    conn: &mut AnyConn,
    years: std::ops::RangeInclusive<i32>,
    kinds: &[&str],
    items: &[&str],
) -> QueryResult<Vec<FigureRow>> {
    let old = superseded(conn)?;
    let (first, last) = (*years.start(), *years.end());
    let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    let kinds: Vec<String> = kinds.iter().map(|s| s.to_string()).collect();
    let rows: Vec<FigureRow> = node::dispatch!(conn, |c| {
        let mut q = report_figures::table
            .filter(report_figures::year.between(first, last))
            .filter(report_figures::item.eq_any(items.clone()))
            .into_boxed();
        if !kinds.is_empty() {
            q = q.filter(report_figures::kind.eq_any(kinds.clone()));
        }
        q.select(FigureRow::as_select()).load(c)
    })?;
    Ok(rows
        .into_iter()
        .filter(|r| !old.contains(&(r.report_id.clone(), r.digest.clone())))
        .collect())
}

/// One figure of a version, without what the caller already knows (unit, kind, period).
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = report_figures)]
pub struct VersionFigure {
    pub report_id: String,
    pub digest: String,
    pub item: String,
    pub code: String,
    pub value: i64,
}

/// The figures of `items` of every version of `kinds` for one period (every version: the
/// caller picks the latest), in one query on the `(item, year, kind)` index.
pub fn of_period(
    conn: &mut AnyConn,
    period: ReportingPeriod,
    kinds: &[&str],
    items: &[&str],
) -> QueryResult<Vec<VersionFigure>> {
    let (y, p) = (period.end_year(), period.to_string());
    let items: Vec<String> = items.iter().map(|s| s.to_string()).collect();
    let kinds: Vec<String> = kinds.iter().map(|s| s.to_string()).collect();
    node::dispatch!(conn, |c| report_figures::table
        .filter(report_figures::item.eq_any(items.clone()))
        .filter(report_figures::year.eq(y))
        .filter(report_figures::kind.eq_any(kinds.clone()))
        .filter(report_figures::period.eq(p.clone()))
        .select(VersionFigure::as_select())
        .load(c))
}
