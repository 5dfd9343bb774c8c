//! Reporting obligations, the status matrix and reporting rates (issue 5, items 1–2). Pure:
//! no I/O, no clock; the caller passes "now" (`as_of`).
//!
//! # Inputs
//! - [`UnitRecord`]s: every unit with its validity span (`valid_from ..= valid_to`, inclusive
//!   days), its parent in the area tree and its [`Filer`] class (who it reports to);
//! - [`Succession`]s: predecessor → successor from a date (merges, splits, the 2025 reform);
//! - [`Due`]s: for each report kind and period, the data span and the due date of one filer
//!   class. Build them from the rule book with [`dues_from_rules`] or pass your own;
//! - [`Receipt`]s: the first tier's signed receipts (`received_at` with its offset).
//!
//! # Who owes what ([`StatusMatrix::compute`])
//! For a due with data span `S ..= E` and due date `D`, let the *cut-off* be `min(E, D)`: the
//! last day the obligation can still fall on a unit. For each unit of the due's filer class:
//! 1. not alive on any day of `S ..= cut-off` → no obligation, no cell (e.g. a unit created
//!    after the period ended, or after the deadline);
//! 2. alive on some of those days but dissolved before the cut-off → **exempt**: *restructured*
//!    when it has a whole or default successor (the obligation passes to it), else *dissolved*;
//! 3. alive on the cut-off and *rooted* (alive on `S`, or the whole/default successor of a
//!    rooted unit that existed in the period) → **expected**, judged on the earliest receipt
//!    of the unit or of any whole/default predecessor whose obligation passed to it, i.e.
//!    dissolved before the cut-off (a report filed by such a predecessor counts for its
//!    successor; one dissolved later owed its own): **on time** if received by the end of `D` in
//!    Asia/Ho_Chi_Minh, **late** by working days otherwise; with no receipt **not yet due**
//!    while `as_of` is on or before `D` there, **missing** after;
//! 4. alive on the cut-off but created after `S` without a rooted predecessor (e.g. the
//!    minor part of a split) → **exempt** as created mid-period, unless it reported: then it is
//!    expected and judged like case 3.
//!
//! Receipts after `as_of`, from unknown units or for a kind and period with no due are
//! ignored (counted in [`StatusMatrix::ignored_receipts`]); duplicates and amendments only
//! count their earliest receipt.
//!
//! # Rates ([`StatusMatrix::summary`])
//! Each cell sits at its unit's *position*: the unit's current successor (following whole and
//! default successions to the end), or the unit itself. An area (any node of the tree, e.g. a
//! province, `TW` or `VN`) counts the cells positioned in its subtree, each exactly once.
//! Expected = on time + late + missing + not yet due; received = on time + late. Exempt cells
//! are shown but never expected, so received ≤ expected and both rates stay within 0–100 %.

mod export;
mod matrix;
mod model;
mod schedule;
mod summary;
mod tree;

pub use export::{to_csv, StatusRow, TableRow};
pub use matrix::{Cell, ExemptReason, ObligationStatus, StatusMatrix};
pub use model::{Due, Filer, Receipt, Succession, UnitRecord};
pub use schedule::dues_from_rules;
pub use summary::{Breakdown, RateQuery, RateRow, RateTable};
pub use tree::UnitTree;

pub use config::units::Relation;

use chrono::NaiveDate;
use schema::{ReportKind, UnitId};

/// Why an obligations or rates computation refused its input.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatesError {
    /// Two unit records share an id.
    #[error("unit {0} is listed twice; give each unit one record (one span per id)")]
    DuplicateUnit(UnitId),
    /// A unit's span ends before it starts.
    #[error("unit {unit}: valid_to {valid_to} is before valid_from {valid_from}")]
    InvalidSpan {
        /// The unit.
        unit: UnitId,
        /// First day of existence.
        valid_from: NaiveDate,
        /// Last day of existence.
        valid_to: NaiveDate,
    },
    /// A succession names a unit that is not in the unit list.
    #[error("succession {from} → {to}: unit {missing} is not in the unit list")]
    UnknownUnit {
        /// Predecessor.
        from: UnitId,
        /// Successor.
        to: UnitId,
        /// The one not found.
        missing: UnitId,
    },
    /// A unit has two whole or default successors.
    #[error(
        "unit {unit} has two main successors ({first}, {second}); mark all but one as split_part"
    )]
    AmbiguousSuccessor {
        /// The predecessor.
        unit: UnitId,
        /// One successor.
        first: UnitId,
        /// The other.
        second: UnitId,
    },
    /// Successions or parents go round in a circle.
    #[error("{what} of {unit} loop back to it; check the unit list and successions")]
    Loop {
        /// "successors" or "parents".
        what: &'static str,
        /// A unit on the loop.
        unit: UnitId,
    },
    /// A rates query names an area that is not in the tree.
    #[error("area {0} is not in the unit tree; give a unit id or an area above one")]
    UnknownArea(UnitId),
    /// A due's data span or deadline is inconsistent.
    #[error("{} {period} for {filer:?}: {reason}", kind.code())]
    InvalidDue {
        /// Report kind.
        kind: ReportKind,
        /// Period.
        period: schema::ReportingPeriod,
        /// Filer class.
        filer: Filer,
        /// What is wrong.
        reason: String,
    },
    /// The rule book has no answer (no pack in force, no period for a kind).
    #[error("rule book: {0}")]
    Rules(String),
    /// A CSV export failed.
    #[error("CSV export: {0}")]
    Csv(String),
}
