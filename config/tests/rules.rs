//! Rule packs: lookup by date, validation against the pack in force, deadlines, the
//! calendar, and the load-time consistency checks.

use chrono::{Datelike, NaiveDate, Weekday};
use config::rules::{RuleBook, RuleError, RulePack};
use proptest::prelude::*;
use schema::{
    ComplianceValue, FieldErrors, IndicatorCode, ReportKind, ReportingPeriod, Tier, ViolationKind,
};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn book() -> &'static RuleBook {
    RuleBook::embedded().unwrap()
}

fn rules_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules")
}

/// Every indicator of the pack's annual form set to a small value.
fn full_annual(pack: &RulePack) -> Vec<(IndicatorCode, i64)> {
    let form = pack.form(ReportKind::AnnualReport).unwrap();
    form.indicators
        .iter()
        .map(|i| (i.code.clone(), 1))
        .collect()
}

fn code(s: &str) -> IndicatorCode {
    IndicatorCode::parse(s).unwrap()
}

fn paths(e: &FieldErrors) -> Vec<String> {
    e.iter().map(|e| e.path().to_string()).collect()
}

#[test]
fn lookup_by_date_switches_packs_on_1_march_2026() {
    assert_eq!(book().pack_for(d(2026, 2, 28)).unwrap().id, "2020-law29");
    assert_eq!(book().pack_for(d(2026, 3, 1)).unwrap().id, "2026-law117");
    assert_eq!(book().pack_for(d(2020, 7, 1)).unwrap().id, "2020-law29");
    assert_eq!(book().pack_for(d(2031, 1, 1)).unwrap().id, "2026-law117");
}

#[test]
fn no_pack_before_the_law_took_effect() {
    let e = book().pack_for(d(2020, 6, 30)).unwrap_err();
    assert!(matches!(e, RuleError::NoPack { .. }), "{e}");
    assert!(e.to_string().contains("2020-07-01"), "{e}");
}

#[test]
fn annual_report_2025_validates_against_the_old_pack() {
    let end = ReportingPeriod::Annual(2025).end();
    assert_eq!(end, d(2025, 12, 14));
    let pack = book().pack_for(end).unwrap();
    assert_eq!(pack.id, "2020-law29");
    pack.validate_indicators(ReportKind::AnnualReport, &full_annual(pack))
        .unwrap();
}

#[test]
fn indicator_only_in_the_new_pack_is_rejected_by_the_old_naming_the_pack() {
    let old = book().pack("2020-law29").unwrap();
    let mut values = full_annual(old);
    values.push((code("so_vu_ai_cong_nghe_moi"), 0));
    let e = old
        .validate_indicators(ReportKind::AnnualReport, &values)
        .unwrap_err();
    assert_eq!(paths(&e), ["indicators.so_vu_ai_cong_nghe_moi"]);
    let msg = e.to_string();
    assert!(
        msg.contains("2020-law29") && msg.contains("not part of"),
        "{msg}"
    );
}

#[test]
fn annual_report_2026_with_new_indicators_validates_against_the_new_pack() {
    let pack = book()
        .pack_for(ReportingPeriod::Annual(2026).end())
        .unwrap();
    assert_eq!(pack.id, "2026-law117");
    let values = full_annual(pack);
    assert!(values
        .iter()
        .any(|(c, _)| c.as_str() == "so_vu_xac_dinh_ngoai_danh_muc"));
    pack.validate_indicators(ReportKind::AnnualReport, &values)
        .unwrap();
    // The old pack's set lacks the new required indicators.
    let old_values = full_annual(book().pack("2020-law29").unwrap());
    let e = pack
        .validate_indicators(ReportKind::AnnualReport, &old_values)
        .unwrap_err();
    assert_eq!(
        paths(&e),
        [
            "indicators.so_vu_xac_dinh_ngoai_danh_muc",
            "indicators.so_vu_ai_cong_nghe_moi"
        ]
    );
    assert!(e.to_string().contains("required"), "{e}");
}

#[test]
fn indicator_out_of_bounds_names_the_bound() {
    let pack = book().pack("2020-law29").unwrap();
    let mut values = full_annual(pack);
    values[0] = (code("so_vu_lo_mat"), 1001);
    values.push((code("so_vu_lo_mat"), 1));
    let e = pack
        .validate_indicators(ReportKind::AnnualReport, &values)
        .unwrap_err();
    let errs: Vec<_> = e.iter().collect();
    assert_eq!(errs[0].path(), "indicators.so_vu_lo_mat");
    assert!(errs[0].reason().contains("0..=1000"), "{e}");
    assert!(errs[1].reason().contains("more than once"), "{e}");
}

