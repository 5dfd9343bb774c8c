//! Timeliness on the first tier's receipt, in Asia/Ho_Chi_Minh, lateness in working days.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use config::rules::RuleBook;
use proptest::prelude::*;
use reports::timeliness::{assess, judge, Status};
use schema::UnitId;

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn rules() -> &'static RuleBook {
    RuleBook::embedded().unwrap()
}

#[test]
fn the_deadline_day_ends_at_midnight_in_vietnam() {
    let deadline = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    assert_eq!(
        judge(rules(), deadline, at("2026-12-10T23:59:59+07:00")),
        Status::OnTime
    );
    // 16:59:59 UTC on the 10th is still the 10th in Hà Nội; 17:00:00 UTC is the 11th.
    assert_eq!(
        judge(rules(), deadline, at("2026-12-10T16:59:59Z")),
        Status::OnTime
    );
    assert_eq!(
        judge(rules(), deadline, at("2026-12-10T17:00:00Z")),
        Status::Late { working_days: 1 }
    );
}

#[test]
fn lateness_counts_working_days_only() {
    // Thursday 10 Dec 2026; Monday 14 Dec is the 2nd working day after it.
    let deadline = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
    assert_eq!(
        judge(rules(), deadline, at("2026-12-14T09:00:00+07:00")),
        Status::Late { working_days: 2 }
    );
    // Handed in on Saturday 12 Dec: one working day (Friday) has passed.
    assert_eq!(
        judge(rules(), deadline, at("2026-12-12T09:00:00+07:00")),
        Status::Late { working_days: 1 }
    );
    // Across Tết 2026 (14-22 Feb off): deadline Friday 13 Feb, received Monday 23 Feb.
    let tet = NaiveDate::from_ymd_opt(2026, 2, 13).unwrap();
    assert_eq!(
        judge(rules(), tet, at("2026-02-23T08:00:00+07:00")),
        Status::Late { working_days: 1 }
    );
}

proptest! {
    #[test]
    fn every_expected_unit_gets_exactly_one_verdict(
        reported in prop::collection::vec(prop::option::of(-72i64..400), 1..40),
    ) {
        let deadline = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let end = at("2026-12-10T23:59:59+07:00");
        let expected: Vec<UnitId> = (0..reported.len()).map(|i| UnitId::parse(&format!("75.{:05}", 26000 + i)).unwrap()).collect();
        let receipts: BTreeMap<UnitId, DateTime<FixedOffset>> = expected
            .iter()
            .zip(&reported)
            .filter_map(|(u, h)| h.map(|h| (u.clone(), end + Duration::hours(h))))
            .collect();
        let t = assess(rules(), deadline, &expected, &receipts);
        prop_assert_eq!(t.on_time() + t.late() + t.missing(), expected.len());
        prop_assert_eq!(t.missing(), reported.iter().filter(|h| h.is_none()).count());
        prop_assert_eq!(t.on_time(), reported.iter().filter(|h| matches!(h, Some(h) if *h <= 0)).count());
    }
}
