//! Storing a parsed inspection: the inspection and its findings with the audit entry (the
//! unit and the number of findings, never their content), in one transaction; a second record
//! of the same unit and decision is refused.

use schema::ReportId;

use super::input::{NewInspection, RecordError};
use super::store::{self, FindingRow, InspectionRow};
use crate::store::AnyConn;

/// Stores `new` with its findings and the audit entry (no content in the audit detail), in one
/// transaction; refuses a second record of the same unit and decision. Returns the id.
pub fn record(conn: &mut AnyConn, actor: &str, new: &NewInspection) -> Result<String, RecordError> {
    conn.write_transaction(|c| record_in(c, actor, new))
}

pub(super) fn record_in(
    c: &mut AnyConn,
    actor: &str,
    new: &NewInspection,
) -> Result<String, RecordError> {
    let r = &new.result;
    let unit = r.inspected_unit.to_string();
    if let Some(old) = store::by_decision(c, &unit, r.decision_ref.as_str())? {
        return Err(RecordError::Duplicate {
            unit,
            decision_ref: old.decision_ref,
            id: old.id,
        });
    }
    let id = ReportId::random().to_string();
    let row = InspectionRow {
        id: id.clone(),
        unit: unit.clone(),
        decision_ref: r.decision_ref.to_string(),
        started_on: r.started_on,
        ended_on: r.ended_on,
        team: new.team.as_ref().map(ToString::to_string),
        conclusion: r.conclusion.to_string(),
        classification: new.classification.code().to_string(),
        recorded_by: actor.to_string(),
        recorded_at: node::db::now(),
        sent_digest: None,
        sent_at: None,
    };
    let findings: Vec<FindingRow> = r
        .findings
        .iter()
        .enumerate()
        .map(|(i, f)| FindingRow {
            inspection_id: id.clone(),
            seq: i as i32 + 1,
            kind: f.kind.code().to_string(),
            severity: store::severity_code(f.severity).to_string(),
            description: f.description.to_string(),
            occurrences: f.occurrences.min(i32::MAX as u32) as i32,
            remediation_deadline: f.remediation_deadline,
            remediated_on: None,
        })
        .collect();
    store::insert(c, &row, &findings)?;
    let detail = format!("unit={unit} findings={}", findings.len());
    node::db::audit::append(c, actor, "inspection_record", &id, &detail)?;
    Ok(id)
}
