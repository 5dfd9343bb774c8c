//! Fixtures shared by the rates tests (`rates.rs`, `rates_summary.rs`): dates, ids, units,
//! receipts, the 2026 annual dues and a query of the annual report of 2026.
#![allow(dead_code)]

use chrono::{DateTime, FixedOffset, NaiveDate};
use config::rules::RuleBook;
use reports::rates::{dues_from_rules, Breakdown, Due, RateQuery, RateRow, Receipt, UnitRecord};
use schema::{ReportKind, ReportingPeriod, UnitId};

pub const ANNUAL: ReportKind = ReportKind::AnnualReport;
pub const Y2026: ReportingPeriod = ReportingPeriod::Annual(2026);
/// Well after every 2026 deadline.
pub const AFTER: &str = "2027-01-31T12:00:00+07:00";

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

pub fn id(s: &str) -> UnitId {
    UnitId::parse(s).unwrap()
}

pub fn rules() -> &'static RuleBook {
    RuleBook::embedded().unwrap()
}

/// A unit that has existed since 2020.
pub fn old(i: &str, name: &str) -> UnitRecord {
    UnitRecord::new(id(i), name, d(2020, 1, 1), None)
}

pub fn receipt(u: &str, kind: ReportKind, period: ReportingPeriod, t: &str) -> Receipt {
    Receipt {
        unit: id(u),
        kind,
        period,
        received_at: at(t),
    }
}

pub fn annual_dues() -> Vec<Due> {
    dues_from_rules(rules(), &[ANNUAL], 2026..=2026).unwrap()
}

pub fn query(area: &str, breakdown: Breakdown) -> RateQuery {
    RateQuery {
        area: id(area),
        kind: Some(ANNUAL),
        period: Some(Y2026),
        breakdown,
    }
}

/// (expected, received, on time).
pub fn counts(r: &RateRow) -> (u64, u64, u64) {
    (r.expected, r.received, r.on_time)
}