#[test]
fn consolidated_report_takes_annual_indicators_without_unit_maximum() {
    let pack = book().pack("2020-law29").unwrap();
    let values = vec![(code("so_vu_lo_mat"), 5_000)];
    let e = pack
        .validate_indicators(ReportKind::ConsolidatedReport, &values)
        .unwrap_err();
    // Over the unit bound of 1000 is fine for a total; only the missing ones are reported.
    assert!(e.iter().all(|e| e.reason().contains("required")), "{e}");
}

#[test]
fn sections_are_checked_for_length_unknown_and_required() {
    let pack = book().pack("2020-law29").unwrap();
    let long = "x".repeat(20_001);
    let sections = vec![
        ("a".to_string(), "Tình hình ổn định."),
        ("b".to_string(), long.as_str()),
        ("z".to_string(), "?"),
        ("d".to_string(), "   "),
    ];
    let e = pack
        .validate_sections(ReportKind::AnnualReport, &sections)
        .unwrap_err();
    assert_eq!(
        paths(&e),
        ["sections.b", "sections.z", "sections.d", "sections.c"]
    );
    let msg = e.to_string();
    assert!(
        msg.contains("at most 20000") && msg.contains("2020-law29"),
        "{msg}"
    );
}

#[test]
fn complete_sections_validate() {
    let pack = book().pack("2026-law117").unwrap();
    let sections: Vec<(String, &str)> = ["a", "b", "c", "d"]
        .iter()
        .map(|c| (c.to_string(), "Nội dung."))
        .collect();
    pack.validate_sections(ReportKind::AnnualReport, &sections)
        .unwrap();
}

#[test]
fn checklist_answers_must_have_the_item_shape() {
    let pack = book().pack("2020-law29").unwrap();
    let form = pack.form(ReportKind::ComplianceStatus).unwrap();
    let mut answers: Vec<(IndicatorCode, ComplianceValue)> = form
        .items
        .iter()
        .map(|i| {
            let v = match i.kind {
                config::rules::ItemKind::YesNo => ComplianceValue::YesNo(true),
                config::rules::ItemKind::Date => ComplianceValue::Date(d(2024, 5, 1)),
                config::rules::ItemKind::Count => {
                    ComplianceValue::Count(schema::IndicatorValue::parse(2).unwrap())
                }
            };
            (i.code.clone(), v)
        })
        .collect();
    pack.validate_items(ReportKind::ComplianceStatus, &answers)
        .unwrap();
    answers[0].1 = ComplianceValue::YesNo(true); // noi_quy_ban_hanh wants a date
    let e = pack
        .validate_items(ReportKind::ComplianceStatus, &answers)
        .unwrap_err();
    assert_eq!(paths(&e), ["items.noi_quy_ban_hanh"]);
    assert!(e.to_string().contains("takes a date answer"), "{e}");
}

#[test]
fn deadlines_follow_the_receiving_tier() {
    let old = book().pack("2020-law29").unwrap();
    assert_eq!(
        old.deadline(ReportKind::AnnualReport, Tier::Province, 2025)
            .unwrap(),
        d(2025, 12, 10)
    );
    assert_eq!(
        old.deadline(ReportKind::AnnualReport, Tier::National, 2025)
            .unwrap(),
        d(2025, 12, 20)
    );
    assert_eq!(
        old.deadline(ReportKind::ConsolidatedReport, Tier::National, 2025)
            .unwrap(),
        d(2025, 12, 20)
    );
    let new = book().pack("2026-law117").unwrap();
    assert_eq!(
        new.deadline(ReportKind::ImplementationPlan, Tier::Province, 2027)
            .unwrap(),
        d(2027, 2, 15)
    );
    assert_eq!(
        new.period(ReportKind::AnnualReport, 2026),
        Some((d(2025, 12, 15), d(2026, 12, 14)))
    );
    assert_eq!(
        new.form(ReportKind::IncidentReport).unwrap().deadline_hours,
        Some(24)
    );
    let e = new
        .deadline(ReportKind::IncidentReport, Tier::Province, 2026)
        .unwrap_err();
    assert!(matches!(e, RuleError::NoDeadline { .. }), "{e}");
}

