//! Form ↔ payload conversion for the reports a unit drafts (annual report, incident report,
//! compliance status, implementation plan). A form is kept raw ([`RawForm`]: field name →
//! text as typed, NFC), so nothing typed is lost; on approval it is parsed into the contract's
//! payload (`Text::parse` and friends), then checked with `Payload::validate` and against the
//! rule pack in force on the period's last day. Every error comes back as a Vietnamese message
//! on the field it concerns ([`FormErrors`]), field names being the contract's paths
//! (`indicators.so_vu_lo_mat`, `incidents[0].summary`, `items.noi_quy_ban_hanh`).

mod acknowledgment;
mod annual;
mod compliance;
mod document;
mod fields;
mod incident;
pub mod messages;
mod plan;

use chrono::{DateTime, FixedOffset, NaiveDate};
use config::rules::{Form, RuleBook, RulePack};
use schema::{Classification, FieldErrors, Payload, ReportKind, ReportingPeriod};

pub use annual::{carrier_code, status_code, CARRIERS, INCIDENT_COLUMNS, STATUSES};
pub use compliance::{NO, YES};
pub use fields::{fmt_count, fmt_date, parse_count, parse_date, FormErrors, RawForm};
pub use incident::SECTIONS as INCIDENT_SECTIONS;
pub use plan::TASK_COLUMNS;

/// The report kinds a unit drafts on its node.
pub const DRAFTABLE: [ReportKind; 4] = [
    ReportKind::AnnualReport,
    ReportKind::IncidentReport,
    ReportKind::ComplianceStatus,
    ReportKind::ImplementationPlan,
];

/// Incident rows shown on the annual report form (more appear as rows are filled).
pub const INCIDENT_ROWS: usize = 3;
/// Task rows shown on the implementation plan form.
pub const TASK_ROWS: usize = 6;
/// Self-inspection date rows shown on the implementation plan form.
pub const INSPECTION_ROWS: usize = 4;
/// Most rows of a repeated group a form shows.
pub const MAX_ROWS: usize = 100;

/// A form that parsed and passed every check.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub period: ReportingPeriod,
    pub classification: Classification,
    pub payload: Payload,
}

/// What the kind parsers need besides the raw fields.
pub(crate) struct Ctx<'a> {
    pub pack: &'a RulePack,
    pub form: &'a Form,
    /// Now, in +07:00 (incidents cannot be discovered in the future).
    pub now: DateTime<FixedOffset>,
}

/// The period a form's `period` field names, if it parses.
pub fn period_of(raw: &RawForm) -> Option<ReportingPeriod> {
    ReportingPeriod::parse(raw.get("period").trim()).ok()
}

/// The rule pack that governs a report of `period` (in force on its last day).
pub fn pack_for(rules: &RuleBook, period: ReportingPeriod) -> Option<&RulePack> {
    rules.pack_for(period.end()).ok()
}

/// Parses and checks a form of `kind`. `now` is the signing time in +07:00.
pub fn parse(
    kind: ReportKind,
    raw: &RawForm,
    rules: &RuleBook,
    now: DateTime<FixedOffset>,
) -> Result<Parsed, FormErrors> {
    let mut errs = FormErrors::default();
    let period = ReportingPeriod::parse(raw.get("period").trim())
        .map_err(|_| errs.add("period", "Kỳ báo cáo không hợp lệ: chọn năm, ví dụ 2026."))
        .ok();
    let classification = fields::choice(
        raw,
        "classification",
        true,
        Classification::parse,
        &mut errs,
    );
    let Some(period) = period else {
        return Err(errs);
    };
    if period.start() > now.date_naive() {
        errs.add(
            "period",
            format!(
                "Kỳ báo cáo {period} bắt đầu từ ngày {}: chưa thể ký báo cáo cho kỳ này.",
                fmt_date(period.start())
            ),
        );
    }
    if matches!(kind, ReportKind::Document | ReportKind::Acknowledgment) {
        // No form in the rule pack: answers to requests and directives.
        let payload = match kind {
            ReportKind::Document => document::parse(raw, &mut errs),
            _ => acknowledgment::parse(raw, &mut errs),
        };
        return match (payload, classification) {
            (Some(payload), Some(classification)) if errs.is_empty() => Ok(Parsed {
                period,
                classification,
                payload,
            }),
            _ => Err(errs),
        };
    }
    let Some(pack) = pack_for(rules, period) else {
        errs.add("period", "Chưa có quy định áp dụng cho kỳ báo cáo này.");
        return Err(errs);
    };
    let Some(form) = pack.form(kind) else {
        errs.general(format!(
            "Quy định hiện hành ({}) không có mẫu «{}».",
            pack.title,
            kind.label_vi()
        ));
        return Err(errs);
    };
    let ctx = Ctx { pack, form, now };
    let payload = match kind {
        ReportKind::AnnualReport => annual::parse(raw, &ctx, &mut errs),
        ReportKind::IncidentReport => incident::parse(raw, &ctx, &mut errs),
        ReportKind::ComplianceStatus => compliance::parse(raw, &ctx, &mut errs),
        ReportKind::ImplementationPlan => plan::parse(raw, &ctx, &mut errs),
        _ => {
            errs.general("Loại báo cáo này không lập tại đơn vị.");
            None
        }
    };
    match (payload, classification) {
        (Some(payload), Some(classification)) if errs.is_empty() => Ok(Parsed {
            period,
            classification,
            payload,
        }),
        _ => Err(errs),
    }
}

/// The fields a new form of `kind` starts with on `today`.
pub fn defaults(kind: ReportKind, today: NaiveDate) -> RawForm {
    let mut f = RawForm::default();
    // Plans too: a plan for year Y can be signed from the start of period Y (15 Dec Y-1).
    f.set(
        "period",
        ReportingPeriod::annual_containing(today).to_string(),
    );
    let classification = match kind {
        ReportKind::AnnualReport | ReportKind::IncidentReport => Classification::Mat,
        _ => Classification::KhongMat,
    };
    f.set("classification", classification.code());
    let iso = today.format("%Y-%m-%d").to_string();
    match kind {
        ReportKind::ComplianceStatus => f.set("as_of", iso),
        ReportKind::IncidentReport => f.set("discovered_date", iso),
        _ => {}
    }
    f
}

/// Records rule-pack section errors (`sections.<code>`), worded from the section's spec.
pub(crate) fn section_errors(
    form: &Form,
    raw: &RawForm,
    result: Result<(), FieldErrors>,
    errs: &mut FormErrors,
) {
    for e in result.err().iter().flat_map(|e| e.iter()) {
        let spec = e
            .path()
            .strip_prefix("sections.")
            .and_then(|c| form.sections.iter().find(|s| s.code.as_str() == c));
        let msg = match spec {
            Some(s) if e.reason().contains("characters long") => format!(
                "Quá dài: {} ký tự, tối đa {} ký tự.",
                fields::fmt_count(raw.get(e.path()).trim().chars().count() as i64),
                fields::fmt_count(i64::from(s.max_len))
            ),
            Some(_) if e.reason().contains("required") => {
                "Bắt buộc: hãy viết nội dung mục này.".to_string()
            }
            _ => messages::vi(e.reason()),
        };
        add_at(errs, e.path(), msg);
    }
}

/// Records `msg` on `path`, or on the form as a whole when there is no path.
pub(crate) fn add_at(errs: &mut FormErrors, path: &str, msg: String) {
    if path.is_empty() {
        errs.general(msg);
    } else {
        errs.add_once(path, msg);
    }
}

#[cfg(test)]
mod tests;
