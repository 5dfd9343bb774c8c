//! Whole payloads against the pack in force: what the aggregator checks at ingest.

use chrono::NaiveDate;
use config::rules::RuleBook;
use schema::*;

fn annual_for(year: i32) -> AnnualReport {
    let pack = RuleBook::embedded()
        .unwrap()
        .pack_for(NaiveDate::from_ymd_opt(year, 12, 14).unwrap())
        .unwrap();
    let form = pack.form(ReportKind::AnnualReport).unwrap();
    AnnualReport {
        sections: BoundedVec::parse(
            form.sections
                .iter()
                .map(|s| Section {
                    code: IndicatorCode::parse(s.code.as_str()).unwrap(),
                    text: Text::parse("Nội dung.").unwrap(),
                })
                .collect(),
        )
        .unwrap(),
        indicators: BoundedVec::parse(
            form.indicators
                .iter()
                .map(|i| IndicatorEntry {
                    code: i.code.clone(),
                    value: IndicatorValue::parse(0).unwrap(),
                })
                .collect(),
        )
        .unwrap(),
        incidents: BoundedVec::empty(),
        drafter: Line::parse("Nguyễn Văn An").unwrap(),
    }
}

#[test]
fn complete_annual_report_meets_its_pack_and_an_incomplete_one_does_not() {
    let book = RuleBook::embedded().unwrap();
    let pack = book
        .pack_for(NaiveDate::from_ymd_opt(2025, 12, 14).unwrap())
        .unwrap();
    pack.validate_payload(&Payload::AnnualReport(annual_for(2025)))
        .unwrap();
    let mut r = annual_for(2025);
    r.sections = BoundedVec::parse(r.sections.as_slice()[..1].to_vec()).unwrap();
    let e = pack
        .validate_payload(&Payload::AnnualReport(r))
        .unwrap_err();
    assert!(e.iter().any(|x| x.path().starts_with("sections.")), "{e}");
}

#[test]
fn a_2026_annual_report_does_not_meet_the_2020_pack() {
    let book = RuleBook::embedded().unwrap();
    let old = book
        .pack_for(NaiveDate::from_ymd_opt(2025, 12, 14).unwrap())
        .unwrap();
    let e = old
        .validate_payload(&Payload::AnnualReport(annual_for(2026)))
        .unwrap_err();
    assert!(e.to_string().contains("2020-law29"), "{e}");
}

#[test]
fn inspection_findings_must_be_kinds_the_pack_lists() {
    let book = RuleBook::embedded().unwrap();
    let old = book
        .pack_for(NaiveDate::from_ymd_opt(2025, 6, 1).unwrap())
        .unwrap();
    let r = InspectionResult {
        inspected_unit: UnitId::parse("75.26041").unwrap(),
        decision_ref: Line::parse("Quyết định số 15/QĐ-BCĐ").unwrap(),
        started_on: NaiveDate::from_ymd_opt(2025, 6, 1).unwrap(),
        ended_on: NaiveDate::from_ymd_opt(2025, 6, 2).unwrap(),
        findings: BoundedVec::parse(vec![Finding {
            kind: ViolationKind::AiMisuse,
            severity: Severity::Minor,
            description: Text::parse("x").unwrap(),
            occurrences: 1,
            remediation_deadline: None,
        }])
        .unwrap(),
        conclusion: Text::parse("x").unwrap(),
    };
    let e = old
        .validate_payload(&Payload::InspectionResult(r))
        .unwrap_err();
    assert_eq!(e.iter().next().unwrap().path(), "findings[0]");
}
