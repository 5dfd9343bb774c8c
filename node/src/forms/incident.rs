//! The incident report form (báo cáo đột xuất): when and how the leak or loss was discovered,
//! the four text sections of the rule pack's form, status, and the violation kinds in force
//! (one checkbox each, `violations.<code>`).

use chrono::{NaiveTime, TimeZone as _};
use schema::{BoundedVec, Classification, IncidentReport, Payload, ReportKind, ViolationKind};

use super::annual::{carrier_parse, status_parse};
use super::fields::{self, FormErrors, RawForm};
use super::{add_at, messages, section_errors, Ctx};

/// The text sections of the payload, by the code the rule pack gives them.
pub const SECTIONS: [&str; 4] = ["description", "cause", "consequences", "measures_taken"];

pub(crate) fn parse(raw: &RawForm, ctx: &Ctx<'_>, errs: &mut FormErrors) -> Option<Payload> {
    let kind = ReportKind::IncidentReport;
    let date = fields::date(raw, "discovered_date", true, errs);
    let time = time(raw, "discovered_time", errs);
    let discovered_at = match (date, time) {
        (Some(d), Some(t)) => ctx
            .now
            .offset()
            .from_local_datetime(&d.and_time(t))
            .single(),
        _ => None,
    };
    if discovered_at.is_some_and(|at| at > ctx.now) {
        errs.add(
            "discovered_date",
            "Thời điểm phát hiện không được muộn hơn thời điểm hiện tại.",
        );
    }
    let exposed = fields::choice(
        raw,
        "exposed_classification",
        true,
        Classification::parse,
        errs,
    );
    let carrier = fields::choice(raw, "carrier", true, carrier_parse, errs);
    let channel = fields::line::<300>(raw, "channel", true, errs);
    let status = fields::choice(raw, "status", true, status_parse, errs);

    let description = fields::text::<20_000>(raw, "sections.description", false, errs);
    let cause = fields::text::<5_000>(raw, "sections.cause", false, errs);
    let consequences = fields::text::<5_000>(raw, "sections.consequences", false, errs);
    let measures = fields::text::<5_000>(raw, "sections.measures_taken", false, errs);
    let texts: [Option<&str>; 4] = [
        description.as_ref().map(|t| t.as_str()),
        cause.as_ref().map(|t| t.as_str()),
        consequences.as_ref().map(|t| t.as_str()),
        measures.as_ref().map(|t| t.as_str()),
    ];
    let pairs: Vec<(&str, &str)> = SECTIONS
        .iter()
        .zip(texts)
        .filter_map(|(code, t)| t.filter(|t| !t.is_empty()).map(|t| (*code, t)))
        .collect();
    section_errors(
        ctx.form,
        raw,
        ctx.pack.validate_sections(kind, &pairs),
        errs,
    );

    let chosen: Vec<ViolationKind> = ctx
        .pack
        .violation_kinds()
        .filter(|v| !raw.is_blank(&format!("violations.{}", v.code())))
        .collect();
    let violations = BoundedVec::parse(chosen.clone()).ok();

    let report = IncidentReport {
        discovered_at: discovered_at?,
        exposed_classification: exposed?,
        carrier: carrier?,
        channel: channel?,
        description: description?,
        cause: cause?,
        consequences: consequences?,
        measures_taken: measures?,
        status: status?,
        violations: violations?,
    };
    let payload = Payload::IncidentReport(report);
    if let Err(e) = payload.validate() {
        for e in e.iter() {
            let (path, msg) = match violation_index(e.path()).and_then(|i| chosen.get(i)) {
                Some(v) => (
                    "violations".to_string(),
                    format!("«{}»: {}", v.label_vi(), messages::vi(e.reason())),
                ),
                None => (e.path().to_string(), messages::vi(e.reason())),
            };
            add_at(errs, &path, msg);
        }
    }
    Some(payload)
}

/// `violations[3]` → 3.
fn violation_index(path: &str) -> Option<usize> {
    path.strip_prefix("violations[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// A time of day, `HH:MM` (what a time input sends) or `HH:MM:SS`; required.
fn time(raw: &RawForm, name: &str, errs: &mut FormErrors) -> Option<NaiveTime> {
    let v = raw.get(name).trim();
    if v.is_empty() {
        errs.add(name, fields::REQUIRED);
        return None;
    }
    let t = NaiveTime::parse_from_str(v, "%H:%M")
        .or_else(|_| NaiveTime::parse_from_str(v, "%H:%M:%S"))
        .or_else(|_| NaiveTime::parse_from_str(&v.replace(['h', 'g'], ":"), "%H:%M"))
        .ok();
    if t.is_none() {
        errs.add(name, "Giờ không hợp lệ: nhập giờ:phút, ví dụ 09:30.");
    }
    t
}
