//! Timeliness: which units reported on time, late or not at all, judged on the `received_at`
//! of the first tier's signed receipt (never on when a relay forwarded it). A report is on time
//! until the end of the deadline day in Asia/Ho_Chi_Minh; lateness is counted in working days
//! (the rule book's calendar: weekends, public holidays, swapped working Saturdays).

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use config::rules::RuleBook;
use config::settings::TIMEZONE;
use schema::UnitId;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Đúng hạn
    OnTime,
    /// Trễ hạn, by this many working days after the deadline (at least 1).
    Late { working_days: u32 },
    /// Chưa nộp
    Missing,
}

impl Status {
    pub fn label_vi(self) -> String {
        match self {
            Status::OnTime => "Đúng hạn".into(),
            Status::Late { working_days } => format!("Trễ {working_days} ngày làm việc"),
            Status::Missing => "Chưa nộp".into(),
        }
    }
}

/// The verdicts for a set of expected units.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Timeliness {
    pub by_unit: BTreeMap<UnitId, Status>,
}

impl Timeliness {
    pub fn on_time(&self) -> usize {
        self.by_unit
            .values()
            .filter(|s| **s == Status::OnTime)
            .count()
    }

    pub fn late(&self) -> usize {
        self.by_unit
            .values()
            .filter(|s| matches!(s, Status::Late { .. }))
            .count()
    }

    pub fn missing(&self) -> usize {
        self.by_unit
            .values()
            .filter(|s| **s == Status::Missing)
            .count()
    }

    /// Units on time over units expected, 0.0 when none was expected.
    pub fn on_time_rate(&self) -> f64 {
        if self.by_unit.is_empty() {
            0.0
        } else {
            self.on_time() as f64 / self.by_unit.len() as f64
        }
    }
}

/// Working days strictly after `deadline` up to and including `day`.
fn working_days_after(rules: &RuleBook, deadline: NaiveDate, day: NaiveDate) -> u32 {
    deadline
        .iter_days()
        .skip(1)
        .take_while(|d| *d <= day)
        .filter(|d| rules.is_working_day(*d))
        .count() as u32
}

/// Judges one first receipt time against a deadline day.
pub fn judge(rules: &RuleBook, deadline: NaiveDate, received_at: DateTime<FixedOffset>) -> Status {
    let day = received_at.with_timezone(&TIMEZONE).date_naive();
    if day <= deadline {
        Status::OnTime
    } else {
        // Handing in on a weekend after the deadline is still at least one day late.
        Status::Late {
            working_days: working_days_after(rules, deadline, day).max(1),
        }
    }
}

/// Judges every expected unit: `first_receipts` holds the first tier's `received_at` of each
/// unit that reported (units not expected are ignored).
pub fn assess(
    rules: &RuleBook,
    deadline: NaiveDate,
    expected: &[UnitId],
    first_receipts: &BTreeMap<UnitId, DateTime<FixedOffset>>,
) -> Timeliness {
    let by_unit = expected
        .iter()
        .map(|u| {
            let s = first_receipts
                .get(u)
                .map_or(Status::Missing, |at| judge(rules, deadline, *at));
            (u.clone(), s)
        })
        .collect();
    Timeliness { by_unit }
}
