//! Bad input at the boundary: each test is named after the rule it checks.

use schema::*;
use serde_json::json;

use crate::sample::*;

fn decode_json<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> Result<T, FieldError> {
    decode(&serde_json::to_vec(&v).unwrap())
}

fn submission_json() -> serde_json::Value {
    serde_json::to_value(annual_submission(
        "75.26041",
        "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6",
    ))
    .unwrap()
}

#[test]
fn unknown_fields_are_rejected_with_their_path() {
    let mut v = submission_json();
    v["payload"]["content"]["extra"] = json!(1);
    let e = decode_json::<Submission>(v).unwrap_err();
    assert_eq!(e.path(), "payload.content.extra");
    assert!(e.reason().contains("unknown field `extra`"), "{e}");
}

#[test]
fn overlong_section_text_is_rejected_with_its_path() {
    let mut v = submission_json();
    v["payload"]["content"]["sections"][1]["text"] = json!("x".repeat(50_001));
    let e = decode_json::<Submission>(v).unwrap_err();
    assert_eq!(e.path(), "payload.content.sections[1].text");
    assert!(e.reason().contains("limit is 50000"), "{e}");
}

#[test]
fn text_is_normalised_to_nfc_on_decode() {
    let mut v = submission_json();
    v["payload"]["content"]["drafter"] = json!("Nguye\u{302}\u{303}n Va\u{306}n An");
    let s: Submission = decode_json(v).unwrap();
    let Payload::AnnualReport(r) = s.payload else {
        panic!()
    };
    assert_eq!(r.drafter.as_str(), "Nguyễn Văn An");
}

#[test]
fn bad_unit_id_is_rejected_with_its_path() {
    let mut v = submission_json();
    v["unit"] = json!("75.2604");
    let e = decode_json::<Submission>(v).unwrap_err();
    assert_eq!(e.path(), "unit");
    assert!(e.reason().contains("not an area code"), "{e}");
}

#[test]
fn wrong_protocol_version_is_rejected() {
    let mut v = submission_json();
    v["protocol"] = json!("bmnn/2");
    assert_eq!(decode_json::<Submission>(v).unwrap_err().path(), "protocol");
}

#[test]
fn negative_indicator_is_rejected() {
    let mut v = submission_json();
    v["payload"]["content"]["indicators"][0]["value"] = json!(-1);
    let e = decode_json::<Submission>(v).unwrap_err();
    assert_eq!(e.path(), "payload.content.indicators[0].value");
}

#[test]
fn duplicate_indicator_codes_fail_validation() {
    let mut s = annual_submission("75.26041", "6f1c2d3e-0a1b-4c2d-8e3f-a1b2c3d4e5f6");
    s.payload = Payload::AnnualReport(annual(
        &[("a", "x")],
        &[("so_vu_lo_mat", 1), ("so_vu_lo_mat", 2)],
    ));
    let e = s.validate().unwrap_err();
    assert_eq!(
        e.iter().next().unwrap().path(),
        "body.payload.content.indicators[1]"
    );
}

#[test]
fn law_117_violation_kinds_are_refused_before_march_2026() {
    let mut s = incident_submission("75.26041");
    let Payload::IncidentReport(r) = &mut s.payload else {
        panic!()
    };
    r.discovered_at = at("2026-02-20T09:00:00+07:00");
    r.violations = BoundedVec::parse(vec![ViolationKind::AiMisuse]).unwrap();
    let e = s.validate().unwrap_err();
    assert!(e.to_string().contains("only from 2026-03-01"), "{e}");
}

#[test]
fn tuyet_mat_incident_summary_must_be_empty() {
    let mut r = annual(&[("a", "x")], &[]);
    r.incidents = BoundedVec::parse(vec![IncidentSummary {
        incident_report_id: None,
        discovered_on: date("2026-03-02"),
        classification: Classification::TuyetMat,
        carrier: CarrierForm::Document,
        summary: Text::parse("Tóm tắt").unwrap(),
        status: IncidentStatus::Closed,
        handling: Text::parse("").unwrap(),
    }])
    .unwrap();
    let e = Payload::AnnualReport(r).validate().unwrap_err();
    assert_eq!(e.iter().next().unwrap().path(), "incidents[0].summary");
}

#[test]
fn inspection_findings_need_remediation_deadlines() {
    let r = InspectionResult {
        inspected_unit: UnitId::parse("75.26041").unwrap(),
        decision_ref: Line::parse("Quyết định số 15/QĐ-BCĐ").unwrap(),
        started_on: date("2026-09-07"),
        ended_on: date("2026-09-08"),
        findings: BoundedVec::parse(vec![Finding {
            kind: ViolationKind::NetworkedMachine,
            severity: Severity::Major,
            description: Text::parse("Soạn thảo tài liệu Mật trên máy tính có kết nối Internet.")
                .unwrap(),
            occurrences: 2,
            remediation_deadline: None,
        }])
        .unwrap(),
        conclusion: Text::parse("Yêu cầu khắc phục.").unwrap(),
    };
    let e = Payload::InspectionResult(r).validate().unwrap_err();
    assert_eq!(
        e.iter().next().unwrap().path(),
        "findings[0].remediation_deadline"
    );
}

#[test]
fn oversized_signature_list_is_rejected() {
    let env_sig = "eyJhIjoxfQ..c2ln";
    let v = json!({"body": submission_json(), "signatures": vec![env_sig; 9]});
    let e = decode_json::<Envelope>(v).unwrap_err();
    assert_eq!(e.path(), "signatures");
}
