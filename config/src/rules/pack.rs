//! One rule pack: the forms of each report kind (sections, indicators, checklist items),
//! their periods and deadlines, reminder offsets and the violation kinds in force, for one
//! effective-dated legal regime. Deserialised from `config/rules/<id>.toml`.

use std::fmt;

use chrono::NaiveDate;
use schema::{IndicatorCode, ReportKind, Tier, ViolationKind};
use serde::Deserialize;

use super::RuleError;

/// A month and day without a year, written `"MM-DD"` (29 February is not allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(try_from = "String")]
pub struct MonthDay {
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
}

impl MonthDay {
    /// Parses `"12-15"`.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let bad = || format!("`{raw}` is not a month-day; write \"MM-DD\", e.g. \"12-15\"");
        let (m, d) = raw.split_once('-').ok_or_else(bad)?;
        let (month, day) = (m.parse().map_err(|_| bad())?, d.parse().map_err(|_| bad())?);
        // 2001 is not a leap year, so 02-29 is refused: it would vanish in most years.
        NaiveDate::from_ymd_opt(2001, month, day).ok_or_else(bad)?;
        Ok(Self { month, day })
    }

    /// This month-day in `year`.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year, self.month, self.day)
    }
}

impl TryFrom<String> for MonthDay {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        Self::parse(&s)
    }
}

impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month, self.day)
    }
}

/// A rule pack: the reporting rules of one legal regime, in force `valid_from..=valid_until`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulePack {
    /// Stable id, e.g. `2020-law29`; named in validation errors.
    pub id: String,
    /// Vietnamese title of the regime.
    pub title: String,
    /// The instruments it implements, in Vietnamese (số, ký hiệu, tên).
    pub legal_basis: Vec<String>,
    /// First day in force.
    pub valid_from: NaiveDate,
    /// Last day in force; `None` while no successor is known.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    /// Reminder offsets around each deadline.
    pub reminders: Reminders,
    /// The violation kinds in force.
    #[serde(rename = "violation")]
    pub violations: Vec<ViolationEntry>,
    /// The forms, one per report kind.
    #[serde(rename = "form")]
    pub forms: Vec<Form>,
}

/// When reminders go out relative to a deadline.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reminders {
    /// Days before the deadline a reminder is sent, strictly decreasing, e.g. `[14, 7, 3, 1]`.
    pub days_before: Vec<u32>,
    /// Days after a missed deadline the case is escalated to the unit's superior.
    pub escalate_days_after: u32,
    /// Unchanged from the previous pack.
    #[serde(default)]
    pub carried_over: bool,
}

/// A violation kind listed as in force by a pack.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ViolationEntry {
    /// Code from the taxonomy (`schema::ViolationKind`).
    pub code: ViolationKind,
    /// Unchanged from the previous pack.
    #[serde(default)]
    pub carried_over: bool,
}

/// The form of one report kind.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Form {
    /// The report kind.
    pub kind: ReportKind,
    /// Vietnamese title printed on the report.
    pub title: String,
    /// Title, period, deadline hours and `indicators_of` unchanged from the previous pack.
    #[serde(default)]
    pub carried_over: bool,
    /// The data period, for periodic reports.
    #[serde(default)]
    pub period: Option<PeriodSpec>,
    /// For event-driven reports (incidents): hours allowed from discovery.
    #[serde(default)]
    pub deadline_hours: Option<u32>,
    /// Text sections.
    #[serde(default, rename = "section")]
    pub sections: Vec<SectionSpec>,
    /// Numeric indicators.
    #[serde(default, rename = "indicator")]
    pub indicators: Vec<IndicatorSpec>,
    /// Take the indicators of another form (codes, labels, units, minimums; no maximum,
    /// since totals over many units exceed a unit's bound). Used by consolidated reports.
    #[serde(default)]
    pub indicators_of: Option<ReportKind>,
    /// Checklist items (compliance status, inspection items).
    #[serde(default, rename = "item")]
    pub items: Vec<ItemSpec>,
    /// Deadlines by the tier receiving the report.
    #[serde(default, rename = "deadline")]
    pub deadlines: Vec<DeadlineSpec>,
}

/// A data period relative to the period year `Y`: `start` in `Y + start_year_offset` through
/// `end` in `Y + end_year_offset`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeriodSpec {
    /// First day of data.
    pub start: MonthDay,
    /// Year of `start` relative to the period year (e.g. -1 for 15 Dec of the year before).
    #[serde(default)]
    pub start_year_offset: i32,
    /// Last day of data.
    pub end: MonthDay,
    /// Year of `end` relative to the period year.
    #[serde(default)]
    pub end_year_offset: i32,
}

/// One text section of a form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// Code, e.g. `a`; the field path is `sections.<code>`.
    pub code: IndicatorCode,
    /// Vietnamese title.
    pub title: String,
    /// Maximum length in characters (at most 50,000, the contract's limit).
    pub max_len: u32,
    /// Must be present and not blank.
    #[serde(default)]
    pub required: bool,
    /// Unchanged from the previous pack.
    #[serde(default)]
    pub carried_over: bool,
}

