//! The annual report form: sections a–d and the indicators of the rule pack's form, the
//! drafter, and incident rows `incidents[i].*` (blank rows are skipped).

use schema::{
    AnnualReport, BoundedVec, CarrierForm, Classification, IncidentStatus, IncidentSummary,
    IndicatorCode, IndicatorEntry, Payload, ReportId, ReportKind, Section,
};

use super::fields::{self, FormErrors, RawForm};
use super::{add_at, messages, section_errors, Ctx, MAX_ROWS};

/// The columns of one incident row.
pub const INCIDENT_COLUMNS: [&str; 7] = [
    "discovered_on",
    "classification",
    "carrier",
    "status",
    "summary",
    "handling",
    "incident_report_id",
];

pub(crate) fn parse(raw: &RawForm, ctx: &Ctx<'_>, errs: &mut FormErrors) -> Option<Payload> {
    let kind = ReportKind::AnnualReport;
    let mut ok = true;

    let mut sections = Vec::new();
    for spec in &ctx.form.sections {
        let name = format!("sections.{}", spec.code);
        if raw.is_blank(&name) {
            continue;
        }
        match fields::text::<50_000>(raw, &name, false, errs) {
            Some(text) => sections.push(Section {
                code: spec.code.clone(),
                text,
            }),
            None => ok = false,
        }
    }
    let pairs: Vec<(&str, &str)> = sections
        .iter()
        .map(|s| (s.code.as_str(), s.text.as_str()))
        .collect();
    section_errors(
        ctx.form,
        raw,
        ctx.pack.validate_sections(kind, &pairs),
        errs,
    );

    let mut values: Vec<(IndicatorCode, i64)> = Vec::new();
    for spec in &ctx.form.indicators {
        let name = format!("indicators.{}", spec.code);
        match fields::count(raw, &name, false, errs) {
            Some(v) => values.push((spec.code.clone(), v)),
            None if !raw.is_blank(&name) => ok = false,
            None => {}
        }
    }
    if let Err(e) = ctx.pack.validate_indicators(kind, &values) {
        for e in e.iter() {
            let spec = e
                .path()
                .strip_prefix("indicators.")
                .and_then(|c| ctx.form.indicators.iter().find(|s| s.code.as_str() == c));
            let msg = match spec {
                Some(_) if e.reason().contains("required") => {
                    "Bắt buộc: nhập 0 nếu không có.".to_string()
                }
                Some(s) if e.reason().contains("outside") => {
                    format!(
                        "Phải từ {} đến {} {}.",
                        fields::fmt_count(s.min),
                        fields::fmt_count(s.max_value()),
                        s.unit
                    )
                }
                _ => messages::vi(e.reason()),
            };
            add_at(errs, e.path(), msg);
        }
    }
    let indicators: Vec<IndicatorEntry> = values
        .iter()
        .filter_map(|(code, v)| {
            Some(IndicatorEntry {
                code: code.clone(),
                value: fields::value(*v)?,
            })
        })
        .collect();

    let drafter = fields::line::<200>(raw, "drafter", true, errs);

    // Incident rows: the payload's index k is the k-th used row.
    let mut incidents = Vec::new();
    let mut rows = Vec::new();
    for i in 0..raw.rows("incidents", 0, MAX_ROWS) {
        if !raw.row_used("incidents", i) {
            continue;
        }
        match incident_row(raw, i, errs) {
            Some(inc) => {
                incidents.push(inc);
                rows.push(i);
            }
            None => ok = false,
        }
    }

    let report = AnnualReport {
        sections: BoundedVec::parse(sections).ok()?,
        indicators: BoundedVec::parse(indicators).ok()?,
        incidents: match BoundedVec::parse(incidents) {
            Ok(v) => v,
            Err(_) => {
                errs.general("Quá nhiều vụ việc trong một báo cáo.");
                return None;
            }
        },
        drafter: drafter.clone().unwrap_or_default(),
    };
    let payload = Payload::AnnualReport(report);
    if let Err(e) = payload.validate() {
        for e in e.iter() {
            add_at(errs, &row_path(e.path(), &rows), messages::vi(e.reason()));
        }
    }
    (ok && drafter.is_some()).then_some(payload)
}

