//! Effective-dated rule packs and the working calendar ([`RuleBook`]).
//!
//! The reporting rules are data, not code: each legal regime is a TOML pack under
//! `config/rules/` (`2020-law29.toml`: Law 29/2018 + Decree 26/2020, 2020-07-01 to
//! 2026-02-28; `2026-law117.toml`: Law 117/2025 + Decree 63/2026, from 2026-03-01), with the
//! forms of each report kind, periods, deadlines by receiving tier, reminder offsets and the
//! violation kinds in force. `calendar.toml` gives the working week and `holidays/YYYY.toml`
//! each year's public holidays and swapped working days. All of it is embedded in the binary
//! ([`RuleBook::embedded`]) and can be replaced by a directory with the same layout
//! ([`RuleBook::from_dir`]).
//!
//! Loading validates everything: packs tile the time line from 2020-07-01 without overlap or
//! gap, codes are unique, bounds are sane, violation kinds parse and are in force when the
//! pack starts, and entries marked `carried_over = true` equal the previous pack's.
//!
//! Which pack applies to a report: the one in force on the last day of its data period
//! (`schema::ReportingPeriod::end`), so the 2025 annual report (ending 2025-12-14) follows the
//! 2020 pack and the 2026 one the 2026 pack.

mod calendar;
mod check;
mod pack;
mod payload;
mod sources;
mod validate;

use std::path::Path;
use std::sync::OnceLock;

use chrono::NaiveDate;
use schema::{ReportKind, Tier};
use serde::de::DeserializeOwned;
use unicode_normalization::is_nfc;

pub use calendar::{Calendar, Holiday};
pub use check::COVERAGE_START;
pub use pack::{
    DeadlineSpec, Form, IndicatorSpec, ItemKind, ItemSpec, MonthDay, PeriodSpec, Reminders,
    RulePack, SectionSpec, ViolationEntry,
};
pub use sources::{is_rule_file_name, RuleSources};

/// Rule packs or the calendar could not be loaded, or a lookup has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// A rule file cannot be read, parsed or is inconsistent.
    #[error("rule file {file}: {message}")]
    File {
        /// The file (name or path).
        file: String,
        /// What is wrong, with the key path, and what to do.
        message: String,
    },
    /// The packs together are inconsistent (overlap, gap, carried-over mismatch).
    #[error("rule packs: {0}")]
    Book(String),
    /// No pack is in force on the date.
    #[error(
        "no rule pack is in force on {date}; packs cover {covered}. Check the date, or add a pack"
    )]
    NoPack {
        /// The date asked for.
        date: NaiveDate,
        /// The span the packs cover.
        covered: String,
    },
    /// The pack defines no deadline for this report kind and receiving tier.
    #[error(
        "rule pack {pack} has no deadline for {} reports sent to the {to:?} tier; \
         incident reports are due deadline_hours after discovery, and other combinations \
         need a [[form.deadline]] entry in the pack", kind.code()
    )]
    NoDeadline {
        /// The pack.
        pack: String,
        /// The report kind.
        kind: ReportKind,
        /// The receiving tier asked for.
        to: Tier,
    },
}

/// All rule packs plus the working calendar.
#[derive(Debug, Clone)]
pub struct RuleBook {
    packs: Vec<RulePack>,
    calendar: Calendar,
}

/// The embedded rule files: (name, text).
const EMBEDDED_PACKS: &[(&str, &str)] = &[
    (
        "2020-law29.toml",
        include_str!("../../rules/2020-law29.toml"),
    ),
    (
        "2026-law117.toml",
        include_str!("../../rules/2026-law117.toml"),
    ),
];
const EMBEDDED_CALENDAR: &str = include_str!("../../rules/calendar.toml");
const EMBEDDED_HOLIDAYS: &[(&str, &str)] = &[
    (
        "holidays/2025.toml",
        include_str!("../../rules/holidays/2025.toml"),
    ),
    (
        "holidays/2026.toml",
        include_str!("../../rules/holidays/2026.toml"),
    ),
    (
        "holidays/2027.toml",
        include_str!("../../rules/holidays/2027.toml"),
    ),
];

