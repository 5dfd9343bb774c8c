//! Inspections (kiểm tra việc chấp hành) on the aggregator: the record of findings and their
//! remediation, the risk scores it feeds, and the planning of campaigns on top of the pure
//! planner (`reports::planning`, specified in `docs/planning.md`).
//!
//! - [`store`]: inspections and findings (never deleted; only the remediation date and the
//!   sending marks are set later), overdue remediations, violations per year for the trend
//!   charts, the key-unit list.
//! - [`input`]: recording an inspection from raw fields (web form, command line), checked
//!   against the contract and the rule pack in force; [`record`](mod@record) stores it with
//!   the audit entry; [`import`] from a CSV file.
//! - [`records`]: the units of a scope and their `UnitRecord`s from the store (findings,
//!   incidents, late and missing reports, compliance gaps, key designation, classification,
//!   last inspection) and their scores with explained factors.
//! - [`campaign`]: the campaign file (TOML): campaign, scope, teams, document, notices.
//! - [`run`]: scores → candidates → plan → notices, and storing the issued plan.
//! - [`document`]: the plan as an official document (Decree 30/2020); [`output`]: its files
//!   (DOCX, HTML, one iCalendar per team, the notices as `.eml`, JSON, CSV); [`notice`]: the
//!   notice's text and message.
//! - [`plans`]: stored plans, visits and notices; [`notices_due`] and [`mark_notice_sent`] are
//!   what the mailer uses.
//! - [`send`]: an inspection result signed and queued for the parent.
//! - [`mailing`]: the notices on their due day and the overdue-remediation notices, through
//!   the mail queue (run by the reminder schedule and `bmnn-aggregator remind`).

pub mod campaign;
pub mod document;
pub mod import;
pub mod input;
pub mod mailing;
pub mod notice;
pub mod output;
pub mod plans;
pub mod record;
pub mod records;
pub mod run;
pub mod send;
pub mod store;

pub use import::{import_csv, ImportSummary};
pub use input::{InputErrors, NewInspection, RawFinding, RawInspection, RecordError};
pub use plans::{mark_notice_sent, notices_due, NoticeRow};
pub use record::record;
pub use records::{scores, UnitScore};
pub use store::{findings_by_reporting_year, overdue_remediations, violations_by_year, Overdue};

/// The risk model of the aggregator's `[inspection]` settings, with a message naming the
/// section when a weight is unknown.
pub fn risk_model(
    section: &config::settings::InspectionSection,
) -> anyhow::Result<reports::planning::RiskModel> {
    reports::planning::RiskModel::from_section(section)
        .map_err(|e| anyhow::anyhow!("[inspection.weights]: {e}"))
}

#[cfg(test)]
mod tests;
