//! Importing inspection results from a CSV file (one row per finding), all or nothing: a bad
//! row stores nothing and the error names its line; inspections already recorded (same unit
//! and decision) are skipped, so importing a file twice records it once.

use std::path::Path;

use chrono::NaiveDate;
use config::rules::RuleBook;
use schema::UnitId;

use super::input::{parse, RawFinding, RawInspection, RecordError};
use super::record::record_in;
use crate::store::AnyConn;

/// What a CSV import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub inspections: usize,
    pub findings: usize,
    /// Inspections already recorded (same unit and decision), left as they were.
    pub skipped: usize,
}

/// The header of an import file: one row per finding (a row with an empty `kind` records an
/// inspection without findings); rows with the same unit and decision are one inspection,
/// whose own fields are read from its first row.
pub const CSV_HEADER: [&str; 12] = [
    "unit",
    "decision_ref",
    "started_on",
    "ended_on",
    "team",
    "classification",
    "conclusion",
    "kind",
    "severity",
    "occurrences",
    "remediation_deadline",
    "description",
];

/// Records every inspection of a CSV file ([`CSV_HEADER`], UTF-8, optional BOM) in one
/// transaction: a bad row stores nothing and names its line.
pub fn import_csv(
    conn: &mut AnyConn,
    rules: &RuleBook,
    scope: &UnitId,
    path: &Path,
    actor: &str,
    today: NaiveDate,
) -> Result<ImportSummary, RecordError> {
    let file = path.display().to_string();
    let csv_err = |line: u64, message: String| RecordError::Csv {
        file: file.clone(),
        line,
        message,
    };
    let bytes = std::fs::read(path)
        .map_err(|e| csv_err(0, format!("không đọc được / cannot read: {e}")))?;
    let text =
        String::from_utf8(bytes).map_err(|_| csv_err(0, "không phải UTF-8 / not UTF-8".into()))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| csv_err(1, e.to_string()))?
        .clone();
    if headers.iter().collect::<Vec<_>>() != CSV_HEADER {
        return Err(csv_err(
            1,
            format!("cần tiêu đề / expected the header {}", CSV_HEADER.join(",")),
        ));
    }
    // Group rows into inspections, in file order, remembering each one's first line.
    let mut groups: Vec<(u64, RawInspection)> = Vec::new();
    for (i, rec) in reader.records().enumerate() {
        let line = i as u64 + 2;
        let rec = rec.map_err(|e| csv_err(line, e.to_string()))?;
        let f = |k: usize| rec.get(k).unwrap_or("").to_string();
        let key = (f(0), f(1));
        let pos = groups
            .iter()
            .position(|(_, g)| (g.unit.clone(), g.decision_ref.clone()) == key);
        let idx = pos.unwrap_or_else(|| {
            groups.push((
                line,
                RawInspection {
                    unit: f(0),
                    decision_ref: f(1),
                    started_on: f(2),
                    ended_on: f(3),
                    team: f(4),
                    classification: f(5),
                    conclusion: f(6),
                    findings: Vec::new(),
                },
            ));
            groups.len() - 1
        });
        if !f(7).is_empty() {
            groups[idx].1.findings.push(RawFinding {
                kind: f(7),
                severity: f(8),
                occurrences: f(9),
                deadline: f(10),
                description: f(11),
            });
        }
    }
    conn.write_transaction(|c| {
        let mut summary = ImportSummary::default();
        for (line, raw) in &groups {
            let new = parse(c, rules, scope, raw, today).map_err(|e| match e {
                RecordError::Invalid(errs) => csv_err(*line, errs.to_string()),
                other => other,
            })?;
            match record_in(c, actor, &new) {
                Ok(_) => {
                    summary.inspections += 1;
                    summary.findings += new.result.findings.len();
                }
                Err(RecordError::Duplicate { .. }) => summary.skipped += 1,
                Err(e) => return Err(e),
            }
        }
        Ok(summary)
    })
}
