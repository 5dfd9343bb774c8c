//! The inputs of the obligations computation: units with validity spans, successions, due
//! dates and first-tier receipts. Plain data; checked when a [`super::UnitTree`] or a
//! [`super::StatusMatrix`] is built.

use chrono::{DateTime, FixedOffset, NaiveDate};
use config::units::Relation;
use schema::{ReportKind, ReportingPeriod, Tier, UnitId};

/// Which due dates apply to a unit: who receives its reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Filer {
    /// A unit under a province (department, commune, legacy district, their agencies):
    /// reports to the province (`Tier::Province` deadlines).
    Local,
    /// A central agency (`TW/...`): reports straight to BCA (`Tier::National` deadlines).
    Central,
    /// A province: sends the consolidated report to BCA (`Tier::National` deadlines).
    Province,
    /// Files nothing (the nation `VN`, the `TW` bucket, pure areas).
    None,
}

impl Filer {
    /// The class read off a unit id's shape.
    pub fn of(id: &UnitId) -> Filer {
        match id.tier() {
            Tier::National | Tier::Central => Filer::None,
            Tier::Province => Filer::Province,
            Tier::District | Tier::Commune => Filer::Local,
            Tier::Agency if id.province_code().is_some() => Filer::Local,
            Tier::Agency => Filer::Central,
        }
    }

    /// The tier receiving this class's reports, whose deadlines apply.
    pub fn receiving_tier(self) -> Option<Tier> {
        match self {
            Filer::Local => Some(Tier::Province),
            Filer::Central | Filer::Province => Some(Tier::National),
            Filer::None => None,
        }
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            Filer::Local => "Đơn vị thuộc tỉnh",
            Filer::Central => "Cơ quan Trung ương",
            Filer::Province => "Tỉnh, thành phố",
            Filer::None => "Không phải nộp",
        }
    }
}

/// One unit and the days it existed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitRecord {
    /// Its id.
    pub id: UnitId,
    /// Display name, NFC (e.g. "Phường Ba Đình"); rows are sorted on it.
    pub name: String,
    /// The node above it in the area tree; `None` for a root. Defaults to `id.parent()`;
    /// set it for units whose id-derived parent is not the area that should count them.
    pub parent: Option<UnitId>,
    /// First day of existence (inclusive).
    pub valid_from: NaiveDate,
    /// Last day of existence (inclusive); `None` while it exists.
    pub valid_to: Option<NaiveDate>,
    /// Whose deadlines apply; defaults to [`Filer::of`] the id.
    pub filer: Filer,
}

impl UnitRecord {
    /// A unit with the parent and filer class read off its id.
    pub fn new(
        id: UnitId,
        name: impl Into<String>,
        valid_from: NaiveDate,
        valid_to: Option<NaiveDate>,
    ) -> Self {
        Self {
            parent: id.parent(),
            filer: Filer::of(&id),
            id,
            name: name.into(),
            valid_from,
            valid_to,
        }
    }

    /// Whether the unit exists on `day`.
    pub fn alive_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|t| day <= t)
    }

    /// Whether the unit exists on some day of `from ..= to`.
    pub fn alive_during(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.valid_from <= to && self.valid_to.is_none_or(|t| from <= t)
    }
}

/// `from` went (wholly or partly) into `to`, which exists from `on`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Succession {
    /// The predecessor (its `valid_to` is normally the day before `on`).
    pub from: UnitId,
    /// The successor.
    pub to: UnitId,
    /// First day of the new arrangement (e.g. 2025-07-01).
    pub on: NaiveDate,
    /// Whole, split-default (takes over obligations and history) or split-part (does not).
    pub relation: Relation,
}

/// One due date: a report kind and period, its data span and when it is due from one
/// filer class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Due {
    /// The report kind.
    pub kind: ReportKind,
    /// The period, as named in receipts (for calendar-year kinds, `Annual(year)`).
    pub period: ReportingPeriod,
    /// First day of data (inclusive).
    pub starts: NaiveDate,
    /// Last day of data (inclusive).
    pub ends: NaiveDate,
    /// The filer class this due date applies to.
    pub filer: Filer,
    /// Due date, inclusive (on time until the end of the day in Asia/Ho_Chi_Minh).
    pub deadline: NaiveDate,
}

impl Due {
    /// The last day the obligation can fall on a unit: the earlier of the period's end and
    /// the deadline.
    pub fn cutoff(&self) -> NaiveDate {
        self.ends.min(self.deadline)
    }
}

/// A first-tier receipt: the unit that filed, what, and when the first tier signed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The unit that filed (possibly a predecessor of today's unit).
    pub unit: UnitId,
    /// Report kind.
    pub kind: ReportKind,
    /// Period.
    pub period: ReportingPeriod,
    /// `received_at` of the first tier's signed receipt, with its offset.
    pub received_at: DateTime<FixedOffset>,
}