/// One numeric indicator of a form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorSpec {
    /// Code, e.g. `so_vu_lo_mat`; the field path is `indicators.<code>`.
    pub code: IndicatorCode,
    /// Vietnamese label.
    pub label: String,
    /// Vietnamese counting unit, e.g. "vụ", "người", "lượt", "máy".
    pub unit: String,
    /// Smallest accepted value; default 0.
    #[serde(default)]
    pub min: i64,
    /// Largest accepted value; default the contract's limit.
    #[serde(default)]
    pub max: Option<i64>,
    /// Must be reported (0 when there were none).
    #[serde(default)]
    pub required: bool,
    /// Unchanged from the previous pack.
    #[serde(default)]
    pub carried_over: bool,
}

impl IndicatorSpec {
    /// The effective upper bound.
    pub fn max_value(&self) -> i64 {
        self.max.unwrap_or(schema::MAX_INDICATOR_VALUE)
    }
}

/// The answer shape of a checklist item (matches `schema::ComplianceValue`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// Có / Không.
    YesNo,
    /// A date.
    Date,
    /// A count.
    Count,
}

impl ItemKind {
    /// The code used in the rule files.
    pub fn code(self) -> &'static str {
        match self {
            Self::YesNo => "yes_no",
            Self::Date => "date",
            Self::Count => "count",
        }
    }
}

/// One checklist item of a form.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemSpec {
    /// Code, e.g. `noi_quy_ban_hanh`; the field path is `items.<code>`.
    pub code: IndicatorCode,
    /// Vietnamese label (the question on the checklist).
    pub label: String,
    /// Answer shape.
    pub kind: ItemKind,
    /// Must be answered.
    #[serde(default)]
    pub required: bool,
    /// Unchanged from the previous pack.
    #[serde(default)]
    pub carried_over: bool,
}

/// When a periodic report is due at a given receiving tier.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineSpec {
    /// The tier receiving the report: `province` (units and communes reporting to the
    /// province) or `national` (provinces and central agencies reporting to BCA).
    pub to: Tier,
    /// Due date (inclusive) in `period year + year_offset`.
    pub due: MonthDay,
    /// Year of `due` relative to the period year.
    #[serde(default)]
    pub year_offset: i32,
    /// Where the date comes from, in Vietnamese.
    #[serde(default)]
    pub source: Option<String>,
    /// The date is local practice or an assumption, not law: keep it configurable.
    #[serde(default)]
    pub unverified: bool,
    /// Unchanged from the previous pack.
    #[serde(default)]
    pub carried_over: bool,
}

impl RulePack {
    /// Whether the pack is in force on `date`.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.valid_from <= date && self.valid_until.is_none_or(|u| date <= u)
    }

    /// The form of `kind`, if this pack defines one.
    pub fn form(&self, kind: ReportKind) -> Option<&Form> {
        self.forms.iter().find(|f| f.kind == kind)
    }

    /// The violation kinds in force under this pack.
    pub fn violation_kinds(&self) -> impl Iterator<Item = ViolationKind> + '_ {
        self.violations.iter().map(|v| v.code)
    }

    /// The data period of a `kind` report for `period_year` (first and last day, inclusive).
    pub fn period(&self, kind: ReportKind, period_year: i32) -> Option<(NaiveDate, NaiveDate)> {
        let p = self.form(kind)?.period.as_ref()?;
        Some((
            p.start.in_year(period_year + p.start_year_offset)?,
            p.end.in_year(period_year + p.end_year_offset)?,
        ))
    }

    /// The date (inclusive) a `kind` report for `period_year` is due at the receiving tier
    /// `to`: `Tier::Province` for units and communes reporting to their province,
    /// `Tier::National` for provinces and central agencies reporting to BCA.
    pub fn deadline(
        &self,
        kind: ReportKind,
        to: Tier,
        period_year: i32,
    ) -> Result<NaiveDate, RuleError> {
        let none = || RuleError::NoDeadline {
            pack: self.id.clone(),
            kind,
            to,
        };
        let d = self
            .form(kind)
            .and_then(|f| f.deadlines.iter().find(|d| d.to == to))
            .ok_or_else(none)?;
        d.due.in_year(period_year + d.year_offset).ok_or_else(none)
    }

    /// Reminder dates for a deadline, earliest first, and the escalation date.
    pub fn reminder_dates(&self, deadline: NaiveDate) -> (Vec<NaiveDate>, NaiveDate) {
        let before = self
            .reminders
            .days_before
            .iter()
            .filter_map(|d| deadline.checked_sub_days(chrono::Days::new(u64::from(*d))))
            .collect();
        let escalate = deadline
            .checked_add_days(chrono::Days::new(u64::from(
                self.reminders.escalate_days_after,
            )))
            .unwrap_or(deadline);
        (before, escalate)
    }

    /// `valid_from – valid_until` for messages.
    pub fn validity(&self) -> String {
        match self.valid_until {
            Some(u) => format!("{} to {}", self.valid_from, u),
            None => format!("from {}", self.valid_from),
        }
    }
}
