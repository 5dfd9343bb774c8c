//! The risk score: weights from the settings map (unknown names refused with the list of
//! valid ones), explained factors that add up to the total, the look-back window.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use config::settings::InspectionSection;
use reports::planning::{
    ComplianceGap, Designation, PastFinding, RiskModel, RiskWeights, UnitRecord, WeightsError,
};
use reports::timeliness::Status;
use schema::{Classification, Severity, ViolationKind};
use unicode_normalization::is_nfc;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn record() -> UnitRecord {
    UnitRecord {
        findings: vec![
            PastFinding {
                date: d("2026-03-10"),
                kind: ViolationKind::NetworkedMachine,
                severity: Severity::Serious,
            },
            PastFinding {
                date: d("2026-03-10"),
                kind: ViolationKind::MissingClassificationProposal,
                severity: Severity::Minor,
            },
            // Outside a two-year look-back from 2026-12-01.
            PastFinding {
                date: d("2024-06-01"),
                kind: ViolationKind::LeakOrLoss,
                severity: Severity::Serious,
            },
        ],
        incidents: vec![d("2025-05-05")],
        reports: vec![
            (d("2025-12-15"), Status::Late { working_days: 3 }),
            (d("2026-06-15"), Status::Missing),
            (d("2026-09-15"), Status::OnTime),
        ],
        gaps: vec![
            ComplianceGap::UnstampedComputers(9),
            ComplianceGap::NoInternalRules,
        ],
        designation: Designation::KeyOrConfidential,
        highest_classification: Some(Classification::ToiMat),
        last_inspection: Some(d("2023-12-01")),
    }
}

#[test]
fn the_score_is_the_sum_of_its_explained_factors() {
    let s = RiskModel::default().score(&record(), d("2026-12-01"));
    let get = |name: &str| s.factors.iter().find(|f| f.name == name).cloned();
    // Serious networked-machine finding: 2 (severity) × 3 (violations) × 2 (kind).
    let f = get("violations:networked_machine").unwrap();
    assert_eq!((f.raw, f.weight, f.points), (2.0, 6.0, 12.0));
    assert!(f.label_vi.contains("máy tính"));
    assert_eq!(
        get("violations:missing_classification_proposal")
            .unwrap()
            .points,
        1.5
    );
    assert!(
        get("violations:leak_or_loss").is_none(),
        "older than the look-back"
    );
    assert_eq!(get("incidents").unwrap().points, 5.0);
    assert_eq!(get("late_reports").unwrap().points, 1.5);
    assert_eq!(get("missing_reports").unwrap().points, 3.0);
    assert_eq!(
        get("compliance_gaps:unstamped_computers").unwrap().raw,
        5.0,
        "capped"
    );
    assert_eq!(
        get("compliance_gaps:no_internal_rules").unwrap().points,
        1.0
    );
    assert_eq!(get("key_designation").unwrap().points, 4.0);
    assert_eq!(get("classification_level").unwrap().raw, 2.0);
    assert_eq!(get("years_since_inspection").unwrap().raw, 3.0);
    let sum: f64 = s.factors.iter().map(|f| f.points).sum();
    assert!((s.total - sum).abs() < 1e-9);
    assert!((s.total - 41.0).abs() < 1e-9, "total {}", s.total);
    assert!(
        s.factors.windows(2).all(|w| w[0].points >= w[1].points),
        "most points first"
    );
    assert!(s
        .factors
        .iter()
        .all(|f| is_nfc(&f.label_vi) && !f.label_vi.is_empty()));
}

#[test]
fn a_unit_never_inspected_counts_the_maximum_years() {
    let s = RiskModel::default().score(&UnitRecord::default(), d("2026-12-01"));
    assert_eq!(s.factors.len(), 1);
    assert_eq!(s.factors[0].label_vi, "Chưa từng được kiểm tra");
    assert_eq!(s.total, 10.0);
}

#[test]
fn weights_come_from_the_settings_section() {
    let mut section = InspectionSection::default();
    section.weights.insert("incidents".into(), 10.0);
    section.weights.insert("kind_leak_or_loss".into(), 4.0);
    section.look_back_years = 3;
    let m = RiskModel::from_section(&section).unwrap();
    assert_eq!(m.weights.incidents, 10.0);
    assert_eq!(m.weights.kind(ViolationKind::LeakOrLoss), 4.0);
    assert_eq!(m.look_back_years, 3);
    // The leak of 2024 is inside a three-year window.
    let s = m.score(&record(), d("2026-12-01"));
    assert!(s
        .factors
        .iter()
        .any(|f| f.name == "violations:leak_or_loss"));
}

#[test]
fn the_example_configuration_names_are_all_valid() {
    let map: BTreeMap<String, f64> = [
        ("violations", 3.0),
        ("incidents", 5.0),
        ("late_reports", 1.5),
        ("compliance_gaps", 1.0),
        ("years_since_inspection", 2.0),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    assert!(RiskWeights::from_map(&map).is_ok());
    let all = RiskWeights::default().to_map();
    assert_eq!(all.len(), RiskWeights::names().len());
    assert_eq!(RiskWeights::from_map(&all).unwrap(), RiskWeights::default());
}

#[test]
fn unknown_weight_names_are_refused_with_the_valid_ones() {
    let map = BTreeMap::from([("violation".to_string(), 1.0)]);
    let err = RiskWeights::from_map(&map).unwrap_err();
    assert!(matches!(err, WeightsError::Unknown { .. }));
    let msg = err.to_string();
    assert!(msg.contains("`violation`"), "{msg}");
    assert!(msg.contains("violations, severity_minor"), "{msg}");
    assert!(msg.contains("kind_ai_misuse"), "{msg}");
    let neg = BTreeMap::from([("incidents".to_string(), -1.0)]);
    assert!(matches!(
        RiskWeights::from_map(&neg),
        Err(WeightsError::Invalid { .. })
    ));
}