/// Checks that a Vietnamese text is present and NFC.
pub(crate) fn check_vi(text: &str, what: &str) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err(format!("{what} must not be empty"));
    }
    if !is_nfc(text) {
        return Err(format!(
            "{what} is not Unicode NFC; save the file with composed characters"
        ));
    }
    Ok(())
}

/// Parses TOML text into `T`, naming the key path of any error.
fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, RuleError> {
    let err = |message: String| RuleError::File {
        file: file.to_string(),
        message,
    };
    let table: toml::Table =
        toml::from_str(text).map_err(|e| err(e.to_string().trim_end().to_string()))?;
    // Through `toml::Value`, TOML dates reach chrono as strings.
    serde_path_to_error::deserialize(toml::Value::Table(table)).map_err(|e| {
        let path = e.path().to_string();
        err(format!("key `{path}`: {}", e.inner().message()))
    })
}

impl RuleBook {
    /// The packs and calendar built into the binary, parsed once.
    pub fn embedded() -> Result<&'static RuleBook, RuleError> {
        static BOOK: OnceLock<Result<RuleBook, RuleError>> = OnceLock::new();
        BOOK.get_or_init(|| RuleSources::embedded().build())
            .as_ref()
            .map_err(Clone::clone)
    }

    /// Loads a directory laid out like `config/rules/`: every `*.toml` at the top except
    /// `calendar.toml` is a pack; `calendar.toml` is the working week; `holidays/*.toml` are
    /// the years' holidays. The directory must be complete (it replaces the embedded set).
    pub fn from_dir(dir: impl AsRef<Path>) -> Result<RuleBook, RuleError> {
        RuleSources::from_dir(dir.as_ref())?.build()
    }

    /// Builds a book from file texts: packs and holiday files as (name, text), the calendar
    /// as (name, text). Names only appear in error messages.
    pub fn from_sources(
        packs: &[(String, String)],
        calendar: (&str, &str),
        holidays: &[(String, String)],
    ) -> Result<RuleBook, RuleError> {
        let mut loaded = Vec::new();
        for (name, text) in packs {
            let mut pack: RulePack = parse(name, text)?;
            check::check_pack(&mut pack).map_err(|message| RuleError::File {
                file: name.clone(),
                message,
            })?;
            loaded.push(pack);
        }
        check::check_book(&mut loaded).map_err(RuleError::Book)?;
        let (cal_name, cal_text) = calendar;
        let file_err = |file: &str| {
            let file = file.to_string();
            move |message| RuleError::File { file, message }
        };
        let mut cal = Calendar::new(parse(cal_name, cal_text)?).map_err(file_err(cal_name))?;
        for (name, text) in holidays {
            cal.add_year(parse(name, text)?).map_err(file_err(name))?;
        }
        Ok(RuleBook {
            packs: loaded,
            calendar: cal,
        })
    }

    /// The packs, oldest first.
    pub fn packs(&self) -> &[RulePack] {
        &self.packs
    }

    /// The pack in force on `date`.
    pub fn pack_for(&self, date: NaiveDate) -> Result<&RulePack, RuleError> {
        self.packs
            .iter()
            .find(|p| p.in_force_on(date))
            .ok_or_else(|| RuleError::NoPack {
                date,
                covered: match (self.packs.first(), self.packs.last()) {
                    (Some(a), Some(b)) => match b.valid_until {
                        Some(u) => format!("{} to {u}", a.valid_from),
                        None => format!("{} onwards", a.valid_from),
                    },
                    _ => "nothing".into(),
                },
            })
    }

    /// The pack by id, e.g. `2020-law29`.
    pub fn pack(&self, id: &str) -> Option<&RulePack> {
        self.packs.iter().find(|p| p.id == id)
    }

    /// The working calendar.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// Whether `date` is a working day (see [`Calendar::is_working_day`]).
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        self.calendar.is_working_day(date)
    }

    /// `n` working days after `date` (see [`Calendar::add_working_days`]).
    pub fn add_working_days(&self, date: NaiveDate, n: i32) -> NaiveDate {
        self.calendar.add_working_days(date, n)
    }
}