#[test]
fn reminders_fall_before_the_deadline_and_escalation_after() {
    let pack = book().pack("2026-law117").unwrap();
    let due = d(2026, 12, 10);
    let (before, escalate) = pack.reminder_dates(due);
    assert_eq!(
        before,
        [
            d(2026, 11, 26),
            d(2026, 12, 3),
            d(2026, 12, 7),
            d(2026, 12, 9)
        ]
    );
    assert_eq!(escalate, d(2026, 12, 11));
}

#[test]
fn violation_taxonomy_respects_applies_from() {
    for pack in book().packs() {
        for k in pack.violation_kinds() {
            assert!(
                k.applies_from() <= pack.valid_from,
                "{} in {}",
                k.code(),
                pack.id
            );
        }
    }
    let old: Vec<_> = book()
        .pack("2020-law29")
        .unwrap()
        .violation_kinds()
        .collect();
    let new: Vec<_> = book()
        .pack("2026-law117")
        .unwrap()
        .violation_kinds()
        .collect();
    assert!(
        !old.contains(&ViolationKind::AiMisuse)
            && !old.contains(&ViolationKind::OverClassification)
    );
    assert_eq!(
        new.len(),
        ViolationKind::ALL.len(),
        "the 2026 pack lists the whole taxonomy"
    );
}

#[test]
fn holidays_and_weekends_are_not_working_days() {
    let b = book();
    assert!(!b.is_working_day(d(2026, 2, 16)), "Tết 2026");
    assert!(!b.is_working_day(d(2025, 9, 2)), "National Day 2025");
    assert!(
        !b.is_working_day(d(2025, 9, 1)),
        "National Day 2025, adjacent day"
    );
    assert!(!b.is_working_day(d(2025, 1, 29)), "Tết 2025");
    assert!(!b.is_working_day(d(2025, 4, 7)), "Hùng Kings 2025");
    assert!(!b.is_working_day(d(2026, 3, 7)), "a Saturday");
    assert_eq!(d(2026, 3, 7).weekday(), Weekday::Sat);
    assert!(
        b.is_working_day(d(2026, 2, 23)),
        "first day back after Tết 2026"
    );
    assert!(
        b.is_working_day(d(2025, 4, 26)),
        "Saturday worked in exchange for 2 May 2025"
    );
    let h = b.calendar().holiday(d(2026, 11, 24)).unwrap();
    assert!(h.unverified && h.name.contains("Văn hóa"));
    assert!(b.calendar().knows_year(2027) && !b.calendar().knows_year(2028));
}

#[test]
fn adding_working_days_skips_tet_and_weekends() {
    let b = book();
    // Friday 13 Feb 2026 + 1 working day: Tết runs 14–22 Feb, so Monday 23 Feb.
    assert_eq!(b.add_working_days(d(2026, 2, 13), 1), d(2026, 2, 23));
    assert_eq!(b.add_working_days(d(2026, 2, 23), -1), d(2026, 2, 13));
    // Zero rolls a day off forward to the next working day.
    assert_eq!(b.add_working_days(d(2026, 2, 15), 0), d(2026, 2, 23));
    assert_eq!(b.add_working_days(d(2025, 12, 20), 0), d(2025, 12, 22));
    // One working day between the annual cut-off (Sun 14 Dec 2025) and BCA's deadline.
    assert!(b.add_working_days(d(2025, 12, 14), 1) <= d(2025, 12, 20));
}

#[test]
fn embedded_rules_equal_the_directory() {
    let dir = RuleBook::from_dir(rules_dir()).unwrap();
    assert_eq!(dir.packs(), book().packs());
}

proptest! {
    #[test]
    fn add_working_days_lands_on_a_working_day_and_is_monotonic(
        offset in 0i64..(4 * 366),
        n in -40i32..40,
    ) {
        let b = book();
        let start = d(2024, 11, 1) + chrono::Duration::days(offset);
        let r = b.add_working_days(start, n);
        prop_assert!(b.is_working_day(r));
        let r_next = b.add_working_days(start, n + 1);
        // From a day off, 0 and 1 both give the next working day; otherwise strictly later.
        if n == 0 && !b.is_working_day(start) {
            prop_assert_eq!(r, r_next);
        } else {
            prop_assert!(r < r_next, "n -> n+1 moves forward: {} {}", r, r_next);
        }
        let later = b.add_working_days(start + chrono::Duration::days(1), n);
        prop_assert!(r <= later, "a later start never gives an earlier result");
        if n > 0 {
            prop_assert!(r > start);
        }
    }
}