/// `incidents[k].x` (k-th used row) → `incidents[row].x`.
fn row_path(path: &str, rows: &[usize]) -> String {
    let Some(rest) = path.strip_prefix("incidents[") else {
        return path.to_string();
    };
    let Some((k, tail)) = rest.split_once(']') else {
        return path.to_string();
    };
    match k.parse::<usize>().ok().and_then(|k| rows.get(k)) {
        Some(row) => format!("incidents[{row}]{tail}"),
        None => path.to_string(),
    }
}

fn incident_row(raw: &RawForm, i: usize, errs: &mut FormErrors) -> Option<IncidentSummary> {
    let f = |c: &str| format!("incidents[{i}].{c}");
    let discovered_on = fields::date(raw, &f("discovered_on"), true, errs);
    let classification =
        fields::choice(raw, &f("classification"), true, Classification::parse, errs);
    let carrier = fields::choice(raw, &f("carrier"), true, carrier_parse, errs);
    let status = fields::choice(raw, &f("status"), true, status_parse, errs);
    let summary = fields::text::<2_000>(raw, &f("summary"), false, errs);
    let handling = fields::text::<2_000>(raw, &f("handling"), false, errs);
    let id_name = f("incident_report_id");
    let incident_report_id = if raw.is_blank(&id_name) {
        Some(None)
    } else {
        ReportId::parse(raw.get(&id_name).trim())
            .map(Some)
            .map_err(|_| {
                errs.add(
                    &id_name,
                    "Mã báo cáo đột xuất không đúng dạng (xem ở trang Lịch sử gửi); có thể để trống.",
                )
            })
            .ok()
    };
    Some(IncidentSummary {
        incident_report_id: incident_report_id?,
        discovered_on: discovered_on?,
        classification: classification?,
        carrier: carrier?,
        summary: summary?,
        status: status?,
        handling: handling?,
    })
}

/// The carrier forms, in form order, with their codes.
pub const CARRIERS: [CarrierForm; 6] = [
    CarrierForm::Document,
    CarrierForm::Object,
    CarrierForm::Place,
    CarrierForm::Speech,
    CarrierForm::Activity,
    CarrierForm::Electronic,
];

/// The incident statuses, in form order.
pub const STATUSES: [IncidentStatus; 4] = [
    IncidentStatus::Discovered,
    IncidentStatus::UnderInvestigation,
    IncidentStatus::Remediated,
    IncidentStatus::Closed,
];

pub fn carrier_code(c: CarrierForm) -> &'static str {
    match c {
        CarrierForm::Document => "document",
        CarrierForm::Object => "object",
        CarrierForm::Place => "place",
        CarrierForm::Speech => "speech",
        CarrierForm::Activity => "activity",
        CarrierForm::Electronic => "electronic",
    }
}

pub fn status_code(s: IncidentStatus) -> &'static str {
    match s {
        IncidentStatus::Discovered => "discovered",
        IncidentStatus::UnderInvestigation => "under_investigation",
        IncidentStatus::Remediated => "remediated",
        IncidentStatus::Closed => "closed",
    }
}

pub(crate) fn carrier_parse(raw: &str) -> Result<CarrierForm, schema::FieldError> {
    CARRIERS
        .into_iter()
        .find(|c| carrier_code(*c) == raw)
        .ok_or_else(|| schema::FieldError::new("", "unknown carrier form"))
}

pub(crate) fn status_parse(raw: &str) -> Result<IncidentStatus, schema::FieldError> {
    STATUSES
        .into_iter()
        .find(|s| status_code(*s) == raw)
        .ok_or_else(|| schema::FieldError::new("", "unknown incident status"))
}
